#include "runtime/controller.h"

#include <set>

namespace flotilla::runtime {

namespace {

std::vector<Request> ownersOf(const nlohmann::json& object, const kube::ResourceRef& ownerType) {
  std::vector<Request> owners;
  for (const auto& owner : ownerReferencesOf(object)) {
    if (!owner.controller || owner.kind != ownerType.kind || groupOf(owner.apiVersion) != ownerType.group) continue;
    owners.push_back(Request{ownerType.namespaced ? namespaceOf(object) : std::string(), owner.name});
  }
  return owners;
}

}  // namespace

MapFunc mapThroughIndex(const Informer& target, std::string indexName,
                        std::function<std::vector<std::string>(const nlohmann::json&)> indexValues) {
  if (!indexValues) indexValues = [](const nlohmann::json& object) { return std::vector{objectKey(object)}; };
  return
      [&target, indexName = std::move(indexName), indexValues = std::move(indexValues)](const nlohmann::json& object) {
        std::set<std::string> keys;
        for (const auto& value : indexValues(object)) {
          for (auto& key : target.cache().indexKeys(indexName, value)) keys.insert(std::move(key));
        }
        std::vector<Request> requests;
        for (const auto& key : keys) requests.push_back(Request::fromKey(key));
        return requests;
      };
}

Controller::Controller(std::string name, Reconciler reconciler, ControllerOptions options, const Clock& clock,
                       MetricsFactory& metrics)
    : name_(std::move(name)),
      reconciler_(std::move(reconciler)),
      workers_(std::max(1, options.workers)),
      cacheSyncTimeout_(options.cacheSyncTimeout),
      clock_(clock),
      log_(observability::Logger("controller." + name_).with({{"controller", name_}})),
      queue_(name_, std::move(options.rateLimiter), clock, metrics) {
  const std::string total = "controller_runtime_reconcile_total";
  const std::string totalHelp = "Total number of reconciliations per controller";
  success_ = metrics.counter(total, totalHelp, {{"controller", name_}, {"result", "success"}});
  errorResult_ = metrics.counter(total, totalHelp, {{"controller", name_}, {"result", "error"}});
  requeue_ = metrics.counter(total, totalHelp, {{"controller", name_}, {"result", "requeue"}});
  requeueAfter_ = metrics.counter(total, totalHelp, {{"controller", name_}, {"result", "requeue_after"}});
  errors_ = metrics.counter("controller_runtime_reconcile_errors_total",
                            "Total number of reconciliation errors per controller", {{"controller", name_}});
  terminalErrors_ =
      metrics.counter("controller_runtime_terminal_reconcile_errors_total",
                      "Total number of terminal reconciliation errors per controller", {{"controller", name_}});
  reconcileTime_ =
      metrics.histogram("controller_runtime_reconcile_time_seconds", "Length of time per reconciliation per controller",
                        {{"controller", name_}}, reconcileTimeBuckets());
  activeWorkers_ = metrics.gauge("controller_runtime_active_workers", "Number of currently used workers per controller",
                                 {{"controller", name_}});
  maxConcurrent_ = metrics.gauge("controller_runtime_max_concurrent_reconciles",
                                 "Maximum number of concurrent reconciles per controller", {{"controller", name_}});
  maxConcurrent_->set(workers_);
}

Controller::~Controller() {
  stop();
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mutex_);
    threads.swap(threads_);
  }
  for (auto& thread : threads) thread.join();
}

void Controller::addWatch(Informer& informer, EventHandler handler, Predicate predicate) {
  const auto id = informer.addEventHandler(filtered(std::move(handler), std::move(predicate)));
  std::lock_guard lock(mutex_);
  watches_.emplace_back(&informer, id);
}

void Controller::watchPrimary(Informer& informer, Predicate predicate) {
  auto enqueueObject = [this](const nlohmann::json& object) { queue_.add(objectKey(object)); };
  addWatch(informer,
           {enqueueObject, [enqueueObject](const nlohmann::json&, const nlohmann::json& n) { enqueueObject(n); },
            enqueueObject},
           std::move(predicate));
}

void Controller::watchOwned(Informer& informer, const kube::ResourceRef& ownerType, Predicate predicate) {
  auto enqueueOwners = [this, ownerType](const nlohmann::json& object) {
    for (const auto& owner : ownersOf(object, ownerType)) queue_.add(owner.key());
  };
  // On update both the old and the new owner are told: the ownerReference itself may have changed.
  addWatch(informer,
           {enqueueOwners,
            [enqueueOwners](const nlohmann::json& o, const nlohmann::json& n) {
              enqueueOwners(o);
              enqueueOwners(n);
            },
            enqueueOwners},
           std::move(predicate));
}

