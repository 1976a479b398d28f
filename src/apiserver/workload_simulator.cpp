#include "apiserver/workload_simulator.h"

#include <functional>

#include "apiserver/label_selector.h"
#include "apiserver/object_meta.h"
#include "apiserver/sim_deployment.h"
#include "apiserver/sim_endpointslice.h"
#include "apiserver/sim_kubelet.h"
#include "apiserver/sim_objects.h"
#include "apiserver/sim_replicaset.h"
#include "kube/base64.h"

namespace flotilla::apiserver {

using nlohmann::json;
using sim::TimePoint;
using sim::Write;
using sim::WriteKind;

namespace {

const sim::SimResource* const kWatched[] = {&sim::kPods,
                                            &sim::kServices,
                                            &sim::kEndpoints,
                                            &sim::kDeployments,
                                            &sim::kReplicaSets,
                                            &sim::kEndpointSlices,
                                            &sim::kHorizontalPodAutoscalers};

constexpr std::int64_t kDefaultGraceSeconds = 30;
constexpr auto kStopPollInterval = std::chrono::milliseconds(100);

bool watched(const std::string& storageKey) {
  for (const auto* resource : kWatched) {
    if (resource->storageKey() == storageKey) return true;
  }
  return false;
}

template <typename T>
sim::PlanTarget::Applied appliedOf(const Result<T>& result) {
  using Outcome = sim::PlanTarget::Outcome;
  if (result.ok()) return {Outcome::Ok, 0, ""};
  const ApiError& error = result.error();
  std::string message = std::to_string(error.code) + " " + error.reason + ": " + error.message;
  if (error.code == 409 && error.reason == "AlreadyExists") return {Outcome::Exists, 0, message};
  if (error.code == 409) return {Outcome::Conflict, 0, message};
  if (error.code == 404) return {Outcome::Gone, 0, message};
  return {Outcome::Failed, 0, message};
}

}  // namespace

WorkloadSimulator::WorkloadSimulator(ResourceService& service, WorkloadSimulatorOptions options)
    : service_(service), store_(service.store()), options_(std::move(options)), simulated_(options_.podStartDelay) {
  if (options_.runPods) {
    runner_ =
        std::make_unique<PodRunner>(options_.podRunner, options_.launches,
                                    [this](const std::string& kind, const std::string& ns, const std::string& name,
                                           const std::string& key) { return envSource(kind, ns, name, key); });
    runner_->setChangeListener([this](const std::string& ns) {
      std::lock_guard lock(mutex_);
      dirty_.insert(ns);
      wake_.notify_all();
    });
  }
}

WorkloadSimulator::~WorkloadSimulator() {
  stop();
}

void WorkloadSimulator::start() {
  if (thread_.joinable()) return;
  listenerId_ = store_.addListener([this](const ChangeEvent& change) {
    if (!watched(change.storageKey)) return;
    std::lock_guard lock(mutex_);
    events_.push_back({change.storageKey, change.type, change.object});
    wake_.notify_all();
  });
  // Whatever exists already; changes committed meanwhile are queued by the listener and applied on top (the
  // cache keeps the newer resourceVersion).
  for (const auto* resource : kWatched) {
    for (auto& object : store_.listAll(resource->storageKey())) {
      std::lock_guard lock(mutex_);
      events_.push_front({resource->storageKey(), EventType::Added, object});
    }
  }
  nextHpaSync_ = std::chrono::system_clock::now() + options_.hpaSyncPeriod;
  thread_ = std::thread([this] { run(); });
}

void WorkloadSimulator::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  if (listenerId_) store_.removeListener(listenerId_);
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  runner_.reset();  // stops every pod process
}

DebugReply WorkloadSimulator::handleDebugMetrics(const std::string& method, const std::string& body) {
  DebugReply reply = handleDebugMetricsRequest(metrics_, method, body);
  if (reply.status == 200 && method != "GET") {
    // New figures: let the HPAs look at them now rather than at their next period.
    std::lock_guard lock(mutex_);
    nextHpaSync_ = std::chrono::system_clock::now();
    wake_.notify_all();
  }
  return reply;
}

std::uint64_t WorkloadSimulator::passes() const {
  std::lock_guard lock(mutex_);
  return passes_;
}

// ---------------------------------------------------------------- the loop

