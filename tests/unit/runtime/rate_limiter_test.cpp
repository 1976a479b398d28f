#include "runtime/rate_limiter.h"

#include <gtest/gtest.h>

#include "runtime/fake_clock.h"

namespace flotilla::runtime {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(ItemExponentialRateLimiter, DoublesPerItemFromFiveMillisecondsAndCaps) {
  ItemExponentialRateLimiter limiter;
  EXPECT_EQ(limiter.when("a"), milliseconds(5));
  EXPECT_EQ(limiter.when("a"), milliseconds(10));
  EXPECT_EQ(limiter.when("a"), milliseconds(20));
  EXPECT_EQ(limiter.when("b"), milliseconds(5)) << "items back off independently";
  EXPECT_EQ(limiter.numRequeues("a"), 3);
  EXPECT_EQ(limiter.numRequeues("b"), 1);

  for (int i = 0; i < 100; ++i) limiter.when("a");
  EXPECT_EQ(limiter.when("a"), seconds(1000));
}

TEST(ItemExponentialRateLimiter, ForgetStartsTheItemOver) {
  ItemExponentialRateLimiter limiter;
  limiter.when("a");
  limiter.when("a");
  limiter.forget("a");
  EXPECT_EQ(limiter.numRequeues("a"), 0);
  EXPECT_EQ(limiter.when("a"), milliseconds(5));
}

TEST(BucketRateLimiter, BurstIsFreeThenEachItemWaitsOneTokenLonger) {
  FakeClock clock;
  BucketRateLimiter limiter(10.0, 100, clock);
  for (int i = 0; i < 100; ++i) ASSERT_EQ(limiter.when("item" + std::to_string(i)), Duration::zero()) << i;
  const Duration first = limiter.when("x");
  const Duration second = limiter.when("y");
  const Duration third = limiter.when("z");
  EXPECT_GT(first, Duration::zero());
  // Ratios rather than absolute times: each reservation queues one token (1/qps) behind the previous.
  EXPECT_NEAR(Clock::seconds(second) / Clock::seconds(first), 2.0, 1e-6);
  EXPECT_NEAR(Clock::seconds(third) / Clock::seconds(first), 3.0, 1e-6);
  EXPECT_NEAR(Clock::seconds(first), 0.1, 1e-6);
}

TEST(BucketRateLimiter, RefillsAtQpsUpToBurst) {
  FakeClock clock;
  BucketRateLimiter limiter(10.0, 100, clock);
  for (int i = 0; i < 100; ++i) limiter.when("a");
  clock.advance(seconds(1));  // 10 tokens back
  for (int i = 0; i < 10; ++i) EXPECT_EQ(limiter.when("a"), Duration::zero()) << i;
  EXPECT_GT(limiter.when("a"), Duration::zero());

  clock.advance(seconds(3600));  // never more than the burst
  for (int i = 0; i < 100; ++i) limiter.when("a");
  EXPECT_GT(limiter.when("a"), Duration::zero());
}

TEST(DefaultControllerRateLimiter, IsTheMaxOfPerItemAndOverall) {
  FakeClock clock;
  auto limiter = defaultControllerRateLimiter(clock);
  EXPECT_EQ(limiter->when("a"), milliseconds(5));
  EXPECT_EQ(limiter->when("a"), milliseconds(10));
  EXPECT_EQ(limiter->numRequeues("a"), 2);

  // Exhaust the shared bucket with other items: the overall limit now dominates a fresh item's 5 ms.
  for (int i = 0; i < 98; ++i) limiter->when("other" + std::to_string(i));
  const Duration fresh = limiter->when("b");
  EXPECT_GT(fresh, milliseconds(5));
  EXPECT_LE(fresh, milliseconds(101));

  limiter->forget("a");
  EXPECT_EQ(limiter->numRequeues("a"), 0);
}

TEST(DefaultControllerRateLimiter, CapsAnItemsBackoffAtThirtySeconds) {
  FakeClock clock;
  auto limiter = defaultControllerRateLimiter(clock);
  Duration last{};
  for (int i = 0; i < 40; ++i) {
    last = limiter->when("failing");
    clock.advance(last);  // the retry happens, and fails again; the shared bucket refills meanwhile
  }
  EXPECT_EQ(last, seconds(30));
  EXPECT_EQ(kControllerMaxBackoff, seconds(30));
}

}  // namespace
}  // namespace flotilla::runtime
