// Implementation of fuzz/wan_text.h. Printing walks the bytes exactly as
// the target's decoder does (wan_status_fuzz_test.cc), so every byte lands
// in one line and parsing writes it back.
#include "fuzz/wan_text.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/wan_status_input.h"

namespace ndisconf::fuzz {
namespace {

constexpr size_t kMaxPayload = 64;  // the target reads at most this much of a buffer
constexpr std::array<std::string_view, 6> kSelNames = {
    "line_up", "line_down", "fragment", "tapi_indication", "media_connect", "raw"};
constexpr std::array<std::string_view, 12> kFaultNames = {
    "link_loss",      "flap",    "speed_change", "crc",           "framing", "hw_overrun",
    "buffer_overrun", "timeout", "alignment",    "partial_frame", "reset",   "hang"};
constexpr std::array<std::string_view, 4> kTapiNames = {"drop", "close_call", "get_id",
                                                        "make_call"};
constexpr uint8_t kRawSel = static_cast<uint8_t>(WanStatusSel::kRaw);

template <size_t N>
std::string NameOr(const std::array<std::string_view, N>& names, uint8_t v) {
  if (v < N) return std::string(names[v]);
  char b[8];
  std::snprintf(b, sizeof b, "0x%02x", v);
  return b;
}

std::string Hex(const uint8_t* p, size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    s.push_back(kDigits[p[i] >> 4]);
    s.push_back(kDigits[p[i] & 15]);
  }
  return s;
}

size_t PayloadBytes(uint16_t size) { return std::min<size_t>(size % 1025, kMaxPayload); }

}  // namespace

std::string PrintWanProgram(const uint8_t* data, size_t size) {
  std::string out;
  if (size == 0) return out;
  const size_t n = std::min<size_t>(data[0], size - 1);
  out += "schedule";
  if (data[0] != n) out += " count=" + std::to_string(data[0]);
  for (size_t i = 0; i < n; ++i) out += " " + std::to_string(data[1 + i]);
  out += "\n";
  size_t p = 1 + n;
  char b[96];
  const auto tail = [&] {
    out += "tail";
    for (; p < size; ++p) {
      std::snprintf(b, sizeof b, " 0x%02x", data[p]);
      out += b;
    }
    out += "\n";
  };
  while (p < size) {
    const uint8_t tag = data[p];
    const std::optional<WanOp> op = WanOpForTag(tag);
    if (!op) {
      std::snprintf(b, sizeof b, "skip tag=0x%02x\n", tag);
      out += b;
      ++p;
      continue;
    }
    const size_t left = size - p - 1;  // bytes after the tag
    switch (*op) {
      case WanOp::kIndicate: {
        if (left < 1) return tail(), out;
        const uint8_t sel = data[p + 1];
        if (!WanStatusForSel(sel)) {
          out += "indicate sel=" + NameOr(kSelNames, sel) + "\n";
          p += 2;
          break;
        }
        const size_t head = 2 + (sel == kRawSel ? 4 : 0) + 3;  // tag sel [status] lo hi flags
        if (p + head > size) return tail(), out;
        const uint8_t* h = data + p + 2;
        out += "indicate sel=" + NameOr(kSelNames, sel);
        if (sel == kRawSel) {
          const uint32_t status =
              h[0] | uint32_t{h[1]} << 8 | uint32_t{h[2]} << 16 | uint32_t{h[3]} << 24;
          std::snprintf(b, sizeof b, " status=0x%08x", status);
          out += b;
          h += 4;
        }
        const auto sz = static_cast<uint16_t>(h[0] | h[1] << 8);
        std::snprintf(b, sizeof b, " size=%u flags=0x%02x", sz, h[2]);
        out += b;
        const size_t want = PayloadBytes(sz);
        const size_t have = std::min(want, size - p - head);
        if (want > 0) out += " payload=" + Hex(data + p + head, have);
        out += "\n";
        p += head + have;
        break;
      }
      case WanOp::kComplete:
        out += "complete\n";
        ++p;
        break;
      case WanOp::kInterrupt:
        out += "interrupt\n";
        ++p;
        break;
      case WanOp::kFault:
        if (left < 2) return tail(), out;
        out += "fault kind=" + NameOr(kFaultNames, data[p + 1]) +
               " arg=" + std::to_string(data[p + 2]) + "\n";
        p += 3;
        break;
      case WanOp::kPump:
        if (left < 1) return tail(), out;
        out += "pump n=" + std::to_string(data[p + 1]) + "\n";
        p += 2;
        break;
      case WanOp::kTapi:
        if (left < 1) return tail(), out;
        out += "tapi op=" + NameOr(kTapiNames, data[p + 1]) + "\n";
        p += 2;
        break;
    }
  }
  return out;
}

namespace {

struct Token {
  std::string_view text;
  size_t column = 0;  // 1-based
};

class LineParser {
 public:
  LineParser(size_t line, WanTextError* error) : line_(line), error_(error) {}

