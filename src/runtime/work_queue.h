#pragma once
// The controller work queue, with client-go's guarantees:
//  - an item queued twice is handed out once (dedup while queued: the `dirty` set);
//  - an item is never handed to two workers at once: one added while it is being processed is parked and queued
//    again only when the worker calls done() (the `processing` set);
//  - shutDown() stops intake and wakes blocked getters; items already queued are still handed out, then get() returns
//    nullopt. shutDownWithDrain() additionally waits until every handed-out item is done.
// Metrics (client-go names, label name=<queue>): workqueue_depth, workqueue_adds_total,
// workqueue_queue_duration_seconds, workqueue_work_duration_seconds, workqueue_unfinished_work_seconds,
// workqueue_longest_running_processor_seconds.

#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "runtime/clock.h"
#include "runtime/metrics.h"

namespace flotilla::runtime {

class WorkQueue {
 public:
  explicit WorkQueue(std::string name = "", const Clock& clock = realClock(), MetricsFactory& metrics = noopMetrics());
  virtual ~WorkQueue();
  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  void add(const std::string& item);
  // Blocks until an item is available (returns it, now marked processing) or the queue is shut down and empty.
  std::optional<std::string> get();
  // Marks an item returned by get() as finished; requeues it if it was added again meanwhile.
  void done(const std::string& item);
  // Items waiting to be handed out (not counting those being processed).
  std::size_t len() const;
  virtual void shutDown();
  virtual void shutDownWithDrain();
  bool shuttingDown() const;

  const std::string& name() const { return name_; }

 protected:
  const Clock& clock() const { return clock_; }

 private:
  void updateUnfinishedWorkLoop(std::stop_token stop);
  void publishUnfinishedWorkLocked();

  const std::string name_;
  const Clock& clock_;

  mutable std::mutex mutex_;
  std::condition_variable itemAvailable_;  // getters wait on it
  std::condition_variable stateChanged_;   // drain and the unfinished-work updater wait on it
  std::deque<std::string> queue_;
  std::set<std::string> dirty_;       // queued or waiting for its processing to finish
  std::set<std::string> processing_;  // handed out, done() not yet called
  std::map<std::string, TimePoint> addedAt_;
  std::map<std::string, TimePoint> startedAt_;
  bool shuttingDown_ = false;

  std::shared_ptr<Gauge> depth_;
  std::shared_ptr<Counter> adds_;
  std::shared_ptr<Histogram> queueDuration_;
  std::shared_ptr<Histogram> workDuration_;
  std::shared_ptr<Gauge> unfinishedWork_;
  std::shared_ptr<Gauge> longestRunning_;
  // Refreshes the two "in flight" gauges every 500 ms, but only while something is being processed (idle = asleep).
  std::jthread unfinishedWorkUpdater_;
};

}  // namespace flotilla::runtime
