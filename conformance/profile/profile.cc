#include "conformance/profile/profile.h"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace ndisconf::profile {

const AfName kAfNames[] = {
    {"Q2931", 0x1}, {"PSCHED", 0x2},     {"L2TP", 0x3},   {"IRDA", 0x4},         {"1394", 0x5},
    {"PPP", 0x6},   {"INFINIBAND", 0x7}, {"TAPI", 0x800}, {"TAPI_PROXY", 0x801},
};
const size_t kAfNameCount = sizeof(kAfNames) / sizeof(kAfNames[0]);

// What a client or NDIS asks of a call manager that it may pend, and the
// requests NDISTAPI makes that a WAN miniport may pend (each one a role
// suite can see pended).
const std::string_view kCmMayPend[] = {"open_af", "close_af", "register_sap", "deregister_sap"};
const size_t kCmMayPendCount = sizeof(kCmMayPend) / sizeof(kCmMayPend[0]);
const std::string_view kWmpMayPend[] = {"OID_TAPI_MAKE_CALL", "OID_TAPI_GET_ID", "OID_TAPI_ANSWER",
                                        "OID_TAPI_DROP"};
const size_t kWmpMayPendCount = sizeof(kWmpMayPend) / sizeof(kWmpMayPend[0]);
// What NDIS asks of a client that it may pend.
const std::string_view kClMayPend[] = {"notify_close_af"};
const size_t kClMayPendCount = sizeof(kClMayPend) / sizeof(kClMayPend[0]);

namespace {

using nlohmann::json;

// The roles ndisconf_implementation takes (conformance/plugin/plugin.bzl).
constexpr std::string_view kRoles[] = {"call_manager", "client", "mcm", "wan_miniport",
                                       "wan_protocol"};
constexpr std::string_view kFields[] = {"role", "ndis_version", "address_families", "features",
                                        "may_pend"};
// The features each role may decline.
constexpr std::string_view kCmFeatures[] = {"saps", "calls"};
constexpr std::string_view kWmpFeatures[] = {"incoming_calls"};

template <size_t N>
std::string OneOf(const std::string_view (&names)[N]) {
  std::string out;
  for (std::string_view n : names) out += (out.empty() ? "" : ", ") + std::string(n);
  return out;
}

template <size_t N>
bool In(const std::string_view (&names)[N], const std::string& s) {
  return std::find(std::begin(names), std::end(names), s) != std::end(names);
}

// "a call_manager", "an mcm": a role with its article, for messages.
std::string A(const std::string& role) { return (role == "mcm" ? "an " : "a ") + role; }

// What a JSON value is, for messages.
std::string Kind(const json& v) {
  if (v.is_string()) return "the string \"" + v.get<std::string>() + "\"";
  return std::string("a value of type ") + v.type_name();
}

class Reader {
 public:
  Reader(std::string_view file, std::string* error) : file_(file), error_(error) {}

  bool Fail(const std::string& field, const std::string& expected, const json* found) {
    *error_ = std::string(file_) + ": field '" + field + "': expected " + expected +
              (found ? ", found " + Kind(*found) : std::string(", but it is missing"));
    return false;
  }

  bool Read(const json& doc, CapabilityProfile* out) {
    if (!doc.is_object()) {
      *error_ = std::string(file_) + ": expected a JSON object with the fields " + OneOf(kFields) +
                ", found " + Kind(doc);
      return false;
    }
    for (const auto& [key, value] : doc.items()) {
      if (!In(kFields, key))
        return Fail(key, "no such field (known: " + OneOf(kFields) + ")", &value);
    }
    // role
    auto role = doc.find("role");
    if (role == doc.end() || !role->is_string() || !In(kRoles, role->get<std::string>())) {
      return Fail("role", "one of " + OneOf(kRoles), role == doc.end() ? nullptr : &*role);
    }
    out->role = role->get<std::string>();
    // ndis_version
    auto version = doc.find("ndis_version");
    const json* found = version == doc.end() ? nullptr : &*version;
    int major = 0, minor = 0;
    char rest = 0;
    if (found == nullptr || !found->is_string() ||
        std::sscanf(found->get<std::string>().c_str(), "%d.%d%c", &major, &minor, &rest) != 2 ||
        major < 0 || minor < 0) {
      return Fail("ndis_version", "a string \"MAJOR.MINOR\" such as \"6.0\"", found);
    }
    const bool wmp = out->role == "wan_miniport";
    const bool wan_protocol = out->role == "wan_protocol";
    if (wmp && major != 5) {
      return Fail("ndis_version", "5.x for a wan_miniport (NDIS 5 WAN miniports; NDIS 6 has none)",
                  found);
    }
    if (wan_protocol && major != 5) {
      return Fail("ndis_version",
                  "5.x for a wan_protocol (NDISWAN's NDIS_WAN_LINE_UP path is NDIS 5's)", found);
    }
    if (!wmp && !wan_protocol && major < 6) {
      return Fail("ndis_version", "6.0 or later for " + A(out->role) + " (CoNDIS 6)", found);
    }
    out->ndis_major = major;
    out->ndis_minor = minor;
    // address_families
    auto afs = doc.find("address_families");
    found = afs == doc.end() ? nullptr : &*afs;
    if (wmp) {
      if (found != nullptr) {
        return Fail("address_families", "no such field for a wan_miniport (it registers no AF)",
                    found);
      }
      return ReadFeatures(doc, kWmpFeatures, out) &&
             ReadMayPend(doc, kWmpMayPend, kWmpMayPendCount, out);
    }
    if (wan_protocol) {
      // It opens no AF, and the suite asks it nothing it could decline or
      // pend.
      for (const char* field : {"address_families", "features", "may_pend"}) {
        if (auto f = doc.find(field); f != doc.end()) {
          return Fail(field, "no such field for a wan_protocol", &*f);
        }
      }
      return true;
    }
    if (found == nullptr || !found->is_array() || found->empty()) {
      return Fail("address_families", "a non-empty array of AF names or numbers", found);
    }
    for (size_t i = 0; i < found->size(); ++i) {
      const json& af = (*found)[i];
      const std::string field = "address_families[" + std::to_string(i) + "]";
      uint32_t value = 0;
      if (af.is_number_unsigned() && af.get<uint64_t>() <= 0xffffffffu) {
        value = static_cast<uint32_t>(af.get<uint64_t>());
      } else if (af.is_string()) {
        const std::string name = af.get<std::string>();
        const AfName* known = std::find_if(kAfNames, kAfNames + kAfNameCount,
                                           [&](const AfName& n) { return n.name == name; });
        if (known == kAfNames + kAfNameCount) return Fail(field, "an AF name " + AfNames(), &af);
        value = known->value;
      } else {
        return Fail(field, "an AF name " + AfNames() + " or an NDIS_AF number", &af);
      }
      out->address_families.push_back(value);
    }
    if (out->role == "client") {
      // The suite asks a client nothing it could decline.
      if (auto features = doc.find("features"); features != doc.end()) {
        return Fail("features", "no such field for a client (it has no optional features)",
                    &*features);
      }
      return ReadMayPend(doc, kClMayPend, kClMayPendCount, out);
    }
    return ReadFeatures(doc, kCmFeatures, out) &&
           ReadMayPend(doc, kCmMayPend, kCmMayPendCount, out);
  }

