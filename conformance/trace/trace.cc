// The trace text format: writer and parser (see trace.h).
#include "conformance/trace/trace.h"

#include <algorithm>
#include <cstdio>
#include <optional>

#include "spec/status_names.h"

namespace ndisconf::trace {

using spec::FormatStatus;
using spec::ParseStatus;

namespace {

constexpr uint64_t kNull = ~uint64_t{0};  // the boundary's kNullSlot
constexpr std::string_view kMagic = "ndisconf-trace";

// Arguments a later version of the format added, always at the end of their
// function's call or return list (append-only). A file of an earlier version
// does not carry them: the reader sets their slots to 0 ("unknown"), and
// FormatTrace leaves them out when it writes that earlier version.
struct AddedArg {
  Fn fn;
  Phase phase;
  std::string_view name;
  int since;
};
constexpr AddedArg kAddedArgs[] = {
    // Version 2: the miniport adapter a binding is to (AF-004 per adapter).
    {Fn::ProtocolBindAdapterEx, Phase::kCall, "NdisMiniportHandle", 2},
};

// Whether a file of `version` lacks this argument.
bool AddedAfter(Fn fn, Phase phase, std::string_view name, int version) {
  for (const AddedArg& a : kAddedArgs)
    if (a.fn == fn && a.phase == phase && a.name == name) return version < a.since;
  return false;
}

void AppendHex(std::string& out, uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  out += buf;
}
void AppendDec(std::string& out, uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%llu", static_cast<unsigned long long>(v));
  out += buf;
}

void AppendIrql(std::string& out, uint8_t irql) {
  switch (irql) {
    case 0:
      out += "PASSIVE";
      return;
    case 1:
      out += "APC";
      return;
    case 2:
      out += "DISPATCH";
      return;
    default:
      AppendDec(out, irql);
  }
}

bool NameChar(char c, bool first) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_') return true;
  return !first && ((c >= '0' && c <= '9') || c == '.' || c == '-');
}
bool ValidName(std::string_view n) {
  if (n.empty() || !NameChar(n[0], true)) return false;
  for (char c : n)
    if (!NameChar(c, false)) return false;
  return true;
}

std::string_view ActorName(ActorId id, const std::vector<DriverInfo>& drivers) {
  for (const DriverInfo& d : drivers)
    if (d.id == id && ValidName(d.name)) return d.name;
  return {};
}

// ---- parsing helpers ----
struct Token {
  std::string_view text;
  size_t column;  // 1-based
};

std::vector<Token> Tokenize(std::string_view line) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    if (i >= line.size() || line[i] == '#') break;
    const size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r' &&
           line[i] != '#')
      ++i;
    out.push_back(Token{line.substr(start, i - start), start + 1});
  }
  return out;
}

// Decimal or 0x hex, up to 64 bits.
enum class NumErr { kOk, kBad, kRange };
NumErr ParseU64(std::string_view t, uint64_t* out) {
  if (t.empty()) return NumErr::kBad;
  uint64_t v = 0;
  if (t.size() > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X')) {
    for (size_t i = 2; i < t.size(); ++i) {
      const char c = t[i];
      uint64_t d;
      if (c >= '0' && c <= '9')
        d = static_cast<uint64_t>(c - '0');
      else if (c >= 'a' && c <= 'f')
        d = static_cast<uint64_t>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F')
        d = static_cast<uint64_t>(c - 'A' + 10);
      else
        return NumErr::kBad;
      if (v > (~uint64_t{0} >> 4)) return NumErr::kRange;
      v = v * 16 + d;
    }
  } else {
    for (char c : t) {
      if (c < '0' || c > '9') return NumErr::kBad;
      const uint64_t d = static_cast<uint64_t>(c - '0');
      if (v > (~uint64_t{0} - d) / 10) return NumErr::kRange;
      v = v * 10 + d;
    }
  }
  *out = v;
  return NumErr::kOk;
}