  bool Fail(size_t column, std::string message) {
    error_->line = line_;
    error_->column = column;
    error_->message = std::move(message);
    return false;
  }
  // `name=value` as the next operand; value into *v.
  bool Operand(const std::vector<Token>& t, size_t* i, std::string_view name, Token* v,
               size_t end_column) {
    if (*i >= t.size()) return Fail(end_column, "missing operand " + std::string(name) + "=");
    const Token& tok = t[*i];
    const size_t eq = tok.text.find('=');
    if (eq == std::string_view::npos || tok.text.substr(0, eq) != name)
      return Fail(tok.column,
                  "expected " + std::string(name) + "=..., found '" + std::string(tok.text) + "'");
    *v = {tok.text.substr(eq + 1), tok.column + eq + 1};
    ++*i;
    return true;
  }
  bool Number(const Token& v, uint64_t max, uint64_t* out) {
    std::string_view s = v.text;
    unsigned base = 10;
    if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
      base = 16;
      s.remove_prefix(2);
    }
    if (s.empty()) return Fail(v.column, "expected a number");
    uint64_t n = 0;
    for (char c : s) {
      int d = -1;
      if (c >= '0' && c <= '9')
        d = c - '0';
      else if (base == 16 && c >= 'a' && c <= 'f')
        d = c - 'a' + 10;
      else if (base == 16 && c >= 'A' && c <= 'F')
        d = c - 'A' + 10;
      if (d < 0) return Fail(v.column, "'" + std::string(v.text) + "' is not a number");
      n = n * base + static_cast<unsigned>(d);
      if (n > max) break;
    }
    if (n > max)
      return Fail(v.column,
                  "'" + std::string(v.text) + "' is out of range 0-" + std::to_string(max));
    *out = n;
    return true;
  }
  template <size_t N>
  bool NameOrByte(const Token& v, const std::array<std::string_view, N>& names, uint8_t* out) {
    for (size_t k = 0; k < N; ++k) {
      if (v.text == names[k]) {
        *out = static_cast<uint8_t>(k);
        return true;
      }
    }
    if (v.text.empty() || v.text[0] < '0' || v.text[0] > '9') {
      std::string known;
      for (std::string_view n : names) known += " " + std::string(n);
      return Fail(v.column,
                  "unknown name '" + std::string(v.text) + "' (known:" + known + ", or a number)");
    }
    uint64_t n;
    if (!Number(v, 255, &n)) return false;
    *out = static_cast<uint8_t>(n);
    return true;
  }

 private:
  size_t line_;
  WanTextError* error_;
};

int HexNibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool ParseWanProgram(std::string_view text, std::vector<uint8_t>* out, WanTextError* error) {
  out->clear();
  std::vector<uint8_t> body;
  std::optional<std::vector<uint8_t>> schedule;
  bool schedule_claims_more = false;   // count= larger than the bytes given
  size_t last_line = 0;                // of the previous record
  bool previous_may_only_end = false;  // a short payload or a tail: nothing may follow
  size_t previous_end_line = 0;
  size_t line_no = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    const size_t line_start = pos;
    pos = nl + 1;
    ++line_no;
    if (const size_t hash = line.find('#'); hash != std::string_view::npos)
      line = line.substr(0, hash);
    std::vector<Token> t;
    for (size_t i = 0; i < line.size();) {
      if (line[i] == ' ' || line[i] == '\t' || line[i] == '\r') {
        ++i;
        continue;
      }
      const size_t start = i;
      while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') ++i;
      t.push_back({line.substr(start, i - start), start + 1});
    }
    (void)line_start;
    if (t.empty()) {
      if (nl == text.size()) break;
      continue;
    }
    LineParser lp(line_no, error);
    const size_t end_col = line.size() + 1;
    const std::string_view kw = t[0].text;
    if (kw != "schedule" && (previous_may_only_end || schedule_claims_more)) {
      return lp.Fail(t[0].column,
                     schedule_claims_more
                         ? "a record after a schedule whose count= claims more bytes than it "
                           "lists (the target would read this record as schedule bytes)"
                         : "a record after line " + std::to_string(previous_end_line) +
                               ", which ends the input (a short payload or a tail)");
    }
    size_t i = 1;
    Token v;
    if (kw == "schedule") {
      if (schedule || last_line != 0)
        return lp.Fail(t[0].column, "schedule must be the first line, and only once");
      schedule.emplace();
      std::optional<uint64_t> count;
      if (i < t.size() && t[i].text.rfind("count=", 0) == 0) {
        uint64_t c;
        if (!lp.Operand(t, &i, "count", &v, end_col) || !lp.Number(v, 255, &c)) return false;
        count = c;
      }
      for (; i < t.size(); ++i) {
        uint64_t b;
        if (!lp.Number(t[i], 255, &b)) return false;
        schedule->push_back(static_cast<uint8_t>(b));
      }
      if (schedule->size() > 255) return lp.Fail(t[0].column, "more than 255 schedule bytes");
      if (count && *count <= schedule->size())
        return lp.Fail(t[1].column, "count= must exceed the number of bytes listed (else omit it)");
      if (count) {
        schedule_claims_more = true;
        schedule->insert(schedule->begin(), static_cast<uint8_t>(*count));
      } else {
        schedule->insert(schedule->begin(), static_cast<uint8_t>(schedule->size()));
      }
      last_line = line_no;
      continue;
    }
    last_line = line_no;
    if (kw == "indicate") {
      uint8_t sel;
      if (!lp.Operand(t, &i, "sel", &v, end_col) || !lp.NameOrByte(v, kSelNames, &sel))
        return false;
      body.push_back(static_cast<uint8_t>(WanOp::kIndicate));
      body.push_back(sel);
      if (WanStatusForSel(sel)) {
        if (sel == kRawSel) {
          uint64_t status;
          if (!lp.Operand(t, &i, "status", &v, end_col) || !lp.Number(v, 0xFFFFFFFF, &status))
            return false;
          for (int k = 0; k < 4; ++k) body.push_back(static_cast<uint8_t>(status >> (8 * k)));
        }
        uint64_t size, flags;
        if (!lp.Operand(t, &i, "size", &v, end_col) || !lp.Number(v, 0xFFFF, &size)) return false;
        if (!lp.Operand(t, &i, "flags", &v, end_col) || !lp.Number(v, 255, &flags)) return false;
        body.push_back(static_cast<uint8_t>(size));
        body.push_back(static_cast<uint8_t>(size >> 8));
        body.push_back(static_cast<uint8_t>(flags));
        const size_t want = PayloadBytes(static_cast<uint16_t>(size));
        size_t have = 0;
        if (i < t.size() && t[i].text.rfind("payload=", 0) == 0) {
          if (!lp.Operand(t, &i, "payload", &v, end_col)) return false;
          if (v.text.size() % 2 != 0)
            return lp.Fail(v.column, "payload must be an even number of hex digits");
          for (size_t k = 0; k < v.text.size(); k += 2) {
            const int hi = HexNibble(v.text[k]), lo = HexNibble(v.text[k + 1]);
            if (hi < 0 || lo < 0)
              return lp.Fail(v.column + k + (hi < 0 ? 0 : 1), "payload: not a hex digit");
            body.push_back(static_cast<uint8_t>(hi << 4 | lo));
          }
          have = v.text.size() / 2;
          if (have > want)
            return lp.Fail(v.column, "payload has " + std::to_string(have) + " bytes; size " +
                                         std::to_string(size) + " reads " + std::to_string(want));
        } else if (want > 0) {
          return lp.Fail(end_col, "missing operand payload= (size " + std::to_string(size) +
                                      " reads " + std::to_string(want) + " bytes)");
        }
        if (have < want) {
          previous_may_only_end = true;
          previous_end_line = line_no;
        }
      }
    } else if (kw == "complete" || kw == "interrupt") {
      body.push_back(static_cast<uint8_t>(kw == "complete" ? WanOp::kComplete : WanOp::kInterrupt));
    } else if (kw == "fault") {
      uint8_t kind;
      uint64_t arg;
      if (!lp.Operand(t, &i, "kind", &v, end_col) || !lp.NameOrByte(v, kFaultNames, &kind))
        return false;
      if (!lp.Operand(t, &i, "arg", &v, end_col) || !lp.Number(v, 255, &arg)) return false;
      body.insert(body.end(),
                  {static_cast<uint8_t>(WanOp::kFault), kind, static_cast<uint8_t>(arg)});
    } else if (kw == "pump") {
      uint64_t n;
      if (!lp.Operand(t, &i, "n", &v, end_col) || !lp.Number(v, 255, &n)) return false;
      body.insert(body.end(), {static_cast<uint8_t>(WanOp::kPump), static_cast<uint8_t>(n)});
    } else if (kw == "tapi") {
      uint8_t op;
      if (!lp.Operand(t, &i, "op", &v, end_col) || !lp.NameOrByte(v, kTapiNames, &op)) return false;
      body.insert(body.end(), {static_cast<uint8_t>(WanOp::kTapi), op});
    } else if (kw == "skip") {
      uint64_t tag;
      if (!lp.Operand(t, &i, "tag", &v, end_col) || !lp.Number(v, 255, &tag)) return false;
      if (WanOpForTag(static_cast<uint8_t>(tag)))
        return lp.Fail(v.column, "tag " + std::string(v.text) + " is a known record, not a skip");
      body.push_back(static_cast<uint8_t>(tag));
    } else if (kw == "tail") {
      for (; i < t.size(); ++i) {
        uint64_t b;
        if (!lp.Number(t[i], 255, &b)) return false;
        body.push_back(static_cast<uint8_t>(b));
      }
      previous_may_only_end = true;
      previous_end_line = line_no;
    } else {
      return lp.Fail(t[0].column, "unknown record '" + std::string(kw) +
                                      "' (schedule indicate complete fault pump interrupt tapi "
                                      "skip tail)");
    }
    if (i < t.size())
      return lp.Fail(t[i].column, "unexpected operand '" + std::string(t[i].text) + "'");
    if (nl == text.size()) break;
  }
  if (schedule) {
    *out = std::move(*schedule);
  } else if (!body.empty()) {
    out->push_back(0);  // no scheduler bytes
  }
  out->insert(out->end(), body.begin(), body.end());
  return true;
}

}  // namespace ndisconf::fuzz
