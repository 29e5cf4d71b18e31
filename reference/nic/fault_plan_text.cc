// Fault plans: the text parser and writer. See fault_plan.h for the
// grammar.
#include <algorithm>
#include <array>
#include <cstdio>
#include <limits>

#include "reference/nic/fault_plan.h"
#include "reference/nic/fault_plan_tables.h"

namespace ndisconf::nic {

using fault_plan_tables::ErrorBitName;
using fault_plan_tables::Hex;
using fault_plan_tables::kErrorBitNames;
using fault_plan_tables::KindName;
using fault_plan_tables::kKindNames;
using fault_plan_tables::kRangeSpecs;
using fault_plan_tables::RangeSpec;

namespace {

// A token quoted for an error message: at most 40 bytes, non-printable
// bytes as \xNN, so hostile input cannot make messages huge or garbled.
std::string Quote(std::string_view s) {
  std::string out = "'";
  size_t n = 0;
  for (unsigned char c : s) {
    if (n++ == 40) {
      out += "...";
      break;
    }
    if (c >= 0x20 && c < 0x7F && c != '\'') {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  return out + "'";
}

// Decimal or 0x-hex, no sign, no whitespace. nullopt on bad syntax;
// `overflow` is set when the digits are valid but exceed 64 bits.
std::optional<uint64_t> ParseU64(std::string_view s, bool* overflow) {
  *overflow = false;
  unsigned base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    s.remove_prefix(2);
  }
  if (s.empty()) return std::nullopt;
  uint64_t v = 0;
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
    if (v > (std::numeric_limits<uint64_t>::max() - d) / base) *overflow = true;
    v = v * base + d;
  }
  return v;
}

// ---- Text parser ----------------------------------------------------------

struct Pair {
  std::string_view key;
  std::string_view value;
  int key_col;
  int value_col;
};

class LineParser {
 public:
  LineParser(int line, std::vector<Pair> pairs, std::string_view directive, int directive_col)
      : line_(line), pairs_(std::move(pairs)), directive_(directive), dcol_(directive_col) {}

  // Fails the parse unless every key of the line is in `allowed`.
  bool CheckKeys(std::initializer_list<std::string_view> allowed, ParseError* err) const {
    return CheckKeys(std::span<const std::string_view>(allowed.begin(), allowed.size()), err);
  }
  bool CheckKeys(std::span<const std::string_view> allowed, ParseError* err) const {
    for (const Pair& p : pairs_) {
      if (std::find(allowed.begin(), allowed.end(), p.key) == allowed.end()) {
        return Fail(err, p.key_col,
                    "unknown key " + Quote(p.key) + " for directive " + Quote(directive_));
      }
    }
    return true;
  }

  const std::vector<Pair>& pairs() const { return pairs_; }

  const Pair* Find(std::string_view key) const {
    for (const Pair& p : pairs_) {
      if (p.key == key) return &p;
    }
    return nullptr;
  }

  bool Require(std::string_view key, const Pair** out, ParseError* err) const {
    *out = Find(key);
    if (*out == nullptr) {
      return Fail(err, dcol_,
                  "missing required key " + Quote(key) + " for directive " + Quote(directive_));
    }
    return true;
  }

  // Parses p's value as a number in [lo, hi].
  bool Number(const Pair& p, uint64_t lo, uint64_t hi, uint64_t* out, ParseError* err) const {
    bool overflow = false;
    std::optional<uint64_t> v = ParseU64(p.value, &overflow);
    if (!v) {
      return Fail(err, p.value_col,
                  "invalid number " + Quote(p.value) + " for key " + Quote(p.key));
    }
    if (overflow || *v < lo || *v > hi) {
      return Fail(err, p.value_col,
                  "value " + Quote(p.value) + " out of range [" + std::to_string(lo) + ", " +
                      std::to_string(hi) + "] for key " + Quote(p.key));
    }
    *out = *v;
    return true;
  }

  bool Bool(const Pair& p, bool* out, ParseError* err) const {
    static constexpr std::string_view kTrue[] = {"yes", "true", "1"};
    static constexpr std::string_view kFalse[] = {"no", "false", "0"};
    for (auto t : kTrue) {
      if (p.value == t) return (*out = true), true;
    }
    for (auto f : kFalse) {
      if (p.value == f) return (*out = false), true;
    }
    return Fail(err, p.value_col,
                "invalid boolean " + Quote(p.value) + " for key " + Quote(p.key) +
                    " (expected yes, no, true, false, 1 or 0)");
  }