void WorkloadSimulator::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    TimePoint now = std::chrono::system_clock::now();
    TimePoint next = nextHpaSync_;
    if (!timers_.empty()) next = std::min(next, timers_.begin()->first);
    if (events_.empty() && dirty_.empty() && now < next) {
      wake_.wait_until(lock, next);
      continue;
    }
    // Let a burst of changes (a kubectl apply of many objects) arrive before reconciling it.
    wake_.wait_for(lock, options_.batchInterval, [this] { return stopping_; });
    if (stopping_) break;
    drainEvents(lock);
    std::set<std::string> work = std::move(dirty_);
    dirty_.clear();
    bool hpaDue = std::chrono::system_clock::now() >= nextHpaSync_;
    if (hpaDue) nextHpaSync_ = std::chrono::system_clock::now() + options_.hpaSyncPeriod;
    lock.unlock();

    now = std::chrono::system_clock::now();
    while (!timers_.empty() && timers_.begin()->first <= now) {
      work.insert(timers_.begin()->second);
      timers_.erase(timers_.begin());
    }
    if (hpaDue) reconcileHorizontalPodAutoscalers(now);
    for (const auto& ns : work) reconcileNamespace(ns, now);

    lock.lock();
    ++passes_;
  }
}

void WorkloadSimulator::drainEvents(std::unique_lock<std::mutex>& lock) {
  while (!events_.empty()) {
    std::deque<PendingEvent> batch;
    batch.swap(events_);
    lock.unlock();
    for (const auto& event : batch) applyEvent(event);
    lock.lock();
  }
}

void WorkloadSimulator::applyEvent(const PendingEvent& event) {
  const StoredPtr& object = event.object;
  Bucket& bucket = cache_[event.storageKey];
  Key key{object->namespace_, object->name};
  auto it = bucket.find(key);
  if (event.type == EventType::Deleted) {
    if (it != bucket.end() && it->second->resourceVersion <= object->resourceVersion) {
      bucket.erase(it);
      if (event.storageKey == sim::kPods.storageKey()) {
        simulated_.forget(object->uid);
        if (runner_) runner_->forget(object->uid);
      }
      if (event.storageKey == sim::kHorizontalPodAutoscalers.storageKey()) hpaMemory_.erase(object->uid);
      executor_.forget(event.storageKey, object->namespace_, object->name);
    }
  } else if (it == bucket.end() || it->second->resourceVersion < object->resourceVersion) {
    bucket[key] = object;
  }
  std::lock_guard lock(mutex_);
  dirty_.insert(object->namespace_);
}

void WorkloadSimulator::scheduleWake(TimePoint when, const std::string& ns) {
  for (const auto& [at, name] : timers_) {
    if (at > when) break;
    if (name == ns) return;  // an earlier pass of this namespace is due anyway
  }
  timers_.emplace(when, ns);
}

// ---------------------------------------------------------------- reading the cache

WorkloadSimulator::NamespaceObjects WorkloadSimulator::objects(const sim::SimResource& resource,
                                                               const std::string& ns) const {
  NamespaceObjects out;
  auto bucket = cache_.find(resource.storageKey());
  if (bucket == cache_.end()) return out;
  for (auto it = bucket->second.lower_bound({ns, ""}); it != bucket->second.end() && it->first.first == ns; ++it) {
    out.held.push_back(it->second);
    out.refs.emplace_back(it->second->object);
  }
  return out;
}

const json* WorkloadSimulator::object(const sim::SimResource& resource, const std::string& ns,
                                      const std::string& name) const {
  auto bucket = cache_.find(resource.storageKey());
  if (bucket == cache_.end()) return nullptr;
  auto it = bucket->second.find({ns, name});
  return it == bucket->second.end() ? nullptr : &it->second->object;
}

PodRuntime& WorkloadSimulator::runtimeFor(const json& pod) {
  if (runner_ && runner_->runs(pod)) return *runner_;
  return simulated_;
}

ResourcePtr WorkloadSimulator::resourceOf(const sim::SimResource& resource) const {
  return service_.registry().find(resource.group, resource.version, resource.plural);
}

std::optional<std::string> WorkloadSimulator::envSource(const std::string& kind, const std::string& ns,
                                                        const std::string& name, const std::string& key) const {
  bool secret = kind == "Secret";
  ResourcePtr resource = service_.registry().find("", "v1", secret ? "secrets" : "configmaps");
  if (!resource) return std::nullopt;
  auto found = service_.get(*resource, ns, name);
  if (!found.ok()) return std::nullopt;
  const json& object = found.value();
  if (const json* data = meta::find(object, "data"); data && data->contains(key) && (*data)[key].is_string()) {
    if (!secret) return (*data)[key].get<std::string>();
    return kube::base64Decode((*data)[key].get<std::string>());
  }
  const char* other = secret ? "stringData" : "binaryData";
  if (const json* data = meta::find(object, other); data && data->contains(key) && (*data)[key].is_string()) {
    if (secret) return (*data)[key].get<std::string>();
    return kube::base64Decode((*data)[key].get<std::string>());
  }
  return std::nullopt;
}

