// rule_index: joins the rule catalog with what the source tree says about each rule, and
// either writes the rules reference (docs/rules.md, docs/open_questions.md) and the trace
// events reference (docs/trace_events.md, from the boundary's argument schema), checks that
// the committed copies are current, or checks rule coverage.
//
// Inputs: the catalog (rules.tsv), the documentation pages its source keys name
// (sources.tsv), the open questions (open_questions.tsv), and any number of source files,
// recognised by what they contain, never by their name or folder:
//   - a test: TEST/TEST_P/TEST_F bodies; the rules a test checks are the string literals of
//     its NDISCONF_RULES(...) statement;
//   - a monitor check table: X-macro entries X(kEnum, "RULE", "check-name", "description");
//   - a seeded bug: an Implementation with `.name = "..."` and `.seeded_rule = "RULE"`;
//   - a settings struct: a struct that derives from OpenQuestionPolicy or has at least one
//     field whose comment names an open question (OQ-xx); its fields whose comments name
//     OQ-xx or rule IDs are the settings.
// So files can move or split without touching this tool.
//
// Modes (exactly one):
//   --write=DIR     write rules.md, open_questions.md and trace_events.md into DIR; a relative DIR is taken
//                   from the workspace root under `bazel run` (BUILD_WORKSPACE_DIRECTORY).
//   --check=DIR     compare with the copies in DIR; exit 1, naming the first difference and
//                   the command to regenerate, when they differ.
//   --coverage      exit 1 when a MUST / MUST NOT rule is cited by no test and not marked
//                   `untestable: <reason>` in the catalog, or a test cites an unknown rule.
// Exit status: 0 success, 1 a check failed, 2 bad usage or malformed input (a message on
// stderr names the file and line).
#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "reference/boundary/fn.h"

namespace {

constexpr std::string_view kRegenerate = "bazel run //docs:regenerate";

// A fatal input error: reported once on stderr, exit status 2.
struct InputError {
  std::string message;
};

[[noreturn]] void Fail(std::string message) { throw InputError{std::move(message)}; }

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) Fail("cannot open " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  std::string line;
  std::istringstream in(text);
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
  }
  return lines;
}

std::vector<std::string> Split(std::string_view text, char sep) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t end = text.find(sep, start);
    parts.emplace_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return parts;
}

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

bool IsIdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Rule IDs (AF-031, WAN-103, MON-001) and open-question IDs (OQ-07) named in free text, in
// order of first appearance.
std::vector<std::string> FindIds(std::string_view text, bool open_questions) {
  std::vector<std::string> ids;
  for (size_t i = 0; i < text.size(); ++i) {
    if (i > 0 && (IsIdentChar(text[i - 1]) || text[i - 1] == '-')) continue;
    size_t j = i;
    while (j < text.size() && std::isupper(static_cast<unsigned char>(text[j]))) ++j;
    if (j == i || j >= text.size() || text[j] != '-') continue;
    std::string_view prefix = text.substr(i, j - i);
    size_t k = j + 1;
    while (k < text.size() && std::isdigit(static_cast<unsigned char>(text[k]))) ++k;
    size_t digits = k - j - 1;
    if (k < text.size() && IsIdentChar(text[k])) continue;
    bool is_oq = prefix == "OQ" && digits == 2;
    bool is_rule = prefix != "OQ" && digits == 3;
    if (is_oq != open_questions || !(is_oq || is_rule)) continue;
    std::string id(text.substr(i, k - i));
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
  }
  return ids;
}

// ---- The catalog files ----

struct Table {
  std::string path;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<int> line_of_row;
};

Table ReadTsv(const std::string& path, const std::vector<std::string>& expected_header) {
  Table table{.path = path};
  std::vector<std::string> lines = SplitLines(ReadFile(path));
  if (lines.empty()) Fail(path + ": empty file");
  table.header = Split(lines[0], '\t');
  if (table.header != expected_header) Fail(path + ":1: unexpected header row");
  for (size_t i = 1; i < lines.size(); ++i) {
    if (lines[i].empty()) continue;
    std::vector<std::string> row = Split(lines[i], '\t');
    if (row.size() != expected_header.size()) {
      Fail(path + ":" + std::to_string(i + 1) + ": " + std::to_string(row.size()) +
           " fields, expected " + std::to_string(expected_header.size()));
    }
    table.rows.push_back(std::move(row));
    table.line_of_row.push_back(static_cast<int>(i + 1));
  }
  return table;
}

struct Rule {
  std::string id, level, actor, section, rule, kind, testability, notes;
  std::vector<std::string> sources;
  bool IsMust() const { return level == "MUST" || level == "MUST NOT"; }
};

std::vector<Rule> ReadCatalog(const std::string& path) {
  Table t = ReadTsv(
      path, {"id", "level", "actor", "section", "sources", "rule", "kind", "testability", "notes"});
  std::vector<Rule> rules;
  for (const auto& r : t.rows) {
    Rule rule{.id = r[0],
              .level = r[1],
              .actor = r[2],
              .section = r[3],
              .rule = r[5],
              .kind = r[6],
              .testability = r[7],
              .notes = r[8]};
    if (r[4] != "-") {
      for (const std::string& key : Split(r[4], ';')) rule.sources.push_back(Trim(key));
    }
    rules.push_back(std::move(rule));
  }
  return rules;
}