  bool Kind(const Pair& p, FaultKind* out, ParseError* err) const {
    std::optional<FaultKind> k = FaultKindFromName(p.value);
    if (!k) {
      std::string names;
      for (const KindName& kn : kKindNames)
        names += std::string(names.empty() ? "" : ", ") + kn.name;
      return Fail(err, p.value_col,
                  "unknown fault kind " + Quote(p.value) + " (expected one of: " + names + ")");
    }
    *out = *k;
    return true;
  }

  // Error flags: names joined by '|', or a number in 1..0x3f.
  bool Errors(const Pair& p, FrameErrors* out, ParseError* err) const {
    std::string_view v = p.value;
    if (!v.empty() && v[0] >= '0' && v[0] <= '9') {
      uint64_t n = 0;
      if (!Number(p, 1, FrameErrors::kAll, &n, err)) return false;
      out->bits = static_cast<uint32_t>(n);
      return true;
    }
    uint32_t bits = 0;
    size_t pos = 0;
    while (true) {
      size_t bar = v.find('|', pos);
      std::string_view name = v.substr(pos, bar == std::string_view::npos ? v.npos : bar - pos);
      uint32_t bit = 0;
      for (const ErrorBitName& e : kErrorBitNames) {
        if (name == e.name) bit = e.bit;
      }
      if (bit == 0) {
        return Fail(err, p.value_col + static_cast<int>(pos),
                    "unknown error flag " + Quote(name) +
                        " (expected crc, framing, hw-overrun, buffer-overrun, timeout, alignment)");
      }
      bits |= bit;
      if (bar == std::string_view::npos) break;
      pos = bar + 1;
    }
    out->bits = bits;
    return true;
  }

  bool Fail(ParseError* err, int col, std::string message) const {
    err->line = line_;
    err->column = col;
    err->message = std::move(message);
    return false;
  }

