// Implementation of fuzz/af_text.h. The op and operand names come from one
// table, indexed by the input format's tags (fuzz/af_lifecycle_input.h).
#include "fuzz/af_text.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <optional>

#include "fuzz/af_lifecycle_input.h"

namespace ndisconf::fuzz {
namespace {

struct OpText {
  const char* name;
  std::array<const char*, 3> operands;  // names, nullptr past the last
};

// Indexed by tag; its size is the tag count, so a new op needs an entry.
constexpr std::array<OpText, kAfOpCount> kOps = {{
    {"load_cm", {"cfg"}},
    {"load_client", {"cfg"}},
    {"load_miniport", {"cfg"}},
    {"load_mcm", {"cfg"}},
    {"add_adapter", {"m"}},
    {"unbind", {"p", "a"}},
    {"halt", {"a"}},
    {"run_one", {}},
    {"settle", {}},
    {"close_af", {"c", "af"}},
    {"register_sap", {"c", "af", "type"}},
    {"deregister_sap", {"c", "sap"}},
    {"create_vc", {"c", "af"}},
    {"delete_vc", {"c", "vc"}},
    {"make_call", {"c", "vc"}},
    {"close_call", {"c", "vc"}},
    {"incoming_call", {"m", "sap"}},
    {"bind", {"p", "a"}},
    {"bad_call", {"c", "fn", "handle"}},
    {"bad_create_vc", {"c", "af"}},
}};

// BAD_CALL's symbolic operand values (BadCallFn, BadHandle order).
constexpr std::array<const char*, 7> kFnNames = {
    "NdisClCloseAddressFamily", "NdisClRegisterSap", "NdisClDeregisterSap", "NdisCoCreateVc",
    "NdisCoDeleteVc",           "NdisClMakeCall",    "NdisClCloseCall"};
constexpr std::array<const char*, 4> kHandleNames = {"null", "garbage", "stale", "wrong_kind"};

// The cfg bits by name, for the comment after a load record.
std::string CfgComment(AfOp op, uint8_t cfg) {
  std::string s;
  auto add = [&](const char* what) { s += s.empty() ? what : std::string(",") + what; };
  if (op == AfOp::kLoadCm || op == AfOp::kLoadMcm) {
    if (cfg & 1) add(op == AfOp::kLoadCm ? "afs=q2931+tapi" : "afs=tapi_proxy+q2931");
    constexpr std::array<const char*, 6> pend = {"pend=open_af",      "pend=close_af",
                                                 "pend=register_sap", "pend=deregister_sap",
                                                 "pend=make_call",    "pend=close_call"};
    for (size_t b = 0; b < pend.size(); ++b)
      if (cfg & (2u << b)) add(pend[b]);
  } else if (op == AfOp::kLoadClient) {
    constexpr std::array<const char*, 4> nc = {nullptr, "notify_close=pend", "notify_close=failure",
                                               nullptr};
    constexpr std::array<const char*, 4> ic = {nullptr, "incoming_call=pend",
                                               "incoming_call=reject", nullptr};
    if (nc[cfg & 3]) add(nc[cfg & 3]);
    if (ic[cfg >> 2 & 3]) add(ic[cfg >> 2 & 3]);
    if (cfg & 16) add("sap_after_open");
    if (cfg & 32) add("call_after_open");
  } else if (op == AfOp::kLoadMiniport) {
    if (cfg & 1) add("pend=activate_vc");
    if (cfg & 2) add("pend=deactivate_vc");
  }
  return s;
}

std::string Operand(AfOp op, size_t j, uint8_t v) {
  if (op == AfOp::kBadCall && j == 1 && v < kFnNames.size()) return kFnNames[v];
  if (op == AfOp::kBadCall && j == 2 && v < kHandleNames.size()) return kHandleNames[v];
  char buf[8];
  // A load's cfg is a bit set: hex.
  std::snprintf(buf, sizeof buf, op <= AfOp::kLoadMcm ? "0x%02x" : "%u", v);
  return buf;
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r'; }

std::optional<uint8_t> Number(std::string_view s) {
  unsigned base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    s.remove_prefix(2);
  }
  if (s.empty() || s.size() > 3) return std::nullopt;
  unsigned v = 0;
  for (char c : s) {
    unsigned d;
    if (c >= '0' && c <= '9') {
      d = static_cast<unsigned>(c - '0');
    } else if (base == 16 && c >= 'a' && c <= 'f') {
      d = static_cast<unsigned>(c - 'a' + 10);
    } else if (base == 16 && c >= 'A' && c <= 'F') {
      d = static_cast<unsigned>(c - 'A' + 10);
    } else {
      return std::nullopt;
    }
    if (d >= base) return std::nullopt;
    v = v * base + d;
  }
  if (v > 255) return std::nullopt;
  return static_cast<uint8_t>(v);
}

std::optional<uint8_t> Symbol(AfOp op, size_t j, std::string_view s) {
  if (op == AfOp::kBadCall && j == 1)
    for (size_t i = 0; i < kFnNames.size(); ++i)
      if (s == kFnNames[i]) return static_cast<uint8_t>(i);
  if (op == AfOp::kBadCall && j == 2)
    for (size_t i = 0; i < kHandleNames.size(); ++i)
      if (s == kHandleNames[i]) return static_cast<uint8_t>(i);
  return Number(s);
}

struct Token {
  std::string_view text;
  size_t column;  // 1-based
};

// The line's tokens up to a `#`.
std::vector<Token> Tokens(std::string_view line) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < line.size()) {
    if (IsSpace(line[i])) {
      ++i;
      continue;
    }
    if (line[i] == '#') break;
    const size_t start = i;
    while (i < line.size() && !IsSpace(line[i]) && line[i] != '#') ++i;
    out.push_back({line.substr(start, i - start), start + 1});
  }
  return out;
}

}  // namespace

