#include "render/label_selector.h"

#include <algorithm>

namespace flotilla::render {
namespace {

bool expressionMatches(const nlohmann::json& expression, const std::map<std::string, std::string>& labels) {
  if (!expression.is_object()) return false;
  const std::string key = expression.value("key", "");
  const std::string op = expression.value("operator", "");
  const nlohmann::json values = expression.value("values", nlohmann::json::array());
  const auto label = labels.find(key);
  const bool present = label != labels.end();
  const auto inValues = [&] {
    return present && values.is_array() && std::any_of(values.begin(), values.end(), [&](const nlohmann::json& v) {
             return v.is_string() && v.get<std::string>() == label->second;
           });
  };
  if (op == "In") return inValues();
  if (op == "NotIn") return !inValues();
  if (op == "Exists") return present;
  if (op == "DoesNotExist") return !present;
  return false;
}

}  // namespace

bool labelSelectorMatches(const nlohmann::json& selector, const std::map<std::string, std::string>& labels) {
  if (!selector.is_object()) return selector.is_null();
  if (selector.contains("matchLabels")) {
    const auto& matchLabels = selector.at("matchLabels");
    if (!matchLabels.is_object()) return false;
    for (const auto& [key, value] : matchLabels.items()) {
      const auto label = labels.find(key);
      if (label == labels.end() || !value.is_string() || value.get<std::string>() != label->second) return false;
    }
  }
  if (selector.contains("matchExpressions")) {
    const auto& expressions = selector.at("matchExpressions");
    if (!expressions.is_array()) return false;
    for (const auto& expression : expressions) {
      if (!expressionMatches(expression, labels)) return false;
    }
  }
  return true;
}

}  // namespace flotilla::render