struct Source {
  std::string title, url;
};

std::map<std::string, Source> ReadSources(const std::string& path) {
  Table t = ReadTsv(path, {"key", "title", "url"});
  std::map<std::string, Source> sources;
  for (size_t i = 0; i < t.rows.size(); ++i) {
    const auto& r = t.rows[i];
    if (!sources.emplace(r[0], Source{r[1], r[2]}).second) {
      Fail(path + ":" + std::to_string(t.line_of_row[i]) + ": duplicate key " + r[0]);
    }
  }
  return sources;
}

struct OpenQuestion {
  std::string id, topic, question, recommended;
};

std::vector<OpenQuestion> ReadOpenQuestions(const std::string& path) {
  Table t = ReadTsv(path, {"id", "topic", "question", "default"});
  std::vector<OpenQuestion> oqs;
  for (size_t i = 0; i < t.rows.size(); ++i) {
    const auto& r = t.rows[i];
    if (FindIds(r[0], true) != std::vector<std::string>{r[0]}) {
      Fail(path + ":" + std::to_string(t.line_of_row[i]) + ": not an OQ-xx id: " + r[0]);
    }
    oqs.push_back({r[0], r[1], r[2], r[3]});
  }
  return oqs;
}

// ---- The source files ----

// One line of C++ with comments and string/char literal contents removed (`code`), the
// comment text (`comment`), and the string literals in order (`strings`). Block comments
// are rare in this tree; they are handled, spanning lines, through `in_block`.
struct LexedLine {
  std::string code, comment;
  std::vector<std::string> strings;
};

LexedLine Lex(const std::string& line, bool& in_block) {
  LexedLine out;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (in_block) {
      if (c == '*' && i + 1 < line.size() && line[i + 1] == '/') {
        in_block = false;
        ++i;
      } else {
        out.comment += c;
      }
      continue;
    }
    if (c == '/' && i + 1 < line.size() && line[i + 1] == '/') {
      out.comment += line.substr(i + 2);
      break;
    }
    if (c == '/' && i + 1 < line.size() && line[i + 1] == '*') {
      in_block = true;
      ++i;
      continue;
    }
    if (c == '"' || c == '\'') {
      std::string literal;
      size_t j = i + 1;
      for (; j < line.size() && line[j] != c; ++j) {
        if (line[j] == '\\' && j + 1 < line.size()) ++j;
        literal += line[j];
      }
      out.code += c;
      out.code += c;
      if (c == '"') out.strings.push_back(literal);
      i = j;
      continue;
    }
    out.code += c;
  }
  return out;
}

struct TestCase {
  std::string name;  // Suite.Name
  std::string file;
  std::vector<std::string> rules;
};

struct Check {
  std::string rule, name, description, file;
};

struct SeededBug {
  std::string name, rule, file;
};

struct Setting {
  std::string name;  // Struct::field
  std::string default_value;
  std::string file;
  std::vector<std::string> oqs, rules;
};

struct Tree {
  std::vector<TestCase> tests;
  std::vector<Check> checks;
  std::vector<SeededBug> bugs;
  std::vector<Setting> settings;
};

// TEST(Suite, Name), TEST_P(...), TEST_F(...), TYPED_TEST(...), TYPED_TEST_P(...) at the
// start of a line: "Suite.Name", or nothing.
std::optional<std::string> TestHeader(const std::string& code) {
  std::string t = Trim(code);
  for (std::string_view macro : {"TEST(", "TEST_P(", "TEST_F(", "TYPED_TEST(", "TYPED_TEST_P("}) {
    if (!StartsWith(t, macro)) continue;
    size_t close = t.find(')');
    if (close == std::string::npos) return std::nullopt;
    std::vector<std::string> args = Split(t.substr(macro.size(), close - macro.size()), ',');
    if (args.size() != 2) return std::nullopt;
    return Trim(args[0]) + "." + Trim(args[1]);
  }
  return std::nullopt;
}

void ScanTests(const std::string& file, const std::vector<LexedLine>& lines, Tree& tree) {
  std::optional<size_t> current;  // index into tree.tests
  for (size_t i = 0; i < lines.size(); ++i) {
    if (auto name = TestHeader(lines[i].code)) {
      tree.tests.push_back({*name, file, {}});
      current = tree.tests.size() - 1;
      continue;
    }
    size_t at = lines[i].code.find("NDISCONF_RULES(");
    if (at == std::string::npos || !current) continue;
    if (lines[i].code.find("#define") != std::string::npos) continue;
    // The citation may span lines: collect literals up to the closing parenthesis.
    int depth = 0;
    for (size_t j = i; j < lines.size(); ++j) {
      const std::string& code = lines[j].code;
      size_t from = j == i ? at + std::string_view("NDISCONF_RULES").size() : 0;
      size_t literal = 0;
      bool done = false;
      for (size_t k = 0; k < code.size(); ++k) {
        if (code[k] == '"' && k + 1 < code.size() && code[k + 1] == '"') {
          if (k >= from && literal < lines[j].strings.size()) {
            tree.tests[*current].rules.push_back(lines[j].strings[literal]);
          }
          ++literal;
          ++k;
        } else if (k >= from && code[k] == '(') {
          ++depth;
        } else if (k >= from && code[k] == ')') {
          if (--depth == 0) {
            done = true;
            break;
          }
        }
      }
      if (done) break;
    }
  }
}

