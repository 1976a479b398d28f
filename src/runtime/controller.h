#pragma once
// A controller: watches that turn informer notifications into Requests on a rate-limited work queue, and N workers
// calling the Reconciler (controller-runtime's pkg/controller). The work queue guarantees one key is never
// reconciled by two workers at once. Watches:
//   watchPrimary  the reconciled type itself (For):    an object's change enqueues that object
//   watchOwned    objects it creates (Owns):           enqueue the ownerReference with controller=true whose
//                                                      group and kind match the owner type
//   watchMapped   anything else (Watches):             a MapFunc returns the Requests, e.g. mapThroughIndex to
//                                                      find the Routes referencing a changed BreakerPolicy
// start() waits for every watched informer to sync (cacheSyncTimeout) before starting workers.
// Metrics: controller_runtime_reconcile_total{controller,result}, controller_runtime_reconcile_errors_total,
// controller_runtime_terminal_reconcile_errors_total, controller_runtime_reconcile_time_seconds,
// controller_runtime_active_workers, controller_runtime_max_concurrent_reconciles, and the workqueue_* set
// (queue name = controller name).

#include <atomic>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "kube/resource.h"
#include "runtime/event_handler.h"
#include "runtime/informer.h"
#include "runtime/rate_limiting_queue.h"
#include "runtime/reconcile.h"

namespace flotilla::runtime {

using MapFunc = std::function<std::vector<Request>(const nlohmann::json& object)>;

// Requests for the objects of `target` whose index `indexName` holds any of `indexValues(changed object)`.
// The default index values are the changed object's own key ("namespace/name").
MapFunc mapThroughIndex(const Informer& target, std::string indexName,
                        std::function<std::vector<std::string>(const nlohmann::json&)> indexValues = {});

struct ControllerOptions {
  int workers = 1;
  std::unique_ptr<RateLimiter> rateLimiter;  // null: defaultControllerRateLimiter
  Duration cacheSyncTimeout = std::chrono::minutes(2);
};

class Controller {
 public:
  Controller(std::string name, Reconciler reconciler, ControllerOptions options = {}, const Clock& clock = realClock(),
             MetricsFactory& metrics = noopMetrics());
  ~Controller();
  Controller(const Controller&) = delete;
  Controller& operator=(const Controller&) = delete;

  // Watches are declared before start(); each informer must outlive the controller (or its stop()).
  void watchPrimary(Informer& informer, Predicate predicate = {});
  void watchOwned(Informer& informer, const kube::ResourceRef& ownerType, Predicate predicate = {});
  void watchMapped(Informer& informer, MapFunc map, Predicate predicate = {});

  // Waits for the watched informers to sync, then starts the workers. Returns false (no workers) when the caches
  // did not sync within cacheSyncTimeout or `stop` was requested meanwhile.
  bool start(std::stop_token stop = {});
  // Graceful stop: no new work is taken (queued keys are dropped: the next leader reconciles everything anyway),
  // in-flight reconciles finish. Returns false if some were still running after `grace`; they are then still
  // joined by the destructor. stop() = requestStop() + waitStopped(): a manager stopping several controllers
  // requests all first, then waits, so they wind down in parallel.
  bool stop(Duration grace = std::chrono::seconds(30));
  void requestStop();
  bool waitStopped(Duration grace);

  void enqueue(const Request& request) { queue_.add(request.key()); }
  void enqueueAfter(const Request& request, Duration delay) { queue_.addAfter(request.key(), delay); }

  const std::string& name() const { return name_; }
  bool cachesSynced() const { return cachesSynced_.load(); }
  bool started() const { return started_.load(); }
  int activeReconciles() const { return active_.load(); }
  RateLimitingQueue& queue() { return queue_; }

 private:
  void addWatch(Informer& informer, EventHandler handler, Predicate predicate);
  void workerLoop();
  void reconcileKey(const std::string& key);
  void finish(const std::string& key, const Result& result, const ReconcileContext& context);

  const std::string name_;
  Reconciler reconciler_;
  const int workers_;
  const Duration cacheSyncTimeout_;
  const Clock& clock_;
  const observability::Logger log_;  // fields: controller
  RateLimitingQueue queue_;

  std::mutex mutex_;
  std::vector<std::pair<Informer*, Informer::HandlerId>> watches_;
  std::vector<std::thread> threads_;
  std::condition_variable workersExited_;
  int runningWorkers_ = 0;

  std::atomic<bool> cachesSynced_{false};
  std::atomic<bool> started_{false};
  std::atomic<bool> stopping_{false};
  std::atomic<int> active_{0};

  std::shared_ptr<Counter> success_;
  std::shared_ptr<Counter> errorResult_;
  std::shared_ptr<Counter> requeue_;
  std::shared_ptr<Counter> requeueAfter_;
  std::shared_ptr<Counter> errors_;
  std::shared_ptr<Counter> terminalErrors_;
  std::shared_ptr<Histogram> reconcileTime_;
  std::shared_ptr<Gauge> activeWorkers_;
  std::shared_ptr<Gauge> maxConcurrent_;
};

}  // namespace flotilla::runtime
