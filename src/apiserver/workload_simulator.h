#pragma once
// `flotilla apiserver --simulate-workloads [--run-pods]`: what a cluster's other components would do, run against
// the emulator's own storage — the Deployment, ReplicaSet, EndpointSlice/Endpoints and HPA controllers of
// kube-controller-manager and a kubelet (sim_*.h hold their logic as pure functions; this class feeds them).
//
// It follows the store's change feed into its own cache, and one background thread reconciles every namespace
// that changed (level-triggered: each pass recomputes everything of that namespace from the current objects),
// plus namespaces whose controllers asked to be looked at again at a given time (start delays, deadlines), plus
// every HPA each hpaSyncPeriod. Writes go through ResourceService with the API's rules (status subresource,
// scale subresource, managedFields as "kube-controller-manager" and "kubelet", optimistic concurrency: a 409
// just means "look again").

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "apiserver/object_store.h"
#include "apiserver/pod_launch.h"
#include "apiserver/pod_runner.h"
#include "apiserver/pod_runtime.h"
#include "apiserver/resource_service.h"
#include "apiserver/sim_hpa.h"
#include "apiserver/sim_plan.h"
#include "apiserver/sim_plan_executor.h"
#include "apiserver/workload_metrics.h"

namespace flotilla::apiserver {

struct WorkloadSimulatorOptions {
  bool runPods = false;                           // --run-pods: runnable images become real processes
  std::chrono::milliseconds podStartDelay{200};   // simulated pods: Pending this long, then Running+Ready
  std::chrono::milliseconds hpaSyncPeriod{1000};  // kube-controller-manager uses 15 s
  std::chrono::milliseconds retryDelay{200};      // after a conflict or a failed write
  std::chrono::milliseconds batchInterval{10};    // changes arriving within this are handled in one pass
  PodRunnerOptions podRunner;                     // --run-pods settings (addresses, probes, back-off)
  LaunchTable launches = defaultLaunchTable();    // images --run-pods can run (gateway: add it here)
};

class WorkloadSimulator : private sim::PlanTarget {
 public:
  WorkloadSimulator(ResourceService& service, WorkloadSimulatorOptions options = {});
  ~WorkloadSimulator() override;  // stop()
  WorkloadSimulator(const WorkloadSimulator&) = delete;
  WorkloadSimulator& operator=(const WorkloadSimulator&) = delete;

  void start();
  // Stops the controllers and every pod process. Idempotent.
  void stop();

  WorkloadMetrics& metrics() { return metrics_; }
  // The /debug/metrics endpoint (GET / POST / DELETE) for the emulator's HTTP layer.
  DebugReply handleDebugMetrics(const std::string& method, const std::string& body);

  // Null unless runPods.
  PodRunner* podRunner() { return runner_.get(); }

  // How many passes have run (tests wait for "at least one more pass" after a change).
  std::uint64_t passes() const;

 private:
  using Key = std::pair<std::string, std::string>;  // (namespace, name)
  using Bucket = std::map<Key, StoredPtr>;

  struct PendingEvent {
    std::string storageKey;
    EventType type;
    StoredPtr object;
  };
  void run();
  void drainEvents(std::unique_lock<std::mutex>& lock);
  void applyEvent(const PendingEvent& event);
  void reconcileNamespace(const std::string& ns, sim::TimePoint now);
  void reconcilePods(const std::string& ns, sim::TimePoint now);
  void reconcileHorizontalPodAutoscalers(sim::TimePoint now);
  void execute(const sim::Plan& plan, const std::string& ns);
  // sim::PlanTarget: writes through the ResourceService, versions from the cache.
  Applied apply(const sim::Write& write) override;
  std::uint64_t storedVersion(const sim::Write& write) override;
  void scheduleWake(sim::TimePoint when, const std::string& ns);

  // A namespace's objects of one kind as references for the sim functions, kept alive by their stored snapshots
  // while a phase of a pass reads them (the cache may move on to newer snapshots meanwhile).
  struct NamespaceObjects {
    std::vector<StoredPtr> held;
    sim::ObjectRefs refs;
  };
  NamespaceObjects objects(const sim::SimResource& resource, const std::string& ns) const;
  const nlohmann::json* object(const sim::SimResource& resource, const std::string& ns, const std::string& name) const;
  PodRuntime& runtimeFor(const nlohmann::json& pod);
  ResourcePtr resourceOf(const sim::SimResource& resource) const;
  std::optional<std::string> envSource(const std::string& kind, const std::string& ns, const std::string& name,
                                       const std::string& key) const;

  ResourceService& service_;
  ObjectStore& store_;
  const WorkloadSimulatorOptions options_;
  WorkloadMetrics metrics_;
  SimulatedPodRuntime simulated_;
  std::unique_ptr<PodRunner> runner_;

  // Shared with the store's listener and the pod runner's notifications.
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<PendingEvent> events_;
  std::set<std::string> dirty_;
  bool stopping_ = false;
  std::uint64_t passes_ = 0;

  // Owned by the reconcile thread.
  std::unordered_map<std::string, Bucket> cache_;  // by storage key
  std::multimap<sim::TimePoint, std::string> timers_;
  std::map<std::string, sim::HpaMemory> hpaMemory_;  // by HPA uid
  sim::PlanExecutor executor_{*this};
  sim::TimePoint nextHpaSync_{};

  int listenerId_ = 0;
  std::thread thread_;
};

}  // namespace flotilla::apiserver