 private:
  int line_;
  std::vector<Pair> pairs_;
  std::string_view directive_;
  int dcol_;
};

// Keys each fault kind accepts: at, ch, kind and its own parameters.
std::span<const std::string_view> KindParams(FaultKind k) {
  static constexpr std::string_view kFlap[] = {"at", "ch", "kind", "down"};
  static constexpr std::string_view kSpeed[] = {"at", "ch", "kind", "bps"};
  static constexpr std::string_view kPartial[] = {"at", "ch", "kind", "keep", "errors"};
  static constexpr std::string_view kReset[] = {"at", "ch", "kind", "ticks"};
  static constexpr std::string_view kHang[] = {"at", "ch", "kind", "silent"};
  static constexpr std::string_view kLinkLoss[] = {"at", "ch", "kind"};
  static constexpr std::string_view kSingleError[] = {"at", "ch", "kind", "when"};
  switch (k) {
    case FaultKind::kFlap:
      return kFlap;
    case FaultKind::kSpeedChange:
      return kSpeed;
    case FaultKind::kPartialFrame:
      return kPartial;
    case FaultKind::kReset:
      return kReset;
    case FaultKind::kHang:
      return kHang;
    case FaultKind::kLinkLoss:
      return kLinkLoss;
    default:
      return kSingleError;
  }
}

bool ParseFaultLine(const LineParser& lp, ScheduledFault* f, ParseError* err) {
  const Pair *at, *ch, *kind;
  if (!lp.Require("at", &at, err) || !lp.Require("ch", &ch, err) ||
      !lp.Require("kind", &kind, err)) {
    return false;
  }
  if (!lp.Kind(*kind, &f->kind, err)) return false;
  std::span<const std::string_view> allowed = KindParams(f->kind);
  for (const Pair& p : lp.pairs()) {
    if (std::find(allowed.begin(), allowed.end(), p.key) == allowed.end()) {
      return lp.Fail(err, p.key_col,
                     "key " + Quote(p.key) + " is not valid for kind " + Quote(kind->value));
    }
  }
  uint64_t v = 0;
  if (!lp.Number(*at, 0, std::numeric_limits<uint64_t>::max(), &v, err)) return false;
  f->at_tick = v;
  if (!lp.Number(*ch, 0, kMaxFaultChannel, &v, err)) return false;
  f->channel = ChannelId{static_cast<uint32_t>(v)};
  switch (f->kind) {
    case FaultKind::kFlap:
      if (const Pair* p = lp.Find("down")) {
        if (!lp.Number(*p, 1, kMaxFlapTicks, &v, err)) return false;
        f->flap_down_ticks = v;
      }
      break;
    case FaultKind::kSpeedChange: {
      const Pair* p;
      if (!lp.Require("bps", &p, err)) return false;
      if (!lp.Number(*p, 1, kMaxSpeedBps, &v, err)) return false;
      f->speed_bps = v;
      break;
    }
    case FaultKind::kPartialFrame:
      if (const Pair* p = lp.Find("keep")) {
        if (!lp.Number(*p, 0, kMaxPartialKeep, &v, err)) return false;
        f->partial_keep = static_cast<uint32_t>(v);
      }
      if (const Pair* p = lp.Find("errors")) {
        if (!lp.Errors(*p, &f->partial_errors, err)) return false;
      }
      break;
    case FaultKind::kReset:
      if (const Pair* p = lp.Find("ticks")) {
        if (!lp.Number(*p, 0, kMaxResetTicks, &v, err)) return false;
        f->reset_ticks = v;
      }
      break;
    case FaultKind::kHang:
      if (const Pair* p = lp.Find("silent")) {
        if (!lp.Bool(*p, &f->silent, err)) return false;
      }
      break;
    case FaultKind::kLinkLoss:
      break;
    default:  // single-error kinds
      if (const Pair* p = lp.Find("when")) {
        if (p->value == "now") {
          f->immediate = true;
        } else if (p->value == "next") {
          f->immediate = false;
        } else {
          return lp.Fail(
              err, p->value_col,
              "invalid value " + Quote(p->value) + " for key 'when' (expected next or now)");
        }
      }
      break;
  }
  return true;
}

}  // namespace

std::string ParseError::ToString() const {
  return "line " + std::to_string(line) + ", column " + std::to_string(column) + ": " + message;
}

ParseResult ParseFaultPlan(std::string_view text) {
  ParseResult result;
  FaultPlan plan;
  ParseError& err = result.error;
  int seed_line = 0;
  std::array<int, kFaultKindCount> prob_line{};
  std::array<int, 4> range_line{};
  int line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    ++line_no;
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? text.npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    if (line.size() > kMaxTextLineBytes) {
      err = {line_no, static_cast<int>(kMaxTextLineBytes) + 1,
             "line longer than " + std::to_string(kMaxTextLineBytes) + " bytes"};
      return result;
    }
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (size_t hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);

    // Tokenize, remembering 1-based columns.
    std::vector<std::pair<std::string_view, int>> tokens;
    for (size_t i = 0; i < line.size();) {
      if (line[i] == ' ' || line[i] == '\t') {
        ++i;
        continue;
      }
      size_t start = i;
      while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
      tokens.emplace_back(line.substr(start, i - start), static_cast<int>(start) + 1);
    }
    if (tokens.empty()) continue;

    std::string_view directive = tokens[0].first;
    int dcol = tokens[0].second;
    std::vector<Pair> pairs;
    for (size_t t = 1; t < tokens.size(); ++t) {
      auto [tok, col] = tokens[t];
      size_t eq = tok.find('=');
      if (eq == std::string_view::npos || eq == 0) {
        err = {line_no, col, "expected key=value, got " + Quote(tok)};
        return result;
      }
      Pair p{tok.substr(0, eq), tok.substr(eq + 1), col, col + static_cast<int>(eq) + 1};
      if (p.value.empty()) {
        err = {line_no, col, "missing value for key " + Quote(p.key)};
        return result;
      }
      for (const Pair& q : pairs) {
        if (q.key == p.key) {
          err = {line_no, col,
                 "duplicate key " + Quote(p.key) + " (first at column " +
                     std::to_string(q.key_col) + ")"};
          return result;
        }
      }
      pairs.push_back(p);
    }
    LineParser lp(line_no, std::move(pairs), directive, dcol);

    if (directive == "fault") {
      if (!lp.CheckKeys(
              {"at", "ch", "kind", "down", "bps", "when", "keep", "errors", "ticks", "silent"},
              &err)) {
        return result;
      }
      if (plan.faults.size() >= kMaxScheduledFaults) {
        err = {line_no, dcol,
               "too many faults (at most " + std::to_string(kMaxScheduledFaults) + ")"};
        return result;
      }
      ScheduledFault f;
      if (!ParseFaultLine(lp, &f, &err)) return result;
      plan.faults.push_back(f);
    } else if (directive == "seed") {
      const Pair* p;
      uint64_t v = 0;
      if (!lp.CheckKeys({"value"}, &err) || !lp.Require("value", &p, &err) ||
          !lp.Number(*p, 0, std::numeric_limits<uint64_t>::max(), &v, &err)) {
        return result;
      }
      if (seed_line != 0) {
        err = {line_no, dcol, "seed already set on line " + std::to_string(seed_line)};
        return result;
      }
      seed_line = line_no;
      if (!plan.random) plan.random.emplace();
      plan.random->seed = v;
    } else if (directive == "prob") {
      const Pair *k, *p;
      FaultKind kind;
      uint64_t v = 0;
      if (!lp.CheckKeys({"kind", "ppm"}, &err) || !lp.Require("kind", &k, &err) ||
          !lp.Require("ppm", &p, &err) || !lp.Kind(*k, &kind, &err) ||
          !lp.Number(*p, 0, kMaxPpm, &v, &err)) {
        return result;
      }
      int& first = prob_line[static_cast<size_t>(kind)];
      if (first != 0) {
        err = {
            line_no, dcol,
            "probability of " + Quote(k->value) + " already set on line " + std::to_string(first)};
        return result;
      }
      first = line_no;
      if (!plan.random) plan.random.emplace();
      plan.random->ppm[static_cast<size_t>(kind)] = static_cast<uint32_t>(v);
    } else if (directive == "range") {
      const Pair *n, *lo, *hi;
      if (!lp.CheckKeys({"name", "min", "max"}, &err) || !lp.Require("name", &n, &err) ||
          !lp.Require("min", &lo, &err) || !lp.Require("max", &hi, &err)) {
        return result;
      }
      size_t idx = 4;
      for (size_t i = 0; i < 4; ++i) {
        if (n->value == kRangeSpecs[i].name) idx = i;
      }
      if (idx == 4) {
        err = {line_no, n->value_col,
               "unknown range " + Quote(n->value) + " (expected speed, flap, partial or reset)"};
        return result;
      }
      const RangeSpec& spec = kRangeSpecs[idx];
      Range r;
      if (!lp.Number(*lo, spec.lo, spec.hi, &r.min, &err) ||
          !lp.Number(*hi, spec.lo, spec.hi, &r.max, &err)) {
        return result;
      }
      if (r.min > r.max) {
        err = {line_no, lo->key_col,
               "min " + std::to_string(r.min) + " greater than max " + std::to_string(r.max)};
        return result;
      }
      if (range_line[idx] != 0) {
        err = {
            line_no, dcol,
            "range " + Quote(n->value) + " already set on line " + std::to_string(range_line[idx])};
        return result;
      }
      range_line[idx] = line_no;
      if (!plan.random) plan.random.emplace();
      (*plan.random).*(spec.field) = r;
    } else {
      err = {line_no, dcol,
             "unknown directive " + Quote(directive) + " (expected fault, seed, prob or range)"};
      return result;
    }
    if (nl == std::string_view::npos) break;
  }
  result.plan = std::move(plan);
  return result;
}

