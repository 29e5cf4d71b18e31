// fuzz/ignored_rules.h: NDISCONF_IGNORE_RULES and NDISCONF_EXPECTATIONS,
// the rules whose violations fail no fuzz input.
//
// A known finding of the implementation under test that is not fixed yet
// stops every campaign within seconds. Naming its rule here lets a campaign
// or a speed measurement go on past it (docs/fuzzing.md). Every fuzz target
// that fails inputs on monitor violations reads the same variables, and
// judges a run only up to its first known failure: what breaks after it
// (a client left with an AF its call manager failed to close, say) is taken
// for a consequence, not reported as a finding of its own.
#ifndef NDISCONF_FUZZ_IGNORED_RULES_H_
#define NDISCONF_FUZZ_IGNORED_RULES_H_

#include <bitset>
#include <optional>
#include <string>
#include <string_view>

#include "spec/rule_id.h"

namespace ndisconf::fuzz {

using RuleSet = std::bitset<spec::kRuleIdCount>;

// Parses a comma-separated list of catalog rule IDs ("WAN-033, AF-062";
// spaces around the IDs and empty items are allowed). nullopt, with
// `error` naming the offending item, when an item is no rule of the
// catalog: a misspelt ID would otherwise ignore nothing, silently.
std::optional<RuleSet> ParseRuleList(std::string_view text, std::string* error);

// The rules NDISCONF_IGNORE_RULES names, and the known failures of the
// expectations file NDISCONF_EXPECTATIONS names (conformance/report/
// expectations.h: an implementation's known failures fail no fuzz input
// either), parsed once per process (unset or empty: none). nullptr, with
// `error` set ("NDISCONF_IGNORE_RULES: ..." or "NDISCONF_EXPECTATIONS:
// FILE:LINE:COL: ..."), when either is malformed or the file unreadable; a
// target then stops before its first input, as for an unknown
// NDISCONF_IMPL.
const RuleSet* IgnoredRulesFromEnvironment(std::string* error);

// Whether `rule` (a catalog ID, as the monitor reports it) is in `rules`.
bool Contains(const RuleSet& rules, std::string_view rule);

// Whether NDISCONF_IGNORE_RULES names `rule`; false when the variable is
// malformed (the target refused to start then).
bool IgnoredByEnvironment(std::string_view rule);

}  // namespace ndisconf::fuzz

#endif  // NDISCONF_FUZZ_IGNORED_RULES_H_
