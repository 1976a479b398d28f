// replicas_handover.h and ownership.h: reading managedFields and controller ownerReferences.
#include <gtest/gtest.h>

#include "controllers/ownership.h"
#include "controllers/replicas_handover.h"

namespace flotilla::controllers {
namespace {

using nlohmann::json;

json deploymentManagedBy(const std::string& manager, const std::string& operation, json fields,
                         const std::string& subresource = "") {
  json entry = {{"manager", manager}, {"operation", operation}, {"fieldsType", "FieldsV1"}, {"fieldsV1", fields}};
  if (!subresource.empty()) entry["subresource"] = subresource;
  return {{"metadata", {{"name", "web"}, {"namespace", "shop"}, {"managedFields", json::array({entry})}}},
          {"spec", {{"replicas", 4}}}};
}

TEST(ReplicasHandover, FindsAnApplyThatOwnsReplicas) {
  json owns = {{"f:spec", {{"f:replicas", json::object()}, {"f:template", json::object()}}}};
  EXPECT_TRUE(appliesReplicas(deploymentManagedBy("flotilla", "Apply", owns), "flotilla"));
  EXPECT_FALSE(appliesReplicas(deploymentManagedBy("flotilla", "Apply", owns), "someone"));
  EXPECT_FALSE(appliesReplicas(deploymentManagedBy("flotilla", "Update", owns), "flotilla"));
  EXPECT_FALSE(appliesReplicas(deploymentManagedBy("flotilla", "Apply", owns, "scale"), "flotilla"));
  json without = {{"f:spec", {{"f:template", json::object()}}}};
  EXPECT_FALSE(appliesReplicas(deploymentManagedBy("flotilla", "Apply", without), "flotilla"));
  EXPECT_FALSE(appliesReplicas(json{{"metadata", {{"name", "web"}}}}, "flotilla"));
}

TEST(ReplicasHandover, ConfigurationHoldsOnlyTheCurrentCount) {
  json handover = replicasHandover(deploymentManagedBy("flotilla", "Apply", json::object()));
  EXPECT_EQ(handover, (json{{"apiVersion", "apps/v1"},
                            {"kind", "Deployment"},
                            {"metadata", {{"name", "web"}, {"namespace", "shop"}}},
                            {"spec", {{"replicas", 4}}}}));
  json noReplicas = {{"metadata", {{"name", "web"}, {"namespace", "shop"}}}, {"spec", json::object()}};
  EXPECT_EQ(replicasHandover(noReplicas)["spec"]["replicas"], 1);
}

json ownedBy(const std::string& apiVersion, const std::string& kind, const std::string& uid, bool controller) {
  return {{"metadata",
           {{"ownerReferences", json::array({{{"apiVersion", apiVersion},
                                              {"kind", kind},
                                              {"name", "web"},
                                              {"uid", uid},
                                              {"controller", controller}}})}}}};
}

TEST(Ownership, OnlyTheControllingCrOfThatUidCounts) {
  EXPECT_TRUE(isControlledBy(ownedBy("flotilla.io/v1alpha1", "Microservice", "u1", true), "Microservice", "u1"));
  EXPECT_FALSE(isControlledBy(ownedBy("flotilla.io/v1alpha1", "Microservice", "u1", true), "Microservice", "u2"));
  EXPECT_FALSE(isControlledBy(ownedBy("flotilla.io/v1alpha1", "Microservice", "u1", false), "Microservice", "u1"));
  EXPECT_FALSE(isControlledBy(ownedBy("example.com/v1", "Microservice", "u1", true), "Microservice", "u1"));
  EXPECT_FALSE(isControlledBy(ownedBy("flotilla.io/v1alpha1", "Gateway", "u1", true), "Microservice", "u1"));
  EXPECT_FALSE(isControlledBy(json{{"metadata", json::object()}}, "Microservice", "u1"));
  EXPECT_EQ(describeController(json{{"metadata", json::object()}}), "no controller");
  EXPECT_EQ(describeController(ownedBy("apps/v1", "ReplicaSet", "u9", true)), "controlled by ReplicaSet web (uid u9)");
}

}  // namespace
}  // namespace flotilla::controllers
