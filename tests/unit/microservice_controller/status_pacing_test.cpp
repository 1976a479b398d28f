// Status pacing: progress-only status writes of one Microservice are spaced by the interval; flips, the first write
// of a generation and other objects' writes are not held.
#include "controllers/status_pacing.h"

#include <gtest/gtest.h>

#include "runtime/fake_clock.h"

namespace flotilla::controllers {
namespace {

using namespace std::chrono_literals;

nlohmann::json status(int generation, const std::string& ready, int replicas, const std::string& reason = "R") {
  return {{"observedGeneration", generation},
          {"replicas", replicas},
          {"conditions",
           {{{"type", "Ready"}, {"status", ready}, {"reason", reason}, {"message", std::to_string(replicas)}},
            {{"type", "Degraded"}, {"status", "False"}, {"reason", "AsExpected"}}}}};
}

TEST(IsProgressOnly, CountsReasonsAndMessagesAreProgress) {
  EXPECT_TRUE(isProgressOnly(status(1, "False", 0), status(1, "False", 1, "Other")));
}

TEST(IsProgressOnly, FlipsNewGenerationsAndFirstStatusesAreNot) {
  EXPECT_FALSE(isProgressOnly(status(1, "False", 1), status(1, "True", 1))) << "Ready flips";
  EXPECT_FALSE(isProgressOnly(status(1, "False", 1), status(2, "False", 1))) << "a new generation";
  EXPECT_FALSE(isProgressOnly(nlohmann::json::object(), status(1, "False", 0))) << "no status yet";
  auto degraded = status(1, "False", 1);
  degraded["conditions"][1]["status"] = "True";
  EXPECT_FALSE(isProgressOnly(status(1, "False", 1), degraded)) << "Degraded flips";
  auto noDegraded = status(1, "False", 1);
  noDegraded["conditions"].erase(1);
  EXPECT_FALSE(isProgressOnly(noDegraded, status(1, "False", 1))) << "a headline condition appears";
}

TEST(IsProgressOnly, OtherConditionsStepWithTheRollout) {
  auto unknown = status(1, "False", 0);
  unknown["conditions"].push_back({{"type", "Available"}, {"status", "Unknown"}});
  auto available = status(1, "False", 1);
  available["conditions"].push_back({{"type", "Available"}, {"status", "False"}});
  EXPECT_TRUE(isProgressOnly(unknown, available));
}

TEST(StatusPacer, HoldsProgressUntilTheIntervalAfterTheLastWrite) {
  runtime::FakeClock clock;
  StatusPacer pacer(1s, clock);
  const auto first = status(1, "False", 0);
  const auto progress = status(1, "False", 1);
  EXPECT_EQ(pacer.holdBack("shop/web", first, progress), runtime::Duration::zero()) << "nothing written yet";
  pacer.written("shop/web");
  clock.advance(300ms);
  EXPECT_EQ(pacer.holdBack("shop/web", first, progress), runtime::Duration(700ms));
  EXPECT_EQ(pacer.holdBack("shop/api", first, progress), runtime::Duration::zero()) << "another object";
  EXPECT_EQ(pacer.holdBack("shop/web", first, status(1, "True", 1)), runtime::Duration::zero()) << "a flip";
  clock.advance(700ms);
  EXPECT_EQ(pacer.holdBack("shop/web", first, progress), runtime::Duration::zero()) << "the interval has passed";
}

TEST(StatusPacer, ForgetsOldWritesWithoutLosingRecentOnes) {
  runtime::FakeClock clock;
  StatusPacer pacer(1s, clock);
  for (int i = 0; i < 1500; ++i) pacer.written("ns/old-" + std::to_string(i));
  clock.advance(2s);
  pacer.written("ns/recent");
  clock.advance(100ms);
  for (int i = 0; i < 1500; ++i) pacer.written("ns/new-" + std::to_string(i));
  EXPECT_EQ(pacer.holdBack("ns/recent", status(1, "False", 0), status(1, "False", 1)), runtime::Duration(900ms));
  EXPECT_EQ(pacer.holdBack("ns/old-1", status(1, "False", 0), status(1, "False", 1)), runtime::Duration::zero());
}

}  // namespace
}  // namespace flotilla::controllers