// X(kEnum, "RULE", "check-name", "description") entries, backslash-continued; adjacent
// string literals of the description are joined.
void ScanChecks(const std::string& file, const std::vector<LexedLine>& lines, Tree& tree) {
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string t = Trim(lines[i].code);
    if (!StartsWith(t, "X(")) continue;
    std::vector<std::string> strings;
    bool closed = false;
    for (size_t j = i; j < lines.size() && !closed; ++j) {
      strings.insert(strings.end(), lines[j].strings.begin(), lines[j].strings.end());
      std::string code = lines[j].code;
      if (j == i) code = code.substr(code.find("X(") + 2);
      int depth = 1;
      for (char c : code) {
        if (c == '(') ++depth;
        if (c == ')' && --depth == 0) closed = true;
      }
      if (closed) i = j;
    }
    if (strings.size() < 3) continue;
    std::vector<std::string> ids = FindIds(strings[0], false);
    if (ids.size() != 1 || ids[0] != strings[0]) continue;
    std::string description;
    for (size_t s = 2; s < strings.size(); ++s) description += strings[s];
    tree.checks.push_back({strings[0], strings[1], description, file});
  }
}

// `.name = "bug-..."` followed by `.seeded_rule = "RULE"`.
void ScanSeededBugs(const std::string& file, const std::vector<LexedLine>& lines, Tree& tree) {
  std::string name;
  for (const LexedLine& line : lines) {
    std::string t = Trim(line.code);
    if (line.strings.empty()) continue;
    if (StartsWith(t, ".name =")) name = line.strings[0];
    if (StartsWith(t, ".seeded_rule =") && !name.empty()) {
      tree.bugs.push_back({name, line.strings[0], file});
      name.clear();
    }
  }
}

// Fields of structs whose comments name open questions. A field's comment is the block of
// comment lines right above it (or above the enum declared just before it).
void ScanSettings(const std::string& file, const std::vector<LexedLine>& lines, Tree& tree) {
  struct Scope {
    std::string struct_name;  // empty: not a struct
  };
  struct Field {
    std::string name, default_value, comment;
  };
  std::vector<Scope> scopes;
  std::map<std::string, std::vector<Field>> fields_of;  // struct -> fields, in order
  std::vector<std::string> struct_order;
  std::set<std::string> policy_structs;  // derive from spec::OpenQuestionPolicy
  std::string pending;                   // comment lines waiting for their field
  for (const LexedLine& line : lines) {
    std::string code = Trim(line.code);
    bool in_struct = !scopes.empty() && !scopes.back().struct_name.empty();
    if (in_struct) {
      if (code.empty() && !line.comment.empty()) {
        pending += Trim(line.comment) + " ";
      } else if (code.empty()) {
        pending.clear();
      } else if (!StartsWith(code, "enum") && !StartsWith(code, "}") &&
                 code.find('(') == std::string::npos && code.back() == ';' &&
                 code.find('{') == std::string::npos) {
        // `Type name = value;` or `Type name;`
        std::string decl = code.substr(0, code.size() - 1);
        std::string value;
        if (size_t eq = decl.find('='); eq != std::string::npos) {
          value = Trim(decl.substr(eq + 1));
          decl = Trim(decl.substr(0, eq));
        }
        size_t start = decl.size();
        while (start > 0 && IsIdentChar(decl[start - 1])) --start;
        std::string name = decl.substr(start);
        if (!name.empty() && start > 0 && !StartsWith(decl, "static") &&
            !StartsWith(decl, "using") && !StartsWith(decl, "friend")) {
          // The literal of a string default is blanked by the lexer; restore it.
          if (value == "\"\"" && !line.strings.empty()) value = "\"" + line.strings[0] + "\"";
          fields_of[scopes.back().struct_name].push_back({name, value, pending});
        }
        pending.clear();
      } else if (!StartsWith(code, "enum") && !StartsWith(code, "}")) {
        pending.clear();
      }
    }
    for (size_t k = 0; k < code.size(); ++k) {
      if (code[k] == '{') {
        std::string before = Trim(code.substr(0, k));
        std::string name;
        for (std::string_view kw : {"struct ", "class "}) {
          size_t at = before.rfind(kw);
          if (at == std::string::npos || (at > 0 && IsIdentChar(before[at - 1]))) continue;
          if (StartsWith(before, "enum")) continue;
          std::string rest = Trim(before.substr(at + kw.size()));
          size_t end = 0;
          while (end < rest.size() && IsIdentChar(rest[end])) ++end;
          name = rest.substr(0, end);
        }
        if (!name.empty() &&
            std::find(struct_order.begin(), struct_order.end(), name) == struct_order.end()) {
          struct_order.push_back(name);
        }
        // A struct that embeds the open-question policy is a settings struct
        // even when none of its own fields is an open question.
        if (!name.empty() && before.find("OpenQuestionPolicy") != std::string::npos) {
          policy_structs.insert(name);
        }
        scopes.push_back({name});
      } else if (code[k] == '}' && !scopes.empty()) {
        scopes.pop_back();
      }
    }
  }
  for (const std::string& s : struct_order) {
    const std::vector<Field>& fields = fields_of[s];
    bool knobs = policy_structs.count(s) != 0 ||
                 std::any_of(fields.begin(), fields.end(),
                             [](const Field& f) { return !FindIds(f.comment, true).empty(); });
    if (!knobs) continue;
    for (const Field& f : fields) {
      std::vector<std::string> oqs = FindIds(f.comment, true);
      std::vector<std::string> rules = FindIds(f.comment, false);
      if (oqs.empty() && rules.empty()) continue;
      tree.settings.push_back({s + "::" + f.name, f.default_value, file, oqs, rules});
    }
  }
}

