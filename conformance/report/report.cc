// Verdict computation and the report writers.
#include "conformance/report/report.h"

#include <algorithm>
#include <cstdio>
#include <set>

namespace ndisconf::report {
namespace {

using catalog::Rule;

constexpr const char* kReplacement = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

// Decodes one UTF-8 code point at s[*i] and advances *i past it. Returns -1 (and advances by
// one byte) for an invalid, overlong or surrogate sequence.
int32_t NextCodePoint(std::string_view s, size_t* i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char b0 = byte(*i);
  if (b0 < 0x80) {
    ++*i;
    return b0;
  }
  int len = 0;
  int32_t cp = 0;
  int32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    ++*i;
    return -1;
  }
  if (*i + len > s.size()) {
    ++*i;
    return -1;
  }
  for (int k = 1; k < len; ++k) {
    unsigned char b = byte(*i + k);
    if ((b & 0xC0) != 0x80) {
      ++*i;
      return -1;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++*i;
    return -1;
  }
  *i += len;
  return cp;
}

// For the text table: the code points of `s`, each as its UTF-8 bytes, with control
// characters as spaces and invalid UTF-8 as U+FFFD.
std::vector<std::string> TableCodePoints(std::string_view s) {
  std::vector<std::string> cps;
  for (size_t i = 0; i < s.size();) {
    size_t start = i;
    int32_t cp = NextCodePoint(s, &i);
    if (cp < 0) {
      cps.emplace_back(kReplacement);
    } else if (cp < 0x20 || cp == 0x7F) {
      cps.emplace_back(" ");
    } else {
      cps.emplace_back(s.substr(start, i - start));
    }
  }
  return cps;
}

// `s` as table lines of at most `width` code points, broken after spaces; a word longer than
// a line is split. Nothing is dropped but the spaces at the breaks. At least one line.
std::vector<std::string> Wrap(std::string_view s, size_t width) {
  const std::vector<std::string> cps = TableCodePoints(s);
  std::vector<std::string> lines;
  size_t i = 0;
  while (i < cps.size()) {
    while (i < cps.size() && cps[i] == " ") ++i;
    if (i == cps.size()) break;
    size_t end = std::min(i + width, cps.size());
    if (end < cps.size() && cps[end] != " ") {
      size_t space = end;
      while (space > i && cps[space - 1] != " ") --space;
      if (space > i) end = space;  // else one word longer than the line: split it
    }
    std::string line;
    for (size_t k = i; k < end; ++k) line += cps[k];
    line.erase(line.find_last_not_of(' ') + 1);
    lines.push_back(std::move(line));
    i = end;
  }
  if (lines.empty()) lines.emplace_back();
  return lines;
}

size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size();) {
    NextCodePoint(s, &i);
    ++n;
  }
  return n;
}

std::string Pad(const std::string& s, size_t width) {
  size_t n = CodePoints(s);
  return n >= width ? s : s + std::string(width - n, ' ');
}

// ANSI SGR colour of a verdict in the table.
const char* VerdictColor(Verdict verdict) {
  switch (verdict) {
    case Verdict::kPass:
      return "\x1b[32m";  // green
    case Verdict::kAcceptable:
      return "\x1b[34m";  // blue
    case Verdict::kFail:
      return "\x1b[1;31m";  // bold red
    case Verdict::kNotApplicable:
      return "\x1b[36m";  // cyan
    case Verdict::kInconclusive:
      return "\x1b[33m";  // yellow
  }
  return "";
}