void Controller::watchMapped(Informer& informer, MapFunc map, Predicate predicate) {
  auto enqueueMapped = [this, map = std::move(map)](const nlohmann::json& object) {
    for (const auto& request : map(object)) queue_.add(request.key());
  };
  addWatch(informer,
           {enqueueMapped,
            [enqueueMapped](const nlohmann::json& o, const nlohmann::json& n) {
              enqueueMapped(o);
              enqueueMapped(n);
            },
            enqueueMapped},
           std::move(predicate));
}

bool Controller::start(std::stop_token stop) {
  std::vector<Informer*> informers;
  {
    std::lock_guard lock(mutex_);
    if (started_ || stopping_) return started_;
    for (const auto& [informer, id] : watches_) informers.push_back(informer);
  }
  log_.info("waiting for caches to sync", {{"informers", informers.size()}});
  const TimePoint deadline = clock_.now() + cacheSyncTimeout_;
  for (Informer* informer : informers) {
    const Duration remaining = std::max(Duration::zero(), deadline - clock_.now());
    if (!informer->waitForSync(remaining, stop)) {
      log_.error("timed out waiting for cache to sync",
                 {{"resource", informer->resource()}, {"timeout", Clock::seconds(cacheSyncTimeout_)}});
      return false;
    }
  }
  cachesSynced_ = true;

  std::lock_guard lock(mutex_);
  if (stopping_) return false;
  for (int i = 0; i < workers_; ++i) threads_.emplace_back([this] { workerLoop(); });
  runningWorkers_ = workers_;
  started_ = true;
  log_.info("started workers", {{"workers", workers_}});
  return true;
}

bool Controller::stop(Duration grace) {
  requestStop();
  return waitStopped(grace);
}

void Controller::requestStop() {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_.exchange(true)) {
      // No informer may call into this controller any more: intake stops here.
      for (const auto& [informer, id] : watches_) informer->removeEventHandler(id);
    }
  }
  queue_.shutDown();
}

bool Controller::waitStopped(Duration grace) {
  std::unique_lock lock(mutex_);
  // Real time on purpose: this bounds how long a process shutdown may take.
  return workersExited_.wait_for(lock, grace, [this] { return runningWorkers_ == 0; });
}

void Controller::workerLoop() {
  while (auto key = queue_.get()) {
    if (stopping_) {
      queue_.done(*key);  // dropped: shutting down
      continue;
    }
    reconcileKey(*key);
  }
  std::lock_guard lock(mutex_);
  if (--runningWorkers_ == 0) workersExited_.notify_all();
}

void Controller::reconcileKey(const std::string& key) {
  Request request = Request::fromKey(key);
  std::string reconcileId = newReconcileId();
  observability::Logger log =
      log_.with({{"namespace", request.namespace_}, {"name", request.name}, {"reconcileID", reconcileId}});
  const ReconcileContext context{name_, std::move(request), std::move(reconcileId), std::move(log)};
  ++active_;
  activeWorkers_->increment();
  const TimePoint started = clock_.now();
  Result result = Result::done();
  {
    detail::ReconcileScope scope(context);
    try {
      result = reconciler_(context.request);
    } catch (const std::exception& e) {
      result = Result::error(std::string("reconcile threw: ") + e.what());
    } catch (...) {
      result = Result::error("reconcile threw a non-standard exception");
    }
  }
  reconcileTime_->observe(Clock::seconds(clock_.now() - started));
  activeWorkers_->decrement();
  --active_;
  finish(key, result, context);
  queue_.done(key);
}

void Controller::finish(const std::string& key, const Result& result, const ReconcileContext& context) {
  switch (result.kind()) {
    case Result::Kind::Done:
      queue_.forget(key);
      success_->increment();
      context.log.debug("reconciled");
      break;
    case Result::Kind::Requeue:
      queue_.addRateLimited(key);
      requeue_->increment();
      context.log.debug("reconciled, requeue requested");
      break;
    case Result::Kind::RequeueAfter:
      queue_.forget(key);
      queue_.addAfter(key, result.after());
      requeueAfter_->increment();
      context.log.debug("reconciled, requeue after delay", {{"after", Clock::seconds(result.after())}});
      break;
    case Result::Kind::Error:
      queue_.addRateLimited(key);
      errorResult_->increment();
      errors_->increment();
      context.log.error("reconciler error", {{"error", result.message()}});
      break;
    case Result::Kind::TerminalError:
      queue_.forget(key);
      errorResult_->increment();
      errors_->increment();
      terminalErrors_->increment();
      context.log.error("reconciler terminal error (not retried)", {{"error", result.message()}});
      break;
  }
}

}  // namespace flotilla::runtime
