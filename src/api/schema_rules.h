#pragma once
// C++ twins of the CEL rules (x-kubernetes-validations) that crds/ uses. No CEL interpreter exists here, so the API
// emulator evaluates each rule through a check with the same meaning, looked up by the rule's exact text.
// hack/gen-crds.py writes the rules; keep the texts in step (tests/unit/schema proves every CRD rule has a twin).

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace flotilla::api {

// True when `self` (the value of the schema node carrying the rule) satisfies the rule. Like CEL on a defaulted
// object, a check passes when the fields it reads are absent or mistyped: other validations report those.
using RuleCheck = bool (*)(const nlohmann::json& self);

// The twin of `ruleText`, or nullptr when the rule is unknown.
RuleCheck findRuleCheck(std::string_view ruleText);

// Every rule text that has a twin.
std::vector<std::string> knownRuleTexts();

}  // namespace flotilla::api