bool Contains(const std::vector<std::string>& v, std::string_view x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

void AddOnce(std::vector<std::string>* v, const std::string& x) {
  if (!Contains(*v, x)) v->push_back(x);
}

bool PrefixSelected(const Rule& rule, const std::vector<std::string>& prefixes) {
  return prefixes.empty() || Contains(prefixes, rule.prefix()) || Contains(prefixes, rule.id);
}

std::string Plural(size_t n, const char* what) {
  return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
}

std::string WithReason(const std::string& head, const std::string& message) {
  return message.empty() ? head : head + ": " + message;
}

// Markdown table cell: '|' escaped, newlines flattened.
std::string MdCell(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n' || c == '\r' || c == '\t') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::string MdNames(const std::vector<std::string>& names) {
  if (names.empty()) return "-";
  std::string out;
  for (const std::string& n : names) {
    if (!out.empty()) out += ", ";
    out += n.find('`') == std::string::npos ? "`" + MdCell(n) + "`" : MdCell(n);
  }
  return out;
}

std::string XmlEscapeImpl(std::string_view s, bool attribute) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    size_t start = i;
    int32_t cp = NextCodePoint(s, &i);
    switch (cp) {
      case '&':
        out += "&amp;";
        continue;
      case '<':
        out += "&lt;";
        continue;
      case '>':
        out += "&gt;";
        continue;
      case '"':
        out += "&quot;";
        continue;
      case '\'':
        out += "&apos;";
        continue;
      case '\t':
        out += attribute ? "&#9;" : "\t";
        continue;
      case '\n':
        out += attribute ? "&#10;" : "\n";
        continue;
      case '\r':
        out += "&#13;";
        continue;
      default:
        break;
    }
    // XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
    bool allowed = (cp >= 0x20 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0xFFFD) ||
                   (cp >= 0x10000 && cp <= 0x10FFFF);
    if (allowed) {
      out.append(s.substr(start, i - start));
    } else {
      out += kReplacement;
    }
  }
  return out;
}

std::string Quoted(std::string_view s) { return "\"" + JsonEscape(s) + "\""; }

}  // namespace

const char* VerdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kPass:
      return "PASS";
    case Verdict::kAcceptable:
      return "ACCEPTABLE";
    case Verdict::kFail:
      return "FAIL";
    case Verdict::kNotApplicable:
      return "NOT_APPLICABLE";
    case Verdict::kInconclusive:
      return "INCONCLUSIVE";
  }
  return "?";
}

std::vector<RuleVerdict> ComputeVerdicts(const std::vector<Rule>& catalog,
                                         const std::vector<TestOutcome>& outcomes,
                                         const std::vector<std::string>& prefixes) {
  std::vector<RuleVerdict> verdicts;
  for (const Rule& rule : catalog) {
    if (!PrefixSelected(rule, prefixes)) continue;
    RuleVerdict v;
    v.rule = &rule;
    std::vector<std::string> finding_details;
    std::vector<std::string> failure_details;
    size_t cited = 0, passed = 0, skipped = 0, not_applicable = 0;
    std::string first_na_detail, first_skip_detail, first_failed_test, first_allowed_way;
    for (const TestOutcome& t : outcomes) {
      for (const Finding& f : t.findings) {
        if (f.rule != rule.id) continue;
        AddOnce(&v.tests, t.name);
        if (finding_details.empty()) v.failing_test = t.name;
        finding_details.push_back("event #" + std::to_string(f.event_index) + ": " + f.message +
                                  " [check " + f.check + ", test " + t.name + "]");
      }
      if (!Contains(t.rules, rule.id)) continue;
      AddOnce(&v.tests, t.name);
      ++cited;
      switch (t.result) {
        case TestOutcome::kFailed:
          if (!t.failed_on_findings_only) {
            if (failure_details.empty()) first_failed_test = t.name;
            failure_details.push_back(WithReason("test " + t.name + " failed", t.message));
            break;
          }
          [[fallthrough]];  // its own checks passed; the findings fail their rules above
        case TestOutcome::kPassed:
          ++passed;
          if (first_allowed_way.empty() && !t.allowed_ways.empty()) {
            first_allowed_way = t.allowed_ways.front() + " [test " + t.name + "]";
          }
          break;
        case TestOutcome::kSkipped:
          if (skipped++ == 0) first_skip_detail = WithReason(t.name, t.message);
          break;
        case TestOutcome::kNotApplicable:
          if (not_applicable++ == 0) first_na_detail = WithReason(t.name, t.message);
          break;
      }
    }
    size_t failures = finding_details.size() + failure_details.size();
    if (failures > 0) {
      v.verdict = Verdict::kFail;
      v.detail = finding_details.empty() ? failure_details.front() : finding_details.front();
      if (finding_details.empty()) v.failing_test = first_failed_test;
      if (failures > 1) v.detail += " (+" + std::to_string(failures - 1) + " more)";
    } else if (passed > 0 && !first_allowed_way.empty()) {
      v.verdict = Verdict::kAcceptable;
      v.detail = "allowed: " + first_allowed_way;
    } else if (passed > 0) {
      v.verdict = Verdict::kPass;
    } else if (cited > 0 && not_applicable == cited) {
      v.verdict = Verdict::kNotApplicable;
      v.detail = "not applicable: " + first_na_detail;
    } else {
      v.verdict = Verdict::kInconclusive;
      if (cited == 0) {
        v.detail = rule.testable() ? "no test cites this rule" : rule.testability;
      } else {
        v.detail = "no citing test ran (" + Plural(skipped, "skipped test") +
                   (not_applicable ? ", " + std::to_string(not_applicable) + " not applicable"
                                   : std::string()) +
                   "): " + first_skip_detail;
      }
    }
    verdicts.push_back(std::move(v));
  }
  return verdicts;
}

