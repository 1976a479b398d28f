// A Microservice's owned objects from creation to deletion: what is applied (field by field, owner references,
// field manager), the status the controller reports, its Events, the managed-objects metric, and the garbage
// collector's cascade when the Microservice goes.
#include "controllers/managed_objects_metric.h"
#include "operator_fixture.h"

namespace flotilla::controllers::testing {
namespace {

json ownerRef(const json& object) {
  const auto& refs = object["metadata"]["ownerReferences"];
  return refs.is_array() && refs.size() == 1 ? refs[0] : json();
}

bool managedBy(const json& object, const std::string& manager) {
  for (const auto& entry : object["metadata"].value("managedFields", json::array())) {
    if (entry.value("manager", "") == manager && entry.value("operation", "") == "Apply") return true;
  }
  return false;
}

class LifecycleTest : public OperatorTest {};

TEST_F(LifecycleTest, AppliesOwnedObjectsAndReportsStatus) {
  startOperator();
  create(resources::kMicroservices,
         microservice("users", echoSpec({{"replicas", 2}, {"disruptionBudget", {{"minAvailable", 1}}}})));
  ASSERT_TRUE(eventually([&] { return settled("users"); })) << status("users").dump(2);
  const json ms = *get(resources::kMicroservices, "users");
  const std::string uid = runtime::uidOf(ms);

  const json deployment = *get(resources::kDeployments, "users");
  const json service = *get(resources::kServices, "users");
  const json budget = *get(resources::kPodDisruptionBudgets, "users");
  for (const json* owned : {&deployment, &service, &budget}) {
    const json ref = ownerRef(*owned);
    EXPECT_EQ(ref.value("kind", ""), "Microservice") << owned->dump();
    EXPECT_EQ(ref.value("uid", ""), uid);
    EXPECT_EQ(ref.value("controller", false), true);
    EXPECT_EQ(ref.value("blockOwnerDeletion", false), true);
    EXPECT_EQ((*owned)["metadata"]["labels"].value("app.kubernetes.io/managed-by", ""), "flotilla");
    EXPECT_EQ((*owned)["metadata"]["labels"].value("app.kubernetes.io/name", ""), "users");
    EXPECT_TRUE(managedBy(*owned, "flotilla")) << (*owned)["metadata"].dump();
  }
  EXPECT_FALSE(exists(resources::kHorizontalPodAutoscalers, "users"));
  EXPECT_EQ(deployment["spec"]["replicas"], 2);
  const json& container = deployment["spec"]["template"]["spec"]["containers"][0];
  EXPECT_EQ(container["image"], "flotilla/echo:1");
  EXPECT_EQ(container["ports"][0]["containerPort"], 8080);
  EXPECT_EQ(container["readinessProbe"]["httpGet"]["path"], "/healthz");
  EXPECT_EQ(service["spec"]["ports"][0]["port"], 8080);
  EXPECT_EQ(service["spec"]["selector"]["flotilla.io/microservice"], "users");
  EXPECT_EQ(budget["spec"]["minAvailable"], 1);

  const json s = status("users");
  EXPECT_EQ(s["observedGeneration"], runtime::generationOf(ms));
  EXPECT_EQ(s["replicas"], 2);
  EXPECT_EQ(s["readyReplicas"], 2);
  EXPECT_EQ(s["updatedReplicas"], 2);
  EXPECT_EQ(s["endpoints"], 2);
  EXPECT_EQ(s["url"], "http://users.shop.svc.cluster.local:8080");
  EXPECT_EQ(s["selector"], "app.kubernetes.io/name=users,flotilla.io/microservice=users");
  EXPECT_FALSE(s.contains("desiredReplicas"));
  EXPECT_EQ(condition("users", "Available").value("status", ""), "True");
  EXPECT_EQ(condition("users", "Progressing").value("status", ""), "False");
  EXPECT_EQ(condition("users", "Progressing").value("reason", ""), "NewReplicaSetAvailable");
  EXPECT_EQ(condition("users", "Degraded").value("status", ""), "False");
  EXPECT_EQ(condition("users", "Ready").value("observedGeneration", 0), runtime::generationOf(ms));

  EXPECT_TRUE(eventually([&] { return events("users", "Created").size() >= 3; })) << "one per owned object";
}

TEST_F(LifecycleTest, CountsManagedObjectsInTheMetric) {
  startOperator();
  create(resources::kMicroservices,
         microservice("orders",
                      echoSpec({{"autoscaling", {{"minReplicas", 1}, {"maxReplicas", 3}, {"targetCPUUtilization", 70}}},
                                {"disruptionBudget", {{"maxUnavailable", 1}}}})));
  create(resources::kMicroservices, microservice("payments", echoSpec()));
  auto line = [&](const std::string& kind) { return std::string(kManagedObjectsMetric) + "{kind=\"" + kind + "\"} "; };
  auto value = [&](const std::string& kind) -> std::string {
    const std::string text = registry_.serialize();
    auto at = text.find(line(kind));
    if (at == std::string::npos) return "";
    auto end = text.find('\n', at);
    return text.substr(at + line(kind).size(), end - at - line(kind).size());
  };
  EXPECT_TRUE(eventually([&] { return value("Deployment") == "2"; })) << registry_.serialize();
  EXPECT_TRUE(eventually([&] { return value("Service") == "2"; }));
  EXPECT_TRUE(eventually([&] { return value("HorizontalPodAutoscaler") == "1"; }));
  EXPECT_TRUE(eventually([&] { return value("PodDisruptionBudget") == "1"; }));
  auto removed = setup_->remove(resources::kMicroservices, "shop", "payments");
  ASSERT_TRUE(removed.ok()) << removed.error().toString();
  EXPECT_TRUE(eventually([&] { return value("Deployment") == "1" && value("Service") == "1"; }))
      << registry_.serialize();
}

TEST_F(LifecycleTest, DeletingTheMicroserviceRemovesEverythingItOwns) {
  startOperator();
  create(resources::kMicroservices,
         microservice("orders",
                      echoSpec({{"autoscaling", {{"minReplicas", 2}, {"maxReplicas", 4}, {"targetCPUUtilization", 70}}},
                                {"disruptionBudget", {{"minAvailable", 1}}}})));
  // A new autoscaled Deployment starts at the API default of 1 replica until the HPA's first pass.
  ASSERT_TRUE(eventually([&] { return settled("orders") && status("orders").value("replicas", 0) == 2; }))
      << status("orders").dump(2);
  ASSERT_TRUE(exists(resources::kHorizontalPodAutoscalers, "orders"));
  auto pods = [&] {
    kube::ListOptions selector;
    selector.labelSelector = "app.kubernetes.io/name=orders";
    auto listed = setup_->list(resources::kPods, "shop", selector);
    return listed.ok() ? listed->items.size() : 999u;
  };
  EXPECT_EQ(pods(), 2u);

  auto removed = setup_->remove(resources::kMicroservices, "shop", "orders");
  ASSERT_TRUE(removed.ok()) << removed.error().toString();
  EXPECT_TRUE(eventually([&] {
    return !exists(resources::kDeployments, "orders") && !exists(resources::kServices, "orders") &&
           !exists(resources::kHorizontalPodAutoscalers, "orders") &&
           !exists(resources::kPodDisruptionBudgets, "orders");
  }));
  EXPECT_TRUE(eventually([&] { return pods() == 0u; })) << "the cascade reaches ReplicaSets and Pods too";
}

}  // namespace
}  // namespace flotilla::controllers::testing
