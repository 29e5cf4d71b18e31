// Checks the embedded rules.tsv: every spec rule exactly once, in spec order, well formed.
// Hermetic: the expected IDs are listed here (kSpecIdRuns), copied from spec section 5; when
// the spec gains a rule, add it here and its row to rules.tsv.
#include "conformance/catalog/catalog.h"

#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace ndisconf::catalog {
namespace {

// Spec section 5's IDs, in order, as contiguous runs. Written as numbers, never as literal
// IDs: a rule ID spelled out in a test file reads as a citation of that rule, and this file
// checks the catalog, not the rules.
struct IdRun {
  const char* prefix;
  int first;
  int last;
};
constexpr IdRun kSpecIdRuns[] = {
    {"AF", 1, 10},    {"AF", 20, 26},   {"AF", 30, 44},   {"AF", 50, 70},   {"AF", 80, 93},
    {"AF", 100, 111}, {"AF", 120, 126}, {"AF", 130, 137}, {"AF", 140, 141}, {"AF", 150, 151},
    {"WAN", 1, 8},    {"WAN", 10, 12},  {"WAN", 20, 37},  {"WAN", 40, 43},  {"WAN", 50, 54},
    {"WAN", 60, 68},  {"WAN", 70, 75},  {"WAN", 80, 91},  {"WAN", 95, 96},  {"WAN", 100, 103},
};

// "AF", 7 -> the ID with a three-digit number.
std::string Id(const char* prefix, int n) {
  char num[8];
  std::snprintf(num, sizeof num, "%03d", n);
  return std::string(prefix) + "-" + num;
}

std::vector<std::string> SpecIds() {
  std::vector<std::string> ids;
  for (const IdRun& run : kSpecIdRuns) {
    for (int n = run.first; n <= run.last; ++n) ids.push_back(Id(run.prefix, n));
  }
  return ids;
}

// Spec section 5 headings: the ID range each section holds.
struct SectionRange {
  const char* section;
  const char* prefix;
  int first;
  int last;
};
const SectionRange kSections[] = {
    {"5.1", "AF", 1, 10},     {"5.2", "AF", 20, 26},   {"5.3", "AF", 30, 44},
    {"5.4", "AF", 50, 60},    {"5.5", "AF", 61, 70},   {"5.6", "AF", 80, 93},
    {"5.7", "AF", 100, 111},  {"5.8", "AF", 120, 126}, {"5.9", "AF", 130, 137},
    {"5.10", "AF", 140, 151}, {"5.11", "WAN", 1, 12},  {"5.12", "WAN", 20, 37},
    {"5.13", "WAN", 40, 43},  {"5.14", "WAN", 50, 54}, {"5.15", "WAN", 60, 68},
    {"5.16", "WAN", 70, 75},  {"5.17", "WAN", 80, 96}, {"5.18", "WAN", 100, 103},
};

std::string ExpectedSection(const Rule& r) {
  int n = std::stoi(r.id.substr(r.id.find('-') + 1));
  for (const SectionRange& s : kSections) {
    if (r.prefix() == s.prefix && n >= s.first && n <= s.last) return s.section;
  }
  return "?";
}

TEST(CatalogTest, EmbeddedFileParses) {
  std::vector<Rule> rules;
  std::string error;
  EXPECT_TRUE(ParseCatalog(EmbeddedTsv(), &rules, &error)) << error;
}

TEST(CatalogTest, HasEverySpecRuleOnceInSpecOrder) {
  const std::vector<std::string> spec_ids = SpecIds();
  ASSERT_EQ(spec_ids.size(), 169u);
  const std::vector<Rule>& rules = Catalog();
  ASSERT_EQ(rules.size(), 169u);
  for (size_t i = 0; i < rules.size(); ++i) EXPECT_EQ(rules[i].id, spec_ids[i]) << "row " << i;
  std::set<std::string> unique;
  for (const Rule& r : rules) EXPECT_TRUE(unique.insert(r.id).second) << r.id;
}

TEST(CatalogTest, LevelCountsMatchSpec) {
  std::map<std::string, int> counts;
  for (const Rule& r : Catalog()) {
    EXPECT_TRUE(IsValidLevel(r.level)) << r.id;
    ++counts[r.level];
  }
  EXPECT_EQ(counts["MUST"], 104);
  EXPECT_EQ(counts["MUST NOT"], 3);
  EXPECT_EQ(counts["SHOULD"], 5);
  EXPECT_EQ(counts["MAY"], 9);
  EXPECT_EQ(counts["INFO"], 42);
  EXPECT_EQ(counts["DERIVED"], 6);
}

TEST(CatalogTest, SpotChecksAgainstSpec) {
  const Rule* r = FindRule(Id("AF", 59));
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->level, "MUST NOT");
  EXPECT_EQ(r->actor, "CL");
  EXPECT_EQ(r->section, "5.4");
  EXPECT_FALSE(r->testable());
  r = FindRule(Id("AF", 24));
  ASSERT_NE(r, nullptr);
  EXPECT_TRUE(r->testable());  // the model tracks IRQL
  EXPECT_EQ(r->kind, "R");
  r = FindRule(Id("WAN", 21));
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->level, "MUST");
  EXPECT_EQ(r->actor, "WMP");
  EXPECT_EQ(r->kind, "D");
  EXPECT_EQ(r->prefix(), "WAN");
  EXPECT_EQ(FindRule(Id("WAN", 102))->level, "DERIVED");
  EXPECT_EQ(FindRule(Id("AF", 104))->level, "MUST NOT");
  EXPECT_EQ(FindRule(Id("AF", 1))->kind, "R+D");
  EXPECT_EQ(FindRule(Id("AF", 109))->kind, "-");
}

