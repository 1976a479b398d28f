#pragma once
// The Microservice controller against the in-process API emulator with simulated workloads (Deployments become
// ReplicaSets, Pods, EndpointSlices; HPAs scale on the CPU figures tests set): the CRDs of crds/, namespaces shop
// and flotilla-system, a set-up client (its own user agent, so the request log tells its writes from the
// operator's) and the operator's manager running on its own thread, as `flotilla operator` runs it.

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

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

using nlohmann::json;
using namespace std::chrono_literals;
namespace resources = kube::resources;

inline bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds bound = 60s) {
  const auto deadline = std::chrono::steady_clock::now() + bound;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(20ms);
  }
  return true;
}

// `flotilla operator` in-process: a manager with the Microservice controller, running until stopped.
class RunningOperator {
 public:
  RunningOperator(std::shared_ptr<kube::Client> client, observability::MetricsRegistry& registry)
      : manager_(std::make_shared<runtime::KubeClusterAccess>(client), options(), registry),
        context_{manager_, client, "", 2, "flotilla/gateway:test"} {
    addMicroserviceController(context_);
    exit_ = std::async(std::launch::async, [this] { return manager_.run(stop_.get_token()); });
  }
  ~RunningOperator() { stop(); }

  int stop() {
    if (!exit_.valid()) return exitCode_;
    stop_.request_stop();
    exitCode_ = exit_.get();
    return exitCode_;
  }

 private:
  static runtime::ManagerOptions options() {
    runtime::ManagerOptions options;
    options.metricsBindAddress = "0";
    options.healthProbeBindAddress = "0";
    options.leaderElection = true;  // as deployed; the Lease renewals are the only writes allowed when quiet
    options.leaseDuration = 4s;
    options.renewDeadline = 2s;
    options.retryPeriod = 500ms;
    return options;
  }

  runtime::Manager manager_;
  ControllerContext context_;
  std::stop_source stop_;
  std::future<int> exit_;
  int exitCode_ = 0;
};

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

class OperatorTest : public ::testing::Test {
 protected:
  static apiserver::ApiServerOptions serverOptions() {
    auto options = apiserver::TestApiServer::defaultOptions();
    options.simulateWorkloads = true;
    options.workloads.podStartDelay = 100ms;
    options.workloads.hpaSyncPeriod = 500ms;
    return options;
  }

  void SetUp() override {
    server_ = std::make_unique<apiserver::TestApiServer>(serverOptions());
    ASSERT_TRUE(server_->started()) << server_->startError();
    setup_ = connect("integration-test", 1000);
    ASSERT_NE(setup_, nullptr);
    installCrds();
    for (const char* ns : {"shop", "flotilla-system"}) {
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

  void startOperator() {
    operatorClient_ = connect("", 100);  // the client's default user agent: "flotilla/<version> (operator)"
    ASSERT_NE(operatorClient_, nullptr);
    operator_ = std::make_unique<RunningOperator>(operatorClient_, registry_);
  }
  int stopOperator() {
    int code = operator_ ? operator_->stop() : 0;
    operator_.reset();
    return code;
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
    std::vector<json> found;
    auto listed = setup_->list(resources::kEvents, "shop");
    if (!listed.ok()) return found;
    for (const auto& event : listed->items) {
      const json& involved = event.value("involvedObject", json::object());
      if (involved.value("kind", "") == "Microservice" && involved.value("name", "") == name &&
          event.value("reason", "") == reason) {
        found.push_back(event);
      }
    }
    return found;
  }

  // ---------------------------------------------------------------- request log

  std::uint64_t mark() { return server_->requestLog().lastIndex(); }
  // Write requests the operator sent after `since`, except Lease renewals.
  std::vector<apiserver::RequestRecord> operatorWrites(std::uint64_t since) {
    std::vector<apiserver::RequestRecord> writes;
    for (auto& record : server_->requestLog().since(since)) {
      const bool write = record.verb == "create" || record.verb == "update" || record.verb == "patch" ||
                         record.verb == "delete" || record.verb == "deletecollection";
      if (write && record.userAgent.find("(operator)") != std::string::npos && record.resource != "leases") {
        writes.push_back(record);
      }
    }
    return writes;
  }
  static std::string describe(const std::vector<apiserver::RequestRecord>& records) {
    std::string out;
    for (const auto& r : records) {
      out += r.verb + " " + r.resource + (r.subresource.empty() ? "" : "/" + r.subresource) + " " + r.name + "; ";
    }
    return out;
  }
  // Waits until the operator made no write for `window`, then returns the request-log mark.
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

  // CPU utilization (percent of requests) the simulated metrics server reports for a Deployment's pods.
  void setCpu(const std::string& deployment, double percent) {
    apiserver::WorkloadMetrics::Figures figures;
    figures.cpu = percent;
    server_->server().workloads()->metrics().setDeployment("shop", deployment, figures);
  }

  std::unique_ptr<apiserver::TestApiServer> server_;
  std::shared_ptr<kube::Client> setup_;
  std::shared_ptr<kube::Client> operatorClient_;
  observability::MetricsRegistry registry_;
  std::unique_ptr<RunningOperator> operator_;
};

}  // namespace flotilla::controllers::testing