Tree ScanTree(const std::vector<std::string>& files) {
  Tree tree;
  std::vector<std::string> sorted = files;
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  for (const std::string& file : sorted) {
    std::vector<LexedLine> lines;
    bool in_block = false;
    for (const std::string& raw : SplitLines(ReadFile(file))) {
      lines.push_back(Lex(raw, in_block));
    }
    ScanTests(file, lines, tree);
    ScanChecks(file, lines, tree);
    ScanSeededBugs(file, lines, tree);
    if (file.ends_with(".h")) ScanSettings(file, lines, tree);
  }
  return tree;
}

// ---- Output ----

const std::map<std::string, std::string>& SectionTitles() {
  static const std::map<std::string, std::string> titles = {
      {"5.1", "AF registration"},
      {"5.2", "AF register notification"},
      {"5.3", "Opening an AF"},
      {"5.4", "Closing an AF (client-initiated)"},
      {"5.5", "Notify-close (initiated by the CM or MCM)"},
      {"5.6", "SAPs"},
      {"5.7", "VCs of an AF"},
      {"5.8", "Unbind and halt with AFs open"},
      {"5.9", "Entry-point registration"},
      {"5.10", "Handle identity and the CoNDIS-TAPI chain"},
      {"5.11", "NdisMIndicateStatus in general"},
      {"5.12", "Line-up"},
      {"5.13", "Line-down"},
      {"5.14", "Fragment"},
      {"5.15", "TAPI indications"},
      {"5.16", "OID_TAPI_GET_ID"},
      {"5.17", "TAPI line and call lifecycle of the WAN miniport"},
      {"5.18", "Encoding and robustness of the model"},
  };
  return titles;
}

std::string SectionTitle(const std::string& section) {
  auto it = SectionTitles().find(section);
  return "Section " + section + (it == SectionTitles().end() ? "" : ": " + it->second);
}

std::string Anchor(const std::string& id) {
  std::string a;
  for (char c : id) a += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return a;
}

// Text from the catalog goes into markdown as is, except the characters that would start
// markup (emphasis, HTML, code) or, in a table cell, end the cell. Underscores inside words
// (NDIS_STATUS_FAILURE) start no emphasis in GitHub markdown and stay as they are.
std::string Md(std::string_view text, bool table_cell = false) {
  std::string out;
  for (char c : text) {
    if (c == '*' || c == '<' || c == '`' || (table_cell && c == '|')) out += '\\';
    out += c;
  }
  return out;
}

std::string SettingText(const Setting& s) {
  std::string text = "`" + s.name + "`";
  if (!s.default_value.empty()) text += " (default `" + s.default_value + "`)";
  return text;
}

struct Index {
  const std::vector<Rule>& rules;
  const std::map<std::string, Source>& sources;
  const std::vector<OpenQuestion>& oqs;
  const Tree& tree;
  std::map<std::string, std::vector<const TestCase*>> tests_of;
  std::map<std::string, std::vector<const Check*>> checks_of;
  std::map<std::string, std::vector<const SeededBug*>> bugs_of;
  std::map<std::string, std::vector<const Setting*>> settings_of_rule, settings_of_oq;
  std::map<std::string, std::vector<std::string>> oqs_of_rule, rules_of_oq;
};

void AddUnique(std::vector<std::string>& v, const std::string& s) {
  if (std::find(v.begin(), v.end(), s) == v.end()) v.push_back(s);
}

void AddUnique(std::vector<const Setting*>& v, const Setting* s) {
  if (std::find(v.begin(), v.end(), s) == v.end()) v.push_back(s);
}

