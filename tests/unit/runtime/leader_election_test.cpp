#include "runtime/leader_election.h"

#include <gtest/gtest.h>

#include <random>
#include <thread>

#include "fake_lease_store.h"
#include "fake_lister_watcher.h"
#include "runtime/fake_clock.h"
#include "runtime/in_memory_metrics.h"

namespace flotilla::runtime {
namespace {

using namespace std::chrono_literals;
using testing::eventually;
using testing::FakeLeaseServer;
using testing::FakeLeaseStore;

LeaderElectionConfig configFor(std::string identity) {
  LeaderElectionConfig config;
  config.name = "flotilla-leader";
  config.identity = std::move(identity);
  return config;  // 15 s lease, 10 s renew deadline, 2 s retry
}

// An elector with its own view of the lease server, stepped by the test through tick() at the times it asks for.
struct Candidate {
  Candidate(FakeLeaseServer& server, const std::string& identity, const Clock& clock, MetricsFactory& metrics)
      : store(server), elector(store, configFor(identity), {}, clock, metrics), nextTick(clock.now()) {}
  FakeLeaseStore store;
  LeaderElector elector;
  TimePoint nextTick;
  bool paused = false;  // a stopped process: no ticks at all
};

class LeaderElectionTest : public ::testing::Test {
 protected:
  FakeClock clock_;
  InMemoryMetrics metrics_;
  FakeLeaseServer server_;
  Candidate a_{server_, "a", clock_, metrics_};
  Candidate b_{server_, "b", clock_, metrics_};