  // may_pend: names of `known`, each once, for out->role.
  bool ReadMayPend(const json& doc, const std::string_view* known, size_t count,
                   CapabilityProfile* out) {
    out->may_pend.reset();
    auto field = doc.find("may_pend");
    if (field == doc.end()) return true;
    std::string names;
    for (size_t i = 0; i < count; ++i) names += (i ? ", " : "") + std::string(known[i]);
    if (!field->is_array())
      return Fail("may_pend", "an array of operations (" + names + ")", &*field);
    std::vector<std::string> ops;
    for (size_t i = 0; i < field->size(); ++i) {
      const json& op = (*field)[i];
      const std::string where = "may_pend[" + std::to_string(i) + "]";
      if (!op.is_string() ||
          std::find(known, known + count, op.get<std::string>()) == known + count) {
        return Fail(where, "an operation " + A(out->role) + " may pend (" + names + ")", &op);
      }
      if (std::find(ops.begin(), ops.end(), op.get<std::string>()) != ops.end()) {
        return Fail(where, "each operation once", &op);
      }
      ops.push_back(op.get<std::string>());
    }
    out->may_pend = std::move(ops);
    return true;
  }

  // features: the booleans `known` names, for out->role.
  template <size_t N>
  bool ReadFeatures(const json& doc, const std::string_view (&known)[N], CapabilityProfile* out) {
    out->features = Features{};
    auto features = doc.find("features");
    if (features == doc.end()) return true;
    if (!features->is_object()) {
      return Fail("features", "an object of booleans (" + OneOf(known) + ")", &*features);
    }
    for (const auto& [key, value] : features->items()) {
      if (!In(known, key)) {
        return Fail("features." + key,
                    "no such feature for " + A(out->role) + " (known: " + OneOf(known) + ")",
                    &value);
      }
      if (!value.is_boolean()) return Fail("features." + key, "true or false", &value);
      const bool on = value.get<bool>();
      if (key == "saps") out->features.saps = on;
      if (key == "calls") out->features.calls = on;
      if (key == "incoming_calls") out->features.incoming_calls = on;
    }
    return true;
  }

 private:
  static std::string AfNames() {
    std::string out = "(";
    for (size_t i = 0; i < kAfNameCount; ++i) {
      out += (i ? ", " : "") + std::string(kAfNames[i].name);
    }
    return out + ")";
  }

  std::string_view file_;
  std::string* error_;
};

}  // namespace

bool ParseProfile(std::string_view file, std::string_view text, CapabilityProfile* out,
                  std::string* error) {
  json doc;
  try {
    doc = json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    // e.byte is 1-based and points just past the offending character.
    const size_t at = e.byte == 0 ? 0 : std::min<size_t>(e.byte - 1, text.size());
    size_t line = 1, col = 1;
    for (size_t i = 0; i < at; ++i) {
      if (text[i] == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
    }
    // nlohmann's message after its own position: "syntax error while parsing ...".
    std::string what = e.what();
    if (size_t at_col = what.find("column "); at_col != std::string::npos) {
      if (size_t colon = what.find(": ", at_col); colon != std::string::npos) {
        what = what.substr(colon + 2);
      }
    }
    *error = std::string(file) + ":" + std::to_string(line) + ":" + std::to_string(col) +
             ": not valid JSON: " + what;
    return false;
  }
  *out = CapabilityProfile{};
  return Reader(file, error).Read(doc, out);
}

}  // namespace ndisconf::profile
