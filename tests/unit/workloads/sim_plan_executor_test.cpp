#include "apiserver/sim_plan_executor.h"

#include <gtest/gtest.h>

#include <deque>

namespace flotilla::apiserver::sim {
namespace {

// Records what it is asked to apply and answers from a script.
class ScriptedTarget : public PlanTarget {
 public:
  Applied apply(const Write& write) override {
    seen.push_back(write);
    Applied next = answers.empty() ? Applied{Outcome::Ok, ++version, ""} : answers.front();
    if (!answers.empty()) answers.pop_front();
    if (next.outcome == Outcome::Ok) stored = next.resourceVersion;
    return next;
  }
  std::uint64_t storedVersion(const Write&) override { return stored; }

  std::vector<Write> seen;
  std::deque<Applied> answers;
  std::uint64_t version = 10;
  std::uint64_t stored = 10;
};

json object(const std::string& name, const std::string& resourceVersion, json status = json::object()) {
  return json{{"metadata", {{"name", name}, {"namespace", "shop"}, {"resourceVersion", resourceVersion}}},
              {"status", std::move(status)}};
}

TEST(PlanExecutor, LaterWritesToTheSameObjectFollowEarlierOnes) {
  ScriptedTarget target;
  PlanExecutor executor(target);
  Plan plan;
  plan.writes.push_back(Write::update(kDeployments, object("web", "10"), "m"));
  plan.writes.push_back(Write::updateStatus(kDeployments, object("web", "10", {{"replicas", 1}}), "m"));
  plan.writes.push_back(Write::updateStatus(kDeployments, object("other", "10", {{"replicas", 1}}), "m"));
  EXPECT_TRUE(executor.execute(plan));
  ASSERT_EQ(target.seen.size(), 3u);
  EXPECT_EQ(target.seen[1].object["metadata"]["resourceVersion"], "11");  // after the plan's own update
  EXPECT_EQ(target.seen[2].object["metadata"]["resourceVersion"], "10");  // another object: untouched
}

TEST(PlanExecutor, AFailedWriteDropsTheRestForThatObjectOnly) {
  ScriptedTarget target;
  target.answers = {{PlanTarget::Outcome::Conflict, 0, "stale"}};
  PlanExecutor executor(target);
  Plan plan;
  plan.writes.push_back(Write::update(kDeployments, object("web", "10"), "m"));
  plan.writes.push_back(Write::updateStatus(kDeployments, object("web", "10"), "m"));
  plan.writes.push_back(Write::update(kDeployments, object("other", "10"), "m"));
  EXPECT_FALSE(executor.execute(plan));
  ASSERT_EQ(target.seen.size(), 2u);
  EXPECT_EQ(target.seen[1].name, "other");
}

TEST(PlanExecutor, DoesNotRepeatAWriteTheServerNormalised) {
  ScriptedTarget target;
  PlanExecutor executor(target);
  Plan plan;
  plan.writes.push_back(Write::updateStatus(kPods, object("p", "10", {{"phase", "Running"}}), "kubelet"));
  EXPECT_TRUE(executor.execute(plan));
  // The same desired status again, the object unchanged since our write: skipped.
  Plan again;
  again.writes.push_back(Write::updateStatus(kPods, object("p", "11", {{"phase", "Running"}}), "kubelet"));
  EXPECT_TRUE(executor.execute(again));
  EXPECT_EQ(target.seen.size(), 1u);
  // Someone else changed the object: the write goes out again.
  target.stored = 20;
  EXPECT_TRUE(executor.execute(again));
  EXPECT_EQ(target.seen.size(), 2u);
}

}  // namespace
}  // namespace flotilla::apiserver::sim
