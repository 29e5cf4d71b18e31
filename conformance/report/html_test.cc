#include "conformance/report/html.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "conformance/catalog/catalog.h"

namespace ndisconf::report {
namespace {

const catalog::Rule* Rule(const std::string& id) {
  for (const catalog::Rule& r : catalog::Catalog()) {
    if (r.id == id) return &r;
  }
  return nullptr;
}

RuleVerdict V(const std::string& id, Verdict verdict, std::string detail = "",
              std::vector<std::string> tests = {}) {
  RuleVerdict v;
  v.rule = Rule(id);
  v.verdict = verdict;
  v.detail = std::move(detail);
  v.tests = std::move(tests);
  if (verdict == Verdict::kFail && !v.tests.empty()) v.failing_test = v.tests.back();
  return v;
}

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

HtmlImplementation Acme() {
  HtmlImplementation impl;
  impl.name = "acme_cm";
  impl.description = "an example <with> markup";
  impl.verdicts = {V("AF-053", Verdict::kFail, "event #123: <script>alert(1)</script>",
                     {"Impl/CmRole.Other/acme_cm", "Impl/CmRole.Close/acme_cm"}),
                   V("AF-054", Verdict::kNotApplicable, "a rule of NDIS"),
                   V("WAN-011", Verdict::kPass)};
  impl.roots = {RootCause{"AF-053",
                          "close-complete-once-success",
                          "event #123: x",
                          {"Impl/CmRole.Close/acme_cm (event #123)"},
                          {"AF-082"}}};
  impl.replay = "bazel run //examples/acme_cm --";
  return impl;
}

TEST(WriteHtml, OneRowPerRuleWithEveryImplementationsVerdict) {
  HtmlImplementation other = Acme();
  other.name = "reference";
  other.roots.clear();
  other.verdicts[0].verdict = Verdict::kPass;
  std::ostringstream out;
  ASSERT_TRUE(WriteHtml(out, {Acme(), other}, {{"tool", "ndisconf"}}));
  const std::string page = out.str();
  EXPECT_EQ(Count(page, "<tr id=\"rule-"), 3u);
  EXPECT_NE(page.find("<tr id=\"rule-AF-053\" data-family=\"AF\" data-verdicts=\"FAIL PASS\">"),
            std::string::npos);
  EXPECT_NE(page.find("<tr id=\"rule-WAN-011\" data-family=\"WAN\" data-verdicts=\"PASS PASS\">"),
            std::string::npos);
  EXPECT_NE(page.find("<th>acme_cm</th><th>reference</th>"), std::string::npos);
  EXPECT_NE(page.find("<option>AF</option><option>WAN</option>"), std::string::npos);
}

TEST(WriteHtml, EscapesEveryTextAndLinksRootCausesToTheirRules) {
  std::ostringstream out;
  ASSERT_TRUE(WriteHtml(out, {Acme()}, {}));
  const std::string page = out.str();
  EXPECT_EQ(page.find("<script>alert"), std::string::npos);
  EXPECT_NE(page.find("event #123: &lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(page.find("an example &lt;with&gt; markup"), std::string::npos);
  EXPECT_NE(page.find("<a class=\"id\" href=\"#rule-AF-053\">AF-053</a> "
                      "[close-complete-once-success]"),
            std::string::npos);
  EXPECT_NE(page.find("then: <a class=\"id\" href=\"#rule-AF-082\">AF-082</a>"), std::string::npos);
  // The replay command of the failing rule's first test, quoted for a shell.
  EXPECT_NE(page.find("<code class=\"replay\">bazel run //examples/acme_cm -- "
                      "&apos;--gtest_filter=Impl/CmRole.Close/acme_cm&apos; "
                      "--traces=out/traces</code>"),
            std::string::npos);
  // Only one script: the page's own.
  EXPECT_EQ(Count(page, "<script>"), 1u);
}

TEST(WriteHtml, RefusesImplementationsThatDisagreeOnTheRules) {
  HtmlImplementation other = Acme();
  other.verdicts.pop_back();
  std::ostringstream out;
  EXPECT_FALSE(WriteHtml(out, {Acme(), other}, {}));
  EXPECT_FALSE(WriteHtml(out, {}, {}));
  EXPECT_EQ(out.str(), "");
}

TEST(WriteHtml, IsDeterministic) {
  std::ostringstream a, b;
  ASSERT_TRUE(WriteHtml(a, {Acme()}, {{"k", "v"}}));
  ASSERT_TRUE(WriteHtml(b, {Acme()}, {{"k", "v"}}));
  EXPECT_EQ(a.str(), b.str());
}

}  // namespace
}  // namespace ndisconf::report
