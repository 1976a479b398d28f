#pragma once
// One watch subscription: the store pushes matching events into a bounded queue (never blocking the writer);
// the connection thread drains it. A watcher that falls too far behind is closed, as kube-apiserver closes
// slow watchers, and its client resumes from its last resourceVersion.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "apiserver/field_selector.h"
#include "apiserver/label_selector.h"
#include "apiserver/stored_object.h"

namespace flotilla::apiserver {

// What a list or watch selects within one resource.
struct ObjectFilter {
  std::optional<std::string> namespace_;  // nullopt: every namespace
  LabelSelector labels;
  FieldSelector fields;

  bool matches(const StoredObject& object) const;
};

struct WatchEvent {
  EventType type = EventType::Added;
  StoredPtr object;
};

class Watcher {
 public:
  enum class CloseReason { Open, ServerClosed, Overflow, Stopped };

  Watcher(std::string storageKey, ObjectFilter filter, std::size_t capacity)
      : storageKey_(std::move(storageKey)), filter_(std::move(filter)), capacity_(capacity) {}

  // Consumer: waits up to `timeout` for events; returns whatever is queued (possibly nothing).
  std::vector<WatchEvent> waitForEvents(std::chrono::milliseconds timeout);
  bool isClosed() const;
  CloseReason closeReason() const;
  void close(CloseReason reason);
  bool queueEmpty() const;

  // Producer (the store, under its lock): false when the watcher overflowed and was closed.
  bool push(WatchEvent event);
  void growCapacity(std::size_t extra);

  const std::string& storageKey() const { return storageKey_; }
  const ObjectFilter& filter() const { return filter_; }

 private:
  const std::string storageKey_;
  const ObjectFilter filter_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<WatchEvent> queue_;
  std::size_t capacity_;
  CloseReason reason_ = CloseReason::Open;
};

}  // namespace flotilla::apiserver