std::vector<std::string> UnknownRuleIds(const std::vector<Rule>& catalog,
                                        const std::vector<TestOutcome>& outcomes) {
  std::set<std::string_view> known;
  for (const Rule& r : catalog) known.insert(r.id);
  std::set<std::string> unknown;
  for (const TestOutcome& t : outcomes) {
    for (const std::string& id : t.rules) {
      if (!known.count(id)) unknown.insert(id);
    }
    for (const Finding& f : t.findings) {
      if (!known.count(f.rule)) unknown.insert(f.rule);
    }
  }
  return {unknown.begin(), unknown.end()};
}

Counts CountVerdicts(const std::vector<RuleVerdict>& verdicts) {
  Counts c;
  for (const RuleVerdict& v : verdicts) {
    switch (v.verdict) {
      case Verdict::kPass:
        ++c.pass;
        break;
      case Verdict::kAcceptable:
        ++c.acceptable;
        break;
      case Verdict::kFail:
        ++c.fail;
        break;
      case Verdict::kNotApplicable:
        ++c.not_applicable;
        break;
      case Verdict::kInconclusive:
        ++c.inconclusive;
        break;
    }
  }
  return c;
}

void PrintTable(std::ostream& out, const std::vector<RuleVerdict>& verdicts,
                const TableStyle& style) {
  constexpr size_t kLevelCols = 8, kVerdictCols = 14, kMinTextCols = 20;
  constexpr std::string_view kWhy = "why: ";
  size_t id_width = 2;
  for (const RuleVerdict& v : verdicts) id_width = std::max(id_width, CodePoints(v.rule->id));
  const size_t indent = id_width + 2 + kLevelCols + 2 + kVerdictCols + 2;
  const size_t text_cols =
      std::max(kMinTextCols, style.columns > indent ? style.columns - indent : 0);
  const std::string blank(indent, ' ');
  out << Pad("ID", id_width) << "  " << Pad("LEVEL", kLevelCols) << "  "
      << Pad("VERDICT", kVerdictCols) << "  RULE\n";
  for (const RuleVerdict& v : verdicts) {
    const std::string verdict = Pad(VerdictName(v.verdict), kVerdictCols);
    out << Pad(v.rule->id, id_width) << "  " << Pad(v.rule->level, kLevelCols) << "  "
        << (style.color ? VerdictColor(v.verdict) + verdict + "\x1b[0m" : verdict) << "  ";
    const std::vector<std::string> text = Wrap(v.rule->text, text_cols);
    for (size_t k = 0; k < text.size(); ++k) out << (k ? blank : "") << text[k] << "\n";
    if (v.detail.empty()) continue;
    const std::vector<std::string> why = Wrap(v.detail, text_cols - kWhy.size());
    for (size_t k = 0; k < why.size(); ++k) {
      out << blank << (k ? std::string(kWhy.size(), ' ') : std::string(kWhy)) << why[k] << "\n";
    }
  }
  out << SummaryLine(CountVerdicts(verdicts)) << "\n";
}

std::string SummaryLine(const Counts& c) {
  return std::to_string(c.total()) + " rules: " + std::to_string(c.pass) + " PASS, " +
         std::to_string(c.acceptable) + " ACCEPTABLE, " + std::to_string(c.fail) + " FAIL, " +
         std::to_string(c.not_applicable) + " NOT_APPLICABLE, " + std::to_string(c.inconclusive) +
         " INCONCLUSIVE";
}

std::string JsonEscape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    size_t start = i;
    int32_t cp = NextCodePoint(s, &i);
    switch (cp) {
      case '"':
        out += "\\\"";
        continue;
      case '\\':
        out += "\\\\";
        continue;
      case '\b':
        out += "\\b";
        continue;
      case '\f':
        out += "\\f";
        continue;
      case '\n':
        out += "\\n";
        continue;
      case '\r':
        out += "\\r";
        continue;
      case '\t':
        out += "\\t";
        continue;
      default:
        break;
    }
    if (cp < 0) {
      out += "\\ufffd";
    } else if (cp < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(cp));
      out += buf;
    } else {
      out.append(s.substr(start, i - start));
    }
  }
  return out;
}

