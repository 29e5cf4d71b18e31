// spec/rule_id_gen.h: makes the text of spec/rule_id.h (the RuleId
// enum) from the rule catalog, conformance/catalog/rules.tsv.
//
// The header is checked in so that nothing under reference/ depends on
// conformance/ at build time; conformance/catalog:rule_id_header_test fails
// when the checked-in header is not exactly what this generator makes of the
// catalog, and says how to regenerate it.
#ifndef NDISCONF_SPEC_RULE_ID_GEN_H_
#define NDISCONF_SPEC_RULE_ID_GEN_H_

#include <string>
#include <string_view>

namespace ndisconf::spec {

// Reads the first column of every row after the header of `tsv` (rules.tsv
// format) and writes the header's full text to *out. Returns false with
// *error = "line N: <what>" if a row has no tab, an ID is not PREFIX-NNN
// (upper-case letters, a dash, three digits), an ID repeats, or there is no
// row at all; *out is then unspecified.
bool GenerateRuleIdHeader(std::string_view tsv, std::string* out, std::string* error);

}  // namespace ndisconf::spec

#endif  // NDISCONF_SPEC_RULE_ID_GEN_H_
