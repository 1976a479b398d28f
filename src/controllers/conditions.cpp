#include "controllers/conditions.h"

#include <set>

namespace flotilla::controllers {
namespace {

nlohmann::json toJson(const Condition& condition, const std::string& lastTransitionTime) {
  // Key order is irrelevant to nlohmann (objects are sorted maps), so equal conditions compare equal.
  nlohmann::json entry = {{"type", condition.type},
                          {"status", condition.status},
                          {"reason", condition.reason},
                          {"message", condition.message},
                          {"lastTransitionTime", lastTransitionTime}};
  if (condition.observedGeneration > 0) entry["observedGeneration"] = condition.observedGeneration;
  return entry;
}

std::string stringAt(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return {};
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

const nlohmann::json* findCondition(const nlohmann::json& conditions, std::string_view type) {
  if (!conditions.is_array()) return nullptr;
  for (const auto& entry : conditions) {
    if (stringAt(entry, "type") == type) return &entry;
  }
  return nullptr;
}

std::string conditionStatus(const nlohmann::json& conditions, std::string_view type) {
  const auto* entry = findCondition(conditions, type);
  return entry ? stringAt(*entry, "status") : std::string();
}

bool isConditionTrue(const nlohmann::json& conditions, std::string_view type) {
  return conditionStatus(conditions, type) == kConditionTrue;
}

bool setCondition(nlohmann::json& conditions, const Condition& condition, const std::string& now) {
  if (!conditions.is_array()) conditions = nlohmann::json::array();
  for (auto& entry : conditions) {
    if (stringAt(entry, "type") != condition.type) continue;
    const bool transition = stringAt(entry, "status") != condition.status;
    std::string since = stringAt(entry, "lastTransitionTime");
    entry = toJson(condition, transition || since.empty() ? now : since);
    return transition;
  }
  conditions.push_back(toJson(condition, now));
  return true;
}

nlohmann::json mergeConditions(const nlohmann::json& previous, const std::vector<Condition>& desired,
                               const std::string& now) {
  nlohmann::json merged = nlohmann::json::array();
  for (const auto& condition : desired) {
    const auto* before = findCondition(previous, condition.type);
    if (before) merged.push_back(*before);
    setCondition(merged, condition, now);
  }
  return merged;
}

std::vector<std::string> conditionTransitions(const nlohmann::json& before, const nlohmann::json& after) {
  std::vector<std::string> changed;
  std::set<std::string> seen;
  if (after.is_array()) {
    for (const auto& entry : after) {
      const std::string type = stringAt(entry, "type");
      seen.insert(type);
      if (conditionStatus(before, type) != stringAt(entry, "status")) changed.push_back(type);
    }
  }
  if (before.is_array()) {
    for (const auto& entry : before) {
      const std::string type = stringAt(entry, "type");
      if (!seen.count(type)) changed.push_back(type);
    }
  }
  return changed;
}

}  // namespace flotilla::controllers
