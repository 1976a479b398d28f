#include "runtime/backoff.h"

#include <gtest/gtest.h>

#include "runtime/fake_clock.h"

namespace flotilla::runtime {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(Backoff, WithoutJitterDoublesFromInitialUpToMax) {
  FakeClock clock;
  Backoff backoff({.initial = milliseconds(800), .max = seconds(30), .factor = 2.0, .jitter = 0.0}, clock);
  std::vector<Duration> delays;
  for (int i = 0; i < 8; ++i) delays.push_back(backoff.next());
  const std::vector<Duration> expected{milliseconds(800),   milliseconds(1600),  milliseconds(3200), milliseconds(6400),
                                       milliseconds(12800), milliseconds(25600), seconds(30),        seconds(30)};
  EXPECT_EQ(delays, expected);
}

TEST(Backoff, JitteredDelaysStayWithinBaseAndCap) {
  FakeClock clock;
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    Backoff backoff({}, clock, seed);
    for (int attempt = 0; attempt < 12; ++attempt) {
      const Duration base = backoff.currentBase();
      const Duration delay = backoff.next();
      EXPECT_GE(delay, base) << "seed " << seed << " attempt " << attempt;
      EXPECT_LE(delay, std::min<Duration>(base * 2, seconds(30))) << "seed " << seed << " attempt " << attempt;
    }
  }
}

TEST(Backoff, JitterActuallyVaries) {
  FakeClock clock;
  std::set<Duration::rep> firstDelays;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) firstDelays.insert(Backoff({}, clock, seed).next().count());
  EXPECT_GT(firstDelays.size(), 10u);
}

TEST(Backoff, StartsOverAfterTwoMinutesWithoutFailures) {
  FakeClock clock;
  Backoff backoff({.jitter = 0.0}, clock);
  for (int i = 0; i < 6; ++i) clock.advance(backoff.next());
  EXPECT_EQ(backoff.currentBase(), seconds(30));

  clock.advance(seconds(119));  // healthy, but not for long enough
  EXPECT_EQ(backoff.next(), seconds(30));

  clock.advance(seconds(30) + seconds(121));
  EXPECT_EQ(backoff.next(), milliseconds(800));
}

TEST(Backoff, ExplicitResetStartsOver) {
  FakeClock clock;
  Backoff backoff({.jitter = 0.0}, clock);
  backoff.next();
  backoff.next();
  backoff.reset();
  EXPECT_EQ(backoff.next(), milliseconds(800));
}

}  // namespace
}  // namespace flotilla::runtime