std::string XmlEscape(std::string_view s) { return XmlEscapeImpl(s, /*attribute=*/true); }

void PrintMatrix(std::ostream& out, const std::vector<MatrixColumn>& columns,
                 const TableStyle& style) {
  if (columns.empty() || columns[0].verdicts == nullptr) return;
  auto abbreviation = [](Verdict v) -> std::string {
    switch (v) {
      case Verdict::kPass:
        return "PASS";
      case Verdict::kAcceptable:
        return "ACC";
      case Verdict::kFail:
        return "FAIL";
      case Verdict::kNotApplicable:
        return "N/A";
      case Verdict::kInconclusive:
        return "INC";
    }
    return "?";
  };
  std::vector<size_t> width;
  out << "ID       LEVEL     ";
  for (const MatrixColumn& c : columns) {
    width.push_back(std::max<size_t>(c.name.size(), 4));
    out << c.name << std::string(width.back() - c.name.size() + 2, ' ');
  }
  out << "\n";
  const std::vector<RuleVerdict>& rows = *columns[0].verdicts;
  for (size_t i = 0; i < rows.size(); ++i) {
    const Rule& r = *rows[i].rule;
    out << r.id << std::string(r.id.size() < 9 ? 9 - r.id.size() : 1, ' ') << r.level
        << std::string(r.level.size() < 10 ? 10 - r.level.size() : 1, ' ');
    for (size_t k = 0; k < columns.size(); ++k) {
      const std::vector<RuleVerdict>* vs = columns[k].verdicts;
      const bool known = vs != nullptr && i < vs->size();
      const std::string text = known ? abbreviation((*vs)[i].verdict) : "?";
      const std::string pad(width[k] - text.size() + 2, ' ');
      if (known && style.color) {
        out << VerdictColor((*vs)[i].verdict) << text << "\x1b[0m" << pad;
      } else {
        out << text << pad;
      }
    }
    out << "\n";
  }
}

std::vector<RootCause> RootCauses(const std::vector<TestOutcome>& outcomes) {
  std::vector<RootCause> roots;
  for (const TestOutcome& t : outcomes) {
    if (t.findings.empty() && t.result != TestOutcome::kFailed) continue;
    RootCause here;
    std::string where = t.name;
    if (!t.findings.empty()) {
      const Finding* first = &t.findings[0];
      for (const Finding& f : t.findings) {
        if (f.event_index < first->event_index) first = &f;
      }
      here.rule = first->rule;
      here.check = first->check;
      here.message = "event #" + std::to_string(first->event_index) + ": " + first->message;
      where += " (event #" + std::to_string(first->event_index) + ")";
    } else {
      here.message = "test " + t.name + " failed: " + t.message;
    }
    std::set<std::string> failing;
    for (const Finding& f : t.findings) failing.insert(f.rule);
    if (t.result == TestOutcome::kFailed && !t.failed_on_findings_only) {
      failing.insert(t.rules.begin(), t.rules.end());
    }
    failing.erase(here.rule);
    RootCause* root = nullptr;
    if (!here.rule.empty()) {
      for (RootCause& r : roots) {
        if (r.rule == here.rule && r.check == here.check) root = &r;
      }
    }
    if (root == nullptr) {
      roots.push_back(std::move(here));
      root = &roots.back();
    }
    root->tests.push_back(where);
    std::set<std::string> merged(root->consequences.begin(), root->consequences.end());
    merged.insert(failing.begin(), failing.end());
    root->consequences.assign(merged.begin(), merged.end());
  }
  std::stable_sort(roots.begin(), roots.end(), [](const RootCause& a, const RootCause& b) {
    const size_t wa = a.consequences.size() + a.tests.size();
    const size_t wb = b.consequences.size() + b.tests.size();
    if (wa != wb) return wa > wb;
    return a.rule < b.rule;
  });
  return roots;
}

void PrintRootCauses(std::ostream& out, const std::vector<RootCause>& roots) {
  if (roots.empty()) return;
  out << "Root causes (fix these first):\n";
  for (const RootCause& r : roots) {
    out << "  " << (r.rule.empty() ? std::string("a test failure") : r.rule + " [" + r.check + "]")
        << ": " << r.message << "; in " << r.tests.size() << " test(s)";
    if (!r.consequences.empty()) {
      out << "; consequences:";
      for (size_t i = 0; i < r.consequences.size(); ++i) {
        out << (i ? ", " : " ") << r.consequences[i];
      }
    }
    out << "\n";
  }
}

