#pragma once
// Records core/v1 Events about objects (what `kubectl describe` shows), like client-go's record package:
//  - asynchronous: event() queues and returns at once; one background thread talks to the API server. When the
//    queue is full, events are dropped (counted), never waited for: a reconcile must not block on events;
//  - aggregated: the same object + type + reason + message within `aggregationWindow` bumps count and
//    lastTimestamp of the existing Event with a merge PATCH instead of creating a new one;
//  - rate limited per object (token bucket, 25 burst refilled 1 per 5 min), so a hot loop cannot flood etcd.
// Event names are "<object name>.<hex nanoseconds>", as client-go names them.

#include <condition_variable>
#include <deque>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "kube/result.h"
#include "runtime/clock.h"
#include "runtime/token_bucket.h"

namespace flotilla::runtime {

// Where events go; kube_adapters.h implements it over kube::Client.
class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual kube::Result<nlohmann::json> create(const nlohmann::json& event) = 0;
  // JSON merge patch of an existing Event.
  virtual kube::Result<nlohmann::json> patch(const std::string& namespace_, const std::string& name,
                                             const nlohmann::json& mergePatch) = 0;
};

enum class EventType { Normal, Warning };

struct EventRecorderOptions {
  std::string component = "flotilla";  // source.component and reportingComponent
  std::string host;                    // source.host and reportingInstance (e.g. the pod name)
  Duration aggregationWindow = std::chrono::minutes(10);
  int perObjectBurst = 25;
  double perObjectQps = 1.0 / 300;  // one event per 5 minutes once the burst is spent
  std::size_t maxQueued = 1000;     // pending events beyond this are dropped
  std::size_t maxTracked = 4096;    // objects/events remembered for aggregation and rate limiting (LRU)
};

class EventRecorder {
 public:
  EventRecorder(EventSink& sink, EventRecorderOptions options = {}, const Clock& clock = realClock());
  // Sends what is already queued, then stops.
  ~EventRecorder();
  EventRecorder(const EventRecorder&) = delete;
  EventRecorder& operator=(const EventRecorder&) = delete;

  // `object` is the involved object (its apiVersion, kind and metadata are used). Never blocks.
  void event(const nlohmann::json& object, EventType type, const std::string& reason, const std::string& message);
  void normal(const nlohmann::json& object, const std::string& reason, const std::string& message) {
    event(object, EventType::Normal, reason, message);
  }
  void warning(const nlohmann::json& object, const std::string& reason, const std::string& message) {
    event(object, EventType::Warning, reason, message);
  }

  // Waits until every event recorded so far has been handled (sent, aggregated or dropped).
  void flush();
  // Events dropped because the queue was full or the object's rate limit was spent.
  std::size_t dropped() const;

 private:
  struct Pending {
    nlohmann::json involvedObject;
    EventType type;
    std::string reason;
    std::string message;
    WallTime when;
  };
  struct Sent {
    std::string namespace_;
    std::string name;
    int count = 0;
    TimePoint lastSeen;
  };
  template <class Value>
  struct Lru {
    std::list<std::string> order;  // most recent first
    std::map<std::string, std::pair<Value, std::list<std::string>::iterator>> entries;
  };

  void sendLoop(std::stop_token stop);
  void send(const Pending& pending);
  bool allowed(const std::string& objectKey);
  template <class Value>
  Value* touch(Lru<Value>& lru, const std::string& key);
  template <class Value>
  Value& insert(Lru<Value>& lru, const std::string& key, Value value);

  EventSink& sink_;
  const EventRecorderOptions options_;
  const Clock& clock_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::deque<Pending> queue_;
  bool sending_ = false;
  std::size_t dropped_ = 0;

  // Only the sending thread touches these.
  Lru<Sent> sent_;
  Lru<std::shared_ptr<TokenBucket>> buckets_;

  std::jthread thread_;
};

// The ObjectReference of `object` (apiVersion, kind, namespace, name, uid, resourceVersion).
nlohmann::json objectReference(const nlohmann::json& object);

}  // namespace flotilla::runtime
