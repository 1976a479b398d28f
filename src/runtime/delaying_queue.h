#pragma once
// A WorkQueue plus addAfter(item, delay). One timer thread sleeps until the earliest deadline (no polling); an item
// scheduled twice keeps the earlier deadline.

#include <unordered_map>

#include "runtime/work_queue.h"

namespace flotilla::runtime {

class DelayingQueue : public WorkQueue {
 public:
  explicit DelayingQueue(std::string name = "", const Clock& clock = realClock(),
                         MetricsFactory& metrics = noopMetrics());
  ~DelayingQueue() override;

  // Adds `item` once `delay` has passed (at once when delay <= 0). Ignored after shutdown.
  void addAfter(const std::string& item, Duration delay);
  // Items scheduled but not yet due.
  std::size_t waiting() const;

  void shutDown() override;
  void shutDownWithDrain() override;

 private:
  void timerLoop();
  void stopTimer();

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::multimap<TimePoint, std::string> due_;
  std::unordered_map<std::string, std::multimap<TimePoint, std::string>::iterator> scheduled_;
  bool stopping_ = false;
  std::thread timer_;
  std::once_flag timerJoined_;
};

}  // namespace flotilla::runtime