void WriteJson(std::ostream& out, const std::vector<RuleVerdict>& verdicts,
               const Metadata& metadata, const std::vector<RootCause>& roots) {
  out << "{\n  \"metadata\": {";
  for (size_t i = 0; i < metadata.size(); ++i) {
    out << (i ? "," : "") << "\n    " << Quoted(metadata[i].first) << ": "
        << Quoted(metadata[i].second);
  }
  out << (metadata.empty() ? "},\n" : "\n  },\n");
  Counts c = CountVerdicts(verdicts);
  out << "  \"summary\": {\"total\": " << c.total() << ", \"PASS\": " << c.pass
      << ", \"ACCEPTABLE\": " << c.acceptable << ", \"FAIL\": " << c.fail
      << ", \"NOT_APPLICABLE\": " << c.not_applicable << ", \"INCONCLUSIVE\": " << c.inconclusive
      << "},\n";
  out << "  \"root_causes\": [";
  for (size_t i = 0; i < roots.size(); ++i) {
    const RootCause& r = roots[i];
    out << (i ? "," : "") << "\n    {\"rule\": " << Quoted(r.rule)
        << ", \"check\": " << Quoted(r.check) << ", \"message\": " << Quoted(r.message)
        << ", \"tests\": [";
    for (size_t k = 0; k < r.tests.size(); ++k) out << (k ? ", " : "") << Quoted(r.tests[k]);
    out << "], \"consequences\": [";
    for (size_t k = 0; k < r.consequences.size(); ++k) {
      out << (k ? ", " : "") << Quoted(r.consequences[k]);
    }
    out << "]}";
  }
  out << (roots.empty() ? "],\n" : "\n  ],\n");
  out << "  \"rules\": [";
  for (size_t i = 0; i < verdicts.size(); ++i) {
    const RuleVerdict& v = verdicts[i];
    const Rule& r = *v.rule;
    out << (i ? "," : "") << "\n    {\"id\": " << Quoted(r.id) << ", \"level\": " << Quoted(r.level)
        << ", \"actor\": " << Quoted(r.actor) << ", \"section\": " << Quoted(r.section)
        << ", \"verdict\": " << Quoted(VerdictName(v.verdict)) << ", \"tests\": [";
    for (size_t k = 0; k < v.tests.size(); ++k) out << (k ? ", " : "") << Quoted(v.tests[k]);
    out << "], \"detail\": " << Quoted(v.detail) << ", \"testability\": " << Quoted(r.testability)
        << ", \"text\": " << Quoted(r.text) << "}";
  }
  out << (verdicts.empty() ? "]\n}\n" : "\n  ]\n}\n");
}

void WriteJUnit(std::ostream& out, const std::vector<RuleVerdict>& verdicts) {
  std::vector<std::string> prefixes;
  for (const RuleVerdict& v : verdicts) AddOnce(&prefixes, std::string(v.rule->prefix()));
  auto counts_attrs = [](const std::vector<const RuleVerdict*>& vs) {
    size_t failures = 0, skipped = 0;
    for (const RuleVerdict* v : vs) {
      if (v->verdict == Verdict::kFail) ++failures;
      if (v->verdict == Verdict::kNotApplicable || v->verdict == Verdict::kInconclusive) {
        ++skipped;
      }
    }
    return "tests=\"" + std::to_string(vs.size()) + "\" failures=\"" + std::to_string(failures) +
           "\" errors=\"0\" skipped=\"" + std::to_string(skipped) + "\"";
  };
  std::vector<const RuleVerdict*> all;
  for (const RuleVerdict& v : verdicts) all.push_back(&v);
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites name=\"ndisconf\" " << counts_attrs(all) << ">\n";
  for (const std::string& prefix : prefixes) {
    std::vector<const RuleVerdict*> suite;
    for (const RuleVerdict& v : verdicts) {
      if (v.rule->prefix() == prefix) suite.push_back(&v);
    }
    out << "  <testsuite name=\"" << XmlEscape(prefix) << "\" " << counts_attrs(suite) << ">\n";
    for (const RuleVerdict* v : suite) {
      const Rule& r = *v->rule;
      out << "    <testcase classname=\"ndisconf." << XmlEscape(prefix) << "\" name=\""
          << XmlEscape(r.id) << "\"";
      if (v->verdict == Verdict::kPass) {
        out << "/>\n";
        continue;
      }
      out << ">\n";
      if (v->verdict == Verdict::kFail) {
        std::string body = r.level + " " + r.id + ": " + r.text + "\n" + v->detail;
        if (!v->tests.empty()) {
          body += "\ntests:";
          for (const std::string& t : v->tests) body += " " + t;
        }
        out << "      <failure message=\"" << XmlEscape(v->detail) << "\">"
            << XmlEscapeImpl(body, /*attribute=*/false) << "</failure>\n";
      } else if (v->verdict == Verdict::kAcceptable) {
        // A pass: JUnit has no such verdict, so the way allowed goes to the output.
        out << "      <system-out>" << XmlEscapeImpl("ACCEPTABLE: " + v->detail, false)
            << "</system-out>\n";
      } else {
        out << "      <skipped message=\""
            << XmlEscape(std::string(VerdictName(v->verdict)) + ": " + v->detail) << "\"/>\n";
      }
      out << "    </testcase>\n";
    }
    out << "  </testsuite>\n";
  }
  out << "</testsuites>\n";
}

