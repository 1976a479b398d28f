#pragma once
// metav1.LabelSelector evaluation (matchLabels + matchExpressions In/NotIn/Exists/DoesNotExist), for a Gateway's
// allowedRoutes.namespaces Selector.

#include <map>
#include <string>

#include <nlohmann/json.hpp>

namespace flotilla::render {

// An empty or null selector matches everything (Kubernetes semantics); an unknown operator matches nothing.
bool labelSelectorMatches(const nlohmann::json& selector, const std::map<std::string, std::string>& labels);

}  // namespace flotilla::render
