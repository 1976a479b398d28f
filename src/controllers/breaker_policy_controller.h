#pragma once
// One BreakerPolicy reconcile: validate it (decoding, api validation and the renderer's safety checks, the same
// findings that make a Route using it InvalidSpec), count the rendered Route rules it governs across the Gateways
// that use it, and write status (breaker_policy_status.h) when it changed, with an Event when Accepted's reason
// changes. Re-rendering the Gateways that use a changed policy is the Gateway controller's watch, not this.
// It also gathers the circuits the gateway pods report open for the policy into .status.openCircuits and announces
// each circuit entering or leaving that list with a CircuitOpened / CircuitClosed Event on its Route
// (breaker_policy_circuits.h).

#include <memory>
#include <string>
#include <vector>

#include "controllers/breaker_policy_circuits.h"
#include "controllers/gateway_caches.h"
#include "kube/client.h"
#include "runtime/clock.h"
#include "runtime/event_recorder.h"
#include "runtime/reconcile.h"

namespace flotilla::controllers {

class BreakerPolicyReconciler {
 public:
  BreakerPolicyReconciler(GatewayCaches caches, std::shared_ptr<kube::Client> client, runtime::EventRecorder& events,
                          const runtime::Clock& clock = runtime::realClock());

  runtime::Result reconcile(const runtime::Request& request);

 private:
  std::int32_t attachedRoutes(const std::string& policyKey) const;
  std::vector<std::vector<render::ReportedCircuit>> reportedCircuits() const;
  void announceCircuits(const CircuitChanges& changes, const std::string& policyKey);

  GatewayCaches caches_;
  std::shared_ptr<kube::Client> client_;
  runtime::EventRecorder& events_;
  const runtime::Clock& clock_;
};

}  // namespace flotilla::controllers