void WriteCoverage(std::ostream& out, const std::vector<Rule>& catalog,
                   const RuleIndex& tests_per_rule, const RuleIndex& checks_per_rule) {
  static const std::vector<std::string> kLevels = {"MUST", "MUST NOT", "SHOULD",
                                                   "MAY",  "INFO",     "DERIVED"};
  auto names = [](const RuleIndex& index, const std::string& id) {
    auto it = index.find(id);
    return it == index.end() ? std::vector<std::string>() : it->second;
  };
  struct Totals {
    int rules = 0, test = 0, check = 0, either = 0, untestable = 0, gap = 0;
  };
  auto add = [&](Totals* t, const Rule& r) {
    bool by_test = !names(tests_per_rule, r.id).empty();
    bool by_check = !names(checks_per_rule, r.id).empty();
    ++t->rules;
    t->test += by_test;
    t->check += by_check;
    t->either += by_test || by_check;
    if (!by_test && !by_check) ++(r.testable() ? t->gap : t->untestable);
  };
  auto row = [&](const std::string& group, const Totals& t) {
    out << "| " << MdCell(group) << " | " << t.rules << " | " << t.test << " | " << t.check << " | "
        << t.either << " | " << t.untestable << " | " << t.gap << " |\n";
  };
  auto header = [&](const char* group) {
    out << "| " << group
        << " | Rules | Test | Monitor check | Either | Not covered: untestable | "
           "Not covered: gap |\n";
    out << "|---|---:|---:|---:|---:|---:|---:|\n";
  };

  out << "# Rule coverage\n\n";
  out << "A rule is covered when a conformance test or a monitor check cites its ID. A gap is a "
         "rule that nothing covers although the catalog does not record it as untestable.\n\n";

  Totals all;
  for (const Rule& r : catalog) add(&all, r);

  out << "## Totals by level\n\n";
  header("Level");
  for (const std::string& level : kLevels) {
    Totals t;
    for (const Rule& r : catalog) {
      if (r.level == level) add(&t, r);
    }
    if (t.rules > 0) row(level, t);
  }
  row("All", all);

  out << "\n## Totals by prefix\n\n";
  header("Prefix");
  std::vector<std::string> prefixes;
  for (const Rule& r : catalog) AddOnce(&prefixes, std::string(r.prefix()));
  for (const std::string& prefix : prefixes) {
    Totals t;
    for (const Rule& r : catalog) {
      if (r.prefix() == prefix) add(&t, r);
    }
    row(prefix, t);
  }
  row("All", all);

  out << "\n## Rules\n\n";
  out << "| ID | Level | Tests | Monitor checks | Status |\n";
  out << "|---|---|---|---|---|\n";
  for (const Rule& r : catalog) {
    std::vector<std::string> tests = names(tests_per_rule, r.id);
    std::vector<std::string> checks = names(checks_per_rule, r.id);
    std::string status;
    if (!tests.empty() || !checks.empty()) {
      status = "covered";
    } else if (!r.testable()) {
      status = "not covered: " + r.testability;
    } else {
      status = "gap: no test or monitor check cites it";
    }
    out << "| " << r.id << " | " << r.level << " | " << MdNames(tests) << " | " << MdNames(checks)
        << " | " << MdCell(status) << " |\n";
  }
}

}  // namespace ndisconf::report
