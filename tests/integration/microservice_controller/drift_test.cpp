// Objects changed or claimed by others: a hand edit of a field Flotilla owns is restored while another tool's
// fields stay; an existing Deployment that is not Flotilla's is never taken over (OwnershipConflict); an invalid
// spec changes nothing that was applied (InvalidSpec). Each with its status condition and Event.
#include "operator_fixture.h"

namespace flotilla::controllers::testing {
namespace {

class DriftTest : public OperatorTest {};

TEST_F(DriftTest, HandEditIsRestoredAndForeignFieldsAreKept) {
  startOperator();
  create(resources::kMicroservices, microservice("users", echoSpec({{"replicas", 2}})));
  ASSERT_TRUE(eventually([&] { return settled("users"); }));

  // `kubectl edit deployment users`: a new image, plus an annotation of another tool's.
  json edited = *get(resources::kDeployments, "users");
  edited["spec"]["template"]["spec"]["containers"][0]["image"] = "flotilla/echo:hacked";
  edited["metadata"]["annotations"]["other.tool/checked"] = "yes";
  kube::WriteOptions asKubectl;
  asKubectl.fieldManager = "kubectl-edit";
  auto updated = setup_->update(resources::kDeployments, edited, asKubectl);
  ASSERT_TRUE(updated.ok()) << updated.error().toString();

  EXPECT_TRUE(eventually([&] {
    auto d = get(resources::kDeployments, "users");
    return d && (*d)["spec"]["template"]["spec"]["containers"][0]["image"] == "flotilla/echo:1";
  }));
  const json restored = *get(resources::kDeployments, "users");
  EXPECT_EQ(restored["metadata"]["annotations"].value("other.tool/checked", ""), "yes");
  EXPECT_TRUE(eventually([&] {
    for (const auto& event : events("users", "Updated")) {
      if (event.value("message", "").find("restored spec.template.spec.containers[name=users].image") !=
          std::string::npos) {
        return true;
      }
    }
    return false;
  }));
  // And then it stays quiet: the foreign annotation is not a reason to write.
  const auto since = waitForQuiet();
  std::this_thread::sleep_for(2s);
  EXPECT_TRUE(operatorWrites(since).empty()) << describe(operatorWrites(since));
}

TEST_F(DriftTest, ForeignDeploymentIsNeverTakenOver) {
  json foreign = {{"apiVersion", "apps/v1"},
                  {"kind", "Deployment"},
                  {"metadata", {{"name", "legacy"}, {"namespace", "shop"}}},
                  {"spec",
                   {{"replicas", 1},
                    {"selector", {{"matchLabels", {{"app", "legacy"}}}}},
                    {"template",
                     {{"metadata", {{"labels", {{"app", "legacy"}}}}},
                      {"spec", {{"containers", json::array({{{"name", "main"}, {"image", "legacy:7"}}})}}}}}}}};
  create(resources::kDeployments, foreign);
  startOperator();
  create(resources::kMicroservices, microservice("legacy", echoSpec({{"replicas", 2}})));

  ASSERT_TRUE(eventually([&] { return condition("legacy", "Ready").value("reason", "") == "OwnershipConflict"; }))
      << status("legacy").dump(2);
  EXPECT_EQ(condition("legacy", "Ready").value("status", ""), "False");
  EXPECT_EQ(condition("legacy", "Degraded").value("status", ""), "True");
  EXPECT_NE(condition("legacy", "Ready").value("message", "").find("Deployment legacy already exists"),
            std::string::npos);
  EXPECT_TRUE(eventually([&] { return !events("legacy", "OwnershipConflict").empty(); }));
  const json untouched = *get(resources::kDeployments, "legacy");
  EXPECT_EQ(untouched["spec"]["template"]["spec"]["containers"][0]["image"], "legacy:7");
  EXPECT_FALSE(untouched["metadata"].contains("ownerReferences"));
  EXPECT_EQ(untouched["spec"]["replicas"], 1);
  EXPECT_FALSE(exists(resources::kServices, "legacy")) << "nothing is applied while the conflict lasts";

  // The user removes their Deployment: the Microservice takes its place.
  auto removed = setup_->remove(resources::kDeployments, "shop", "legacy");
  ASSERT_TRUE(removed.ok()) << removed.error().toString();
  EXPECT_TRUE(eventually([&] { return settled("legacy"); })) << status("legacy").dump(2);
  EXPECT_EQ((*get(resources::kDeployments, "legacy"))["spec"]["template"]["spec"]["containers"][0]["image"],
            "flotilla/echo:1");
}

TEST_F(DriftTest, InvalidSpecLeavesAppliedObjectsAlone) {
  startOperator();
  create(resources::kMicroservices, microservice("users", echoSpec({{"replicas", 2}})));
  ASSERT_TRUE(eventually([&] { return settled("users"); }));
  const json before = *get(resources::kDeployments, "users");

  // Passes the CRD schema, fails Flotilla's own validation: a rollout that could never progress.
  mergePatch(resources::kMicroservices, "users",
             {{"spec", {{"image", "flotilla/echo:2"}, {"strategy", {{"maxSurge", 0}, {"maxUnavailable", 0}}}}}});
  ASSERT_TRUE(eventually([&] { return condition("users", "Ready").value("reason", "") == "InvalidSpec"; }))
      << status("users").dump(2);
  const json ready = condition("users", "Ready");
  EXPECT_EQ(ready["status"], "False");
  EXPECT_NE(ready.value("message", "").find("spec.strategy.maxUnavailable"), std::string::npos) << ready.dump();
  EXPECT_EQ(condition("users", "Degraded").value("reason", ""), "InvalidSpec");
  EXPECT_EQ(status("users")["observedGeneration"], 2);
  EXPECT_TRUE(eventually([&] { return events("users", "InvalidSpec").size() == 1; }));
  const json after = *get(resources::kDeployments, "users");
  EXPECT_EQ(after["metadata"]["generation"], before["metadata"]["generation"]) << "the spec was not touched";
  EXPECT_EQ(after["spec"]["template"], before["spec"]["template"]);

  // Fixed: applied at last.
  mergePatch(resources::kMicroservices, "users", {{"spec", {{"strategy", {{"maxSurge", 1}}}}}});
  EXPECT_TRUE(eventually([&] { return settled("users"); })) << status("users").dump(2);
  EXPECT_EQ((*get(resources::kDeployments, "users"))["spec"]["template"]["spec"]["containers"][0]["image"],
            "flotilla/echo:2");
  EXPECT_EQ(condition("users", "Degraded").value("status", ""), "False");
}

}  // namespace
}  // namespace flotilla::controllers::testing