// ---------------------------------------------------------------- controllers

void WorkloadSimulator::reconcileNamespace(const std::string& ns, TimePoint now) {
  auto controlledBy = [](const NamespaceObjects& candidates) {
    std::map<std::string, sim::ObjectRefs> byOwner;
    for (const json& object : candidates.refs) {
      for (const auto& ref : meta::ownerReferences(object)) {
        if (ref.controller) byOwner[ref.uid].push_back(object);
      }
    }
    return byOwner;
  };
  auto syncCache = [this] {
    std::unique_lock lock(mutex_);
    drainEvents(lock);
  };

  {
    const auto replicaSetObjects = objects(sim::kReplicaSets, ns);
    const auto podObjects = objects(sim::kPods, ns);
    const auto deployments = objects(sim::kDeployments, ns);
    auto replicaSets = controlledBy(replicaSetObjects);
    auto pods = controlledBy(podObjects);
    for (const json& deployment : deployments.refs) {
      const auto& owned = replicaSets[meta::uid(deployment)];
      sim::ObjectRefs ownedPods;
      for (const json& rs : owned) {
        const auto& podsOfReplicaSet = pods[meta::uid(rs)];
        ownedPods.insert(ownedPods.end(), podsOfReplicaSet.begin(), podsOfReplicaSet.end());
      }
      execute(sim::reconcileDeployment(deployment, owned, ownedPods, now), ns);
    }
  }
  syncCache();
  {
    const auto podObjects = objects(sim::kPods, ns);
    const auto replicaSets = objects(sim::kReplicaSets, ns);
    auto pods = controlledBy(podObjects);
    for (const json& rs : replicaSets.refs) {
      execute(sim::reconcileReplicaSet(rs, pods[meta::uid(rs)], now, sim::randomNameSuffix), ns);
    }
  }
  syncCache();
  reconcilePods(ns, now);
  syncCache();

  const auto pods = objects(sim::kPods, ns);
  const auto slices = objects(sim::kEndpointSlices, ns);
  const auto services = objects(sim::kServices, ns);
  std::set<std::string> selectingServices;
  for (const json& service : services.refs) {
    if (!sim::serviceSelectsPods(service)) continue;
    selectingServices.insert(meta::name(service));
    sim::ObjectRefs own;
    for (const json& slice : slices.refs) {
      if (sim::labelValue(slice, sim::kServiceNameLabel) == meta::name(service)) own.push_back(slice);
    }
    execute(sim::reconcileEndpointSlices(service, pods.refs, own, sim::randomNameSuffix), ns);
    execute(sim::reconcileEndpoints(service, pods.refs, object(sim::kEndpoints, ns, meta::name(service))), ns);
  }
  // Endpoints this controller made for a Service that is gone (or stopped selecting pods): they have no owner.
  const auto allEndpoints = objects(sim::kEndpoints, ns);
  for (const json& endpoints : allEndpoints.refs) {
    if (sim::labelValue(endpoints, sim::kEndpointsManagedByLabel) == sim::kEndpointsManagedByValue &&
        !selectingServices.count(meta::name(endpoints))) {
      sim::Plan cleanup;
      cleanup.writes.push_back(Write::remove(sim::kEndpoints, endpoints, sim::kControllerManager));
      execute(cleanup, ns);
    }
  }
  syncCache();
}

void WorkloadSimulator::reconcilePods(const std::string& ns, TimePoint now) {
  const auto pods = objects(sim::kPods, ns);
  for (const json& pod : pods.refs) {
    PodRuntime& runtime = runtimeFor(pod);
    if (meta::isDeleting(pod)) {
      // Graceful deletion: the kubelet stops the containers, then removes the pod for good.
      std::int64_t grace = sim::intAt(pod, "metadata.deletionGracePeriodSeconds",
                                      sim::intAt(pod, "spec.terminationGracePeriodSeconds", kDefaultGraceSeconds));
      if (runtime.stop(meta::uid(pod), std::chrono::seconds(grace))) {
        sim::Plan finalDelete;
        Write write = Write::remove(sim::kPods, pod, sim::kKubelet);
        write.gracePeriodSeconds = 0;
        finalDelete.writes.push_back(std::move(write));
        execute(finalDelete, ns);
      } else {
        scheduleWake(now + kStopPollInterval, ns);
      }
      continue;
    }
    sim::Plan plan = sim::schedulePod(pod);
    plan.append(sim::reconcilePodStatus(pod, runtime.observe(pod, now), now));
    execute(plan, ns);
  }
}

