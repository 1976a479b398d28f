#include "runtime/delaying_queue.h"

#include <gtest/gtest.h>

#include <future>

#include "runtime/fake_clock.h"
#include "runtime/in_memory_metrics.h"
#include "runtime/rate_limiting_queue.h"

namespace flotilla::runtime {
namespace {

using namespace std::chrono_literals;

// get() with a generous real-time bound, so a broken queue fails the test instead of hanging it.
std::optional<std::string> getWithin(WorkQueue& queue, std::chrono::seconds bound = 10s) {
  auto result = std::async(std::launch::async, [&] { return queue.get(); });
  if (result.wait_for(bound) != std::future_status::ready) {
    queue.shutDown();
    ADD_FAILURE() << "get() did not return within " << bound.count() << " s";
  }
  return result.get();
}

TEST(DelayingQueue, HoldsItemsUntilTheirDelayHasPassed) {
  FakeClock clock;
  DelayingQueue queue("delayed", clock);
  queue.addAfter("a", 10s);
  std::this_thread::sleep_for(20ms);  // give the timer thread every chance to misbehave
  EXPECT_EQ(queue.len(), 0u);
  EXPECT_EQ(queue.waiting(), 1u);
  clock.advance(9s);
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(queue.len(), 0u);
  clock.advance(1s);
  EXPECT_EQ(getWithin(queue), "a");
  EXPECT_EQ(queue.waiting(), 0u);
}

TEST(DelayingQueue, ReleasesItemsInDeadlineOrder) {
  FakeClock clock;
  DelayingQueue queue("ordered", clock);
  queue.addAfter("c", 30ms);
  queue.addAfter("a", 10ms);
  queue.addAfter("b", 20ms);
  clock.advance(1s);
  EXPECT_EQ(getWithin(queue), "a");
  EXPECT_EQ(getWithin(queue), "b");
  EXPECT_EQ(getWithin(queue), "c");
}

TEST(DelayingQueue, SchedulingTwiceKeepsTheEarlierDeadline) {
  FakeClock clock;
  DelayingQueue queue("twice", clock);
  queue.addAfter("a", 10s);
  queue.addAfter("a", 1s);
  queue.addAfter("a", 5s);
  EXPECT_EQ(queue.waiting(), 1u);
  clock.advance(1s);
  EXPECT_EQ(getWithin(queue), "a");
  queue.done("a");
  clock.advance(20s);
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(queue.len(), 0u) << "the later schedules must not fire a second time";
}

TEST(DelayingQueue, ZeroDelayAddsAtOnce) {
  FakeClock clock;
  DelayingQueue queue("now", clock);
  queue.addAfter("a", 0s);
  EXPECT_EQ(queue.len(), 1u);
}

TEST(DelayingQueue, WorksWithTheRealClock) {
  DelayingQueue queue("real");
  queue.addAfter("a", 30ms);
  EXPECT_EQ(queue.len(), 0u);
  EXPECT_EQ(getWithin(queue), "a");
}

TEST(DelayingQueue, ShutDownDropsScheduledItemsAndStopsTheTimer) {
  FakeClock clock;
  DelayingQueue queue("stop", clock);
  queue.addAfter("a", 1s);
  queue.shutDown();
  clock.advance(2s);
  EXPECT_EQ(getWithin(queue), std::nullopt);
  queue.addAfter("b", 0s);
  EXPECT_EQ(queue.len(), 0u);
}

TEST(RateLimitingQueue, RetriesBackOffPerItemAndForgetResets) {
  FakeClock clock;
  InMemoryMetrics metrics;
  RateLimitingQueue queue("retry", std::make_unique<ItemExponentialRateLimiter>(1s, 1000s), clock, metrics);
  queue.addRateLimited("a");
  queue.addRateLimited("a");
  EXPECT_EQ(queue.numRequeues("a"), 2);
  EXPECT_EQ(metrics.value("workqueue_retries_total", {{"name", "retry"}}), 2);
  EXPECT_EQ(queue.len(), 0u);
  clock.advance(1s);  // the first schedule (1 s) wins over the second (2 s)
  EXPECT_EQ(getWithin(queue), "a");
  queue.forget("a");
  EXPECT_EQ(queue.numRequeues("a"), 0);
}

}  // namespace
}  // namespace flotilla::runtime
