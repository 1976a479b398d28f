#include "kube/token_bucket.h"

#include <algorithm>

#include <gtest/gtest.h>

namespace flotilla::kube {
namespace {

using std::chrono::milliseconds;

TEST(TokenBucket, BurstThenOneTokenPerInterval) {
  auto clock = std::make_shared<FakeClock>();
  TokenBucket bucket(10, 3, clock);
  EXPECT_EQ(bucket.reserve(), Clock::Duration::zero());
  EXPECT_EQ(bucket.reserve(), Clock::Duration::zero());
  EXPECT_EQ(bucket.reserve(), Clock::Duration::zero());
  // Queued reservations wait their turn: 100 ms, then 200 ms.
  EXPECT_EQ(std::chrono::duration_cast<milliseconds>(bucket.reserve()), milliseconds(100));
  EXPECT_EQ(std::chrono::duration_cast<milliseconds>(bucket.reserve()), milliseconds(200));
}

TEST(TokenBucket, RefillsUpToBurstOnly) {
  auto clock = std::make_shared<FakeClock>();
  TokenBucket bucket(10, 2, clock);
  EXPECT_TRUE(bucket.tryAccept());
  EXPECT_TRUE(bucket.tryAccept());
  EXPECT_FALSE(bucket.tryAccept());
  clock->advance(milliseconds(100));
  EXPECT_TRUE(bucket.tryAccept());
  EXPECT_FALSE(bucket.tryAccept());
  clock->advance(std::chrono::seconds(60));  // a long idle time still allows only `burst` at once
  EXPECT_TRUE(bucket.tryAccept());
  EXPECT_TRUE(bucket.tryAccept());
  EXPECT_FALSE(bucket.tryAccept());
}

TEST(TokenBucket, WaitSleepsOnTheClock) {
  auto clock = std::make_shared<FakeClock>();
  TokenBucket bucket(20, 1, clock);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(bucket.wait({}));
  auto sleeps = clock->sleeps();
  ASSERT_EQ(sleeps.size(), 4u);
  for (auto s : sleeps) EXPECT_EQ(std::chrono::duration_cast<milliseconds>(s), milliseconds(50));
}

TEST(TokenBucket, CancelledWaitHandsTheTokenBack) {
  auto clock = std::make_shared<FakeClock>();
  TokenBucket bucket(1, 1, clock);
  EXPECT_TRUE(bucket.tryAccept());
  CancelSource source;
  source.cancel();
  EXPECT_FALSE(bucket.wait(source.token()));
  clock->advance(std::chrono::seconds(1));
  EXPECT_TRUE(bucket.tryAccept());  // the cancelled wait did not consume the refilled token
}

TEST(TokenBucket, ZeroQpsMeansUnlimited) {
  auto clock = std::make_shared<FakeClock>();
  TokenBucket bucket(0, 1, clock);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(bucket.reserve(), Clock::Duration::zero());
}

// Real time, compared as ratios: twice the tokens beyond the burst take about twice as long, and never less
// than the rate allows. Noise on a busy machine only ever adds time, so each length keeps its fastest of five
// runs.
TEST(TokenBucket, RealTimeRateAsRatio) {
  auto timeFor = [](int tokens) {
    TokenBucket bucket(200, 1);
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < tokens; ++i) EXPECT_TRUE(bucket.wait({}));
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  double shortRun = 1e9;
  double longRun = 1e9;
  for (int attempt = 0; attempt < 5; ++attempt) {
    shortRun = std::min(shortRun, timeFor(21));  // 20 waits of 5 ms
    longRun = std::min(longRun, timeFor(41));    // 40 waits of 5 ms
  }
  EXPECT_GE(shortRun, 0.095);
  EXPECT_GE(longRun, 0.195);
  const double ratio = longRun / shortRun;
  EXPECT_GT(ratio, 1.3) << shortRun << " " << longRun;
  EXPECT_LT(ratio, 4.0) << shortRun << " " << longRun;
}

}  // namespace
}  // namespace flotilla::kube