std::string PrintAfProgram(const uint8_t* data, size_t size) {
  std::string out;
  const size_t n = size == 0 ? 0 : std::min<size_t>(data[0], size - 1);
  if (n > 0) {
    out += "schedule";
    for (size_t i = 0; i < n; ++i) out += " " + std::to_string(data[1 + i]);
    out += "\n";
  }
  size_t i = size == 0 ? 0 : 1 + n;
  while (i < size) {
    const std::optional<AfOp> op = AfOpForTag(data[i]);
    if (!op) {
      out += "# skipped unknown tag " + std::to_string(data[i]) + "\n";
      ++i;
      continue;
    }
    const OpText& t = kOps[data[i]];
    const size_t k = AfOpOperands(*op);
    if (i + 1 + k > size) {
      out += std::string("# cut short: ") + t.name + "\n";
      break;
    }
    std::string line = t.name;
    for (size_t j = 0; j < k; ++j)
      line += std::string(" ") + t.operands[j] + "=" + Operand(*op, j, data[i + 1 + j]);
    if (*op <= AfOp::kLoadMcm) {
      const std::string c = CfgComment(*op, data[i + 1]);
      if (!c.empty()) line += "  # " + c;
    }
    out += line + "\n";
    i += 1 + k;
  }
  return out;
}

bool ParseAfProgram(std::string_view text, std::vector<uint8_t>* out, AfTextError* error) {
  std::vector<uint8_t> schedule, records;
  bool seen_schedule = false;
  size_t line_no = 0;
  auto fail = [&](size_t column, std::string message) {
    *error = {line_no, column, std::move(message)};
    return false;
  };
  while (!text.empty() || line_no == 0) {
    ++line_no;
    const size_t nl = text.find('\n');
    const std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    const std::vector<Token> tokens = Tokens(line);
    if (tokens.empty()) {
      if (text.empty()) break;
      continue;
    }
    const Token& head = tokens[0];
    if (head.text == "schedule") {
      if (seen_schedule) return fail(head.column, "a second schedule line");
      if (!records.empty()) return fail(head.column, "the schedule line must come before records");
      if (tokens.size() - 1 > 255) return fail(tokens[256].column, "more than 255 schedule bytes");
      seen_schedule = true;
      for (size_t j = 1; j < tokens.size(); ++j) {
        const std::optional<uint8_t> v = Number(tokens[j].text);
        if (!v) return fail(tokens[j].column, "a schedule byte must be a number 0-255");
        schedule.push_back(*v);
      }
      continue;
    }
    size_t tag = 0;
    while (tag < kOps.size() && head.text != kOps[tag].name) ++tag;
    if (tag == kOps.size())
      return fail(head.column, "unknown operation '" + std::string(head.text) + "'");
    const AfOp op = static_cast<AfOp>(tag);
    const size_t k = AfOpOperands(op);
    if (tokens.size() - 1 < k)
      return fail(line.size() + 1,
                  std::string("missing operand ") + kOps[tag].operands[tokens.size() - 1] + "=");
    if (tokens.size() - 1 > k) return fail(tokens[k + 1].column, "too many operands");
    records.push_back(static_cast<uint8_t>(tag));
    for (size_t j = 0; j < k; ++j) {
      const Token& t = tokens[j + 1];
      const std::string want = std::string(kOps[tag].operands[j]) + "=";
      if (t.text.substr(0, want.size()) != want) return fail(t.column, "expected operand " + want);
      const std::optional<uint8_t> v = Symbol(op, j, t.text.substr(want.size()));
      if (!v)
        return fail(t.column + want.size(),
                    "bad value for " + want + " (a number 0-255" +
                        (op == AfOp::kBadCall && j > 0 ? " or a name)" : ")"));
      records.push_back(*v);
    }
  }
  out->clear();
  out->push_back(static_cast<uint8_t>(schedule.size()));
  out->insert(out->end(), schedule.begin(), schedule.end());
  out->insert(out->end(), records.begin(), records.end());
  return true;
}

}  // namespace ndisconf::fuzz