Index BuildIndex(const std::vector<Rule>& rules, const std::map<std::string, Source>& sources,
                 const std::vector<OpenQuestion>& oqs, const Tree& tree) {
  Index ix{rules, sources, oqs, tree, {}, {}, {}, {}, {}, {}, {}};
  std::set<std::string> known_oqs;
  for (const OpenQuestion& oq : oqs) known_oqs.insert(oq.id);
  for (const TestCase& t : tree.tests) {
    for (const std::string& r : t.rules) ix.tests_of[r].push_back(&t);
  }
  for (const Check& c : tree.checks) ix.checks_of[c.rule].push_back(&c);
  for (const SeededBug& b : tree.bugs) ix.bugs_of[b.rule].push_back(&b);
  for (const Setting& s : tree.settings) {
    for (const std::string& r : s.rules) ix.settings_of_rule[r].push_back(&s);
    for (const std::string& q : s.oqs) {
      if (!known_oqs.count(q)) Fail(s.file + ": " + s.name + " names " + q + ", not an OQ-xx");
      ix.settings_of_oq[q].push_back(&s);
    }
  }
  for (const Rule& r : rules) {
    for (const std::string& key : r.sources) {
      if (!sources.count(key)) {
        Fail("sources.tsv has no entry for " + key + " (cited by " + r.id + ")");
      }
    }
    // Open questions: the catalog's notes, and those of the checks and settings naming it.
    std::vector<std::string>& oq = ix.oqs_of_rule[r.id];
    for (const std::string& q : FindIds(r.notes, true)) AddUnique(oq, q);
    if (auto checks = ix.checks_of.find(r.id); checks != ix.checks_of.end()) {
      for (const Check* c : checks->second) {
        for (const std::string& q : FindIds(c->description, true)) AddUnique(oq, q);
      }
    }
    for (const std::string& q : oq) {
      if (!known_oqs.count(q)) Fail("rules.tsv: " + r.id + " names " + q + ", not an OQ-xx");
      AddUnique(ix.rules_of_oq[q], r.id);
    }
    // Settings the catalog's notes name (Struct::field): matched by field name, so a
    // setting that moves to another struct is still found; one no struct declares is an
    // error, so the notes cannot go stale.
    std::string_view notes = r.notes;
    for (size_t at = notes.find("::"); at != std::string_view::npos;
         at = notes.find("::", at + 2)) {
      size_t end = at + 2;
      while (end < notes.size() && IsIdentChar(notes[end])) ++end;
      std::string field(notes.substr(at + 2, end - at - 2));
      if (field.empty()) continue;
      const Setting* found = nullptr;
      for (const Setting& s : tree.settings) {
        if (s.name.ends_with("::" + field)) found = &s;
      }
      if (!found) {
        Fail("rules.tsv: " + r.id + " notes name the setting " + field +
             ", which no settings struct declares (with an OQ-xx or rule ID in its comment)");
      }
      AddUnique(ix.settings_of_rule[r.id], found);
    }
    for (const std::string& q : oq) {
      if (auto it = ix.settings_of_oq.find(q); it != ix.settings_of_oq.end()) {
        for (const Setting* s : it->second) AddUnique(ix.settings_of_rule[r.id], s);
      }
    }
  }
  return ix;
}

