#include "apiserver/watcher.h"

namespace flotilla::apiserver {

bool ObjectFilter::matches(const StoredObject& object) const {
  if (namespace_ && object.namespace_ != *namespace_) return false;
  return labels.matchesObject(object.object) && fields.matches(object.object);
}

std::vector<WatchEvent> Watcher::waitForEvents(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  wake_.wait_for(lock, timeout, [&] { return !queue_.empty() || reason_ != CloseReason::Open; });
  std::vector<WatchEvent> out(std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.end()));
  queue_.clear();
  return out;
}

bool Watcher::isClosed() const {
  std::lock_guard lock(mutex_);
  return reason_ != CloseReason::Open;
}

Watcher::CloseReason Watcher::closeReason() const {
  std::lock_guard lock(mutex_);
  return reason_;
}

void Watcher::close(CloseReason reason) {
  {
    std::lock_guard lock(mutex_);
    if (reason_ == CloseReason::Open) reason_ = reason;
  }
  wake_.notify_all();
}

bool Watcher::queueEmpty() const {
  std::lock_guard lock(mutex_);
  return queue_.empty();
}

bool Watcher::push(WatchEvent event) {
  bool open = true;
  {
    std::lock_guard lock(mutex_);
    if (reason_ != CloseReason::Open) return false;
    if (queue_.size() >= capacity_) {
      // Drop what is queued: the client must resume from its last delivered version anyway.
      queue_.clear();
      reason_ = CloseReason::Overflow;
      open = false;
    } else {
      queue_.push_back(std::move(event));
    }
  }
  wake_.notify_all();
  return open;
}

void Watcher::growCapacity(std::size_t extra) {
  std::lock_guard lock(mutex_);
  capacity_ += extra;
}

}  // namespace flotilla::apiserver
