#pragma once
// The manager wires the runtime once for all controllers (controller-runtime's pkg/manager):
//  - shared informers, one per resource type, started for every replica (a standby keeps warm caches);
//  - controllers, run only while this replica leads (Lease leader election), started once their caches synced;
//  - the event recorder, the Prometheus registry on --metrics-bind-address (/metrics) and the probes on
//    --health-probe-bind-address (/healthz; /readyz = informers synced and connected + leader election running);
//  - graceful shutdown: when `stop` fires (SIGTERM/SIGINT via ShutdownSignal) intake stops, in-flight reconciles
//    get gracefulShutdownTimeout (30 s) to finish, the lease is released so a standby takes over at once, and
//    run() returns 0.
// Losing the lease, caches that never sync, or a port that cannot be bound end run() with 1 (the pod restarts,
// as a controller-runtime operator would).

#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "observability/health.h"
#include "observability/metrics.h"
#include "runtime/cluster_access.h"
#include "runtime/controller.h"
#include "runtime/event_recorder.h"
#include "runtime/informer.h"
#include "runtime/leader_election.h"
#include "runtime/prometheus_metrics.h"

namespace flotilla::observability {
class EndpointServer;
}

namespace flotilla::runtime {

struct ManagerOptions {
  std::string component = "flotilla-operator";  // Event source and logs
  std::string metricsBindAddress = ":8080";     // "0" switches it off
  std::string healthProbeBindAddress = ":8081";
  std::string namespace_;  // watch one namespace; empty: all
  bool leaderElection = true;
  std::string leaderElectionNamespace = "flotilla-system";
  std::string leaderElectionId = "flotilla-operator-leader";  // the Lease name
  std::string identity;                                       // empty: defaultLeaderIdentity()
  Duration leaseDuration = std::chrono::seconds(15);
  Duration renewDeadline = std::chrono::seconds(10);
  Duration retryPeriod = std::chrono::seconds(2);
  Duration gracefulShutdownTimeout = std::chrono::seconds(30);
  Duration cacheSyncTimeout = std::chrono::minutes(2);
  Duration resyncPeriod = Duration::zero();
  // How each resource's informer keeps its objects; unset: all as trees.
  std::function<CacheStorage(const kube::ResourceRef&)> cacheStorage;
};

class Manager {
 public:
  Manager(std::shared_ptr<ClusterAccess> cluster, ManagerOptions options = {},
          observability::MetricsRegistry& registry = observability::MetricsRegistry::global(),
          const Clock& clock = realClock());
  ~Manager();
  Manager(const Manager&) = delete;
  Manager& operator=(const Manager&) = delete;

  // The shared informer for a resource type (created on first use; started by run(), or at once if running).
  Informer& informer(const kube::ResourceRef& resource);
  // A shared informer for only the objects matching `labelSelector` (e.g. "flotilla.io/gateway"), with its own
  // cache: a controller that needs a few objects of a common type (gateway Pods) does not cache every one of them.
  Informer& informer(const kube::ResourceRef& resource, const std::string& labelSelector);
  // Adds a controller (before run()); its cacheSyncTimeout defaults to the manager's.
  Controller& addController(std::string name, Reconciler reconciler, ControllerOptions options = {});
  EventRecorder& eventRecorder();
  observability::HealthChecks& healthChecks() { return health_; }
  MetricsFactory& metrics() { return metrics_; }
  const ManagerOptions& options() const { return options_; }
  const std::string& identity() const { return identity_; }

  // Blocks until `stop` (→ 0 after a clean shutdown) or a fatal condition (→ 1). Call once.
  int run(std::stop_token stop);

  bool ready() const;    // what /readyz answers
  bool leading() const;  // controllers may run
  int metricsPort() const;
  int healthPort() const;

 private:
  void startControllers();
  bool stopControllers();
  void fail(std::string reason);
  void wake();

  std::shared_ptr<ClusterAccess> cluster_;
  const ManagerOptions options_;
  const std::string identity_;
  observability::MetricsRegistry& registry_;
  const Clock& clock_;
  PrometheusMetrics metrics_;
  observability::HealthChecks health_;
  const observability::Logger log_;

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  bool running_ = false;
  bool electorEnded_ = false;
  std::string fatal_;

  // Declared before the controllers: controllers refer to informers and must go first.
  std::map<std::string, std::unique_ptr<Informer>> informers_;
  std::vector<std::unique_ptr<Controller>> controllers_;
  std::unique_ptr<EventSink> eventSink_;
  std::unique_ptr<EventRecorder> recorder_;

  std::mutex controllersMutex_;  // serialises starting and stopping controllers
  std::jthread controllersStarter_;
  bool controllersStopped_ = false;

  std::unique_ptr<LeaseStore> leaseStore_;
  std::unique_ptr<LeaderElector> elector_;
  std::jthread electorThread_;

  std::unique_ptr<observability::EndpointServer> metricsServer_;
  std::unique_ptr<observability::EndpointServer> healthServer_;
};

}  // namespace flotilla::runtime