void WorkloadSimulator::reconcileHorizontalPodAutoscalers(TimePoint now) {
  auto bucket = cache_.find(sim::kHorizontalPodAutoscalers.storageKey());
  if (bucket == cache_.end()) return;
  std::vector<json> hpas;
  for (const auto& [key, stored] : bucket->second) hpas.push_back(stored->object);
  for (const auto& hpa : hpas) {
    const std::string ns = meta::namespaceOf(hpa);
    const std::string targetName = meta::stringAt(hpa, "spec.scaleTargetRef.name");
    const json* target = meta::stringAt(hpa, "spec.scaleTargetRef.kind") == "Deployment"
                             ? object(sim::kDeployments, ns, targetName)
                             : nullptr;
    std::vector<json> pods;
    if (target) {
      const json* selector = meta::find(*target, "spec.selector");
      auto parsed = selector ? LabelSelector::fromJson(*selector) : Result<LabelSelector>(LabelSelector());
      if (parsed.ok() && selector) {
        const auto candidates = objects(sim::kPods, ns);
        for (const json& pod : candidates.refs) {
          if (parsed->matches(pod["metadata"].value("labels", json::object()))) pods.push_back(pod);
        }
      }
    }
    sim::PodMetricLookup lookup = [&](const json& pod, const std::string& resource) {
      return metrics_.utilization(ns, targetName, meta::name(pod), resource);
    };
    execute(sim::reconcileHorizontalPodAutoscaler(hpa, target, pods, lookup, hpaMemory_[meta::uid(hpa)], now), ns);
  }
}

// ---------------------------------------------------------------- writing

void WorkloadSimulator::execute(const sim::Plan& plan, const std::string& ns) {
  if (!executor_.execute(plan)) scheduleWake(std::chrono::system_clock::now() + options_.retryDelay, ns);
  if (plan.wakeAt) scheduleWake(*plan.wakeAt, ns);
}

std::uint64_t WorkloadSimulator::storedVersion(const Write& write) {
  const json* stored = object(write.resource, write.namespace_, write.name);
  return stored ? meta::resourceVersion(*stored) : 0;
}

sim::PlanTarget::Applied WorkloadSimulator::apply(const Write& write) {
  ResourcePtr resource = resourceOf(write.resource);
  if (!resource) return {Outcome::Failed, 0, write.resource.storageKey() + " is not served"};
  WriteOptions options;
  options.fieldManager = write.fieldManager;
  options.userAgent = write.fieldManager + "/v1.32.0 (linux/amd64) flotilla-simulated";
  switch (write.kind) {
    case WriteKind::Create: {
      auto result = service_.create(*resource, write.namespace_, write.object, options);
      Applied applied = appliedOf(result);
      if (result.ok()) applied.resourceVersion = meta::resourceVersion(result->object);
      return applied;
    }
    case WriteKind::Update:
    case WriteKind::UpdateStatus: {
      auto result = service_.update(*resource, write.namespace_, write.name, write.object, options,
                                    write.kind == WriteKind::UpdateStatus ? Subresource::Status : Subresource::None);
      Applied applied = appliedOf(result);
      if (result.ok()) applied.resourceVersion = meta::resourceVersion(result->object);
      return applied;
    }
    case WriteKind::Scale: {
      json scale{{"apiVersion", "autoscaling/v1"},
                 {"kind", "Scale"},
                 {"metadata", {{"name", write.name}, {"namespace", write.namespace_}}},
                 {"spec", {{"replicas", write.replicas}}}};
      auto result = service_.updateScale(*resource, write.namespace_, write.name, scale, options);
      Applied applied = appliedOf(result);
      if (result.ok()) applied.resourceVersion = meta::resourceVersion(*result);
      return applied;
    }
    case WriteKind::Delete: {
      DeleteOptions deletion;
      if (!write.uid.empty()) deletion.preconditionUid = write.uid;
      deletion.gracePeriodSeconds = write.gracePeriodSeconds;
      return appliedOf(service_.remove(*resource, write.namespace_, write.name, deletion));
    }
  }
  return {Outcome::Failed, 0, "unknown write"};
}

}  // namespace flotilla::apiserver