  // Advances fake time in `step`s up to `duration`, ticking every running candidate when it asked to be ticked,
  // and checking after every tick that at most one candidate considers itself leader.
  void runFor(Duration duration, Duration step = 100ms) {
    const TimePoint end = clock_.now() + duration;
    while (clock_.now() < end) {
      for (Candidate* candidate : {&a_, &b_}) {
        if (candidate->paused || clock_.now() < candidate->nextTick) continue;
        candidate->nextTick = candidate->elector.tick();
        ASSERT_LE(int(a_.elector.isLeader()) + int(b_.elector.isLeader()), 1) << "two leaders at once";
      }
      clock_.advance(step);
      ASSERT_LE(int(a_.elector.isLeader()) + int(b_.elector.isLeader()), 1) << "two leaders at once";
    }
  }
};

TEST_F(LeaderElectionTest, ExactlyOneOfTwoCandidatesLeads) {
  runFor(10s);
  EXPECT_EQ(int(a_.elector.isLeader()) + int(b_.elector.isLeader()), 1);
  const auto lease = server_.current();
  ASSERT_TRUE(lease.has_value());
  const std::string leader = a_.elector.isLeader() ? "a" : "b";
  EXPECT_EQ(lease->record.holderIdentity, leader);
  EXPECT_EQ(lease->record.leaseDurationSeconds, 15);
  EXPECT_EQ(a_.elector.observedLeader(), leader);
  EXPECT_EQ(b_.elector.observedLeader(), leader);
  EXPECT_EQ(metrics_.value("leader_election_master_status", {{"name", "flotilla-leader"}}), 1)
      << "one gauge series per lease name: the leader's 1";
}

TEST_F(LeaderElectionTest, LeaderRenewsEveryRetryPeriod) {
  runFor(1s);
  ASSERT_TRUE(a_.elector.isLeader() || b_.elector.isLeader());
  const int before = server_.updates();
  runFor(20s);
  EXPECT_GE(server_.updates() - before, 9) << "about one renewal per 2 s";
  EXPECT_LE(server_.updates() - before, 11);
}

TEST_F(LeaderElectionTest, StandbyTakesOverWithinTheLeaseDurationWhenTheLeaderStopsRenewing) {
  b_.paused = true;
  runFor(1s);
  ASSERT_TRUE(a_.elector.isLeader());
  b_.paused = false;
  runFor(5s);
  ASSERT_TRUE(a_.elector.isLeader());

  a_.store.partitioned = true;  // a can no longer reach the API server
  const TimePoint cut = clock_.now();
  TimePoint aGaveUp{}, bTookOver{};
  while (clock_.now() - cut < 60s && bTookOver == TimePoint{}) {
    runFor(100ms);
    if (aGaveUp == TimePoint{} && !a_.elector.isLeader()) aGaveUp = clock_.now();
    if (b_.elector.isLeader()) bTookOver = clock_.now();
  }
  ASSERT_NE(bTookOver, TimePoint{}) << "standby never took over";
  EXPECT_LE(aGaveUp, bTookOver);
  EXPECT_LE(aGaveUp - cut, 10s + 100ms) << "the old leader must stop within the renew deadline";
  EXPECT_LE(bTookOver - cut, 15s + 2400ms + 200ms) << "lease duration plus one jittered retry";
  EXPECT_TRUE(a_.elector.lostLeadership());
  EXPECT_EQ(server_.current()->record.holderIdentity, "b");
  EXPECT_EQ(server_.current()->record.leaseTransitions, 1);
}

TEST_F(LeaderElectionTest, CleanReleaseHandsOverAtTheStandbysNextRetry) {
  b_.paused = true;
  runFor(1s);
  ASSERT_TRUE(a_.elector.isLeader());
  b_.paused = false;
  runFor(3s);  // b has seen a's lease
  a_.paused = true;
  ASSERT_TRUE(a_.elector.release());
  EXPECT_EQ(server_.current()->record.holderIdentity, "");
  EXPECT_EQ(server_.current()->record.leaseDurationSeconds, 1);
  b_.nextTick = clock_.now();  // its next retry
  runFor(100ms);
  EXPECT_TRUE(b_.elector.isLeader()) << "a released lease must not be waited out";
}

TEST_F(LeaderElectionTest, RacingCandidatesConflictAndOnlyOneWins) {
  b_.paused = true;
  runFor(1s);
  ASSERT_TRUE(a_.elector.isLeader());
  ASSERT_TRUE(a_.elector.release());
  a_.paused = true;
  // Both see the free lease; a's write lands between b's read and b's write: b gets 409.
  b_.store.beforeUpdate = [&] { EXPECT_TRUE(a_.elector.tryAcquireOrRenew()); };
  EXPECT_FALSE(b_.elector.tryAcquireOrRenew());
  EXPECT_EQ(server_.current()->record.holderIdentity, "a");
}

TEST_F(LeaderElectionTest, NeverTwoLeadersUnderRandomPausesAndPartitions) {
  std::mt19937 rng(12345);
  int leaderlessSteps = 0;
  int steps = 0;
  for (int iteration = 0; iteration < 400; ++iteration) {
    // Each iteration changes one candidate's fate, then lets time run.
    Candidate& candidate = rng() % 2 ? a_ : b_;
    switch (rng() % 5) {
      case 0:
        candidate.paused = !candidate.paused;
        if (!candidate.paused) candidate.nextTick = clock_.now();
        break;
      case 1:
        candidate.store.partitioned = !candidate.store.partitioned;
        break;
      case 2:
        if (candidate.elector.isLeader()) candidate.elector.release();
        break;
      default:
        candidate.paused = false;
        candidate.store.partitioned = false;
        break;
    }
    runFor(std::chrono::milliseconds(rng() % 20000), std::chrono::milliseconds(50 + rng() % 450));
    if (HasFatalFailure()) return;
    ++steps;
    if (!a_.elector.isLeader() && !b_.elector.isLeader()) ++leaderlessSteps;
  }
  EXPECT_LT(leaderlessSteps, steps) << "somebody should lead at least some of the time";
}

TEST_F(LeaderElectionTest, RunCampaignsLeadsAndReleasesOnStop) {
  std::atomic<int> started{0}, stopped{0};
  LeaderElectionConfig config = configFor("runner");
  FakeLeaseStore store(server_);
  LeaderElector elector(store, config, {[&] { ++started; }, [&] { ++stopped; }, [](const std::string&) {}}, clock_,
                        metrics_);
  std::jthread thread([&](std::stop_token stop) { elector.run(stop); });
  ASSERT_TRUE(eventually([&] { return started == 1; }));
  // Renewals keep it leading while time passes.
  for (int i = 0; i < 30; ++i) {
    clock_.advance(1s);
    std::this_thread::sleep_for(2ms);
  }
  ASSERT_TRUE(eventually([&] { return elector.isLeader(); }));
  thread.request_stop();
  thread.join();
  EXPECT_EQ(stopped, 1);
  EXPECT_FALSE(elector.isLeader());
  EXPECT_EQ(server_.current()->record.holderIdentity, "") << "released on stop";
  EXPECT_EQ(metrics_.value("leader_election_master_status", {{"name", "flotilla-leader"}}), 0);
}

TEST_F(LeaderElectionTest, RunReturnsWhenLeadershipIsLost) {
  std::atomic<int> stopped{0};
  FakeLeaseStore store(server_);
  LeaderElector elector(store, configFor("runner"), {nullptr, [&] { ++stopped; }, nullptr}, clock_, metrics_);
  std::jthread thread([&](std::stop_token stop) { elector.run(stop); });
  ASSERT_TRUE(eventually([&] { return elector.isLeader(); }));
  store.partitioned = true;
  for (int i = 0; i < 200 && !elector.lostLeadership(); ++i) {
    clock_.advance(500ms);
    std::this_thread::sleep_for(2ms);
  }
  thread.join();  // run() returned by itself
  EXPECT_TRUE(elector.lostLeadership());
  EXPECT_EQ(stopped, 1);
}

TEST(LeaderElectionConfig, ValidatesTimings) {
  LeaderElectionConfig config = configFor("x");
  EXPECT_EQ(validate(config), std::nullopt);
  config.renewDeadline = 20s;
  EXPECT_NE(validate(config), std::nullopt);
  config = configFor("x");
  config.retryPeriod = 9s;
  EXPECT_NE(validate(config), std::nullopt);
  config = configFor("");
  EXPECT_NE(validate(config), std::nullopt);
}

TEST(LeaderElectionIdentity, IsUniquePerCall) {
  const std::string first = defaultLeaderIdentity();
  const std::string second = defaultLeaderIdentity();
  EXPECT_NE(first, second);
  EXPECT_NE(first.find('_'), std::string::npos);
}

}  // namespace
}  // namespace flotilla::runtime
