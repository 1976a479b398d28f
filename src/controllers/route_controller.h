#pragma once
// One Route reconcile: find the Gateway its gatewayRef names, render that Gateway from the same caches the Gateway
// controller reads (the renderer is pure, so both reach the same verdicts and config hash; route_verdict_memo.h keeps
// one render per Gateway while its inputs stay the same), and write the Route's
// status.parents[] entry (route_status.h) when it changed, with an Event for each condition whose reason changed.
// Programmed turns True once the Gateway's status says its pods run the config hash rendered here.

#include <memory>
#include <string>

#include "controllers/gateway_caches.h"
#include "controllers/route_status.h"
#include "controllers/route_verdict_memo.h"
#include "kube/client.h"
#include "runtime/clock.h"
#include "runtime/event_recorder.h"
#include "runtime/reconcile.h"

namespace flotilla::controllers {

class RouteReconciler {
 public:
  RouteReconciler(GatewayCaches caches, std::shared_ptr<kube::Client> client, runtime::EventRecorder& events,
                  const runtime::Clock& clock = runtime::realClock());

  runtime::Result reconcile(const runtime::Request& request);

 private:
  // Everything about the parent Gateway except the Route's own generation and gateway key.
  void judge(const nlohmann::json& route, RouteParentInputs& inputs);

  GatewayCaches caches_;
  std::shared_ptr<RouteVerdictMemo> memo_;  // shared by copies of this reconciler (the controller's workers)
  std::shared_ptr<kube::Client> client_;
  runtime::EventRecorder& events_;
  const runtime::Clock& clock_;
};

}  // namespace flotilla::controllers
