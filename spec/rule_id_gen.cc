// Generator of spec/rule_id.h; see rule_id_gen.h.
#include "spec/rule_id_gen.h"

#include <set>
#include <vector>

namespace ndisconf::spec {
namespace {

bool ValidId(std::string_view id) {
  const size_t dash = id.find('-');
  if (dash == std::string_view::npos || dash == 0 || id.size() != dash + 4) return false;
  for (size_t i = 0; i < dash; ++i) {
    if (id[i] < 'A' || id[i] > 'Z') return false;
  }
  for (size_t i = dash + 1; i < id.size(); ++i) {
    if (id[i] < '0' || id[i] > '9') return false;
  }
  return true;
}

// "AF-004" -> "kAF004".
std::string Enumerator(std::string_view id) {
  std::string e = "k";
  for (char c : id) {
    if (c != '-') e += c;
  }
  return e;
}

}  // namespace

bool GenerateRuleIdHeader(std::string_view tsv, std::string* out, std::string* error) {
  std::vector<std::string> ids;
  std::set<std::string, std::less<>> seen;
  size_t line_no = 0;
  size_t pos = 0;
  while (pos < tsv.size()) {
    size_t end = tsv.find('\n', pos);
    if (end == std::string_view::npos) end = tsv.size();
    std::string_view line = tsv.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line_no == 1 || line.empty()) continue;  // the header row; blank lines
    const size_t tab = line.find('\t');
    if (tab == std::string_view::npos) {
      *error = "line " + std::to_string(line_no) + ": no tab after the rule ID";
      return false;
    }
    const std::string_view id = line.substr(0, tab);
    if (!ValidId(id)) {
      *error = "line " + std::to_string(line_no) + ": rule ID '" + std::string(id) +
               "' is not PREFIX-NNN";
      return false;
    }
    if (!seen.insert(std::string(id)).second) {
      *error = "line " + std::to_string(line_no) + ": rule ID " + std::string(id) + " repeats";
      return false;
    }
    ids.emplace_back(id);
  }
  if (ids.empty()) {
    *error = "no rule rows";
    return false;
  }

  std::string h;
  h += "// spec/rule_id.h: GENERATED from conformance/catalog/rules.tsv by\n";
  h += "// //spec:rule_id_gen; do not edit. After changing the catalog, regenerate it:\n";
  h += "//   bazel run //spec:rule_id_gen -- \"$PWD/conformance/catalog/rules.tsv\" \\\n";
  h += "//     > spec/rule_id.h\n";
  h += "// conformance/catalog:rule_id_header_test fails while this file is out of date.\n";
  h += "//\n";
  h += "// One RuleId per rule of the catalog, in catalog (spec) order. The numeric\n";
  h += "// values follow that order and are never stored: records name rules by text\n";
  h += "// (ToString), so a rule added to the catalog may renumber them.\n";
  h += "#ifndef NDISCONF_SPEC_RULE_ID_H_\n";
  h += "#define NDISCONF_SPEC_RULE_ID_H_\n\n";
  h += "#include <cstddef>\n#include <cstdint>\n#include <optional>\n#include <string_view>\n\n";
  h += "namespace ndisconf::spec {\n\n";
  h += "enum class RuleId : uint16_t {\n";
  for (const std::string& id : ids) h += "  " + Enumerator(id) + ",\n";
  h += "};\n\n";
  h += "inline constexpr size_t kRuleIdCount = " + std::to_string(ids.size()) + ";\n\n";
  h += "// The catalog ID of each RuleId, by value (one a line, as generated).\n";
  h += "// clang-format off\n";
  h += "inline constexpr std::string_view kRuleIdNames[kRuleIdCount] = {\n";
  for (const std::string& id : ids) h += "    \"" + id + "\",\n";
  h += "};\n";
  h += "// clang-format on\n\n";
  h += "// \"AF-004\" for RuleId::kAF004; \"?\" for a value outside the enum.\n";
  h += "constexpr std::string_view ToString(RuleId id) {\n";
  h += "  const size_t i = static_cast<size_t>(id);\n";
  h += "  return i < kRuleIdCount ? kRuleIdNames[i] : std::string_view(\"?\");\n";
  h += "}\n\n";
  h += "// The RuleId whose catalog ID is exactly `id` (\"AF-004\"); nullopt if none.\n";
  h += "constexpr std::optional<RuleId> RuleIdFromString(std::string_view id) {\n";
  h += "  for (size_t i = 0; i < kRuleIdCount; ++i) {\n";
  h += "    if (kRuleIdNames[i] == id) return static_cast<RuleId>(i);\n";
  h += "  }\n";
  h += "  return std::nullopt;\n";
  h += "}\n\n";
  h += "}  // namespace ndisconf::spec\n\n";
  h += "#endif  // NDISCONF_SPEC_RULE_ID_H_\n";
  *out = std::move(h);
  return true;
}

}  // namespace ndisconf::spec