// The message for a text whose first line is not the header.
std::string MissingHeader() {
  return "missing header: the first line must be 'ndisconf-trace <version>', version 1 to " +
         std::to_string(kTraceVersion);
}

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}
  std::variant<Trace, ParseError> Run();

 private:
  bool Fail(size_t column, std::string message) {
    error_ = ParseError{line_no_, column, std::move(message)};
    return false;
  }
  bool Number(const Token& t, std::string_view value, size_t col, std::string_view what,
              uint64_t max, uint64_t* out) {
    switch (ParseU64(value, out)) {
      case NumErr::kBad:
        return Fail(col, "bad number '" + std::string(value) + "' for " + std::string(what));
      case NumErr::kRange:
        return Fail(col,
                    "value '" + std::string(value) + "' out of range for " + std::string(what));
      case NumErr::kOk:
        break;
    }
    if (*out > max)
      return Fail(col, "value '" + std::string(value) + "' out of range for " + std::string(what));
    (void)t;
    return true;
  }
  // Splits "{a,b,c}" into exactly n parts; col is the value's column.
  bool Braced(std::string_view v, size_t col, size_t n, std::string_view what,
              std::string_view* parts) {
    if (v.size() < 2 || v.front() != '{' || v.back() != '}')
      return Fail(col, std::string(what) + " must be null or {...}, not '" + std::string(v) + "'");
    std::string_view in = v.substr(1, v.size() - 2);
    size_t k = 0, start = 0;
    for (size_t i = 0; i <= in.size(); ++i) {
      if (i == in.size() || in[i] == ',') {
        if (k == n)
          return Fail(col, std::string(what) + " has more than " + std::to_string(n) + " fields");
        parts[k++] = in.substr(start, i - start);
        start = i + 1;
      }
    }
    if (k != n)
      return Fail(col, std::string(what) + " has " + std::to_string(k) + " fields; expected " +
                           std::to_string(n));
    return true;
  }
  bool Slot(Event& e, uint64_t v) {
    if (e.arg_count >= Event::kMaxArgs) return Fail(1, "too many argument slots");
    e.arg[e.arg_count++] = v;
    return true;
  }
  bool Value(Event& e, const ArgSpec& spec, std::string_view v, size_t col);
  // Decodes hex digits into the event's blob (one blob per event).
  bool HexBytes(Event& e, std::string_view hex, size_t col, const std::string& what);
  bool HeaderLine(const std::vector<Token>& toks);
  bool DriverLine(const std::vector<Token>& toks);
  bool EventLine(const std::vector<Token>& toks);

  std::string_view text_;
  size_t line_no_ = 0;
  ParseError error_;
  Trace trace_;
  bool have_header_ = false;
};

bool Parser::HexBytes(Event& e, std::string_view hex, size_t col, const std::string& what) {
  if (hex.size() % 2 != 0) return Fail(col, what + " bytes have an odd number of hex digits");
  if (hex.size() / 2 > Event::kMaxBlob)
    return Fail(col, what + " bytes are " + std::to_string(hex.size() / 2) + " long; at most " +
                         std::to_string(Event::kMaxBlob) + " are allowed");
  for (size_t i = 0; i < hex.size(); i += 2) {
    int b = 0;
    for (size_t j = 0; j < 2; ++j) {
      const char c = hex[i + j];
      int d;
      if (c >= '0' && c <= '9')
        d = c - '0';
      else if (c >= 'a' && c <= 'f')
        d = c - 'a' + 10;
      else if (c >= 'A' && c <= 'F')
        d = c - 'A' + 10;
      else
        return Fail(col, what + " bytes contain '" + std::string(1, c) + "', not a hex digit");
      b = b * 16 + d;
    }
    e.blob[i / 2] = static_cast<uint8_t>(b);
  }
  e.blob_len = static_cast<uint16_t>(hex.size() / 2);
  return true;
}

