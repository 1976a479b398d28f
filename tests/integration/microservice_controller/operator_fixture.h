#pragma once
// The Microservice controller against the in-process API emulator with simulated workloads (Deployments become
// ReplicaSets, Pods, EndpointSlices; HPAs scale on the CPU figures tests set): the CRDs of crds/, namespaces shop
// and flotilla-system, a set-up client (its own user agent, so the request log tells its writes from the
// operator's) and the operator's manager running on its own thread, as `flotilla operator` runs it.

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "../operator_harness.h"
#include "apiserver/test_api_server.h"
#include "controllers/controller_context.h"
#include "kube/well_known_resources.h"
#include "runtime/object.h"

namespace flotilla::controllers::testing {

using nlohmann::json;
using namespace std::chrono_literals;
namespace resources = kube::resources;

// Every spec.replicas value a Deployment had, in order, seen synchronously in the emulator's store: a drop to 1
// that lasted a microsecond is still recorded.
class ReplicaHistory {
 public:
  ReplicaHistory(apiserver::ObjectStore& store, std::string name) : store_(store), name_(std::move(name)) {
    id_ = store_.addListener([this](const apiserver::ChangeEvent& event) {
      if (!event.object || event.type == apiserver::EventType::Deleted) return;
      const json& object = event.object->object;
      if (object.value("kind", "") != "Deployment" || runtime::nameOf(object) != name_) return;
      if (!object.contains("spec") || !object["spec"].contains("replicas")) return;
      std::lock_guard lock(mutex_);
      const auto replicas = object["spec"]["replicas"].get<std::int64_t>();
      if (values_.empty() || values_.back() != replicas) values_.push_back(replicas);
    });
  }
  ~ReplicaHistory() { store_.removeListener(id_); }
  std::vector<std::int64_t> values() const {
    std::lock_guard lock(mutex_);
    return values_;
  }
  std::string describe() const {
    std::string out;
    for (auto v : values()) out += std::to_string(v) + " ";
    return out;
  }

 private:
  apiserver::ObjectStore& store_;
  const std::string name_;
  int id_ = 0;
  mutable std::mutex mutex_;
  std::vector<std::int64_t> values_;
};

class OperatorTest : public EmulatorOperatorTest {
 protected:
  static apiserver::ApiServerOptions serverOptions() {
    auto options = apiserver::TestApiServer::defaultOptions();
    options.simulateWorkloads = true;
    options.workloads.podStartDelay = 100ms;
    options.workloads.hpaSyncPeriod = 500ms;
    return options;
  }

  void SetUp() override { startEmulator(serverOptions(), {"shop", "flotilla-system"}); }

  void startOperator() {
    auto options = InProcessOperator::quietOptions();
    options.leaderElection = true;  // as deployed; the Lease renewals are the only writes allowed when quiet
    options.leaseDuration = 4s;
    options.renewDeadline = 2s;
    options.retryPeriod = 500ms;
    startOperatorWith(options, addMicroserviceController);
  }

  // ---------------------------------------------------------------- objects

  static json microservice(const std::string& name, json spec) {
    return {{"apiVersion", "flotilla.io/v1alpha1"},
            {"kind", "Microservice"},
            {"metadata", {{"name", name}, {"namespace", "shop"}}},
            {"spec", std::move(spec)}};
  }
  // An echo service on port 8080 with a readiness probe, as the shop example declares them.
  static json echoSpec(json extra = json::object()) {
    json spec = {{"image", "flotilla/echo:1"},
                 {"ports", json::array({{{"name", "http"}, {"port", 8080}}})},
                 {"resources", {{"requests", {{"cpu", "100m"}, {"memory", "64Mi"}}}}},
                 {"probes", {{"readiness", {{"httpGet", {{"path", "/healthz"}, {"port", "http"}}}}}}}};
    spec.merge_patch(extra);
    return spec;
  }

  void create(const kube::ResourceRef& ref, const json& object) {
    auto created = setup_->create(ref, object);
    ASSERT_TRUE(created.ok()) << created.error().toString();
  }
  void mergePatch(const kube::ResourceRef& ref, const std::string& name, const json& patch,
                  const std::string& fieldManager = "") {
    kube::WriteOptions options;
    options.fieldManager = fieldManager;
    auto patched = setup_->patch(ref, "shop", name, kube::PatchType::Merge, patch, options);
    ASSERT_TRUE(patched.ok()) << patched.error().toString();
  }
  std::optional<json> get(const kube::ResourceRef& ref, const std::string& name) {
    auto got = setup_->get(ref, "shop", name);
    if (!got.ok()) return std::nullopt;
    return *got;
  }
  bool exists(const kube::ResourceRef& ref, const std::string& name) { return get(ref, name).has_value(); }

  json status(const std::string& name) {
    auto ms = get(resources::kMicroservices, name);
    return ms ? ms->value("status", json::object()) : json::object();
  }
  json condition(const std::string& name, const std::string& type) {
    for (const auto& c : status(name).value("conditions", json::array())) {
      if (c.value("type", "") == type) return c;
    }
    return json::object();
  }
  // Ready=True for the current generation.
  bool ready(const std::string& name) {
    auto ms = get(resources::kMicroservices, name);
    if (!ms) return false;
    const json s = ms->value("status", json::object());
    if (s.value("observedGeneration", -1) != runtime::generationOf(*ms)) return false;
    for (const auto& c : s.value("conditions", json::array())) {
      if (c.value("type", "") == "Ready") return c.value("status", "") == "True";
    }
    return false;
  }
  // Ready, every pod ready and counted in the endpoints: nothing left for the simulated cluster to do.
  bool settled(const std::string& name) {
    if (!ready(name)) return false;
    const json s = status(name);
    const auto replicas = s.value("replicas", -1);
    return replicas > 0 && s.value("readyReplicas", -2) == replicas && s.value("availableReplicas", -2) == replicas &&
           s.value("endpoints", -3) == replicas;
  }

  // Events about Microservice `name` with `reason`.
  std::vector<json> events(const std::string& name, const std::string& reason) {
    return EmulatorOperatorTest::events("shop", "Microservice", name, reason);
  }

  // CPU utilization (percent of requests) the simulated metrics server reports for a Deployment's pods.
  void setCpu(const std::string& deployment, double percent) {
    apiserver::WorkloadMetrics::Figures figures;
    figures.cpu = percent;
    server_->server().workloads()->metrics().setDeployment("shop", deployment, figures);
  }
};

}  // namespace flotilla::controllers::testing
