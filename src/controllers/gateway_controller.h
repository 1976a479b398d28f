#pragma once
// One Gateway reconcile: gather the inputs from the caches (gateway_inputs_from_cache.h), render
// (render/gateway_render.h), refuse to touch same-named objects that are not this Gateway's (OwnershipConflict),
// server-side apply only the objects whose live state differs from the rendered intent (owned_object_diff.h),
// delete what the render no longer asks for (an HPA, cross-namespace RBAC, found by label), and write the status
// (gateway_status.h) only when it changed, with an Event for each condition whose reason changed.
//
// A Gateway that cannot be decoded or validated keeps its workload as it is (its pods go on serving the last good
// configuration) and reports Accepted=False. Deleting a Gateway needs little code: everything in its namespace
// carries an ownerReference, and the cross-namespace Roles/RoleBindings are removed here by label.

#include <memory>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/types.h"
#include "controllers/gateway_caches.h"
#include "controllers/gateway_status.h"
#include "kube/client.h"
#include "render/gateway_render.h"
#include "runtime/clock.h"
#include "runtime/event_recorder.h"
#include "runtime/reconcile.h"

namespace flotilla::controllers {

class GatewayReconciler {
 public:
  GatewayReconciler(GatewayCaches caches, std::shared_ptr<kube::Client> client, runtime::EventRecorder& events,
                    std::string gatewayImage, const runtime::Clock& clock = runtime::realClock());

  runtime::Result reconcile(const runtime::Request& request);

 private:
  struct Pass;

  // Problems that keep the Gateway from being rendered at all (decoding, validation).
  api::FieldErrors specProblems(const nlohmann::json& object, api::Gateway& gateway) const;
  // Same-named objects that are not ours; one message each.
  std::vector<std::string> ownershipConflicts(const Pass& pass, const render::GatewayRender& render) const;
  bool applyAll(Pass& pass, const render::GatewayRender& render);
  bool removeStale(Pass& pass, const render::GatewayRender& render);
  // Cross-namespace Roles/RoleBindings of the Gateway outside `keep` ("namespace/name" keys).
  bool removeCrossNamespaceRbac(Pass& pass, const std::set<std::string>& keep);
  bool remove(Pass& pass, const kube::ResourceRef& resource, const nlohmann::json& live);
  std::vector<GatewayPodReport> podReports(const Pass& pass) const;
  // Writes the status (addresses filled in here) and records Events for changed conditions.
  runtime::Result finish(Pass& pass, GatewayStatusInputs inputs);
  // finish, for a Gateway that cannot be applied until its spec or a conflicting object changes.
  runtime::Result finishTerminal(Pass& pass, GatewayStatusInputs inputs);

  GatewayCaches caches_;
  std::shared_ptr<kube::Client> client_;
  runtime::EventRecorder& events_;
  const std::string gatewayImage_;
  const runtime::Clock& clock_;
};

}  // namespace flotilla::controllers
