#include "runtime/manager.h"

#include "observability/endpoint_server.h"
#include "observability/metrics_server.h"

namespace flotilla::runtime {

Manager::Manager(std::shared_ptr<ClusterAccess> cluster, ManagerOptions options,
                 observability::MetricsRegistry& registry, const Clock& clock)
    : cluster_(std::move(cluster)),
      options_(std::move(options)),
      identity_(options_.identity.empty() ? defaultLeaderIdentity() : options_.identity),
      registry_(registry),
      clock_(clock),
      metrics_(registry),
      log_(observability::Logger("manager")) {
  health_.addReadinessCheck("informers", [this]() -> std::optional<std::string> {
    std::lock_guard lock(mutex_);
    if (!running_) return "not started";
    for (const auto& [name, informer] : informers_) {
      if (!informer->hasSynced()) return "cache of " + name + " not synced";
    }
    return std::nullopt;
  });
  // Not ready while the API server cannot be reached: the caches are kept and the controllers keep running on
  // them, but nothing they decide can be written (found by tests/reliability/fault_apiserver_down.sh).
  health_.addReadinessCheck("api-server", [this]() -> std::optional<std::string> {
    std::lock_guard lock(mutex_);
    for (const auto& [name, informer] : informers_) {
      if (informer->hasSynced() && !informer->connected()) return "no connection to the API server (" + name + ")";
    }
    return std::nullopt;
  });
  health_.addReadinessCheck("controllers", [this]() -> std::optional<std::string> {
    std::lock_guard lock(mutex_);
    if (!fatal_.empty()) return fatal_;
    return std::nullopt;
  });
  if (options_.leaderElection) {
    health_.addReadinessCheck("leader-election", [this]() -> std::optional<std::string> {
      std::lock_guard lock(mutex_);
      if (!running_ || !elector_) return "not started";
      if (electorEnded_) return "leader election stopped";
      return std::nullopt;
    });
  }
}

Manager::~Manager() {
  if (electorThread_.joinable()) {
    electorThread_.request_stop();
    electorThread_.join();
  }
  stopControllers();
  for (auto& [name, informer] : informers_) informer->stop();
}

Informer& Manager::informer(const kube::ResourceRef& resource) {
  return informer(resource, "");
}

Informer& Manager::informer(const kube::ResourceRef& resource, const std::string& labelSelector) {
  std::lock_guard lock(mutex_);
  const std::string key = labelSelector.empty() ? resource.toString() : resource.toString() + "{" + labelSelector + "}";
  auto& slot = informers_[key];
  if (!slot) {
    InformerOptions informerOptions;
    informerOptions.resource = key;
    informerOptions.resyncPeriod = options_.resyncPeriod;
    informerOptions.reflector.labelSelector = labelSelector;
    if (options_.cacheStorage) informerOptions.storage = options_.cacheStorage(resource);
    slot = std::make_unique<Informer>(cluster_->listerWatcher(resource, options_.namespace_), informerOptions, clock_,
                                      metrics_);
    if (running_) slot->start();
  }
  return *slot;
}

Controller& Manager::addController(std::string name, Reconciler reconciler, ControllerOptions options) {
  if (options.cacheSyncTimeout == ControllerOptions{}.cacheSyncTimeout) {
    options.cacheSyncTimeout = options_.cacheSyncTimeout;
  }
  auto controller =
      std::make_unique<Controller>(std::move(name), std::move(reconciler), std::move(options), clock_, metrics_);
  std::lock_guard lock(mutex_);
  controllers_.push_back(std::move(controller));
  return *controllers_.back();
}

EventRecorder& Manager::eventRecorder() {
  std::lock_guard lock(mutex_);
  if (!recorder_) {
    eventSink_ = cluster_->eventSink();
    EventRecorderOptions recorderOptions;
    recorderOptions.component = options_.component;
    recorderOptions.host = podOrHostName();
    recorder_ = std::make_unique<EventRecorder>(*eventSink_, recorderOptions, clock_);
  }
  return *recorder_;
}

bool Manager::ready() const {
  return health_.readiness(false).status == 200;
}

bool Manager::leading() const {
  std::lock_guard lock(mutex_);
  if (!options_.leaderElection) return running_;
  return elector_ && elector_->isLeader();
}

int Manager::metricsPort() const {
  return metricsServer_ ? metricsServer_->port() : 0;
}
int Manager::healthPort() const {
  return healthServer_ ? healthServer_->port() : 0;
}

void Manager::wake() {
  std::lock_guard lock(mutex_);
  changed_.notify_all();
}

void Manager::fail(std::string reason) {
  log_.error("manager stopping", {{"reason", reason}});
  std::lock_guard lock(mutex_);
  if (fatal_.empty()) fatal_ = std::move(reason);
  changed_.notify_all();
}

void Manager::startControllers() {
  std::lock_guard lock(controllersMutex_);
  if (controllersStarter_.joinable() || controllersStopped_) return;
  // Controller::start waits for caches; that must not hold up the elector thread that calls us.
  controllersStarter_ = std::jthread([this](std::stop_token stop) {
    for (auto& controller : controllers_) {
      if (controller->start(stop)) continue;
      if (!stop.stop_requested()) fail("controller " + controller->name() + ": caches did not sync in time");
      return;
    }
  });
}

bool Manager::stopControllers() {
  std::lock_guard lock(controllersMutex_);
  controllersStopped_ = true;
  if (controllersStarter_.joinable()) {
    controllersStarter_.request_stop();
    controllersStarter_.join();
  }
  for (auto& controller : controllers_) controller->requestStop();
  const auto deadline = std::chrono::steady_clock::now() + options_.gracefulShutdownTimeout;
  bool finished = true;
  for (auto& controller : controllers_) {
    const auto remaining = std::max(Duration::zero(), Duration(deadline - std::chrono::steady_clock::now()));
    if (!controller->waitStopped(remaining)) {
      log_.error("reconciles still running after the graceful shutdown timeout",
                 {{"controller", controller->name()}, {"timeout", Clock::seconds(options_.gracefulShutdownTimeout)}});
      finished = false;
    }
  }
  return finished;
}

int Manager::run(std::stop_token stop) {
  LeaderElectionConfig electionConfig;
  electionConfig.name = options_.leaderElectionId;
  electionConfig.identity = identity_;
  electionConfig.leaseDuration = options_.leaseDuration;
  electionConfig.renewDeadline = options_.renewDeadline;
  electionConfig.retryPeriod = options_.retryPeriod;
  if (options_.leaderElection) {
    if (auto problem = validate(electionConfig)) {
      log_.error("invalid leader election settings", {{"error", *problem}});
      return 1;
    }
  }

  if (!observability::isDisabledBindAddress(options_.metricsBindAddress)) {
    auto started = observability::startMetricsServer(options_.metricsBindAddress, registry_);
    if (!started) {
      log_.error("cannot serve metrics", {{"address", options_.metricsBindAddress}, {"error", started.error}});
      return 1;
    }
    metricsServer_ = std::move(started.server);
  }
  if (!observability::isDisabledBindAddress(options_.healthProbeBindAddress)) {
    auto started = observability::startHealthServer(options_.healthProbeBindAddress, health_);
    if (!started) {
      log_.error("cannot serve health probes",
                 {{"address", options_.healthProbeBindAddress}, {"error", started.error}});
      return 1;
    }
    healthServer_ = std::move(started.server);
  }

  {
    std::lock_guard lock(mutex_);
    running_ = true;
    for (auto& [name, informer] : informers_) informer->start();
  }
  log_.info("manager started", {{"identity", identity_},
                                {"controllers", controllers_.size()},
                                {"leaderElection", options_.leaderElection},
                                {"metricsPort", metricsPort()},
                                {"healthPort", healthPort()}});

  if (options_.leaderElection) {
    leaseStore_ = cluster_->leaseStore(options_.leaderElectionNamespace, options_.leaderElectionId);
    LeaderCallbacks callbacks;
    callbacks.onStartedLeading = [this] { startControllers(); };
    callbacks.onStoppedLeading = [this] { stopControllers(); };
    {
      std::lock_guard lock(mutex_);
      elector_ = std::make_unique<LeaderElector>(*leaseStore_, electionConfig, callbacks, clock_, metrics_);
    }
    electorThread_ = std::jthread([this](std::stop_token electorStop) {
      elector_->run(electorStop);
      std::lock_guard lock(mutex_);
      electorEnded_ = true;
      changed_.notify_all();
    });
  } else {
    startControllers();
  }

  {
    std::stop_callback onStop(stop, [this] { wake(); });  // before taking the lock: it may run right here
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return stop.stop_requested() || electorEnded_ || !fatal_.empty(); });
  }
  int exitCode = 0;
  if (!stop.stop_requested()) {
    std::lock_guard lock(mutex_);
    log_.error("stopping after a fatal condition", {{"reason", fatal_.empty() ? "leader election lost" : fatal_}});
    exitCode = 1;
  } else {
    log_.info("shutting down gracefully", {{"timeout", Clock::seconds(options_.gracefulShutdownTimeout)}});
  }

  // Intake stops and in-flight reconciles finish before the lease goes: a standby must never overlap with us.
  if (!stopControllers()) exitCode = 1;
  if (electorThread_.joinable()) {
    electorThread_.request_stop();  // releases the lease if we held it
    electorThread_.join();
  }
  std::vector<Informer*> informers;
  {
    std::lock_guard lock(mutex_);
    for (auto& [name, informer] : informers_) informers.push_back(informer.get());
  }
  for (Informer* informer : informers) informer->stop();  // joins threads: not under our lock
  if (recorder_) recorder_->flush();
  healthServer_.reset();
  metricsServer_.reset();
  log_.info("manager stopped", {{"exitCode", exitCode}});
  return exitCode;
}

}  // namespace flotilla::runtime