TEST(CatalogTest, FindRuleIsExact) {
  EXPECT_EQ(FindRule(Id("AF", 999)), nullptr);
  EXPECT_EQ(FindRule("af-001"), nullptr);
  EXPECT_EQ(FindRule("AF-00"), nullptr);
  EXPECT_EQ(FindRule(""), nullptr);
  ASSERT_NE(FindRule(Id("AF", 1)), nullptr);
  EXPECT_EQ(FindRule(Id("AF", 1)), &Catalog().front());
}

TEST(CatalogTest, RowsAreWellFormed) {
  for (const Rule& r : Catalog()) {
    EXPECT_EQ(r.section, ExpectedSection(r)) << r.id;
    for (const std::string* field : {&r.id, &r.level, &r.actor, &r.section, &r.sources, &r.text,
                                     &r.kind, &r.testability, &r.notes}) {
      for (char c : *field) {
        EXPECT_TRUE(c >= 0x20 && c < 0x7f) << r.id << ": non-printable or non-ASCII byte";
      }
    }
    // Sources are KEY:value items separated by "; " (spec section 0.1), or "-".
    if (r.sources != "-") {
      size_t start = 0;
      while (start <= r.sources.size()) {
        size_t end = r.sources.find("; ", start);
        std::string key = r.sources.substr(start, end == std::string::npos ? end : end - start);
        EXPECT_TRUE(key.find(':') != std::string::npos || key == "TSPI-CALLSTATE")
            << r.id << ": source '" << key << "'";
        EXPECT_EQ(key.find(' '), std::string::npos) << r.id << ": source '" << key << "'";
        if (end == std::string::npos) break;
        start = end + 2;
      }
    }
    EXPECT_GT(r.text.size(), 20u) << r.id;
    if (!r.testable()) EXPECT_GT(r.testability.size(), 30u) << r.id << ": reason too short";
  }
}