std::string RulesMarkdown(const Index& ix) {
  std::ostringstream md;
  md << "# Rules reference\n\n"
     << "<!-- Generated by `" << kRegenerate << "` (tools/rule_index) from\n"
     << "     conformance/catalog/*.tsv and the source tree. Do not edit by hand. -->\n\n"
     << "Every rule the project checks, one entry per rule of the catalog\n"
     << "(`conformance/catalog/rules.tsv`), which is the project's specification. Each entry\n"
     << "gives the rule's level and actor, the project's paraphrase, the Microsoft\n"
     << "documentation it rests on, the open questions and settings that shape it, and what\n"
     << "covers it: the conformance tests that cite it (`NDISCONF_RULES`), the seeded bugs\n"
     << "that break it on purpose, and the monitor checks that report it. Deliberate\n"
     << "departures from the sources are in `conformance/catalog/exceptions.md`; the open\n"
     << "questions are explained in [open_questions.md](open_questions.md).\n\n";

  // Totals per level.
  std::map<std::string, std::array<int, 4>> totals;  // rules, tested, checked, untestable
  std::vector<std::string> level_order = {"MUST", "MUST NOT", "SHOULD", "MAY", "INFO", "DERIVED"};
  for (const Rule& r : ix.rules) {
    if (std::find(level_order.begin(), level_order.end(), r.level) == level_order.end()) {
      level_order.push_back(r.level);
    }
    auto& t = totals[r.level];
    ++t[0];
    if (ix.tests_of.count(r.id)) ++t[1];
    if (ix.checks_of.count(r.id)) ++t[2];
    if (StartsWith(r.testability, "untestable")) ++t[3];
  }
  md << "| Level | Rules | Cited by a test | Reported by a monitor check | Untestable |\n"
     << "|---|---:|---:|---:|---:|\n";
  for (const std::string& level : level_order) {
    if (!totals.count(level)) continue;
    const auto& t = totals[level];
    md << "| " << level << " | " << t[0] << " | " << t[1] << " | " << t[2] << " | " << t[3]
       << " |\n";
  }
  md << "\n";

  std::string section;
  for (const Rule& r : ix.rules) {
    if (r.section != section) {
      section = r.section;
      md << "## " << SectionTitle(section) << "\n\n";
    }
    md << "### " << r.id << "\n\n"
       << "**" << r.level << "** · actor " << r.actor << " · test kind " << r.kind << " · "
       << (StartsWith(r.testability, "untestable") ? "untestable" : r.testability) << "\n\n"
       << Md(r.rule) << "\n\n";
    if (StartsWith(r.testability, "untestable")) {
      std::string reason = Trim(r.testability.substr(std::string_view("untestable").size()));
      if (StartsWith(reason, ":")) reason = Trim(reason.substr(1));
      md << "- Why untestable: " << Md(reason) << "\n";
    }
    md << "- Sources:";
    if (r.sources.empty()) md << " none named by the research spec.";
    for (size_t i = 0; i < r.sources.size(); ++i) {
      const Source& s = ix.sources.at(r.sources[i]);
      md << (i ? ";" : "") << " [" << Md(s.title) << "](" << s.url << ")";
    }
    md << "\n";
    if (r.notes != "-") md << "- Notes: " << Md(r.notes) << "\n";
    if (auto it = ix.oqs_of_rule.find(r.id); it != ix.oqs_of_rule.end() && !it->second.empty()) {
      md << "- Open questions:";
      for (size_t i = 0; i < it->second.size(); ++i) {
        md << (i ? "," : "") << " [" << it->second[i] << "](open_questions.md#"
           << Anchor(it->second[i]) << ")";
      }
      md << "\n";
    }
    if (auto it = ix.settings_of_rule.find(r.id); it != ix.settings_of_rule.end()) {
      md << "- Settings:";
      for (size_t i = 0; i < it->second.size(); ++i) {
        md << (i ? "," : "") << " " << SettingText(*it->second[i]);
      }
      md << "\n";
    }
    auto tests = ix.tests_of.find(r.id);
    if (tests == ix.tests_of.end()) {
      md << "- Tests: none.\n";
    } else {
      md << "- Tests (" << tests->second.size() << "):";
      std::string file;
      for (const TestCase* t : tests->second) {
        if (t->file != file) {
          md << (file.empty() ? "" : ";") << " " << t->file << ":";
          file = t->file;
        } else {
          md << ",";
        }
        md << " `" << t->name << "`";
      }
      md << "\n";
    }
    if (auto it = ix.bugs_of.find(r.id); it != ix.bugs_of.end()) {
      md << "- Seeded bugs:";
      for (size_t i = 0; i < it->second.size(); ++i) {
        md << (i ? "," : "") << " `" << it->second[i]->name << "`";
      }
      md << "\n";
    }
    auto checks = ix.checks_of.find(r.id);
    if (checks == ix.checks_of.end()) {
      md << "- Monitor checks: none.\n";
    } else {
      md << "- Monitor checks:\n";
      for (const Check* c : checks->second) {
        md << "  - `" << c->name << "`: " << Md(c->description) << "\n";
      }
    }
    md << "\n";
  }
  std::string text = md.str();
  while (text.size() >= 2 && text.ends_with("\n\n")) text.pop_back();
  return text;
}

// docs/trace_events.md: every function a trace line may name, with the arguments its call
// and return lines carry, straight from the schema the trace reader uses (fn.cc).
std::string_view KindSyntax(ndisconf::ArgKind k) {
  using K = ndisconf::ArgKind;
  switch (k) {
    case K::kHandle:
      return "handle";
    case K::kStatus:
      return "status";
    case K::kUlong:
      return "ULONG";
    case K::kAf:
      return "AF";
    case K::kSap:
      return "SAP";
    case K::kHeader:
      return "header";
    case K::kMask:
      return "mask";
    case K::kIrql:
      return "irql";
    case K::kBuffer:
      return "buffer";
  }
  return "?";
}

std::string ArgList(const ndisconf::ArgSpec* args, size_t n) {
  if (n == 0) return "-";
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    if (i > 0) out += ", ";
    out += "`" + std::string(args[i].name) + "` " + std::string(KindSyntax(args[i].kind));
  }
  return out;
}

