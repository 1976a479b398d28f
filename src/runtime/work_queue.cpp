#include "runtime/work_queue.h"

#include <algorithm>

namespace flotilla::runtime {

namespace {
constexpr auto kUnfinishedWorkUpdatePeriod = std::chrono::milliseconds(500);
}  // namespace

WorkQueue::WorkQueue(std::string name, const Clock& clock, MetricsFactory& metrics)
    : name_(std::move(name)), clock_(clock) {
  const Labels labels{{"name", name_}};
  depth_ = metrics.gauge("workqueue_depth", "Current depth of workqueue", labels);
  adds_ = metrics.counter("workqueue_adds_total", "Total number of adds handled by workqueue", labels);
  queueDuration_ = metrics.histogram("workqueue_queue_duration_seconds",
                                     "How long in seconds an item stays in workqueue before being requested", labels,
                                     workqueueBuckets());
  workDuration_ =
      metrics.histogram("workqueue_work_duration_seconds",
                        "How long in seconds processing an item from workqueue takes", labels, workqueueBuckets());
  unfinishedWork_ = metrics.gauge("workqueue_unfinished_work_seconds",
                                  "How many seconds of work has been done that is in progress and hasn't been "
                                  "observed by work_duration",
                                  labels);
  longestRunning_ =
      metrics.gauge("workqueue_longest_running_processor_seconds",
                    "How many seconds has the longest running processor for workqueue been running", labels);
  if (&metrics != &noopMetrics()) {
    unfinishedWorkUpdater_ = std::jthread([this](std::stop_token stop) { updateUnfinishedWorkLoop(stop); });
  }
}

WorkQueue::~WorkQueue() {
  shutDown();
  if (unfinishedWorkUpdater_.joinable()) {
    unfinishedWorkUpdater_.request_stop();
    {
      std::lock_guard lock(mutex_);
      stateChanged_.notify_all();
    }
    unfinishedWorkUpdater_.join();
  }
}

void WorkQueue::add(const std::string& item) {
  std::lock_guard lock(mutex_);
  if (shuttingDown_) return;
  if (!dirty_.insert(item).second) return;  // already queued, or parked behind its own processing
  adds_->increment();
  addedAt_.emplace(item, clock_.now());
  if (processing_.count(item) != 0) return;  // done() will queue it
  queue_.push_back(item);
  depth_->increment();
  itemAvailable_.notify_one();
}

std::optional<std::string> WorkQueue::get() {
  std::unique_lock lock(mutex_);
  itemAvailable_.wait(lock, [this] { return !queue_.empty() || shuttingDown_; });
  if (queue_.empty()) return std::nullopt;

  std::string item = std::move(queue_.front());
  queue_.pop_front();
  depth_->decrement();
  const TimePoint now = clock_.now();
  if (auto added = addedAt_.find(item); added != addedAt_.end()) {
    queueDuration_->observe(Clock::seconds(now - added->second));
    addedAt_.erase(added);
  }
  startedAt_[item] = now;
  processing_.insert(item);
  dirty_.erase(item);
  if (startedAt_.size() == 1) stateChanged_.notify_all();  // the unfinished-work updater sleeps while idle
  return item;
}

void WorkQueue::done(const std::string& item) {
  std::lock_guard lock(mutex_);
  if (processing_.erase(item) == 0) return;
  if (auto started = startedAt_.find(item); started != startedAt_.end()) {
    workDuration_->observe(Clock::seconds(clock_.now() - started->second));
    startedAt_.erase(started);
  }
  if (dirty_.count(item) != 0) {
    queue_.push_back(item);
    depth_->increment();
    itemAvailable_.notify_one();
  }
  stateChanged_.notify_all();  // shutDownWithDrain waits for processing to empty
}

std::size_t WorkQueue::len() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

void WorkQueue::shutDown() {
  std::lock_guard lock(mutex_);
  shuttingDown_ = true;
  itemAvailable_.notify_all();
}

void WorkQueue::shutDownWithDrain() {
  std::unique_lock lock(mutex_);
  shuttingDown_ = true;
  itemAvailable_.notify_all();
  stateChanged_.wait(lock, [this] { return processing_.empty(); });
}

bool WorkQueue::shuttingDown() const {
  std::lock_guard lock(mutex_);
  return shuttingDown_;
}

void WorkQueue::publishUnfinishedWorkLocked() {
  const TimePoint now = clock_.now();
  double total = 0;
  double longest = 0;
  for (const auto& [item, started] : startedAt_) {
    const double running = Clock::seconds(now - started);
    total += running;
    longest = std::max(longest, running);
  }
  unfinishedWork_->set(total);
  longestRunning_->set(longest);
}

void WorkQueue::updateUnfinishedWorkLoop(std::stop_token stop) {
  std::unique_lock lock(mutex_);
  while (!stop.stop_requested()) {
    publishUnfinishedWorkLocked();
    if (startedAt_.empty()) {
      stateChanged_.wait(lock, [&] { return stop.stop_requested() || !startedAt_.empty(); });
    } else {
      stateChanged_.wait_for(lock, kUnfinishedWorkUpdatePeriod);
    }
  }
}

}  // namespace flotilla::runtime
