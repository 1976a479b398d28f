#include "runtime/event_recorder.h"

#include <cstdio>

#include "observability/logging.h"
#include "runtime/object.h"
#include "runtime/wall_time.h"

namespace flotilla::runtime {

namespace {

// The API server rejects longer messages for events.k8s.io; keep core/v1 Events within the same bound.
constexpr std::size_t kMaxMessageBytes = 1024;

const observability::Logger& log() {
  static const observability::Logger logger("events");
  return logger;
}

std::string eventNamespace(const nlohmann::json& reference) {
  const std::string ns = reference.value("namespace", "");
  return ns.empty() ? "default" : ns;
}

const char* typeName(EventType type) {
  return type == EventType::Warning ? "Warning" : "Normal";
}

}  // namespace

nlohmann::json objectReference(const nlohmann::json& object) {
  nlohmann::json reference = {
      {"apiVersion", object.value("apiVersion", "")}, {"kind", object.value("kind", "")}, {"name", nameOf(object)}};
  if (auto ns = namespaceOf(object); !ns.empty()) reference["namespace"] = ns;
  if (auto uid = uidOf(object); !uid.empty()) reference["uid"] = uid;
  if (auto rv = resourceVersionOf(object); !rv.empty()) reference["resourceVersion"] = rv;
  return reference;
}

EventRecorder::EventRecorder(EventSink& sink, EventRecorderOptions options, const Clock& clock)
    : sink_(sink), options_(std::move(options)), clock_(clock) {
  thread_ = std::jthread([this](std::stop_token stop) { sendLoop(stop); });
}

EventRecorder::~EventRecorder() {
  flush();
  thread_.request_stop();
  {
    std::lock_guard lock(mutex_);
    wake_.notify_all();
  }
}

void EventRecorder::event(const nlohmann::json& object, EventType type, const std::string& reason,
                          const std::string& message) {
  Pending pending{objectReference(object), type, reason, message.substr(0, kMaxMessageBytes), clock_.wallNow()};
  std::lock_guard lock(mutex_);
  if (queue_.size() >= options_.maxQueued) {
    ++dropped_;
    return;
  }
  queue_.push_back(std::move(pending));
  wake_.notify_one();
}

void EventRecorder::flush() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [this] { return queue_.empty() && !sending_; });
}

std::size_t EventRecorder::dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

void EventRecorder::sendLoop(std::stop_token stop) {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [&] { return !queue_.empty() || stop.stop_requested(); });
    if (queue_.empty()) return;  // stopping, and everything was sent
    Pending pending = std::move(queue_.front());
    queue_.pop_front();
    sending_ = true;
    lock.unlock();
    send(pending);
    lock.lock();
    sending_ = false;
    if (queue_.empty()) idle_.notify_all();
  }
}

template <class Value>
Value* EventRecorder::touch(Lru<Value>& lru, const std::string& key) {
  auto it = lru.entries.find(key);
  if (it == lru.entries.end()) return nullptr;
  lru.order.splice(lru.order.begin(), lru.order, it->second.second);
  return &it->second.first;
}

template <class Value>
Value& EventRecorder::insert(Lru<Value>& lru, const std::string& key, Value value) {
  if (Value* existing = touch(lru, key)) {
    *existing = std::move(value);
    return *existing;
  }
  if (lru.entries.size() >= options_.maxTracked) {
    lru.entries.erase(lru.order.back());
    lru.order.pop_back();
  }
  lru.order.push_front(key);
  return lru.entries.emplace(key, std::make_pair(std::move(value), lru.order.begin())).first->second.first;
}

bool EventRecorder::allowed(const std::string& objectKey) {
  auto* bucket = touch(buckets_, objectKey);
  if (!bucket) {
    bucket = &insert(buckets_, objectKey,
                     std::make_shared<TokenBucket>(options_.perObjectQps, options_.perObjectBurst, clock_));
  }
  return (*bucket)->tryTake();
}

void EventRecorder::send(const Pending& pending) {
  const nlohmann::json& ref = pending.involvedObject;
  const std::string objectKey = ref.value("kind", "") + "/" + ref.value("namespace", "") + "/" + ref.value("name", "") +
                                "/" + ref.value("uid", "");
  if (!allowed(objectKey)) {
    std::lock_guard lock(mutex_);
    ++dropped_;
    return;
  }

  const std::string aggregateKey =
      objectKey + "\n" + typeName(pending.type) + "\n" + pending.reason + "\n" + pending.message;
  const TimePoint now = clock_.now();
  const nlohmann::json timestamp = formatTime(pending.when);

  if (Sent* sent = touch(sent_, aggregateKey); sent && now - sent->lastSeen <= options_.aggregationWindow) {
    const nlohmann::json patch = {{"count", sent->count + 1}, {"lastTimestamp", timestamp}};
    auto patched = sink_.patch(sent->namespace_, sent->name, patch);
    if (patched.ok()) {
      ++sent->count;
      sent->lastSeen = now;
      return;
    }
    if (!patched.is(kube::ErrorKind::NotFound)) {
      log().warn("could not update event", {{"event", sent->name}, {"error", patched.error().toString()}});
      return;
    }
    // The Event expired (the API server keeps them for an hour): record a new one.
  }

  const auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(pending.when.time_since_epoch()).count();
  char suffix[24];
  std::snprintf(suffix, sizeof suffix, "%llx", static_cast<unsigned long long>(nanos));
  const std::string ns = eventNamespace(ref);
  const std::string name = ref.value("name", "object") + "." + suffix;
  nlohmann::json event = {{"apiVersion", "v1"},
                          {"kind", "Event"},
                          {"metadata", {{"name", name}, {"namespace", ns}}},
                          {"involvedObject", ref},
                          {"reason", pending.reason},
                          {"message", pending.message},
                          {"type", typeName(pending.type)},
                          {"source", {{"component", options_.component}}},
                          {"firstTimestamp", timestamp},
                          {"lastTimestamp", timestamp},
                          {"count", 1},
                          {"reportingComponent", options_.component},
                          {"reportingInstance", options_.host}};
  if (!options_.host.empty()) event["source"]["host"] = options_.host;
  auto created = sink_.create(event);
  if (!created.ok()) {
    log().warn("could not record event",
               {{"object", objectKey}, {"reason", pending.reason}, {"error", created.error().toString()}});
    return;
  }
  insert(sent_, aggregateKey, Sent{ns, name, 1, now});
}

}  // namespace flotilla::runtime