bool Parser::Value(Event& e, const ArgSpec& spec, std::string_view v, size_t col) {
  const std::string what = "argument '" + std::string(spec.name) + "'";
  uint64_t x = 0;
  switch (spec.kind) {
    case ArgKind::kHandle:
    case ArgKind::kUlong:
    case ArgKind::kMask:
      if (v.size() < 3 || v[0] != '0' || (v[1] != 'x' && v[1] != 'X'))
        return Fail(col, what + " must be hex (0x...), not '" + std::string(v) + "'");
      if (!Number(Token{}, v, col, what, kNull, &x)) return false;
      return Slot(e, x);
    case ArgKind::kStatus: {
      std::optional<NDIS_STATUS> s = ParseStatus(v);
      if (!s) {
        if (v.size() > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X'))
          return Fail(col, "status '" + std::string(v) + "' is not a 32-bit hex value");
        return Fail(col, "unknown status name '" + std::string(v) + "'");
      }
      return Slot(e, static_cast<uint32_t>(*s));
    }
    case ArgKind::kIrql:
      return Fail(col, "irql is not an argument slot");
    case ArgKind::kAf: {
      if (v == "null") return Slot(e, kNull) && Slot(e, kNull) && Slot(e, kNull);
      std::string_view p[3];
      if (!Braced(v, col, 3, what, p)) return false;
      for (int i = 0; i < 3; ++i) {
        if (!Number(Token{}, p[i], col, what, kNull, &x)) return false;
        if (!Slot(e, x)) return false;
      }
      return true;
    }
    case ArgKind::kHeader: {
      if (v == "null") return Slot(e, kNull);
      if (!v.empty() && v[0] != '{') {
        if (!Number(Token{}, v, col, what, kNull, &x)) return false;
        return Slot(e, x);
      }
      std::string_view p[3];
      if (!Braced(v, col, 3, what, p)) return false;
      uint64_t t, r, s;
      if (!Number(Token{}, p[0], col, what + " Type", 0xff, &t)) return false;
      if (!Number(Token{}, p[1], col, what + " Revision", 0xff, &r)) return false;
      if (!Number(Token{}, p[2], col, what + " Size", 0xffff, &s)) return false;
      return Slot(e, (t << 24) | (r << 16) | s);
    }
    case ArgKind::kSap: {
      if (v == "null") return Slot(e, kNull) && Slot(e, kNull);
      std::string_view p[3];
      if (!Braced(v, col, 3, what, p)) return false;
      uint64_t type, len;
      if (!Number(Token{}, p[0], col, what + " SapType", kNull, &type)) return false;
      if (!Number(Token{}, p[1], col, what + " SapLength", kNull, &len)) return false;
      if (!HexBytes(e, p[2], col, what)) return false;
      return Slot(e, type) && Slot(e, len);
    }
    case ArgKind::kBuffer: {
      // {length,hexbytes}: the length the caller gave, then the bytes the
      // boundary captured (none for a NULL buffer, at most kMaxBlob).
      std::string_view p[2];
      if (!Braced(v, col, 2, what, p)) return false;
      uint64_t len;
      if (!Number(Token{}, p[0], col, what + " length", 0xffffffffull, &len)) return false;
      if (!HexBytes(e, p[1], col, what)) return false;
      return Slot(e, len);
    }
  }
  return Fail(col, "unknown argument kind");
}

bool Parser::HeaderLine(const std::vector<Token>& toks) {
  if (toks[0].text != kMagic) return Fail(toks[0].column, MissingHeader());
  if (toks.size() < 2)
    return Fail(toks[0].column + kMagic.size(), "missing trace version after 'ndisconf-trace'");
  if (toks.size() > 2) return Fail(toks[2].column, "unexpected text after the trace version");
  uint64_t v;
  if (ParseU64(toks[1].text, &v) != NumErr::kOk)
    return Fail(toks[1].column, "bad trace version '" + std::string(toks[1].text) + "'");
  if (v < 1 || v > static_cast<uint64_t>(kTraceVersion))
    return Fail(toks[1].column, "unsupported trace version " + std::string(toks[1].text) +
                                    " (this reader supports 1 to " + std::to_string(kTraceVersion) +
                                    ")");
  trace_.version = static_cast<int>(v);
  have_header_ = true;
  return true;
}

bool Parser::DriverLine(const std::vector<Token>& toks) {
  if (!trace_.events.empty())
    return Fail(toks[0].column, "driver declaration after the first event");
  if (toks.size() != 3) return Fail(toks[0].column, "a driver line is 'driver <id> <name>'");
  uint64_t id;
  if (ParseU64(toks[1].text, &id) != NumErr::kOk || toks[1].text[0] == '0')
    return Fail(toks[1].column,
                "bad driver id '" + std::string(toks[1].text) + "' (a decimal from 1 to 65535)");
  if (id == 0 || id > 0xffff)
    return Fail(toks[1].column,
                "driver id " + std::string(toks[1].text) + " out of range 1..65535");
  if (!ValidName(toks[2].text))
    return Fail(toks[2].column, "bad driver name '" + std::string(toks[2].text) +
                                    "' (a letter or '_', then letters, digits, '_', '.', '-')");
  for (const DriverInfo& d : trace_.drivers) {
    if (d.id == id)
      return Fail(toks[1].column, "driver id " + std::to_string(id) + " declared twice");
    if (d.name == toks[2].text)
      return Fail(toks[2].column, "driver name '" + d.name + "' declared twice");
  }
  trace_.drivers.push_back(DriverInfo{static_cast<ActorId>(id), std::string(toks[2].text)});
  return true;
}

bool Parser::EventLine(const std::vector<Token>& toks) {
  Event e;
  uint64_t index;
  switch (ParseU64(toks[0].text, &index)) {
    case NumErr::kOk:
      break;
    case NumErr::kRange:
      return Fail(toks[0].column, "event index '" + std::string(toks[0].text) + "' out of range");
    case NumErr::kBad:
      return Fail(toks[0].column, "expected an event index, 'driver' or a comment, found '" +
                                      std::string(toks[0].text) + "'");
  }
  if (toks[0].text.size() > 1 && (toks[0].text[1] == 'x' || toks[0].text[1] == 'X'))
    return Fail(toks[0].column, "event index must be decimal");
  // Indices strictly increase (gaps allowed, e.g. an excerpt), so "event N"
  // in a report names one line.
  if (!trace_.events.empty() && index <= trace_.events.back().index) {
    const uint64_t prev = trace_.events.back().index;
    return Fail(toks[0].column, index == prev
                                    ? "event index " + std::to_string(index) + " is used twice"
                                    : "event index " + std::to_string(index) + " after event " +
                                          std::to_string(prev) + ": indices must increase");
  }
  e.index = index;
  if (toks.size() < 2) return Fail(toks[0].column + toks[0].text.size(), "missing 'call' or 'ret'");
  if (toks[1].text == "call")
    e.phase = Phase::kCall;
  else if (toks[1].text == "ret")
    e.phase = Phase::kReturn;
  else
    return Fail(toks[1].column,
                "expected 'call' or 'ret', found '" + std::string(toks[1].text) + "'");
  if (toks.size() < 3) return Fail(toks[1].column + toks[1].text.size(), "missing actor");
  {
    const Token& t = toks[2];
    bool found = false;
    for (const DriverInfo& d : trace_.drivers)
      if (d.name == t.text) {
        e.actor = d.id;
        found = true;
      }
    if (!found) {
      uint64_t id;
      if (!t.text.empty() && t.text[0] >= '0' && t.text[0] <= '9') {
        if (ParseU64(t.text, &id) != NumErr::kOk ||
            (t.text.size() > 1 && (t.text[1] == 'x' || t.text[1] == 'X')))
          return Fail(t.column, "bad actor id '" + std::string(t.text) + "'");
        if (id > 0xffff)
          return Fail(t.column, "actor id '" + std::string(t.text) + "' out of range 0..65535");
        e.actor = static_cast<ActorId>(id);
      } else {
        return Fail(t.column, "unknown driver '" + std::string(t.text) + "'");
      }
    }
  }
  if (toks.size() < 4) return Fail(toks[2].column + toks[2].text.size(), "missing function name");
  const std::optional<Fn> fn = FnByName(toks[3].text);
  if (!fn) return Fail(toks[3].column, "unknown function '" + std::string(toks[3].text) + "'");
  e.fn = *fn;
  const FnSpec& spec = SpecOf(*fn);
  const bool ret = e.phase == Phase::kReturn;

  // Expected names, in order.
  struct Want {
    std::string_view name;
    int what;  // 0 irql, 1 status, 2 arg
    const ArgSpec* spec;
  };
  Want want[2 + kMaxArgSpecs];
  size_t n = 0;
  want[n++] = Want{"irql", 0, nullptr};
  if (ret && spec.returns_status) want[n++] = Want{"status", 1, nullptr};
  const ArgSpec* args = ret ? spec.out : spec.in;
  const size_t argn = ret ? spec.out_count : spec.in_count;
  size_t absent_slots = 0;  // trailing arguments this file's version lacks
  for (size_t i = 0; i < argn; ++i) {
    if (AddedAfter(*fn, e.phase, args[i].name, trace_.version))
      absent_slots += SlotsOf(args[i].kind);
    else
      want[n++] = Want{args[i].name, 2, &args[i]};
  }

  const std::string where = std::string(spec.name) + (ret ? " return" : " call");
  size_t ti = 4;
  for (size_t w = 0; w < n; ++w, ++ti) {
    if (ti >= toks.size()) {
      const Token& last = toks.back();
      return Fail(last.column + last.text.size(),
                  "missing argument '" + std::string(want[w].name) + "' of " + where);
    }
    const Token& t = toks[ti];
    const size_t eq = t.text.find('=');
    if (eq == std::string_view::npos)
      return Fail(t.column, "expected '" + std::string(want[w].name) + "=<value>', found '" +
                                std::string(t.text) + "'");
    const std::string_view name = t.text.substr(0, eq), value = t.text.substr(eq + 1);
    const size_t vcol = t.column + eq + 1;
    if (name != want[w].name) {
      bool known = false;
      for (size_t k = 0; k < n; ++k)
        if (want[k].name == name) known = true;
      if (known)
        return Fail(t.column, "argument '" + std::string(name) + "' out of order in " + where +
                                  "; expected '" + std::string(want[w].name) + "'");
      return Fail(t.column, "unknown argument '" + std::string(name) + "' for " + where +
                                "; expected '" + std::string(want[w].name) + "'");
    }
    if (value.empty()) return Fail(vcol, "empty value for '" + std::string(name) + "'");
    if (want[w].what == 0) {
      if (value == "PASSIVE")
        e.irql = 0;
      else if (value == "APC")
        e.irql = 1;
      else if (value == "DISPATCH")
        e.irql = 2;
      else {
        uint64_t x;
        if (!Number(t, value, vcol, "irql", 0xff, &x)) return false;
        e.irql = static_cast<uint8_t>(x);
      }
    } else if (want[w].what == 1) {
      std::optional<NDIS_STATUS> s = ParseStatus(value);
      if (!s) return Fail(vcol, "unknown status '" + std::string(value) + "'");
      e.status = *s;
    } else if (!Value(e, *want[w].spec, value, vcol)) {
      return false;
    }
  }
  if (ti < toks.size())
    return Fail(toks[ti].column,
                "unexpected extra argument '" + std::string(toks[ti].text) + "' for " + where);
  for (size_t i = 0; i < absent_slots; ++i)
    if (!Slot(e, 0)) return false;
  trace_.events.push_back(e);
  trace_.lines.push_back(line_no_);
  return true;
}

std::variant<Trace, ParseError> Parser::Run() {
  size_t pos = 0;
  while (pos <= text_.size()) {
    size_t end = text_.find('\n', pos);
    if (end == std::string_view::npos) end = text_.size();
    ++line_no_;
    const std::string_view line = text_.substr(pos, end - pos);
    pos = end + 1;
    const std::vector<Token> toks = Tokenize(line);
    if (toks.empty()) {
      if (end == text_.size()) break;
      continue;
    }
    bool ok;
    if (!have_header_)
      ok = HeaderLine(toks);
    else if (toks[0].text == kMagic)
      ok = Fail(toks[0].column, "a second 'ndisconf-trace' header");
    else if (toks[0].text == "driver")
      ok = DriverLine(toks);
    else
      ok = EventLine(toks);
    if (!ok) return error_;
    if (end == text_.size()) break;
  }
  if (!have_header_) return ParseError{1, 1, MissingHeader()};
  return std::move(trace_);
}

}  // namespace

