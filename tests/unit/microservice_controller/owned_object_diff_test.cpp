// owned_object_diff.h: what makes a reconcile write or not. Fields the API server or other tools add never cause
// a write; a changed owned field or a changed intent always does.
#include <gtest/gtest.h>

#include "controllers/owned_object_diff.h"

namespace flotilla::controllers {
namespace {

using nlohmann::json;

json desiredDeployment() {
  return withAppliedHash(
      json{{"apiVersion", "apps/v1"},
           {"kind", "Deployment"},
           {"metadata", {{"name", "web"}, {"namespace", "shop"}, {"labels", {{"app.kubernetes.io/name", "web"}}}}},
           {"spec",
            {{"replicas", 2},
             {"template",
              {{"spec",
                {{"containers", json::array({{{"name", "web"},
                                              {"image", "web:1"},
                                              {"args", json::array({"--port", "8080"})},
                                              {"resources", {{"requests", {{"cpu", "100m"}, {"memory", "64Mi"}}}}},
                                              {"env", json::array({{{"name", "A"}, {"value", "1"}}})}}})}}}}}}}});
}

// What the API server hands back: defaults, status, server metadata, another tool's annotation.
json liveFrom(const json& desired) {
  json live = desired;
  live["metadata"]["uid"] = "u-1";
  live["metadata"]["resourceVersion"] = "42";
  live["metadata"]["annotations"]["other.tool/note"] = "kept";
  live["spec"]["progressDeadlineSeconds"] = 600;
  auto& container = live["spec"]["template"]["spec"]["containers"][0];
  container["imagePullPolicy"] = "IfNotPresent";
  container["terminationMessagePath"] = "/dev/termination-log";
  live["status"] = {{"replicas", 2}};
  return live;
}

TEST(OwnedObjectDiff, DefaultsStatusAndForeignFieldsDoNotCount) {
  json desired = desiredDeployment();
  EXPECT_EQ(firstDifference(desired, liveFrom(desired)), std::nullopt);
  EXPECT_TRUE(liveMatches(desired, liveFrom(desired)));
}

TEST(OwnedObjectDiff, HandEditedOwnedFieldIsNamed) {
  json desired = desiredDeployment();
  json live = liveFrom(desired);
  live["spec"]["template"]["spec"]["containers"][0]["image"] = "web:hacked";
  EXPECT_EQ(firstDifference(desired, live), "spec.template.spec.containers[name=web].image");
  live = liveFrom(desired);
  live["spec"]["replicas"] = 5;
  EXPECT_EQ(firstDifference(desired, live), "spec.replicas");
  live = liveFrom(desired);
  live["metadata"]["labels"].erase("app.kubernetes.io/name");
  EXPECT_EQ(firstDifference(desired, live), "metadata.labels.app.kubernetes.io/name");
}

TEST(OwnedObjectDiff, ChangedIntentShowsInTheHashEvenForRemovedFields) {
  json before = desiredDeployment();
  json intent = before;
  intent["metadata"]["annotations"].erase(kAnnotationAppliedHash);
  intent["spec"].erase("replicas");  // e.g. autoscaling switched on: a field left out
  json after = withAppliedHash(intent);
  EXPECT_NE(after["metadata"]["annotations"][kAnnotationAppliedHash],
            before["metadata"]["annotations"][kAnnotationAppliedHash]);
  // Without the hash, the live object (which still has replicas) would look as if it matched.
  EXPECT_EQ(firstDifference(after, liveFrom(before)), std::string("metadata.annotations.") + kAnnotationAppliedHash);
  // The same intent always gives the same hash.
  EXPECT_EQ(withAppliedHash(intent), after);
}

TEST(OwnedObjectDiff, KeyedListsToleratesForeignItemsButNotMissingOnes) {
  json desired = desiredDeployment();
  json live = liveFrom(desired);
  auto& containers = live["spec"]["template"]["spec"]["containers"];
  containers.insert(containers.begin(), json{{"name", "sidecar"}, {"image", "proxy:1"}});
  EXPECT_EQ(firstDifference(desired, live), std::nullopt);
  containers[0]["env"] = json::array();
  containers.erase(containers.begin() + 1);  // our container gone
  EXPECT_EQ(firstDifference(desired, live), "spec.template.spec.containers[name=web]");
  live = liveFrom(desired);
  live["spec"]["template"]["spec"]["containers"][0]["env"][0]["value"] = "2";
  EXPECT_EQ(firstDifference(desired, live), "spec.template.spec.containers[name=web].env[name=A].value");
}

TEST(OwnedObjectDiff, ScalarListsAndUnkeyedListsCompareWhole) {
  json desired = desiredDeployment();
  json live = liveFrom(desired);
  live["spec"]["template"]["spec"]["containers"][0]["args"] = json::array({"--port", "9090"});
  EXPECT_EQ(firstDifference(desired, live), "spec.template.spec.containers[name=web].args");
  json metrics = {{"spec", {{"metrics", json::array({{{"type", "Resource"}}})}}}};
  json more = metrics;
  more["spec"]["metrics"].push_back(json{{"type", "Pods"}});
  EXPECT_EQ(firstDifference(metrics, more), "spec.metrics");
  EXPECT_EQ(firstDifference(metrics, metrics), std::nullopt);
}

TEST(OwnedObjectDiff, QuantitiesAndNumbersCompareByValue) {
  json desired = desiredDeployment();
  json live = liveFrom(desired);
  live["spec"]["template"]["spec"]["containers"][0]["resources"]["requests"]["cpu"] = "0.1";
  EXPECT_EQ(firstDifference(desired, live), std::nullopt);
  live["spec"]["template"]["spec"]["containers"][0]["resources"]["requests"]["cpu"] = "200m";
  EXPECT_EQ(firstDifference(desired, live), "spec.template.spec.containers[name=web].resources.requests.cpu");
  // Outside resources, equal-looking strings are not quantities.
  EXPECT_EQ(firstDifference(json{{"a", "0.1"}}, json{{"a", "100m"}}), "a");
  EXPECT_EQ(firstDifference(json{{"a", 2}}, json{{"a", 2.0}}), std::nullopt);
  EXPECT_EQ(firstDifference(json{{"a", nullptr}}, json::object()), std::nullopt);
}

}  // namespace
}  // namespace flotilla::controllers
