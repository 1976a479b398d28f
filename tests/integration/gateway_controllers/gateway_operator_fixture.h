#pragma once
// The Gateway, Route and BreakerPolicy controllers against the in-process API emulator: the CRDs of crds/,
// namespaces shop, team-a and flotilla-system, a set-up client (its own user agent, so the request log tells its
// writes from the operator's) and a manager running addGatewayControllers on its own thread (leader election off).
// No workload simulation: the tests play the gateway agent themselves by creating and annotating gateway Pods.

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "../../unit/gateway_controllers/gateway_fixtures.h"
#include "../operator_harness.h"
#include "apiserver/test_api_server.h"
#include "controllers/controller_context.h"
#include "kube/well_known_resources.h"
#include "runtime/object.h"

namespace flotilla::controllers::testing {

using namespace std::chrono_literals;
namespace resources = kube::resources;

class GatewayOperatorTest : public EmulatorOperatorTest {
 protected:
  void SetUp() override {
    startEmulator(apiserver::TestApiServer::defaultOptions(), {"shop", "team-a", "flotilla-system"});
  }

  void startOperator(const std::string& watchNamespace = "") {
    auto options = InProcessOperator::quietOptions();
    options.leaderElection = false;
    options.namespace_ = watchNamespace;
    startOperatorWith(options, addGatewayControllers);
  }

  // ---------------------------------------------------------------- objects

  json create(const kube::ResourceRef& ref, const json& object) {
    auto created = setup_->create(ref, object);
    EXPECT_TRUE(created.ok()) << created.error().toString();
    return created.ok() ? *created : json();
  }
  void mergePatch(const kube::ResourceRef& ref, const std::string& ns, const std::string& name, const json& patch,
                  const std::string& subresource = "") {
    auto patched = setup_->patch(ref, ns, name, kube::PatchType::Merge, patch, {}, subresource);
    ASSERT_TRUE(patched.ok()) << patched.error().toString();
  }
  std::optional<json> get(const kube::ResourceRef& ref, const std::string& ns, const std::string& name) {
    auto got = setup_->get(ref, ns, name);
    if (!got.ok()) return std::nullopt;
    return *got;
  }

  // A gateway Pod as the agent reports it: created, then its status (Ready, pod IP) set like a kubelet would.
  void createGatewayPod(const std::string& gateway, const std::string& name, bool ready, const std::string& hash,
                        const std::string& generation, const std::string& error = "",
                        const std::string& podIP = "10.244.0.9") {
    json pod = gatewayPodJson("shop", gateway, name, ready, hash, generation, error, podIP);
    json status = pod["status"];
    pod.erase("status");
    create(resources::kPods, pod);
    mergePatch(resources::kPods, "shop", name, {{"status", status}}, "status");
  }
  // What the agent writes after loading a config, or failing to load the one `errorHash` names.
  void reportLoaded(const std::string& pod, const std::string& hash, const std::string& generation,
                    const std::string& error = "", const std::string& errorHash = "") {
    json annotations = {{"flotilla.io/loaded-config-hash", hash},
                        {"flotilla.io/loaded-gateway-generation", generation},
                        {"flotilla.io/config-error", error.empty() ? json() : json(error)},
                        {"flotilla.io/config-error-hash", errorHash.empty() ? json() : json(errorHash)}};
    mergePatch(resources::kPods, "shop", pod, {{"metadata", {{"annotations", annotations}}}});
  }

  // The rendered ConfigMap of Gateway shop/<gateway> (empty object while it does not exist).
  json configMap(const std::string& gateway, const std::string& ns = "shop") {
    return get(resources::kConfigMaps, ns, gateway + "-config").value_or(json::object());
  }
  std::string haproxyConfig(const std::string& gateway) {
    const json cm = configMap(gateway);
    return cm.contains("data") ? cm["data"].value("haproxy.cfg", "") : "";
  }
  std::string renderedHash(const std::string& gateway) {
    return runtime::annotationsOf(configMap(gateway))["flotilla.io/config-hash"];
  }
  std::string renderedGeneration(const std::string& gateway) {
    return runtime::annotationsOf(configMap(gateway))["flotilla.io/gateway-generation"];
  }

  json statusOf(const kube::ResourceRef& ref, const std::string& ns, const std::string& name) {
    auto object = get(ref, ns, name);
    return object ? object->value("status", json::object()) : json::object();
  }
  static json conditionIn(const json& conditions, const std::string& type) {
    for (const auto& c : conditions.is_array() ? conditions : json::array()) {
      if (c.value("type", "") == type) return c;
    }
    return json::object();
  }
  json gatewayCondition(const std::string& name, const std::string& type) {
    return conditionIn(statusOf(resources::kGateways, "shop", name).value("conditions", json::array()), type);
  }
  json breakerPolicyCondition(const std::string& name, const std::string& type) {
    return conditionIn(statusOf(resources::kBreakerPolicies, "shop", name).value("conditions", json::array()), type);
  }
  // The condition in the Route's parents[] entry for Gateway `gateway` ("namespace/name").
  json routeCondition(const std::string& ns, const std::string& name, const std::string& gateway,
                      const std::string& type) {
    for (const auto& parent : statusOf(resources::kRoutes, ns, name).value("parents", json::array())) {
      if (parent.value("gateway", "") == gateway) return conditionIn(parent.value("conditions", json::array()), type);
    }
    return json::object();
  }
  static bool has(const json& condition, const std::string& status, const std::string& reason) {
    return condition.value("status", "") == status && condition.value("reason", "") == reason;
  }
};

}  // namespace flotilla::controllers::testing
