#include "runtime/delaying_queue.h"

namespace flotilla::runtime {

DelayingQueue::DelayingQueue(std::string name, const Clock& clock, MetricsFactory& metrics)
    : WorkQueue(std::move(name), clock, metrics), timer_([this] { timerLoop(); }) {}

DelayingQueue::~DelayingQueue() {
  WorkQueue::shutDown();
  stopTimer();
}

void DelayingQueue::stopTimer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    wake_.notify_all();
  }
  std::call_once(timerJoined_, [this] { timer_.join(); });
}

void DelayingQueue::shutDown() {
  WorkQueue::shutDown();
  stopTimer();
}

void DelayingQueue::shutDownWithDrain() {
  stopTimer();
  WorkQueue::shutDownWithDrain();
}

void DelayingQueue::addAfter(const std::string& item, Duration delay) {
  if (shuttingDown()) return;
  if (delay <= Duration::zero()) {
    add(item);
    return;
  }
  std::lock_guard lock(mutex_);
  if (stopping_) return;
  const TimePoint readyAt = clock().now() + delay;
  if (auto existing = scheduled_.find(item); existing != scheduled_.end()) {
    if (existing->second->first <= readyAt) return;  // already due sooner
    due_.erase(existing->second);
    scheduled_.erase(existing);
  }
  const bool newEarliest = due_.empty() || readyAt < due_.begin()->first;
  scheduled_[item] = due_.emplace(readyAt, item);
  if (newEarliest) wake_.notify_one();
}

std::size_t DelayingQueue::waiting() const {
  std::lock_guard lock(mutex_);
  return due_.size();
}

void DelayingQueue::timerLoop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    const TimePoint now = clock().now();
    while (!due_.empty() && due_.begin()->first <= now) {
      scheduled_.erase(due_.begin()->second);
      add(due_.begin()->second);  // WorkQueue's own lock nests inside ours; it never calls back here
      due_.erase(due_.begin());
    }
    clock().waitUntil(lock, wake_, due_.empty() ? TimePoint::max() : due_.begin()->first);
  }
}

}  // namespace flotilla::runtime
