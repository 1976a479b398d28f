#pragma once
// The JSONPath subset CRD printer columns use: `.spec.replicas`, `.items[0]`, `.items[*].name`,
// `['dotted.key']`, and filters such as `.status.conditions[?(@.type=="Ready")].status` (== and !=).

#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace flotilla::apiserver {

// Every value the path selects (empty when nothing matches or the path does not parse).
std::vector<nlohmann::json> evaluateJsonPath(const nlohmann::json& root, std::string_view path);

}  // namespace flotilla::apiserver
