#include "conformance/report/html.h"

#include <set>
#include <string_view>

namespace ndisconf::report {
namespace {

std::string E(std::string_view s) { return XmlEscape(s); }

// The style and the script, inline so that the page is one file anyone can open or attach.
constexpr std::string_view kStyle = R"(
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #1b1b1b; }
h1 { font-size: 1.4em; margin: 0 0 .3em; }
h2 { font-size: 1.1em; margin: 1.2em 0 .4em; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #ddd; padding: .35em .5em; text-align: left; vertical-align: top; }
th { background: #f3f3f3; position: sticky; top: 0; }
.meta { width: auto; }
.meta td, .meta th { border: none; padding: .1em .6em .1em 0; background: none; position: static; }
.v { display: inline-block; min-width: 8.5em; font-weight: 600; padding: 0 .3em; border-radius: 3px; }
.PASS { background: #d7f5dd; color: #0b5d1e; }
.ACCEPTABLE { background: #dbe8fb; color: #123f7a; }
.FAIL { background: #fbd5d5; color: #8a1111; }
.NOT_APPLICABLE { background: #e8e8e8; color: #444; }
.INCONCLUSIVE { background: #fff1c2; color: #6b4f00; }
.why { color: #444; font-size: .92em; margin-top: .2em; }
.replay { display: block; font-size: .85em; color: #333; margin-top: .2em; word-break: break-all; }
.src { color: #666; font-size: .85em; }
.filters { margin: .8em 0; display: flex; gap: 1em; flex-wrap: wrap; align-items: center; }
.roots li { margin-bottom: .3em; }
.id { white-space: nowrap; font-family: monospace; }
)";

constexpr std::string_view kScript = R"(
(function () {
  var verdict = document.getElementById('verdict');
  var family = document.getElementById('family');
  var query = document.getElementById('q');
  var rows = Array.prototype.slice.call(document.querySelectorAll('table.rules tbody tr'));
  function apply() {
    var v = verdict.value, f = family.value, q = query.value.toLowerCase(), shown = 0;
    rows.forEach(function (row) {
      var ok = (v === '' || row.dataset.verdicts.split(' ').indexOf(v) >= 0) &&
               (f === '' || row.dataset.family === f) &&
               (q === '' || row.textContent.toLowerCase().indexOf(q) >= 0);
      row.hidden = !ok;
      if (ok) shown++;
    });
    document.getElementById('shown').textContent = shown + ' of ' + rows.length + ' rules shown';
  }
  var params = new URLSearchParams(window.location.search);
  if (params.has('verdict')) verdict.value = params.get('verdict');
  if (params.has('family')) family.value = params.get('family');
  if (params.has('q')) query.value = params.get('q');
  [verdict, family].forEach(function (e) { e.addEventListener('change', apply); });
  query.addEventListener('input', apply);
  apply();
})();
)";

std::string ShellQuoted(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

}  // namespace

bool WriteHtml(std::ostream& out, const std::vector<HtmlImplementation>& impls,
               const Metadata& metadata) {
  if (impls.empty()) return false;
  const std::vector<RuleVerdict>& rows = impls[0].verdicts;
  for (const HtmlImplementation& impl : impls) {
    if (impl.verdicts.size() != rows.size()) return false;
    for (size_t i = 0; i < rows.size(); ++i) {
      if (impl.verdicts[i].rule != rows[i].rule) return false;
    }
  }
  std::string names;
  for (const HtmlImplementation& impl : impls) names += (names.empty() ? "" : ", ") + impl.name;

  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      << "<title>ndisconf report: " << E(names) << "</title>\n<style>" << kStyle
      << "</style>\n</head>\n<body>\n<h1>ndisconf report: " << E(names) << "</h1>\n";

  out << "<table class=\"meta\">\n";
  for (const auto& [key, value] : metadata) {
    out << "<tr><th>" << E(key) << "</th><td>" << E(value) << "</td></tr>\n";
  }
  out << "</table>\n";

  for (const HtmlImplementation& impl : impls) {
    const Counts c = CountVerdicts(impl.verdicts);
    out << "<h2 id=\"impl-" << E(impl.name) << "\">" << E(impl.name) << ": " << E(impl.description)
        << "</h2>\n<p class=\"summary\">" << c.total() << " rules: <span class=\"v PASS\">"
        << c.pass << " PASS</span> <span class=\"v ACCEPTABLE\">" << c.acceptable
        << " ACCEPTABLE</span> <span class=\"v FAIL\">" << c.fail
        << " FAIL</span> <span class=\"v NOT_APPLICABLE\">" << c.not_applicable
        << " NOT_APPLICABLE</span> <span class=\"v INCONCLUSIVE\">" << c.inconclusive
        << " INCONCLUSIVE</span></p>\n";
    if (impl.roots.empty()) continue;
    out << "<p>Root causes, fix these first: each is the earliest violation in the tests "
           "listed, and the rules after \"then\" failed in those tests after it.</p>\n"
           "<ol class=\"roots\">\n";
    for (const RootCause& r : impl.roots) {
      out << "<li>";
      if (r.rule.empty()) {
        out << "a test failure";
      } else {
        out << "<a class=\"id\" href=\"#rule-" << E(r.rule) << "\">" << E(r.rule) << "</a> ["
            << E(r.check) << "]";
      }
      out << ": " << E(r.message) << " <span class=\"src\">(" << r.tests.size() << " test(s): ";
      for (size_t i = 0; i < r.tests.size(); ++i) out << (i ? ", " : "") << E(r.tests[i]);
      out << ")</span>";
      if (!r.consequences.empty()) {
        out << "<br>then:";
        for (const std::string& rule : r.consequences) {
          out << " <a class=\"id\" href=\"#rule-" << E(rule) << "\">" << E(rule) << "</a>";
        }
      }
      out << "</li>\n";
    }
    out << "</ol>\n";
  }

  std::set<std::string> families;
  for (const RuleVerdict& v : rows) families.insert(std::string(v.rule->prefix()));
  out << "<div class=\"filters\">\n<label>Verdict <select id=\"verdict\">"
         "<option value=\"\">any</option>";
  for (const char* name : {"FAIL", "PASS", "ACCEPTABLE", "NOT_APPLICABLE", "INCONCLUSIVE"}) {
    out << "<option>" << name << "</option>";
  }
  out << "</select></label>\n<label>Family <select id=\"family\"><option value=\"\">all</option>";
  for (const std::string& f : families) out << "<option>" << E(f) << "</option>";
  out << "</select></label>\n<label>Text <input id=\"q\" type=\"search\"></label>\n"
      << "<span id=\"shown\">" << rows.size() << " of " << rows.size()
      << " rules shown</span>\n</div>\n";

  out << "<table class=\"rules\">\n<thead><tr><th>Rule</th><th>Level</th><th>Actor</th>"
         "<th>Rule text and sources</th>";
  for (const HtmlImplementation& impl : impls) out << "<th>" << E(impl.name) << "</th>";
  out << "</tr></thead>\n<tbody>\n";
  for (size_t i = 0; i < rows.size(); ++i) {
    const catalog::Rule& rule = *rows[i].rule;
    std::string verdicts;
    for (const HtmlImplementation& impl : impls) {
      verdicts +=
          (verdicts.empty() ? "" : " ") + std::string(VerdictName(impl.verdicts[i].verdict));
    }
    out << "<tr id=\"rule-" << E(rule.id) << "\" data-family=\"" << E(rule.prefix())
        << "\" data-verdicts=\"" << verdicts << "\"><td class=\"id\">" << E(rule.id) << "</td><td>"
        << E(rule.level) << "</td><td>" << E(rule.actor) << "</td><td>" << E(rule.text)
        << "<div class=\"src\">sources: " << E(rule.sources) << "</div></td>";
    for (const HtmlImplementation& impl : impls) {
      const RuleVerdict& v = impl.verdicts[i];
      out << "<td><span class=\"v " << VerdictName(v.verdict) << "\">" << VerdictName(v.verdict)
          << "</span>";
      if (!v.detail.empty()) out << "<div class=\"why\">" << E(v.detail) << "</div>";
      if (v.verdict == Verdict::kFail && !v.failing_test.empty() && !impl.replay.empty()) {
        out << "<code class=\"replay\">" << E(impl.replay) << " "
            << E(ShellQuoted("--gtest_filter=" + v.failing_test)) << " --traces=out/traces</code>";
      }
      out << "</td>";
    }
    out << "</tr>\n";
  }
  out << "</tbody>\n</table>\n<script>" << kScript << "</script>\n</body>\n</html>\n";
  return true;
}

}  // namespace ndisconf::report
