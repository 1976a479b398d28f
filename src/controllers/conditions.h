#pragma once
// metav1.Condition lists as every Flotilla controller writes them into a CR's status (apimachinery's
// meta.SetStatusCondition semantics):
//  - one entry per type, kept in the order the types were first set;
//  - lastTransitionTime changes only when a condition's status really changes (True → False ...), never when only
//    its reason, message or observedGeneration change — so recomputing the same state yields byte-identical JSON
//    and the controller can skip the status write;
//  - reasons are CamelCase identifiers (the CRD schemas enforce ^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$).
// Pure functions over JSON; the caller supplies "now" (runtime::formatTime of its clock).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace flotilla::controllers {

inline constexpr const char* kConditionTrue = "True";
inline constexpr const char* kConditionFalse = "False";
inline constexpr const char* kConditionUnknown = "Unknown";

struct Condition {
  std::string type;    // "Ready"
  std::string status;  // kConditionTrue | kConditionFalse | kConditionUnknown
  std::string reason;  // "OwnershipConflict"
  std::string message;
  std::int64_t observedGeneration = 0;

  // "True"/"False" from a bool.
  static std::string statusOf(bool value) { return value ? kConditionTrue : kConditionFalse; }
};

// The entry of `type` in a conditions array (null when absent or `conditions` is not an array).
const nlohmann::json* findCondition(const nlohmann::json& conditions, std::string_view type);
// Its status, or "" when absent.
std::string conditionStatus(const nlohmann::json& conditions, std::string_view type);
bool isConditionTrue(const nlohmann::json& conditions, std::string_view type);

// Sets one condition in `conditions` (made an array if it is not): an existing entry of the same type keeps its
// lastTransitionTime unless the status changed (then it becomes `now`); a new entry gets `now`.
// Returns true when the status changed or the condition is new (a transition worth an Event).
bool setCondition(nlohmann::json& conditions, const Condition& condition, const std::string& now);

// The conditions array for `desired` (in that order), carrying over each lastTransitionTime from `previous` when
// the status is unchanged. Conditions of `previous` whose type is not in `desired` are dropped.
nlohmann::json mergeConditions(const nlohmann::json& previous, const std::vector<Condition>& desired,
                               const std::string& now);

// The types whose status differs between two conditions arrays (added, removed or changed status), in `after`'s
// order then the removed ones.
std::vector<std::string> conditionTransitions(const nlohmann::json& before, const nlohmann::json& after);

}  // namespace flotilla::controllers