std::string TraceEventsMarkdown() {
  std::ostringstream md;
  md << "# Trace events\n\n"
     << "<!-- Generated by `" << kRegenerate << "` (tools/rule_index) from\n"
     << "     reference/boundary/fn.cc, the schema the trace reader uses. Do not edit by hand. "
        "-->\n\n"
     << "Every function an event line of a trace may name, with the arguments its `call` line\n"
     << "and its `ret` line carry, in this order and all of them. The format itself (header,\n"
     << "driver lines, value syntax, how returns pair with calls) is in\n"
     << "[trace_format.md](trace_format.md).\n\n"
     << "- **Actor**: on a *driver → NDIS* function, the driver that makes the call; on an\n"
     << "  *NDIS → driver* function, the driver whose handler NDIS calls.\n"
     << "- **status**: the `ret` line carries `status=` right after `irql=` (the NDIS_STATUS\n"
     << "  the function returned); other functions return VOID or a value recorded below.\n"
     << "- **Kinds**: `handle`, `ULONG` and `mask` are `0x<hex>`; `status` a name such as\n"
     << "  `PENDING` or `0x<8 hex>`; `AF` `{0x<family>,<major>,<minor>}` or `null`; `SAP`\n"
     << "  `{0x<type>,<length>,<hex bytes>}` or `null`; `header` `{0x<type>,<revision>,<size>}`\n"
     << "  or `null`; `buffer` `{<length>,<hex bytes>}`: the length the caller gave and the\n"
     << "  first bytes of the buffer (at most 256; none for a NULL pointer). On a `ret` line a\n"
     << "  buffer holds the bytes as they are when the function returns.\n\n"
     << "| # | Function | Direction | status | `call` line arguments | `ret` line values |\n"
     << "|---|---|---|---|---|---|\n";
  for (size_t i = 0; i < ndisconf::kFnCount; ++i) {
    const ndisconf::FnSpec& f = ndisconf::SpecOf(static_cast<ndisconf::Fn>(i));
    md << "| " << i << " | `" << f.name << "` | "
       << (f.direction == ndisconf::Direction::kDown ? "driver → NDIS" : "NDIS → driver") << " | "
       << (f.returns_status ? "yes" : "-") << " | " << ArgList(f.in, f.in_count) << " | "
       << ArgList(f.out, f.out_count) << " |\n";
  }
  return md.str();
}

std::string OpenQuestionsMarkdown(const Index& ix) {
  std::ostringstream md;
  md << "# Open questions\n\n"
     << "<!-- Generated by `" << kRegenerate << "` (tools/rule_index) from\n"
     << "     conformance/catalog/open_questions.tsv and the settings structs. Do not edit by\n"
     << "     hand. -->\n\n"
     << "Points where Microsoft's documentation is silent, ambiguous or contradicts itself,\n"
     << "numbered OQ-01 ... OQ-" << ix.oqs.back().id.substr(3)
     << ". For each the project chose a default, which the reference\n"
     << "NDIS model and the rule monitor follow; where the other reading is worth testing, a\n"
     << "setting selects it (the model's settings for what NDIS does, the monitor's profile\n"
     << "for what a trace may show; `trace_check --profile-key=value` sets the latter). A\n"
     << "test that depends on a non-default value sets it and says why. Rules that an open\n"
     << "question shapes link here from [rules.md](rules.md).\n\n"
     << "| OQ | Topic | Settings |\n|---|---|---|\n";
  for (const OpenQuestion& oq : ix.oqs) {
    md << "| [" << oq.id << "](#" << Anchor(oq.id) << ") | " << Md(oq.topic, true) << " | ";
    auto it = ix.settings_of_oq.find(oq.id);
    if (it == ix.settings_of_oq.end()) md << "-";
    for (size_t i = 0; it != ix.settings_of_oq.end() && i < it->second.size(); ++i) {
      md << (i ? ", " : "") << "`" << it->second[i]->name << "`";
    }
    md << " |\n";
  }
  md << "\n";
  for (const OpenQuestion& oq : ix.oqs) {
    md << "### " << oq.id << "\n\n"
       << "**" << Md(oq.topic) << ".** " << Md(oq.question) << "\n\n"
       << "- Default: " << Md(oq.recommended) << "\n";
    if (auto it = ix.settings_of_oq.find(oq.id); it != ix.settings_of_oq.end()) {
      md << "- Settings:";
      for (size_t i = 0; i < it->second.size(); ++i) {
        md << (i ? "," : "") << " " << SettingText(*it->second[i]) << " in " << it->second[i]->file;
      }
      md << "\n";
    } else {
      md << "- Settings: none; the default is fixed.\n";
    }
    if (auto it = ix.rules_of_oq.find(oq.id); it != ix.rules_of_oq.end()) {
      md << "- Rules:";
      for (size_t i = 0; i < it->second.size(); ++i) {
        md << (i ? "," : "") << " [" << it->second[i] << "](rules.md#" << Anchor(it->second[i])
           << ")";
      }
      md << "\n";
    }
    md << "\n";
  }
  std::string text = md.str();
  while (text.size() >= 2 && text.ends_with("\n\n")) text.pop_back();
  return text;
}

// ---- Modes ----

int Write(const std::string& dir_arg, const std::map<std::string, std::string>& docs) {
  std::filesystem::path dir(dir_arg);
  if (dir.is_relative()) {
    if (const char* ws = std::getenv("BUILD_WORKSPACE_DIRECTORY"); ws && *ws) dir = ws / dir;
  }
  for (const auto& [name, text] : docs) {
    std::filesystem::path path = dir / name;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) Fail("cannot write " + path.string());
    std::cout << "wrote " << path.string() << "\n";
  }
  return 0;
}

