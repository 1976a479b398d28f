#include "controllers/replicas_handover.h"

#include "runtime/object.h"

namespace flotilla::controllers {

bool appliesReplicas(const nlohmann::json& deployment, std::string_view manager) {
  const auto* entries = deployment.contains("metadata") ? &deployment["metadata"] : nullptr;
  if (!entries || !entries->contains("managedFields") || !(*entries)["managedFields"].is_array()) return false;
  for (const auto& entry : (*entries)["managedFields"]) {
    if (!entry.is_object() || entry.value("manager", std::string()) != manager) continue;
    if (entry.value("operation", std::string()) != "Apply") continue;
    if (!entry.value("subresource", std::string()).empty()) continue;
    const auto& fields = entry.contains("fieldsV1") ? entry["fieldsV1"] : nlohmann::json();
    if (fields.is_object() && fields.contains("f:spec") && fields["f:spec"].is_object() &&
        fields["f:spec"].contains("f:replicas")) {
      return true;
    }
  }
  return false;
}

nlohmann::json replicasHandover(const nlohmann::json& deployment) {
  std::int64_t replicas = 1;
  if (deployment.contains("spec") && deployment["spec"].contains("replicas") &&
      deployment["spec"]["replicas"].is_number_integer()) {
    replicas = deployment["spec"]["replicas"].get<std::int64_t>();
  }
  return {{"apiVersion", "apps/v1"},
          {"kind", "Deployment"},
          {"metadata", {{"name", runtime::nameOf(deployment)}, {"namespace", runtime::namespaceOf(deployment)}}},
          {"spec", {{"replicas", replicas}}}};
}

}  // namespace flotilla::controllers
