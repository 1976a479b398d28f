#pragma once
// A shared informer: one reflector keeping one Cache of a resource type up to date, and handlers notified of every
// change (client-go's SharedIndexInformer). Guarantees:
//  - the cache holds objects stripped of managedFields and the last-applied annotation, as trees or packed
//    (InformerOptions::storage, see CacheStorage); its size and approximate
//    bytes are published as flotilla_informer_objects{resource} and flotilla_informer_cache_bytes{resource};
//  - after a relist, objects that vanished produce onDelete, new ones onAdd, changed ones (different
//    resourceVersion) onUpdate, and unchanged ones nothing;
//  - a watch event the cache already reflects (same resourceVersion, replayed after a reconnect) is not re-notified;
//  - handlers are called one at a time, in order, outside the cache lock; one added after start first receives
//    onAdd for every object already cached;
//  - optional periodic resync re-delivers every object as onUpdate(o, o) (off by default).

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "runtime/cache.h"
#include "runtime/event_handler.h"
#include "runtime/metrics.h"
#include "runtime/reflector.h"

namespace flotilla::runtime {

struct InformerOptions {
  // Names the resource in metrics and logs, e.g. "microservices.flotilla.io".
  std::string resource;
  ReflectorOptions reflector;
  Duration resyncPeriod = Duration::zero();  // zero: no periodic resync
  CacheStorage storage = CacheStorage::Trees;
};

class Informer : private ReflectorSink {
 public:
  using HandlerId = std::uint64_t;

  Informer(std::shared_ptr<ListerWatcher> listerWatcher, InformerOptions options, const Clock& clock = realClock(),
           MetricsFactory& metrics = noopMetrics());
  ~Informer() override;
  Informer(const Informer&) = delete;
  Informer& operator=(const Informer&) = delete;

  // Index functions are best added before start(); adding later re-indexes what is cached.
  void addIndexer(const std::string& name, IndexFunc function) { cache_.addIndexer(name, std::move(function)); }

  HandlerId addEventHandler(EventHandler handler);
  void removeEventHandler(HandlerId id);

  // Starts the reflector (and resync) threads; idempotent. stop() joins them.
  void start();
  void stop();
  bool running() const;

  // True once the first complete list has been delivered to the cache and the handlers.
  bool hasSynced() const { return synced_.load(); }
  // The reflector's last LIST or WATCH reached the API server (see Reflector::connected).
  bool connected() const { return reflector_.connected(); }
  // Waits until synced, `timeout` passes on the clock, or `stop` is requested. Returns hasSynced().
  bool waitForSync(Duration timeout, std::stop_token stop = {}) const;

  const Cache& cache() const { return cache_; }
  const std::string& resource() const { return options_.resource; }
  std::string lastSyncResourceVersion() const { return reflector_.lastSyncResourceVersion(); }

 private:
  void replace(std::vector<nlohmann::json> items, const std::string& resourceVersion) override;
  void apply(kube::WatchEventType type, nlohmann::json object) override;

  void notifyAddLocked(const nlohmann::json& object);
  void notifyUpdateLocked(const nlohmann::json& oldObject, const nlohmann::json& newObject);
  void notifyDeleteLocked(const nlohmann::json& object);
  void publishSizeMetrics();
  void resyncLoop(std::stop_token stop);

  std::shared_ptr<ListerWatcher> listerWatcher_;
  const InformerOptions options_;
  const Clock& clock_;
  Cache cache_;
  Reflector reflector_;

  // Held while changing the cache and notifying, so notifications keep their order and a handler added late sees
  // a consistent replay. Never held by cache readers.
  std::mutex dispatchMutex_;
  std::map<HandlerId, EventHandler> handlers_;
  HandlerId nextHandlerId_ = 1;

  std::atomic<bool> synced_{false};
  mutable std::mutex syncMutex_;
  mutable std::condition_variable syncedCv_;

  std::shared_ptr<Gauge> objectsGauge_;
  std::shared_ptr<Gauge> bytesGauge_;

  mutable std::mutex threadsMutex_;
  std::jthread reflectorThread_;
  std::jthread resyncThread_;
};

}  // namespace flotilla::runtime
