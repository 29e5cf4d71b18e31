// conformance/catalog/catalog.h: the rule catalog (conformance/catalog/rules.tsv), embedded at
// build time. One Rule per normative rule of the spec (section 5), in spec order. Tests,
// monitor checks and reports cite rules by Rule::id.
#ifndef NDISCONF_CONFORMANCE_CATALOG_CATALOG_H_
#define NDISCONF_CONFORMANCE_CATALOG_CATALOG_H_

#include <string>
#include <string_view>
#include <vector>

namespace ndisconf::catalog {

// One row of rules.tsv; the field meanings are in conformance/catalog/README.md.
struct Rule {
  std::string id;           // "AF-031": spec ID, unchanged
  std::string level;        // MUST, MUST NOT, SHOULD, MAY, INFO or DERIVED
  std::string actor;        // "NDIS", "CL", "CMx", ...; "-" if the spec gives none
  std::string section;      // "5.3"
  std::string sources;      // "DDI:...; NET:..." or "-"
  std::string text;         // one-line paraphrase (the `rule` column)
  std::string kind;         // "R", "D", "R+D" or "-"
  std::string testability;  // "testable" or "untestable: <reason>"
  std::string notes;        // "-" if none

  // True unless testability starts with "untestable".
  bool testable() const;
  // The ID's prefix before the last '-': "AF" for "AF-031".
  std::string_view prefix() const;
};

// The parsed catalog, in file order. Parsed once, on first call; thread-safe. The embedded
// file is checked by catalog_test, so a parse failure here is a build defect: it prints the
// error to stderr and aborts. The returned reference stays valid for the whole program.
const std::vector<Rule>& Catalog();

// The rule with exactly this ID, or nullptr. Points into Catalog().
const Rule* FindRule(std::string_view id);

// The embedded rules.tsv text, as compiled in.
std::string_view EmbeddedTsv();

// Parses catalog text in the rules.tsv format (header row required). Never throws or aborts:
// on malformed input returns false and sets *error to "line N: <what>", leaving *rules in an
// unspecified state. Checks: column count, header names, non-empty fields, valid level, kind
// and testability, ID format PREFIX-NNN, unique IDs.
bool ParseCatalog(std::string_view tsv, std::vector<Rule>* rules, std::string* error);

// True for the six levels of spec section 0.2.
bool IsValidLevel(std::string_view level);

}  // namespace ndisconf::catalog

#endif  // NDISCONF_CONFORMANCE_CATALOG_CATALOG_H_
