#include "controllers/ownership.h"

#include "api/types.h"
#include "runtime/object.h"

namespace flotilla::controllers {

bool isControlledBy(const nlohmann::json& object, std::string_view ownerKind, std::string_view ownerUid) {
  const auto controller = runtime::controllerOf(object);
  return controller && controller->kind == ownerKind && runtime::groupOf(controller->apiVersion) == api::kGroup &&
         !ownerUid.empty() && controller->uid == ownerUid;
}

std::string describeController(const nlohmann::json& object) {
  const auto controller = runtime::controllerOf(object);
  if (!controller) return "no controller";
  return "controlled by " + controller->kind + " " + controller->name + " (uid " + controller->uid + ")";
}

}  // namespace flotilla::controllers
