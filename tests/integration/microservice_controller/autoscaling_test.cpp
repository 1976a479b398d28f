// Replicas and the HPA never fight (issue 6): with autoscaling the HPA owns spec.replicas and Flotilla leaves the
// count alone; switching from fixed replicas to autoscaling or back never bounces the count (never a drop to 1):
// the new owner takes over the current count, then moves to its target. Removing autoscaling deletes the HPA,
// removing disruptionBudget the PDB. Every spec.replicas value is recorded in the emulator's store.
#include <algorithm>

#include "operator_fixture.h"

namespace flotilla::controllers::testing {
namespace {

class AutoscalingTest : public OperatorTest {
 protected:
  std::int64_t specReplicas(const std::string& name) {
    auto d = get(resources::kDeployments, name);
    return d ? (*d)["spec"].value("replicas", -1) : -1;
  }
};

TEST_F(AutoscalingTest, HandOverToTheHpaAndBackWithoutABounce) {
  ReplicaHistory history(server_->store(), "orders");
  startOperator();
  create(resources::kMicroservices, microservice("orders", echoSpec({{"replicas", 3}})));
  ASSERT_TRUE(eventually([&] { return settled("orders"); })) << status("orders").dump(2);
  ASSERT_EQ(history.values(), (std::vector<std::int64_t>{3}));

  // Fixed → autoscaling. At 70% of the target the HPA wants exactly the current 3.
  setCpu("orders", 70);
  mergePatch(resources::kMicroservices, "orders",
             {{"spec",
               {{"replicas", nullptr},
                {"autoscaling", {{"minReplicas", 2}, {"maxReplicas", 8}, {"targetCPUUtilization", 70}}}}}});
  ASSERT_TRUE(eventually([&] { return exists(resources::kHorizontalPodAutoscalers, "orders") && settled("orders"); }))
      << status("orders").dump(2);
  EXPECT_TRUE(eventually([&] { return status("orders").value("desiredReplicas", 0) == 3; })) << status("orders").dump();
  EXPECT_EQ(history.values(), (std::vector<std::int64_t>{3})) << "the count never moved: " << history.describe();

  // Load: the HPA scales up, and Flotilla does not undo it (nor write the Deployment at all).
  const auto loadStart = mark();
  setCpu("orders", 140);
  ASSERT_TRUE(eventually([&] { return specReplicas("orders") >= 6; })) << history.describe();
  setCpu("orders", 70);  // hold the count where it is
  ASSERT_TRUE(eventually([&] { return settled("orders"); })) << status("orders").dump(2);
  const std::int64_t scaled = specReplicas("orders");
  EXPECT_TRUE(eventually([&] { return status("orders").value("desiredReplicas", 0) == scaled; }));
  EXPECT_TRUE(eventually([&] { return !events("orders", "ScaledByHPA").empty(); }));
  waitForQuiet();
  for (const auto& write : operatorWrites(loadStart)) {
    EXPECT_NE(write.resource, "deployments") << describe({write});
  }
  EXPECT_EQ(specReplicas("orders"), scaled);

  // Autoscaling → fixed replicas: the HPA is deleted, Flotilla takes over the current count and moves to 4.
  const auto before = history.values().size();
  mergePatch(resources::kMicroservices, "orders", {{"spec", {{"autoscaling", nullptr}, {"replicas", 4}}}});
  ASSERT_TRUE(eventually([&] {
    return !exists(resources::kHorizontalPodAutoscalers, "orders") && specReplicas("orders") == 4 && settled("orders");
  })) << status("orders").dump(2);
  const auto values = history.values();
  const std::vector<std::int64_t> afterSwitch(values.begin() + static_cast<long>(before) - 1, values.end());
  EXPECT_EQ(afterSwitch, (std::vector<std::int64_t>{scaled, 4})) << "straight to the target: " << history.describe();
  EXPECT_FALSE(status("orders").contains("desiredReplicas")) << "no HPA figures without autoscaling";
  EXPECT_TRUE(eventually([&] { return !events("orders", "Deleted").empty(); }));
  EXPECT_GE(*std::min_element(values.begin(), values.end()), 3) << "never a drop: " << history.describe();
}

TEST_F(AutoscalingTest, NewAutoscaledServiceIsScaledToTheHpaMinimum) {
  ReplicaHistory history(server_->store(), "orders");
  startOperator();
  setCpu("orders", 50);
  create(resources::kMicroservices,
         microservice("orders", echoSpec({{"autoscaling",
                                           {{"minReplicas", 2}, {"maxReplicas", 5}, {"targetCPUUtilization", 70}}}})));
  ASSERT_TRUE(eventually([&] { return settled("orders") && status("orders").value("replicas", 0) == 2; }))
      << status("orders").dump(2) << history.describe();
  // Created at the API default of 1 (nobody owns the count yet), then scaled by the HPA's first pass.
  EXPECT_EQ(history.values(), (std::vector<std::int64_t>{1, 2}));
  const json hpa = *get(resources::kHorizontalPodAutoscalers, "orders");
  EXPECT_EQ(hpa["spec"]["scaleTargetRef"]["name"], "orders");
  EXPECT_EQ(hpa["spec"]["minReplicas"], 2);
  EXPECT_EQ(hpa["spec"]["maxReplicas"], 5);
  EXPECT_TRUE(eventually([&] { return status("orders").value("currentReplicas", 0) == 2; })) << status("orders").dump();
}

TEST_F(AutoscalingTest, RemovedBudgetIsDeleted) {
  startOperator();
  create(resources::kMicroservices,
         microservice("users", echoSpec({{"replicas", 2}, {"disruptionBudget", {{"minAvailable", 1}}}})));
  ASSERT_TRUE(eventually([&] { return exists(resources::kPodDisruptionBudgets, "users") && settled("users"); }));
  mergePatch(resources::kMicroservices, "users", {{"spec", {{"disruptionBudget", nullptr}}}});
  EXPECT_TRUE(eventually([&] { return !exists(resources::kPodDisruptionBudgets, "users"); }));
  EXPECT_TRUE(eventually([&] { return settled("users"); }));
  EXPECT_TRUE(exists(resources::kDeployments, "users"));
}

}  // namespace
}  // namespace flotilla::controllers::testing
