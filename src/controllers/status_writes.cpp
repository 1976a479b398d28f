#include "controllers/status_writes.h"

#include "controllers/conditions.h"
#include "controllers/gateway_programmed.h"
#include "runtime/object.h"

namespace flotilla::controllers {

bool statusHolds(const nlohmann::json& live, const nlohmann::json& fields) {
  auto status = live.find("status");
  for (const auto& [key, value] : fields.items()) {
    const bool hasStatus = status != live.end() && status->is_object();
    if (value.is_null()) {
      if (hasStatus && status->contains(key) && !(*status)[key].is_null()) return false;
      continue;
    }
    if (!hasStatus) return false;
    auto it = status->find(key);
    if (it == status->end() || *it != value) return false;
  }
  return true;
}

kube::Result<bool> patchStatusIfChanged(kube::Client& client, const kube::ResourceRef& resource,
                                        const nlohmann::json& live, const nlohmann::json& fields,
                                        bool onlyIfUnchanged) {
  if (statusHolds(live, fields)) return false;
  nlohmann::json patch = {{"status", fields}};
  if (onlyIfUnchanged) patch["metadata"] = {{"resourceVersion", runtime::resourceVersionOf(live)}};
  auto patched = client.patch(resource, runtime::namespaceOf(live), runtime::nameOf(live), kube::PatchType::Merge,
                              patch, {}, "status");
  if (!patched.ok()) return patched.error();
  return true;
}

void recordConditionEvents(runtime::EventRecorder& recorder, const nlohmann::json& object,
                           const nlohmann::json& previous, const nlohmann::json& conditions,
                           const std::string& context) {
  if (!conditions.is_array()) return;
  for (const auto& condition : conditions) {
    const std::string type = condition.value("type", "");
    const std::string status = condition.value("status", "");
    const std::string reason = condition.value("reason", "");
    const auto* before = findCondition(previous, type);
    if (before && before->value("status", "") == status && before->value("reason", "") == reason) continue;
    if (reason == kReasonPending) continue;
    const auto eventType = status == kConditionTrue ? runtime::EventType::Normal : runtime::EventType::Warning;
    recorder.event(object, eventType, reason, context + type + ": " + condition.value("message", ""));
  }
}

}  // namespace flotilla::controllers
