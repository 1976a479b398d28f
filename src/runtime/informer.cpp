#include "runtime/informer.h"

#include <set>

#include "observability/logging.h"

namespace flotilla::runtime {

namespace {

ReflectorOptions reflectorOptionsFor(const InformerOptions& options) {
  ReflectorOptions reflector = options.reflector;
  if (reflector.name == ReflectorOptions{}.name && !options.resource.empty()) reflector.name = options.resource;
  return reflector;
}

const observability::Logger& log() {
  static const observability::Logger logger("informer");
  return logger;
}

// A handler that throws must not take the informer thread down with it.
template <class Call>
void guarded(const std::string& resource, const char* what, Call&& call) {
  try {
    call();
  } catch (const std::exception& e) {
    log().error("event handler threw", {{"resource", resource}, {"handler", what}, {"error", e.what()}});
  } catch (...) {
    log().error("event handler threw", {{"resource", resource}, {"handler", what}});
  }
}

}  // namespace

Informer::Informer(std::shared_ptr<ListerWatcher> listerWatcher, InformerOptions options, const Clock& clock,
                   MetricsFactory& metrics)
    : listerWatcher_(std::move(listerWatcher)),
      options_(std::move(options)),
      clock_(clock),
      cache_(options_.storage),
      reflector_(*listerWatcher_, *this, reflectorOptionsFor(options_), clock),
      objectsGauge_(metrics.gauge("flotilla_informer_objects", "Objects held in the informer cache",
                                  {{"resource", options_.resource}})),
      bytesGauge_(metrics.gauge("flotilla_informer_cache_bytes",
                                "Approximate heap bytes of the objects held in the informer cache",
                                {{"resource", options_.resource}})) {}

Informer::~Informer() {
  stop();
}

Informer::HandlerId Informer::addEventHandler(EventHandler handler) {
  std::lock_guard lock(dispatchMutex_);
  const HandlerId id = nextHandlerId_++;
  if (handler.onAdd) {
    for (const auto& object : cache_.list()) guarded(options_.resource, "add", [&] { handler.onAdd(*object); });
  }
  handlers_.emplace(id, std::move(handler));
  return id;
}

void Informer::removeEventHandler(HandlerId id) {
  std::lock_guard lock(dispatchMutex_);
  handlers_.erase(id);
}

void Informer::start() {
  std::lock_guard lock(threadsMutex_);
  if (reflectorThread_.joinable()) return;
  reflectorThread_ = std::jthread([this](std::stop_token stop) { reflector_.run(stop); });
  if (options_.resyncPeriod > Duration::zero()) {
    resyncThread_ = std::jthread([this](std::stop_token stop) { resyncLoop(stop); });
  }
}

void Informer::stop() {
  std::lock_guard lock(threadsMutex_);
  for (auto* thread : {&reflectorThread_, &resyncThread_}) {
    if (!thread->joinable()) continue;
    thread->request_stop();
    thread->join();
  }
}

bool Informer::running() const {
  std::lock_guard lock(threadsMutex_);
  return reflectorThread_.joinable();
}

bool Informer::waitForSync(Duration timeout, std::stop_token stop) const {
  const TimePoint deadline = clock_.now() + timeout;
  // Registered before taking the lock: when stop is already requested the callback runs right here.
  std::stop_callback wake(stop, [this] {
    std::lock_guard wakeLock(syncMutex_);
    syncedCv_.notify_all();
  });
  std::unique_lock lock(syncMutex_);
  while (!synced_.load() && !stop.stop_requested() && clock_.now() < deadline) {
    clock_.waitUntil(lock, syncedCv_, deadline);
  }
  return synced_.load();
}

void Informer::replace(std::vector<nlohmann::json> items, const std::string& resourceVersion) {
  {
    std::lock_guard lock(dispatchMutex_);
    std::set<std::string> listed;
    for (auto& item : items) {
      stripForCache(item);
      auto object = std::make_shared<const nlohmann::json>(std::move(item));
      const std::string key = objectKey(*object);
      listed.insert(key);
      if (cache_.resourceVersion(key) == resourceVersionOf(*object)) continue;  // unchanged
      if (ObjectPtr cached = cache_.upsert(object)) {
        notifyUpdateLocked(*cached, *object);
      } else {
        notifyAddLocked(*object);
      }
    }
    for (const auto& key : cache_.keys()) {
      if (listed.count(key) != 0) continue;
      if (ObjectPtr gone = cache_.remove(key)) notifyDeleteLocked(*gone);  // deleted while we were not watching
    }
  }
  publishSizeMetrics();
  log().debug("listed",
              {{"resource", options_.resource}, {"objects", cache_.size()}, {"resourceVersion", resourceVersion}});
  if (!synced_.exchange(true)) {
    std::lock_guard lock(syncMutex_);
    syncedCv_.notify_all();
  }
}

void Informer::apply(kube::WatchEventType type, nlohmann::json item) {
  stripForCache(item);
  auto object = std::make_shared<const nlohmann::json>(std::move(item));
  const std::string key = objectKey(*object);
  {
    std::lock_guard lock(dispatchMutex_);
    if (type == kube::WatchEventType::Deleted) {
      if (!cache_.remove(key)) return;  // already gone (a replayed delete)
      notifyDeleteLocked(*object);
    } else {
      if (cache_.resourceVersion(key) == resourceVersionOf(*object)) return;  // a replayed event
      if (ObjectPtr cached = cache_.upsert(object)) {
        notifyUpdateLocked(*cached, *object);
      } else {
        notifyAddLocked(*object);
      }
    }
  }
  publishSizeMetrics();
}

void Informer::notifyAddLocked(const nlohmann::json& object) {
  for (auto& [id, handler] : handlers_) {
    if (handler.onAdd) guarded(options_.resource, "add", [&] { handler.onAdd(object); });
  }
}

void Informer::notifyUpdateLocked(const nlohmann::json& oldObject, const nlohmann::json& newObject) {
  for (auto& [id, handler] : handlers_) {
    if (handler.onUpdate) guarded(options_.resource, "update", [&] { handler.onUpdate(oldObject, newObject); });
  }
}

void Informer::notifyDeleteLocked(const nlohmann::json& object) {
  for (auto& [id, handler] : handlers_) {
    if (handler.onDelete) guarded(options_.resource, "delete", [&] { handler.onDelete(object); });
  }
}

void Informer::publishSizeMetrics() {
  objectsGauge_->set(static_cast<double>(cache_.size()));
  bytesGauge_->set(static_cast<double>(cache_.approximateBytes()));
}

void Informer::resyncLoop(std::stop_token stop) {
  while (clock_.sleepFor(options_.resyncPeriod, stop)) {
    std::lock_guard lock(dispatchMutex_);
    for (const auto& object : cache_.list()) notifyUpdateLocked(*object, *object);
  }
}

}  // namespace flotilla::runtime
