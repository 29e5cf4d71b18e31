#include "fuzz/ignored_rules.h"

#include <cstdlib>

#include "conformance/catalog/catalog.h"
#include "conformance/report/expectations.h"

namespace ndisconf::fuzz {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<RuleSet> ParseRuleList(std::string_view text, std::string* error) {
  RuleSet rules;
  while (true) {
    const size_t comma = text.find(',');
    const std::string_view item = Trim(text.substr(0, comma));
    if (!item.empty()) {
      const std::optional<spec::RuleId> id = spec::RuleIdFromString(item);
      if (!id) {
        *error = "'" + std::string(item) + "' is no rule ID of the catalog (AF-001 ... WAN-103)";
        return std::nullopt;
      }
      rules.set(static_cast<size_t>(*id));
    }
    if (comma == std::string_view::npos) return rules;
    text.remove_prefix(comma + 1);
  }
}

const RuleSet* IgnoredRulesFromEnvironment(std::string* error) {
  struct Parsed {
    std::optional<RuleSet> rules;
    std::string error;
  };
  static const Parsed parsed = [] {
    const char* env = std::getenv("NDISCONF_IGNORE_RULES");
    Parsed p;
    p.rules = ParseRuleList(env == nullptr ? "" : env, &p.error);
    if (!p.rules) {
      p.error = "NDISCONF_IGNORE_RULES: " + p.error;
      return p;
    }
    const char* file = std::getenv("NDISCONF_EXPECTATIONS");
    if (file == nullptr || *file == '\0') return p;
    report::Expectations known;
    if (!report::LoadExpectations(file, /*missing_ok=*/false, catalog::Catalog(), &known,
                                  &p.error)) {
      p.rules.reset();
      p.error = "NDISCONF_EXPECTATIONS: " + p.error;
      return p;
    }
    for (const report::KnownFailure& f : known.failures) {
      // The parser accepted only catalog IDs, which RuleIdFromString knows.
      if (const std::optional<spec::RuleId> id = spec::RuleIdFromString(f.rule)) {
        p.rules->set(static_cast<size_t>(*id));
      }
    }
    return p;
  }();
  if (!parsed.rules) {
    *error = parsed.error;
    return nullptr;
  }
  return &*parsed.rules;
}

bool Contains(const RuleSet& rules, std::string_view rule) {
  const std::optional<spec::RuleId> id = spec::RuleIdFromString(rule);
  return id && rules.test(static_cast<size_t>(*id));
}

bool IgnoredByEnvironment(std::string_view rule) {
  std::string error;
  const RuleSet* rules = IgnoredRulesFromEnvironment(&error);
  return rules != nullptr && Contains(*rules, rule);
}

}  // namespace ndisconf::fuzz