TEST(CatalogTest, OpenQuestionReferencesAreWellFormed) {
  // Every "OQ-" in the notes names one of spec section 6's OQ-01 ... OQ-38.
  for (const Rule& r : Catalog()) {
    for (size_t pos = r.notes.find("OQ-"); pos != std::string::npos;
         pos = r.notes.find("OQ-", pos + 3)) {
      ASSERT_LE(pos + 5, r.notes.size()) << r.id;
      int n = std::stoi(r.notes.substr(pos + 3, 2));
      EXPECT_TRUE(n >= 1 && n <= 38) << r.id;
    }
  }
}

constexpr const char kHeader[] =
    "id\tlevel\tactor\tsection\tsources\trule\tkind\ttestability\tnotes\n";

std::string ParseError(const std::string& text) {
  std::vector<Rule> rules;
  std::string error;
  if (ParseCatalog(text, &rules, &error)) return "ok";
  return error;
}

TEST(ParseCatalogTest, AcceptsMinimalFile) {
  std::vector<Rule> rules;
  std::string error;
  ASSERT_TRUE(ParseCatalog(
      std::string(kHeader) + "X-001\tMAY\tCL\t5.1\tDDI:a\tSome rule.\tR\ttestable\t-\n", &rules,
      &error))
      << error;
  ASSERT_EQ(rules.size(), 1u);
  EXPECT_EQ(rules[0].id, "X-001");
  EXPECT_EQ(rules[0].text, "Some rule.");
  EXPECT_EQ(rules[0].notes, "-");
}

TEST(ParseCatalogTest, RejectsMalformedInput) {
  const std::string h = kHeader;
  EXPECT_EQ(ParseError(""), "line 0: no header row");
  EXPECT_EQ(ParseError("id\tlevel\n"), "line 1: expected 9 tab-separated fields, got 2");
  EXPECT_EQ(ParseError("ID\tlevel\tactor\tsection\tsources\trule\tkind\ttestability\tnotes\n"),
            "line 1: header column 1 must be 'id', got 'ID'");
  EXPECT_EQ(ParseError(h + "X-001\tMUSt\tCL\t5.1\tDDI:a\tr\tR\ttestable\t-\n"),
            "line 2: bad level 'MUSt'");
  EXPECT_EQ(ParseError(h + "X-1\tMUST\tCL\t5.1\tDDI:a\tr\tR\ttestable\t-\n"),
            "line 2: bad id 'X-1'");
  EXPECT_EQ(ParseError(h + "X-001\tMUST\tCL\t5.1\tDDI:a\tr\tQ\ttestable\t-\n"),
            "line 2: bad kind 'Q'");
  EXPECT_EQ(ParseError(h + "X-001\tMUST\tCL\t5.1\tDDI:a\tr\tR\tmaybe\t-\n"),
            "line 2: testability must be 'testable' or 'untestable: <reason>'");
  EXPECT_EQ(ParseError(h + "X-001\tMUST\tCL\t5.1\tDDI:a\tr\tR\tuntestable: \t-\n"),
            "line 2: untestable without a reason");
  EXPECT_EQ(ParseError(h + "X-001\tMUST\tCL\t5.1\tDDI:a\t\tR\ttestable\t-\n"),
            "line 2: empty field rule");
  EXPECT_EQ(ParseError(h + "X-001\tMUST\tCL\t5.1\tDDI:a\tr\tR\ttestable\t-\n" +
                       "X-001\tMUST\tCL\t5.1\tDDI:a\tr\tR\ttestable\t-\n"),
            "line 3: duplicate id X-001");
  EXPECT_EQ(ParseError(h + "X-001\tMUST\tCL\t5.1\tDDI:a\tr\tR\ttestable\t-\r\n"),
            "line 2: CR line ending");
  EXPECT_EQ(ParseError(h + "\n"), "line 2: empty line");
  EXPECT_EQ(ParseError(h + "X-001\tMUST\tCL\t5.1\tDDI:a\tr\tR\ttestable\t-\textra\n"),
            "line 2: expected 9 tab-separated fields, got 10");
}

}  // namespace
}  // namespace ndisconf::catalog