std::variant<Trace, ParseError> Parse(std::string_view text) { return Parser(text).Run(); }

namespace {
// The event's captured bytes as lower-case hex.
void AppendBlob(std::string& out, const Event& e) {
  static const char kDigits[] = "0123456789abcdef";
  const size_t n = std::min<size_t>(e.blob_len, Event::kMaxBlob);
  for (size_t k = 0; k < n; ++k) {
    out += kDigits[e.blob[k] >> 4];
    out += kDigits[e.blob[k] & 15];
  }
}
}  // namespace

namespace {
std::string FormatEventAs(const Event& e, const std::vector<DriverInfo>& drivers, int version) {
  std::string out;
  out.reserve(160);
  AppendDec(out, e.index);
  out += e.phase == Phase::kCall ? " call " : " ret ";
  const std::string_view name = ActorName(e.actor, drivers);
  if (!name.empty())
    out += name;
  else
    AppendDec(out, e.actor);
  out += ' ';
  const size_t fi = static_cast<size_t>(e.fn);
  if (fi >= kFnCount) {
    out += "?";
    return out;
  }
  const FnSpec& spec = SpecOf(e.fn);
  out += spec.name;
  out += " irql=";
  AppendIrql(out, e.irql);
  const bool ret = e.phase == Phase::kReturn;
  if (ret && spec.returns_status) {
    out += " status=";
    out += FormatStatus(e.status);
  }
  const ArgSpec* args = ret ? spec.out : spec.in;
  const size_t argn = ret ? spec.out_count : spec.in_count;
  size_t slot = 0;
  const size_t have = std::min<size_t>(e.arg_count, Event::kMaxArgs);
  auto next = [&]() -> uint64_t { return slot < have ? e.arg[slot++] : (++slot, 0); };
  for (size_t i = 0; i < argn; ++i) {
    if (AddedAfter(e.fn, e.phase, args[i].name, version)) continue;
    out += ' ';
    out += args[i].name;
    out += '=';
    switch (args[i].kind) {
      case ArgKind::kHandle:
      case ArgKind::kUlong:
      case ArgKind::kMask:
      case ArgKind::kIrql:
        AppendHex(out, next());
        break;
      case ArgKind::kStatus: {
        const uint64_t v = next();
        if (v <= 0xffffffffull)
          out += FormatStatus(static_cast<NDIS_STATUS>(static_cast<uint32_t>(v)));
        else
          AppendHex(out, v);
        break;
      }
      case ArgKind::kAf: {
        const uint64_t a = next(), b = next(), c = next();
        if (a == kNull && b == kNull && c == kNull) {
          out += "null";
          break;
        }
        out += '{';
        AppendHex(out, a);
        out += ',';
        AppendDec(out, b);
        out += ',';
        AppendDec(out, c);
        out += '}';
        break;
      }
      case ArgKind::kHeader: {
        const uint64_t h = next();
        if (h == kNull) {
          out += "null";
        } else if (h > 0xffffffffull) {
          AppendHex(out, h);
        } else {
          out += '{';
          AppendHex(out, h >> 24 & 0xff);
          out += ',';
          AppendDec(out, h >> 16 & 0xff);
          out += ',';
          AppendDec(out, h & 0xffff);
          out += '}';
        }
        break;
      }
      case ArgKind::kSap: {
        const uint64_t type = next(), len = next();
        if (type == kNull && len == kNull && e.blob_len == 0) {
          out += "null";
          break;
        }
        out += '{';
        AppendHex(out, type);
        out += ',';
        AppendDec(out, len);
        out += ',';
        AppendBlob(out, e);
        out += '}';
        break;
      }
      case ArgKind::kBuffer: {
        out += '{';
        AppendDec(out, next());
        out += ',';
        AppendBlob(out, e);
        out += '}';
        break;
      }
    }
  }
  return out;
}
}  // namespace