std::string FaultPlanToText(const FaultPlan& plan) {
  std::string out;
  for (const ScheduledFault& f : plan.faults) {
    out += "fault at=" + std::to_string(f.at_tick) + " ch=" + std::to_string(f.channel.value) +
           " kind=" + FaultKindName(f.kind);
    switch (f.kind) {
      case FaultKind::kFlap:
        out += " down=" + std::to_string(f.flap_down_ticks);
        break;
      case FaultKind::kSpeedChange:
        out += " bps=" + std::to_string(f.speed_bps);
        break;
      case FaultKind::kPartialFrame:
        out += " keep=" + std::to_string(f.partial_keep) + " errors=" + Hex(f.partial_errors.bits);
        break;
      case FaultKind::kReset:
        out += " ticks=" + std::to_string(f.reset_ticks);
        break;
      case FaultKind::kHang:
        out += f.silent ? " silent=yes" : " silent=no";
        break;
      case FaultKind::kLinkLoss:
        break;
      default:
        out += f.immediate ? " when=now" : " when=next";
        break;
    }
    out += "\n";
  }
  if (plan.random) {
    const RandomFaults& r = *plan.random;
    out += "seed value=" + std::to_string(r.seed) + "\n";
    for (size_t k = 0; k < kFaultKindCount; ++k) {
      if (r.ppm[k] != 0) {
        out += std::string("prob kind=") + kKindNames[k].name + " ppm=" + std::to_string(r.ppm[k]) +
               "\n";
      }
    }
    for (const RangeSpec& spec : kRangeSpecs) {
      const Range& rg = r.*(spec.field);
      out += std::string("range name=") + spec.name + " min=" + std::to_string(rg.min) +
             " max=" + std::to_string(rg.max) + "\n";
    }
  }
  return out;
}

}  // namespace ndisconf::nic
