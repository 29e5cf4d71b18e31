// The catalog parser and the embedded rules.tsv.
#include "conformance/catalog/catalog.h"

#include <cstdio>
#include <cstdlib>
#include <set>

namespace ndisconf::catalog {
namespace {

constexpr std::string_view kEmbedded =
#include "conformance/catalog/rules_tsv.inc"
    ;

constexpr const char* kColumns[] = {"id",   "level", "actor",       "section", "sources",
                                    "rule", "kind",  "testability", "notes"};
constexpr size_t kColumnCount = sizeof(kColumns) / sizeof(kColumns[0]);

std::vector<std::string_view> Split(std::string_view line, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t pos = line.find(sep, start);
    if (pos == std::string_view::npos) {
      out.push_back(line.substr(start));
      return out;
    }
    out.push_back(line.substr(start, pos - start));
    start = pos + 1;
  }
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }

// PREFIX-NNN: one or more capitals, a dash, three digits.
bool IsValidId(std::string_view id) {
  size_t dash = id.find('-');
  if (dash == 0 || dash == std::string_view::npos || id.size() != dash + 4) return false;
  for (size_t i = 0; i < dash; ++i) {
    if (!IsUpper(id[i])) return false;
  }
  for (size_t i = dash + 1; i < id.size(); ++i) {
    if (!IsDigit(id[i])) return false;
  }
  return true;
}

bool Fail(std::string* error, size_t line_no, const std::string& what) {
  *error = "line " + std::to_string(line_no) + ": " + what;
  return false;
}

}  // namespace

bool Rule::testable() const { return testability.rfind("untestable", 0) != 0; }

std::string_view Rule::prefix() const {
  std::string_view v(id);
  size_t dash = v.rfind('-');
  return dash == std::string_view::npos ? v : v.substr(0, dash);
}

bool IsValidLevel(std::string_view level) {
  return level == "MUST" || level == "MUST NOT" || level == "SHOULD" || level == "MAY" ||
         level == "INFO" || level == "DERIVED";
}

bool ParseCatalog(std::string_view tsv, std::vector<Rule>* rules, std::string* error) {
  rules->clear();
  std::set<std::string_view> seen;
  size_t line_no = 0;
  bool header_seen = false;
  size_t start = 0;
  while (start < tsv.size()) {
    size_t end = tsv.find('\n', start);
    if (end == std::string_view::npos) end = tsv.size();
    std::string_view line = tsv.substr(start, end - start);
    start = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') return Fail(error, line_no, "CR line ending");
    if (line.empty()) return Fail(error, line_no, "empty line");
    std::vector<std::string_view> f = Split(line, '\t');
    if (f.size() != kColumnCount) {
      return Fail(error, line_no,
                  "expected " + std::to_string(kColumnCount) + " tab-separated fields, got " +
                      std::to_string(f.size()));
    }
    if (!header_seen) {
      for (size_t i = 0; i < kColumnCount; ++i) {
        if (f[i] != kColumns[i]) {
          return Fail(error, line_no,
                      "header column " + std::to_string(i + 1) + " must be '" + kColumns[i] +
                          "', got '" + std::string(f[i]) + "'");
        }
      }
      header_seen = true;
      continue;
    }
    for (size_t i = 0; i < kColumnCount; ++i) {
      if (f[i].empty()) return Fail(error, line_no, std::string("empty field ") + kColumns[i]);
    }
    if (!IsValidId(f[0])) return Fail(error, line_no, "bad id '" + std::string(f[0]) + "'");
    if (!seen.insert(f[0]).second) {
      return Fail(error, line_no, "duplicate id " + std::string(f[0]));
    }
    if (!IsValidLevel(f[1])) return Fail(error, line_no, "bad level '" + std::string(f[1]) + "'");
    if (f[6] != "R" && f[6] != "D" && f[6] != "R+D" && f[6] != "-") {
      return Fail(error, line_no, "bad kind '" + std::string(f[6]) + "'");
    }
    if (f[7] != "testable" && f[7].rfind("untestable: ", 0) != 0) {
      return Fail(error, line_no, "testability must be 'testable' or 'untestable: <reason>'");
    }
    if (f[7] != "testable" && f[7].size() <= std::string_view("untestable: ").size()) {
      return Fail(error, line_no, "untestable without a reason");
    }
    rules->push_back(Rule{std::string(f[0]), std::string(f[1]), std::string(f[2]),
                          std::string(f[3]), std::string(f[4]), std::string(f[5]),
                          std::string(f[6]), std::string(f[7]), std::string(f[8])});
  }
  if (!header_seen) return Fail(error, line_no, "no header row");
  return true;
}

std::string_view EmbeddedTsv() { return kEmbedded; }

const std::vector<Rule>& Catalog() {
  static const std::vector<Rule>* const catalog = [] {
    auto* rules = new std::vector<Rule>();
    std::string error;
    if (!ParseCatalog(kEmbedded, rules, &error)) {
      std::fprintf(stderr, "ndisconf: embedded rules.tsv is malformed: %s\n", error.c_str());
      std::abort();
    }
    return rules;
  }();
  return *catalog;
}

const Rule* FindRule(std::string_view id) {
  for (const Rule& r : Catalog()) {
    if (r.id == id) return &r;
  }
  return nullptr;
}

}  // namespace ndisconf::catalog
