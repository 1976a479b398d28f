// Zero no-op writes (issue 6): once everything converged, the operator sends no write request — not when nothing
// happens, not when it reconciles because of changes that do not concern it, not after a restart — Lease
// renewals excepted. Counted in the emulator's request log.
#include "operator_fixture.h"

namespace flotilla::controllers::testing {
namespace {

class NoOpWritesTest : public OperatorTest {
 protected:
  void createShop() {
    create(resources::kMicroservices,
           microservice("users", echoSpec({{"replicas", 2}, {"disruptionBudget", {{"minAvailable", 1}}}})));
    create(resources::kMicroservices,
           microservice(
               "orders",
               echoSpec({{"autoscaling", {{"minReplicas", 2}, {"maxReplicas", 5}, {"targetCPUUtilization", 70}}}})));
    setCpu("orders", 60);  // below target: the HPA keeps 2
    ASSERT_TRUE(eventually([&] { return settled("users") && settled("orders"); }))
        << status("users").dump(2) << status("orders").dump(2);
  }
};

TEST_F(NoOpWritesTest, QuietClusterGetsNoWrites) {
  startOperator();
  createShop();
  const auto since = waitForQuiet();
  std::this_thread::sleep_for(3s);
  EXPECT_TRUE(operatorWrites(since).empty()) << describe(operatorWrites(since));
  // The Lease was renewed meanwhile: the operator was alive and leading, not just idle.
  int renewals = 0;
  for (const auto& record : server_->requestLog().since(since)) renewals += record.resource == "leases" ? 1 : 0;
  EXPECT_GT(renewals, 0);
}

TEST_F(NoOpWritesTest, ReconcilesCausedByUnrelatedChangesWriteNothing) {
  startOperator();
  createShop();
  const auto since = waitForQuiet();
  // Each of these wakes the controller (owned objects and the Microservice are watched) without changing
  // anything it manages.
  mergePatch(resources::kDeployments, "users", {{"metadata", {{"annotations", {{"other.tool/owner", "team-a"}}}}}},
             "other-tool");
  mergePatch(resources::kServices, "users", {{"metadata", {{"labels", {{"team", "a"}}}}}}, "other-tool");
  mergePatch(resources::kMicroservices, "users", {{"metadata", {{"annotations", {{"note", "hello"}}}}}}, "other-tool");
  std::this_thread::sleep_for(3s);
  EXPECT_TRUE(operatorWrites(since).empty()) << describe(operatorWrites(since));
  EXPECT_EQ((*get(resources::kDeployments, "users"))["metadata"]["annotations"].value("other.tool/owner", ""),
            "team-a");
}

TEST_F(NoOpWritesTest, RestartedOperatorConvergesWithoutWrites) {
  startOperator();
  createShop();
  waitForQuiet();
  const json before = status("users");
  ASSERT_EQ(stopOperator(), 0) << "a graceful stop";

  const auto since = mark();
  startOperator();
  // Give the new operator every chance to write: its caches sync and it reconciles every Microservice.
  ASSERT_TRUE(eventually([&] {
    for (const auto& r : server_->requestLog().since(since)) {
      if (r.verb == "watch" && r.resource == "microservices" && r.userAgent.find("(operator)") != std::string::npos) {
        return true;
      }
    }
    return false;
  }));
  std::this_thread::sleep_for(3s);
  EXPECT_TRUE(operatorWrites(since).empty()) << describe(operatorWrites(since));
  EXPECT_EQ(status("users"), before) << "same status, same lastTransitionTimes";
  auto deployments = setup_->list(resources::kDeployments, "shop");
  ASSERT_TRUE(deployments.ok());
  EXPECT_EQ(deployments->items.size(), 2u) << "no duplicates";
}

}  // namespace
}  // namespace flotilla::controllers::testing