int Check(const std::string& dir, const std::map<std::string, std::string>& docs) {
  int status = 0;
  for (const auto& [name, text] : docs) {
    std::string path = (std::filesystem::path(dir) / name).string();
    std::vector<std::string> want = SplitLines(text), have = SplitLines(ReadFile(path));
    size_t i = 0;
    while (i < want.size() && i < have.size() && want[i] == have[i]) ++i;
    if (i == want.size() && i == have.size()) {
      std::cout << path << ": up to date\n";
      continue;
    }
    status = 1;
    std::cout << path << " is out of date (first difference at line " << i + 1 << ")\n"
              << "  committed: " << (i < have.size() ? have[i] : "<end of file>") << "\n"
              << "  generated: " << (i < want.size() ? want[i] : "<end of file>") << "\n";
  }
  if (status) std::cout << "Regenerate with: " << kRegenerate << "\n";
  return status;
}

int Coverage(const Index& ix) {
  std::set<std::string> known;
  for (const Rule& r : ix.rules) known.insert(r.id);
  int status = 0;
  for (const TestCase& t : ix.tree.tests) {
    for (const std::string& id : t.rules) {
      if (!known.count(id)) {
        std::cout << t.file << ": " << t.name << " cites " << id
                  << ", which is not in conformance/catalog/rules.tsv\n";
        status = 1;
      }
    }
  }
  std::vector<std::string> prefixes;
  for (const Rule& r : ix.rules) {
    std::string prefix = r.id.substr(0, r.id.find('-'));
    if (std::find(prefixes.begin(), prefixes.end(), prefix) == prefixes.end()) {
      prefixes.push_back(prefix);
    }
  }
  std::vector<const Rule*> missing;
  for (const std::string& prefix : prefixes) {
    int must = 0, cited = 0;
    std::vector<std::string> untestable;
    for (const Rule& r : ix.rules) {
      if (!StartsWith(r.id, prefix + "-") || !r.IsMust()) continue;
      ++must;
      if (ix.tests_of.count(r.id)) {
        ++cited;
        continue;
      }
      std::string reason;
      if (StartsWith(r.testability, "untestable:")) reason = Trim(r.testability.substr(11));
      if (reason.empty()) {
        missing.push_back(&r);
      } else {
        untestable.push_back(r.id);
      }
    }
    std::cout << prefix << ": " << cited << "/" << must
              << " MUST and MUST NOT rules cited by a conformance test";
    if (!untestable.empty()) {
      std::cout << "; untestable with a reason in the catalog:";
      for (const std::string& id : untestable) std::cout << " " << id;
    }
    std::cout << "\n";
  }
  if (!missing.empty()) {
    status = 1;
    std::cout << "\nThese MUST / MUST NOT rules are cited by no conformance test "
                 "(NDISCONF_RULES) and not marked `untestable: <reason>` in "
                 "conformance/catalog/rules.tsv:\n";
    for (const Rule* r : missing) {
      std::cout << "  " << r->id << " (" << r->level << ", " << r->actor << "): " << r->rule
                << "\n";
    }
  }
  return status;
}

int Usage() {
  std::cerr << "usage: rule_index --catalog=rules.tsv --sources=sources.tsv "
               "--open_questions=open_questions.tsv\n"
               "                  (--write=DIR | --check=DIR | --coverage) SOURCE_FILE...\n";
  return 2;
}

int Main(int argc, char** argv) {
  std::string catalog, sources, oqs, write, check;
  bool coverage = false;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    auto value = [&](std::string_view flag, std::string& out) {
      if (!StartsWith(arg, flag)) return false;
      out = std::string(arg.substr(flag.size()));
      return true;
    };
    if (value("--catalog=", catalog) || value("--sources=", sources) ||
        value("--open_questions=", oqs) || value("--write=", write) || value("--check=", check)) {
      continue;
    }
    if (arg == "--coverage") {
      coverage = true;
    } else if (StartsWith(arg, "--")) {
      std::cerr << "rule_index: unknown option " << arg << "\n";
      return Usage();
    } else {
      files.emplace_back(arg);
    }
  }
  int modes = !write.empty() + !check.empty() + coverage;
  if (catalog.empty() || sources.empty() || oqs.empty() || modes != 1) return Usage();

  std::vector<Rule> rules = ReadCatalog(catalog);
  std::map<std::string, Source> source_table = ReadSources(sources);
  std::vector<OpenQuestion> questions = ReadOpenQuestions(oqs);
  if (rules.empty() || questions.empty()) Fail("empty catalog or open-question table");
  Tree tree = ScanTree(files);
  if (tree.tests.empty() || tree.checks.empty()) {
    Fail("no tests or no monitor checks among the " + std::to_string(files.size()) +
         " source files given");
  }
  Index ix = BuildIndex(rules, source_table, questions, tree);
  if (coverage) return Coverage(ix);
  std::map<std::string, std::string> docs = {
      {"rules.md", RulesMarkdown(ix) + "\n"},
      {"open_questions.md", OpenQuestionsMarkdown(ix) + "\n"},
      {"trace_events.md", TraceEventsMarkdown()},
  };
  return write.empty() ? Check(check, docs) : Write(write, docs);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return Main(argc, argv);
  } catch (const InputError& e) {
    std::cerr << "rule_index: " << e.message << "\n";
    return 2;
  }
}
