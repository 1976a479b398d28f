#include "runtime/work_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <random>
#include <thread>
#include <vector>

#include "runtime/in_memory_metrics.h"

namespace flotilla::runtime {
namespace {

using namespace std::chrono_literals;

TEST(WorkQueue, DeduplicatesQueuedItems) {
  WorkQueue queue;
  queue.add("a");
  queue.add("b");
  queue.add("a");
  EXPECT_EQ(queue.len(), 2u);
  EXPECT_EQ(queue.get(), "a");
  EXPECT_EQ(queue.get(), "b");
  EXPECT_EQ(queue.len(), 0u);
}

TEST(WorkQueue, ItemAddedWhileProcessingIsParkedUntilDone) {
  WorkQueue queue;
  queue.add("a");
  ASSERT_EQ(queue.get(), "a");
  queue.add("a");
  queue.add("a");
  EXPECT_EQ(queue.len(), 0u) << "must not be handed to a second worker while the first processes it";
  queue.done("a");
  EXPECT_EQ(queue.len(), 1u) << "re-added exactly once after done";
  EXPECT_EQ(queue.get(), "a");
  queue.done("a");
  EXPECT_EQ(queue.len(), 0u);
}

TEST(WorkQueue, DoneWithoutReAddDoesNotRequeue) {
  WorkQueue queue;
  queue.add("a");
  ASSERT_EQ(queue.get(), "a");
  queue.done("a");
  EXPECT_EQ(queue.len(), 0u);
}

TEST(WorkQueue, ShutDownWakesBlockedGetters) {
  WorkQueue queue;
  auto getter = std::async(std::launch::async, [&] { return queue.get(); });
  queue.shutDown();
  ASSERT_EQ(getter.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(getter.get(), std::nullopt);
  EXPECT_TRUE(queue.shuttingDown());
}

TEST(WorkQueue, ShutDownRefusesNewItemsButHandsOutQueuedOnes) {
  WorkQueue queue;
  queue.add("queued");
  queue.shutDown();
  queue.add("late");
  EXPECT_EQ(queue.get(), "queued");
  EXPECT_EQ(queue.get(), std::nullopt);
}

TEST(WorkQueue, ShutDownWithDrainWaitsForItemsInFlight) {
  WorkQueue queue;
  queue.add("a");
  ASSERT_EQ(queue.get(), "a");
  auto drain = std::async(std::launch::async, [&] { queue.shutDownWithDrain(); });
  EXPECT_EQ(drain.wait_for(50ms), std::future_status::timeout) << "drain returned while an item was in flight";
  queue.done("a");
  EXPECT_EQ(drain.wait_for(10s), std::future_status::ready);
}

TEST(WorkQueue, ShutDownWithDrainReturnsAtOnceWhenIdle) {
  WorkQueue queue;
  auto drain = std::async(std::launch::async, [&] { queue.shutDownWithDrain(); });
  EXPECT_EQ(drain.wait_for(10s), std::future_status::ready);
}

// 8 workers, 4 producers, few keys: a key must never be processed by two workers at once, and every add must be
// followed by a processing of that key (nothing lost).
TEST(WorkQueue, StressEightWorkersNeverShareAKeyAndLoseNothing) {
  constexpr int kKeys = 16;
  constexpr int kAddsPerProducer = 4000;
  WorkQueue queue;
  std::array<std::atomic<int>, kKeys> inFlight{};
  std::array<std::atomic<long>, kKeys> addsSeen{};     // bumped before each add
  std::array<std::atomic<long>, kKeys> addsCovered{};  // highest add count observed when processing started
  std::atomic<int> overlaps{0};
  std::atomic<long> processed{0};

  std::vector<std::thread> workers;
  for (int w = 0; w < 8; ++w) {
    workers.emplace_back([&] {
      while (auto item = queue.get()) {
        const int key = std::stoi(*item);
        if (inFlight[key].fetch_add(1) != 0) ++overlaps;
        const long seen = addsSeen[key].load();
        long covered = addsCovered[key].load();
        while (covered < seen && !addsCovered[key].compare_exchange_weak(covered, seen)) {
        }
        std::this_thread::sleep_for(std::chrono::microseconds(10));  // widen the window for a second worker
        inFlight[key].fetch_sub(1);
        ++processed;
        queue.done(*item);
      }
    });
  }
  std::vector<std::thread> producers;
  for (int p = 0; p < 4; ++p) {
    producers.emplace_back([&, p] {
      std::mt19937 rng(p);
      for (int i = 0; i < kAddsPerProducer; ++i) {
        const int key = static_cast<int>(rng() % kKeys);
        ++addsSeen[key];
        queue.add(std::to_string(key));
        if (i % 4 == 0) std::this_thread::sleep_for(std::chrono::microseconds(20));  // interleave with workers
      }
    });
  }
  for (auto& producer : producers) producer.join();
  // Everything added must eventually be processed; then drain and stop.
  for (int waited = 0; waited < 10000; ++waited) {
    bool allCovered = true;
    for (int key = 0; key < kKeys; ++key) allCovered = allCovered && addsCovered[key] == addsSeen[key];
    if (allCovered && queue.len() == 0) break;
    std::this_thread::sleep_for(1ms);
  }
  queue.shutDownWithDrain();
  for (auto& worker : workers) worker.join();

  EXPECT_EQ(overlaps.load(), 0);
  for (int key = 0; key < kKeys; ++key) EXPECT_EQ(addsCovered[key].load(), addsSeen[key].load()) << "key " << key;
  EXPECT_GT(processed.load(), 0);
  EXPECT_LE(processed.load(), 4L * kAddsPerProducer) << "dedup never creates extra work";
}

TEST(WorkQueue, RecordsClientGoMetrics) {
  InMemoryMetrics metrics;
  {
    WorkQueue queue("things", realClock(), metrics);
    const Labels labels{{"name", "things"}};
    queue.add("a");
    queue.add("a");
    queue.add("b");
    EXPECT_EQ(metrics.value("workqueue_depth", labels), 2);
    EXPECT_EQ(metrics.value("workqueue_adds_total", labels), 2);
    auto item = queue.get();
    EXPECT_EQ(metrics.value("workqueue_depth", labels), 1);
    EXPECT_EQ(metrics.observations("workqueue_queue_duration_seconds", labels), 1u);
    queue.done(*item);
    EXPECT_EQ(metrics.observations("workqueue_work_duration_seconds", labels), 1u);
    EXPECT_TRUE(metrics.has("workqueue_unfinished_work_seconds", labels));
    EXPECT_TRUE(metrics.has("workqueue_longest_running_processor_seconds", labels));
  }
}

TEST(WorkQueue, PublishesLongestRunningProcessorWhileWorkIsInFlight) {
  InMemoryMetrics metrics;
  WorkQueue queue("slow", realClock(), metrics);
  const Labels labels{{"name", "slow"}};
  queue.add("a");
  auto item = queue.get();
  // The updater refreshes every 500 ms while work is in flight; wait (bounded) for a non-zero figure.
  for (int i = 0; i < 1000 && metrics.value("workqueue_longest_running_processor_seconds", labels) <= 0; ++i) {
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_GT(metrics.value("workqueue_longest_running_processor_seconds", labels), 0);
  EXPECT_GT(metrics.value("workqueue_unfinished_work_seconds", labels), 0);
  queue.done(*item);
}

}  // namespace
}  // namespace flotilla::runtime
