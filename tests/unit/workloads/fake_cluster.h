#pragma once
// An in-memory stand-in for the emulator's storage that executes simulator Plans with the API rules the
// controllers rely on (uids, creation order, generation bumps on spec changes, status subresource, scale,
// owner-reference garbage collection), so the pure controllers can be driven through whole rollouts in tests.

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "apiserver/object_meta.h"
#include "apiserver/sim_deployment.h"
#include "apiserver/sim_objects.h"
#include "apiserver/sim_plan.h"
#include "apiserver/sim_plan_executor.h"
#include "apiserver/sim_replicaset.h"

namespace flotilla::apiserver::sim::testing {

inline TimePoint startOfTime() {
  return TimePoint(std::chrono::seconds(1'700'000'000));
}

class FakeCluster : public PlanTarget {
 public:
  using Key = std::tuple<std::string, std::string, std::string>;  // storage key, namespace, name

  TimePoint now = startOfTime();
  std::vector<std::string> log;  // Write::describe() of every write applied

  void advance(std::chrono::milliseconds by) { now += by; }

  json& create(const SimResource& resource, json object) {
    object["apiVersion"] = resource.apiVersion();
    object["kind"] = resource.kind;
    object["metadata"]["uid"] = "uid-" + std::to_string(++uids_);
    // Creation order must be visible even within one second: each object is a second younger than the last.
    object["metadata"]["creationTimestamp"] = formatRfc3339(startOfTime() + std::chrono::seconds(uids_));
    object["metadata"]["generation"] = 1;
    object["metadata"]["resourceVersion"] = std::to_string(++resourceVersion_);
    Key key{resource.storageKey(), meta::namespaceOf(object), meta::name(object)};
    EXPECT_EQ(objects_.count(key), 0u) << "already exists: " << meta::name(object);
    return objects_[key] = std::move(object);
  }

  json* find(const SimResource& resource, const std::string& ns, const std::string& name) {
    auto it = objects_.find(Key{resource.storageKey(), ns, name});
    return it == objects_.end() ? nullptr : &it->second;
  }

  std::vector<json> list(const SimResource& resource, const std::string& ns = "") const {
    std::vector<json> out;
    for (const auto& [key, object] : objects_) {
      if (std::get<0>(key) == resource.storageKey() && (ns.empty() || std::get<1>(key) == ns)) out.push_back(object);
    }
    return out;
  }

  std::vector<json> controlledBy(const SimResource& resource, const json& owner) const {
    std::vector<json> out;
    for (const auto& object : list(resource, meta::namespaceOf(owner))) {
      if (isControlledBy(object, meta::uid(owner))) out.push_back(object);
    }
    return out;
  }

  // Changes a spec the way a user would (generation bumps).
  void editSpec(const SimResource& resource, const std::string& ns, const std::string& name,
                const std::function<void(json&)>& edit) {
    json* object = find(resource, ns, name);
    ASSERT_NE(object, nullptr);
    json before = (*object)["spec"];
    edit(*object);
    if ((*object)["spec"] != before) (*object)["metadata"]["generation"] = meta::generation(*object) + 1;
    (*object)["metadata"]["resourceVersion"] = std::to_string(++resourceVersion_);
  }

  void apply(const Plan& plan) {
    executor_.execute(plan);
    if (plan.wakeAt) wakeups.push_back(*plan.wakeAt);
  }

  std::uint64_t storedVersion(const Write& write) override {
    json* object = find(write.resource, write.namespace_, write.name);
    return object ? meta::resourceVersion(*object) : 0;
  }

  // Nothing writes while a plan executes, so a stale resourceVersion here is a controller bug, not a race.
  Applied apply(const Write& write) override {
    log.push_back(write.describe());
    Key key{write.resource.storageKey(), write.namespace_, write.name};
    auto it = objects_.find(key);
    auto version = [](const json& object) { return meta::resourceVersion(object); };
    if (it == objects_.end() && write.kind != WriteKind::Create) {
      if (write.kind != WriteKind::Delete) ADD_FAILURE() << "missing: " << write.describe();
      return {Outcome::Gone, 0, "not found"};
    }
    if ((write.kind == WriteKind::Update || write.kind == WriteKind::UpdateStatus) &&
        version(write.object) != version(it->second)) {
      ADD_FAILURE() << "stale resourceVersion: " << write.describe();
      return {Outcome::Conflict, 0, "conflict"};
    }
    switch (write.kind) {
      case WriteKind::Create:
        if (it != objects_.end()) return {Outcome::Exists, 0, "exists"};  // a real controller retries next pass
        return {Outcome::Ok, version(create(write.resource, write.object)), ""};
      case WriteKind::Update: {
        json next = write.object;
        if (it->second.contains("status")) next["status"] = it->second["status"];
        if (next["spec"] != it->second["spec"]) next["metadata"]["generation"] = meta::generation(next) + 1;
        it->second = std::move(next);
        break;
      }
      case WriteKind::UpdateStatus:
        it->second["status"] = write.object["status"];
        break;
      case WriteKind::Scale:
        if (it->second["spec"]["replicas"] != write.replicas) {
          it->second["spec"]["replicas"] = write.replicas;
          it->second["metadata"]["generation"] = meta::generation(it->second) + 1;
        }
        break;
      case WriteKind::Delete:
        if (meta::uid(it->second) != write.uid) return {Outcome::Conflict, 0, "uid precondition"};
        objects_.erase(it);
        collectGarbage();
        return {Outcome::Ok, 0, ""};
    }
    it->second["metadata"]["resourceVersion"] = std::to_string(++resourceVersion_);
    return {Outcome::Ok, version(it->second), ""};
  }

  void remove(const SimResource& resource, const std::string& ns, const std::string& name) {
    objects_.erase(Key{resource.storageKey(), ns, name});
    collectGarbage();
  }

  // One pass of the Deployment and ReplicaSet controllers over everything.
  void reconcileWorkloads() {
    int suffix = 0;
    NameSuffix names = [&] { return "p" + std::to_string(++podNames_) + std::to_string(suffix++); };
    for (const auto& deployment : list(kDeployments)) {
      apply(reconcileDeployment(deployment, refsOf(controlledBy(kReplicaSets, deployment)),
                                refsOf(podsOfDeployment(deployment)), now));
    }
    for (const auto& rs : list(kReplicaSets))
      apply(reconcileReplicaSet(rs, refsOf(controlledBy(kPods, rs)), now, names));
  }

  // Runs passes until nothing is written (at most `limit` passes).
  void settle(int limit = 20) {
    for (int i = 0; i < limit; ++i) {
      std::size_t before = log.size();
      reconcileWorkloads();
      if (log.size() == before) return;
    }
  }

  // The kubelet's part, done by hand: pods become Running and Ready now.
  void makePodsReady(const std::function<bool(const json&)>& which = {}) {
    for (auto& [key, object] : objects_) {
      if (std::get<0>(key) != kPods.storageKey() || podIsReady(object)) continue;
      if (which && !which(object)) continue;
      object["status"] = json{
          {"phase", "Running"},
          {"podIP", "10.244.0." + std::to_string(++podIps_)},
          {"conditions",
           json::array({json{{"type", "Ready"}, {"status", "True"}, {"lastTransitionTime", formatRfc3339(now)}}})}};
      object["metadata"]["resourceVersion"] = std::to_string(++resourceVersion_);
    }
  }

  std::vector<json> podsOfDeployment(const json& deployment) const {
    std::vector<json> out;
    for (const auto& rs : controlledBy(kReplicaSets, deployment)) {
      for (auto& pod : controlledBy(kPods, rs)) out.push_back(std::move(pod));
    }
    return out;
  }

  std::vector<TimePoint> wakeups;

 private:
  void collectGarbage() {
    bool removed = true;
    while (removed) {
      removed = false;
      for (auto it = objects_.begin(); it != objects_.end(); ++it) {
        for (const auto& ref : meta::ownerReferences(it->second)) {
          bool ownerExists = false;
          for (const auto& [k, o] : objects_) ownerExists |= meta::uid(o) == ref.uid;
          if (!ownerExists) {
            objects_.erase(it);
            removed = true;
            break;
          }
        }
        if (removed) break;
      }
    }
  }

  std::map<Key, json> objects_;
  PlanExecutor executor_{*this};
  int uids_ = 0;
  int resourceVersion_ = 0;
  int podNames_ = 0;
  int podIps_ = 0;
};

// A Deployment as a user would write it.
inline json deploymentObject(const std::string& name, std::int64_t replicas, const std::string& image,
                             json strategy = nullptr) {
  json d{{"metadata", {{"name", name}, {"namespace", "shop"}, {"labels", {{"app", name}}}}},
         {"spec",
          {{"replicas", replicas},
           {"selector", {{"matchLabels", {{"app", name}}}}},
           {"template",
            {{"metadata", {{"labels", {{"app", name}}}}},
             {"spec", {{"containers", json::array({{{"name", "main"}, {"image", image}}})}}}}}}}};
  if (!strategy.is_null()) d["spec"]["strategy"] = std::move(strategy);
  return d;
}

}  // namespace flotilla::apiserver::sim::testing
