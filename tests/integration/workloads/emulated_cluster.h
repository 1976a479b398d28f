#pragma once
// The emulator's storage, API semantics, garbage collector and workload simulator in one test process — a small
// cluster whose pods (flotilla/echo under --run-pods) are real processes on loopback addresses.

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "apiserver/garbage_collector.h"
#include "apiserver/loopback_address_pool.h"
#include "apiserver/object_meta.h"
#include "apiserver/object_store.h"
#include "apiserver/resource_registry.h"
#include "apiserver/resource_service.h"
#include "apiserver/sim_plan.h"
#include "apiserver/workload_simulator.h"

namespace flotilla::apiserver::testing {

using nlohmann::json;

inline WriteOptions asTest() {
  WriteOptions options;
  options.fieldManager = "test";
  return options;
}

class EmulatedCluster {
 public:
  explicit EmulatedCluster(WorkloadSimulatorOptions options) : service_(store_, registry_), gc_(store_, service_) {
    options.podRunner.flotillaBinary = FLOTILLA_BINARY;
    // Parallel test processes must not hand out the same loopback addresses.
    options.podRunner.firstAddress = LoopbackAddressPool::randomFirstAddress();
    gc_.start();
    simulator_ = std::make_unique<WorkloadSimulator>(service_, std::move(options));
    simulator_->start();
    create(resource("", "v1", "namespaces"), json{{"metadata", {{"name", "shop"}}}});
  }

  ~EmulatedCluster() {
    simulator_->stop();
    gc_.stop();
  }

  const ResourceInfo& resource(const sim::SimResource& r) { return resource(r.group, r.version, r.plural); }
  const ResourceInfo& resource(const std::string& group, const std::string& version, const std::string& plural) {
    ResourcePtr found = registry_.find(group, version, plural);
    EXPECT_NE(found, nullptr) << plural;
    return *found;
  }

  json create(const ResourceInfo& r, json object) {
    object["apiVersion"] = r.apiVersion();
    object["kind"] = r.kind;
    auto result = service_.create(r, meta::namespaceOf(object), object, asTest());
    EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().message);
    return result.ok() ? result->object : json();
  }

  std::optional<json> get(const sim::SimResource& r, const std::string& name, const std::string& ns = "shop") {
    auto result = service_.get(resource(r), ns, name);
    if (!result.ok()) return std::nullopt;
    return result.value();
  }

  std::vector<json> list(const sim::SimResource& r, const std::string& ns = "shop") {
    std::vector<json> out;
    for (const auto& stored : store_.listAll(resource(r).storageKey())) {
      if (stored->namespace_ == ns) out.push_back(stored->object);
    }
    return out;
  }

  void edit(const sim::SimResource& r, const std::string& name, const std::function<void(json&)>& change) {
    auto result = service_.modify(
        resource(r), "shop", name,
        [&](json& object) {
          change(object);
          return true;
        },
        asTest());
    ASSERT_TRUE(result.ok()) << result.error().message;
  }

  void remove(const sim::SimResource& r, const std::string& name) {
    auto result = service_.remove(resource(r), "shop", name, DeleteOptions{});
    ASSERT_TRUE(result.ok()) << result.error().message;
  }

  // Polls `condition` until it holds or `timeout` passes.
  static bool eventually(const std::function<bool()>& condition,
                         std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (condition()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return condition();
  }

  WorkloadSimulator& simulator() { return *simulator_; }
  ResourceService& service() { return service_; }

 private:
  ObjectStore store_;
  ResourceRegistry registry_;
  ResourceService service_;
  GarbageCollector gc_;
  std::unique_ptr<WorkloadSimulator> simulator_;
};

// A Deployment of `image` whose pods serve HTTP on a port named http (8080) with a /healthz readiness probe.
inline json deploymentOf(const std::string& name, std::int64_t replicas, const std::string& image) {
  json container{{"name", "main"},
                 {"image", image},
                 {"ports", json::array({{{"name", "http"}, {"containerPort", 8080}}})},
                 {"readinessProbe", {{"httpGet", {{"path", "/healthz"}, {"port", "http"}}}}}};
  return json{
      {"metadata", {{"name", name}, {"namespace", "shop"}}},
      {"spec",
       {{"replicas", replicas},
        {"selector", {{"matchLabels", {{"app", name}}}}},
        {"template",
         {{"metadata", {{"labels", {{"app", name}}}}}, {"spec", {{"containers", json::array({container})}}}}}}}};
}

inline json serviceOf(const std::string& name) {
  return json{{"metadata", {{"name", name}, {"namespace", "shop"}}},
              {"spec",
               {{"selector", {{"app", name}}},
                {"ports", json::array({{{"name", "http"}, {"port", 80}, {"targetPort", "http"}}})}}}};
}

}  // namespace flotilla::apiserver::testing
