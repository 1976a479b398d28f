#pragma once
// What a simulated cluster controller decides in one pass: the writes to make and when it wants to look again.
// The controllers (sim_*.h) are pure functions from current objects to a Plan, so they are tested without a
// server; WorkloadSimulator (workload_simulator.h) executes plans against the emulator.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "apiserver/time_format.h"

namespace flotilla::apiserver::sim {

using nlohmann::json;
using TimePoint = SystemTime;

// A resource as the simulator writes it: storage key ("apps/deployments") plus what a URL needs.
struct SimResource {
  const char* group;
  const char* version;
  const char* plural;
  const char* kind;
  std::string storageKey() const { return std::string(group) + "/" + plural; }
  std::string apiVersion() const { return *group ? std::string(group) + "/" + version : std::string(version); }
};

inline constexpr SimResource kPods{"", "v1", "pods", "Pod"};
inline constexpr SimResource kServices{"", "v1", "services", "Service"};
inline constexpr SimResource kEndpoints{"", "v1", "endpoints", "Endpoints"};
inline constexpr SimResource kDeployments{"apps", "v1", "deployments", "Deployment"};
inline constexpr SimResource kReplicaSets{"apps", "v1", "replicasets", "ReplicaSet"};
inline constexpr SimResource kEndpointSlices{"discovery.k8s.io", "v1", "endpointslices", "EndpointSlice"};
inline constexpr SimResource kHorizontalPodAutoscalers{"autoscaling", "v2", "horizontalpodautoscalers",
                                                       "HorizontalPodAutoscaler"};

// Field managers as a real cluster records them: kube-apiserver derives the manager from the user agent, so every
// kube-controller-manager controller (deployment, replicaset, endpointslice, HPA...) writes as
// "kube-controller-manager", and the kubelet as "kubelet".
inline constexpr const char* kControllerManager = "kube-controller-manager";
inline constexpr const char* kKubelet = "kubelet";

enum class WriteKind {
  Create,        // object: the new object
  Update,        // object: the whole object; metadata.resourceVersion is the optimistic-concurrency precondition
  UpdateStatus,  // object: the whole object, of which only .status counts (status subresource)
  Scale,         // replicas: the new spec.replicas, through the scale subresource
  Delete,        // uid: precondition, so a recreated namesake is never deleted by mistake
};

struct Write {
  WriteKind kind = WriteKind::Create;
  SimResource resource = kPods;
  std::string namespace_;
  std::string name;
  json object;
  std::int64_t replicas = 0;
  std::string uid;
  std::optional<std::int64_t> gracePeriodSeconds;  // Delete only
  std::string fieldManager;                        // who writes, as managedFields will say

  static Write create(const SimResource& resource, json object, std::string fieldManager);
  static Write update(const SimResource& resource, json object, std::string fieldManager);
  static Write updateStatus(const SimResource& resource, json object, std::string fieldManager);
  static Write scale(const SimResource& resource, const json& target, std::int64_t replicas, std::string fieldManager);
  static Write remove(const SimResource& resource, const json& object, std::string fieldManager);

  std::string describe() const;
};

struct Plan {
  std::vector<Write> writes;
  // The controller wants another pass at this time even if nothing changes (delays, deadlines, windows).
  std::optional<TimePoint> wakeAt;

  void wakeNoLaterThan(TimePoint when) {
    if (!wakeAt || when < *wakeAt) wakeAt = when;
  }
  void append(Plan other);
};

// The objects a simulated controller reads: references into the simulator's cache, not copies. A pass reads every
// object of a namespace, and copying them was a fifth of the emulator's CPU with 1,000 Microservices
// (docs/performance.md).
using ObjectRefs = std::vector<std::reference_wrapper<const json>>;
// References to each object of `objects` (which must outlive them).
ObjectRefs refsOf(const std::vector<json>& objects);

// Random suffix for generated names ("-x7k2p"): injected so tests get deterministic names.
using NameSuffix = std::function<std::string()>;
// Five characters from Kubernetes' alphabet for generated names (no vowels, no confusable digits).
std::string randomNameSuffix();

}  // namespace flotilla::apiserver::sim