std::string FormatEvent(const Event& e, const std::vector<DriverInfo>& drivers) {
  return FormatEventAs(e, drivers, kTraceVersion);
}

std::vector<DriverInfo> CanonicalDrivers(const std::vector<DriverInfo>& drivers) {
  std::vector<DriverInfo> out;
  for (const DriverInfo& d : drivers) {
    if (d.id == kNoActor) continue;
    std::string n = d.name;
    for (size_t i = 0; i < n.size(); ++i)
      if (!NameChar(n[i], i == 0)) n[i] = '_';
    if (n.empty() || !ValidName(n)) n = "d" + std::to_string(d.id);
    bool dup = false;
    for (const DriverInfo& o : out)
      if (o.name == n || o.id == d.id) dup = true;
    if (dup) n += "_" + std::to_string(d.id);
    bool id_dup = false;
    for (const DriverInfo& o : out)
      if (o.id == d.id) id_dup = true;
    if (!id_dup) out.push_back(DriverInfo{d.id, n});
  }
  return out;
}

std::string FormatTrace(const Trace& t) {
  std::string out = std::string(kMagic) + " " + std::to_string(t.version) + "\n";
  for (const DriverInfo& d : t.drivers) {
    out += "driver ";
    AppendDec(out, d.id);
    out += ' ';
    out += d.name;
    out += '\n';
  }
  for (const Event& e : t.events) {
    out += FormatEventAs(e, t.drivers, t.version);
    out += '\n';
  }
  return out;
}

Writer::Writer(std::ostream& out, const std::vector<DriverInfo>& drivers)
    : out_(out), drivers_(CanonicalDrivers(drivers)) {
  out_ << kMagic << ' ' << kTraceVersion << '\n';
  for (const DriverInfo& d : drivers_) out_ << "driver " << d.id << ' ' << d.name << '\n';
}

void Writer::OnEvent(const Event& event) { out_ << FormatEvent(event, drivers_) << '\n'; }

}  // namespace ndisconf::trace
