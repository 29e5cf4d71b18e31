// Every `trace` block of docs/trace_format.md parses, and the verdict the
// page writes above it (an HTML comment `<!-- trace_check: ... -->`) is the
// one the checker gives: `conformant`, a comma-separated set of rule IDs, or
// `error LINE:COL` for a malformed trace. A trace block without a verdict
// fails, so the page cannot show an example nobody checked.
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "conformance/monitor/monitor.h"
#include "conformance/trace/trace.h"
#include "gtest/gtest.h"

namespace ndisconf::trace {
namespace {

struct Block {
  size_t line = 0;      // of the opening fence, 1-based
  std::string verdict;  // after "trace_check: ", or empty
  std::string text;
};

std::vector<Block> TraceBlocks(const std::string& page) {
  std::vector<Block> out;
  std::istringstream in(page);
  std::string line, verdict;
  size_t no = 0;
  while (std::getline(in, line)) {
    ++no;
    const std::string kVerdict = "<!-- trace_check: ";
    if (line.rfind(kVerdict, 0) == 0 && line.size() > kVerdict.size() + 4) {
      verdict = line.substr(kVerdict.size(), line.size() - kVerdict.size() - 4);
      continue;
    }
    if (line.rfind("<!--", 0) == 0) continue;  // other markers keep the verdict
    if (line != "```trace") {
      verdict.clear();
      continue;
    }
    Block b{no, verdict, ""};
    verdict.clear();
    while (std::getline(in, line) && (++no, line != "```")) b.text += line + "\n";
    out.push_back(b);
  }
  return out;
}

std::string Verdict(const std::string& text) {
  auto parsed = Parse(text);
  if (auto* err = std::get_if<ParseError>(&parsed))
    return "error " + std::to_string(err->line) + ":" + std::to_string(err->column);
  const Trace& t = std::get<Trace>(parsed);
  monitor::Monitor m(monitor::Profile{});
  m.DeclareDrivers(t.drivers);
  for (const Event& e : t.events) m.OnEvent(e);
  m.Finish();
  std::set<std::string> rules;
  for (const monitor::Violation& v : m.violations()) rules.insert(v.rule);
  if (rules.empty()) return "conformant";
  std::string out;
  for (const std::string& r : rules) out += (out.empty() ? "" : ",") + r;
  return out;
}

TEST(TraceFormatPage, EveryTraceBlockHasTheVerdictThePageGives) {
  std::ifstream in("docs/trace_format.md", std::ios::binary);
  ASSERT_TRUE(in) << "docs/trace_format.md not found";
  std::stringstream ss;
  ss << in.rdbuf();
  const std::vector<Block> blocks = TraceBlocks(ss.str());
  ASSERT_GE(blocks.size(), 4u);
  for (const Block& b : blocks) {
    EXPECT_FALSE(b.verdict.empty()) << "docs/trace_format.md:" << b.line
                                    << ": a trace block needs a <!-- trace_check: --> line";
    EXPECT_EQ(Verdict(b.text), b.verdict) << "docs/trace_format.md:" << b.line;
  }
}

}  // namespace
}  // namespace ndisconf::trace
