#pragma once
// The Gateway, Route and BreakerPolicy controllers against the in-process API emulator: the CRDs of crds/,
// namespaces shop, team-a and flotilla-system, a set-up client (its own user agent, so the request log tells its
// writes from the operator's) and a manager running addGatewayControllers on its own thread (leader election off).
// No workload simulation: the tests play the gateway agent themselves by creating and annotating gateway Pods.

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "../../unit/gateway_controllers/gateway_fixtures.h"
#include "../emulator_clients.h"
#include "api/yaml.h"
#include "apiserver/test_api_server.h"
#include "controllers/controller_context.h"
#include "kube/connect.h"
#include "kube/kubeconfig.h"
#include "kube/well_known_resources.h"
#include "observability/metrics.h"
#include "runtime/kube_adapters.h"
#include "runtime/manager.h"
#include "runtime/object.h"

namespace flotilla::controllers::testing {

using namespace std::chrono_literals;
namespace resources = kube::resources;

inline constexpr const char* kGatewayImage = "flotilla/gateway:test";

inline bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds bound = 60s) {
  const auto deadline = std::chrono::steady_clock::now() + bound;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(20ms);
  }
  return true;
}

// `flotilla operator` with only the gateway controllers, in-process, running until stopped.
class RunningGatewayOperator {
 public:
  RunningGatewayOperator(std::shared_ptr<kube::Client> client, observability::MetricsRegistry& registry,
                         const std::string& watchNamespace)
      : manager_(std::make_shared<runtime::KubeClusterAccess>(client), options(watchNamespace), registry),
        context_{manager_, client, watchNamespace, 2, kGatewayImage} {
    addGatewayControllers(context_);
    exit_ = std::async(std::launch::async, [this] { return manager_.run(stop_.get_token()); });
  }
  ~RunningGatewayOperator() {
    stop_.request_stop();
    if (exit_.valid()) exit_.wait();
  }

 private:
  static runtime::ManagerOptions options(const std::string& watchNamespace) {
    runtime::ManagerOptions options;
    options.metricsBindAddress = "0";
    options.healthProbeBindAddress = "0";
    options.leaderElection = false;
    options.namespace_ = watchNamespace;
    return options;
  }

  runtime::Manager manager_;
  ControllerContext context_;
  std::stop_source stop_;
  std::future<int> exit_;
};

class GatewayOperatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<apiserver::TestApiServer>();
    ASSERT_TRUE(server_->started()) << server_->startError();
    setup_ = connect("integration-test", 1000);
    ASSERT_NE(setup_, nullptr);
    installCrds();
    for (const char* ns : {"shop", "team-a", "flotilla-system"}) {
      auto created = setup_->create(resources::kNamespaces, {{"metadata", {{"name", ns}}}});
      ASSERT_TRUE(created.ok()) << created.error().toString();
    }
  }

  void TearDown() override {
    operator_.reset();
    server_.reset();
  }

  std::shared_ptr<kube::Client> connect(const std::string& userAgent, double qps) {
    return flotilla::testing::connectToEmulator(*server_, userAgent, qps);
  }

  void installCrds() { ASSERT_TRUE(flotilla::testing::installFlotillaCrds(*setup_)); }

  // The operator's client has the default user agent "flotilla/<version> (operator)".
  void startOperator(const std::string& watchNamespace = "") {
    operatorClient_ = connect("", 100);
    ASSERT_NE(operatorClient_, nullptr);
    operator_ = std::make_unique<RunningGatewayOperator>(operatorClient_, registry_, watchNamespace);
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

  std::vector<json> events(const std::string& ns, const std::string& kind, const std::string& name,
                           const std::string& reason) {
    std::vector<json> found;
    auto listed = setup_->list(resources::kEvents, ns);
    if (!listed.ok()) return found;
    for (const auto& event : listed->items) {
      const json& involved = event.value("involvedObject", json::object());
      if (involved.value("kind", "") == kind && involved.value("name", "") == name &&
          event.value("reason", "") == reason) {
        found.push_back(event);
      }
    }
    return found;
  }

  // ---------------------------------------------------------------- request log

  std::uint64_t mark() { return server_->requestLog().lastIndex(); }
  std::vector<apiserver::RequestRecord> operatorRequests(std::uint64_t since) {
    std::vector<apiserver::RequestRecord> out;
    for (auto& record : server_->requestLog().since(since)) {
      if (record.userAgent.find("(operator)") != std::string::npos) out.push_back(record);
    }
    return out;
  }
  std::vector<apiserver::RequestRecord> operatorWrites(std::uint64_t since) {
    std::vector<apiserver::RequestRecord> writes;
    for (auto& record : operatorRequests(since)) {
      if (record.verb == "create" || record.verb == "update" || record.verb == "patch" || record.verb == "delete" ||
          record.verb == "deletecollection") {
        writes.push_back(record);
      }
    }
    return writes;
  }
  static std::string describe(const std::vector<apiserver::RequestRecord>& records) {
    std::string out;
    for (const auto& r : records) {
      out += r.verb + " " + r.resource + (r.subresource.empty() ? "" : "/" + r.subresource) + " " + r.namespace_ + "/" +
             r.name + "; ";
    }
    return out;
  }
  // Waits until the operator made no write for `window`; returns the request-log mark at that point.
  std::uint64_t waitForQuiet(std::chrono::milliseconds window = 1500ms) {
    std::uint64_t since = mark();
    auto windowStart = std::chrono::steady_clock::now();
    const auto deadline = windowStart + 60s;
    while (std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(100ms);
      if (!operatorWrites(since).empty()) {
        since = mark();
        windowStart = std::chrono::steady_clock::now();
      } else if (std::chrono::steady_clock::now() - windowStart >= window) {
        return mark();
      }
    }
    ADD_FAILURE() << "the operator never stopped writing";
    return mark();
  }

  std::unique_ptr<apiserver::TestApiServer> server_;
  std::shared_ptr<kube::Client> setup_;
  std::shared_ptr<kube::Client> operatorClient_;
  observability::MetricsRegistry registry_;
  std::unique_ptr<RunningGatewayOperator> operator_;
};

}  // namespace flotilla::controllers::testing
