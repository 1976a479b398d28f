#pragma once
// What every Flotilla controller is built from: the manager (informers, controllers, events, metrics), the API
// client for writes, and the operator's choices from its flags. `flotilla operator` fills one in and hands it to
// each add*Controller function; tests build one around an in-process TestApiServer.

#include <memory>
#include <string>

#include "kube/client.h"
#include "runtime/manager.h"

namespace flotilla::controllers {

struct ControllerContext {
  runtime::Manager& manager;
  std::shared_ptr<kube::Client> client;  // writes (apply, status, delete); reads come from manager informers
  std::string namespace_;                // --namespace: watch one namespace; empty = all
  int workers = 2;                       // --workers: concurrent reconciles per controller
  std::string gatewayImage = "flotilla/gateway:latest";  // --gateway-image: default image of gateway pods
};

// Microservice → Deployment, Service, HPA, PDB (microservice_controller.cpp).
void addMicroserviceController(ControllerContext& context);

// Gateway → workload + rendered haproxy.cfg ConfigMap; Route and BreakerPolicy → status and Gateway re-render
// (gateway_controller.cpp, route_controller.cpp, breaker_policy_controller.cpp).
void addGatewayControllers(ControllerContext& context);

}  // namespace flotilla::controllers
