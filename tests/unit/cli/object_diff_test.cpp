// The comparison behind `flotilla render --diff` (cli/object_diff.h): what counts as a change, what is shown, and
// the unified diff format.
#include "cli/object_diff.h"

#include <gtest/gtest.h>

#include "controllers/owned_object_diff.h"

namespace flotilla::cli {
namespace {

nlohmann::json deployment(const std::string& image) {
  auto object = nlohmann::json::parse(R"({
    "apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {"name": "web", "namespace": "shop", "labels": {"app": "web"}},
    "spec": {"replicas": 2, "template": {"spec": {"containers": [
      {"name": "web", "image": "", "resources": {"requests": {"cpu": "0.1"}}}]}}}})");
  object["spec"]["template"]["spec"]["containers"][0]["image"] = image;
  return object;
}

// The live copy as the API server returns it after the operator applied `desired`: the applied-hash annotation,
// server-populated metadata, status and defaulted fields.
nlohmann::json liveOf(const nlohmann::json& desired) {
  nlohmann::json live = controllers::withAppliedHash(desired);
  live["metadata"]["uid"] = "1234";
  live["metadata"]["resourceVersion"] = "77";
  live["metadata"]["generation"] = 3;
  live["metadata"]["creationTimestamp"] = "2026-01-01T00:00:00Z";
  live["metadata"]["managedFields"] = nlohmann::json::array({{{"manager", "flotilla"}}});
  live["metadata"]["annotations"]["deployment.kubernetes.io/revision"] = "3";
  live["spec"]["progressDeadlineSeconds"] = 600;  // a server default
  live["spec"]["template"]["spec"]["containers"][0]["terminationMessagePath"] = "/dev/termination-log";
  live["spec"]["template"]["spec"]["containers"][0]["resources"]["requests"]["cpu"] = "100m";  // canonical form
  live["status"] = {{"replicas", 2}, {"readyReplicas", 2}};
  return live;
}

TEST(CompareObject, ConvergedObjectIsNoChangeDespiteServerFields) {
  const auto desired = deployment("flotilla/echo:1");
  EXPECT_FALSE(compareObject(desired, liveOf(desired)).has_value());
}

TEST(CompareObject, ChangedImageShowsOnlyTheImageAndHashLines) {
  const auto live = liveOf(deployment("flotilla/echo:1"));
  const auto change = compareObject(deployment("flotilla/echo:2"), live);
  ASSERT_TRUE(change.has_value());
  EXPECT_EQ(change->kind, ChangeKind::Update);
  EXPECT_EQ(change->object, "apps/v1 Deployment shop/web");
  EXPECT_NE(change->diff.find("-      - image: flotilla/echo:1\n"), std::string::npos) << change->diff;
  EXPECT_NE(change->diff.find("+      - image: flotilla/echo:2\n"), std::string::npos) << change->diff;
  EXPECT_NE(change->diff.find("flotilla.io/applied-hash"), std::string::npos) << change->diff;
  EXPECT_EQ(change->diff.find("cpu: \"100m\""), std::string::npos) << "the same quantity is no change:\n"
                                                                   << change->diff;
  // Server-populated fields never appear, not even as context.
  for (const char* hidden : {"resourceVersion", "managedFields", "uid:", "status", "progressDeadlineSeconds",
                             "terminationMessagePath", "deployment.kubernetes.io/revision", "generation"}) {
    EXPECT_EQ(change->diff.find(hidden), std::string::npos) << hidden << " in\n" << change->diff;
  }
}

TEST(CompareObject, HandEditedFieldIsAChangeEvenWithTheSameHash) {
  const auto desired = deployment("flotilla/echo:1");
  auto live = liveOf(desired);
  live["spec"]["replicas"] = 5;  // someone scaled by hand; the operator restores 2
  const auto change = compareObject(desired, live);
  ASSERT_TRUE(change.has_value());
  EXPECT_NE(change->diff.find("-  replicas: 5\n+  replicas: 2\n"), std::string::npos) << change->diff;
}

TEST(CompareObject, MissingObjectIsACreation) {
  const auto change = compareObject(deployment("flotilla/echo:1"), nullptr);
  ASSERT_TRUE(change.has_value());
  EXPECT_EQ(change->kind, ChangeKind::Create);
  EXPECT_NE(change->diff.find("--- /dev/null"), std::string::npos);
  EXPECT_NE(change->diff.find("+kind: Deployment"), std::string::npos) << change->diff;
}

TEST(Deletion, ShowsTheLiveObjectWithoutServerFields) {
  const auto change = deletion(liveOf(deployment("flotilla/echo:1")));
  EXPECT_EQ(change.kind, ChangeKind::Delete);
  EXPECT_NE(change.diff.find("+++ /dev/null"), std::string::npos);
  EXPECT_NE(change.diff.find("-kind: Deployment"), std::string::npos);
  EXPECT_EQ(change.diff.find("resourceVersion"), std::string::npos) << change.diff;
}

TEST(ProjectOnto, KeepsOnlyDesiredShapeAndMatchesNamedListsByName) {
  const nlohmann::json desired = {{"a", 1}, {"list", {{{"name", "x"}, {"v", 1}}, {{"name", "y"}, {"v", 2}}}}};
  const nlohmann::json live = {
      {"a", 2}, {"extra", true}, {"list", {{{"name", "z"}, {"v", 9}}, {{"name", "y"}, {"v", 2}, {"default", 0}}}}};
  EXPECT_EQ(projectOnto(desired, live), (nlohmann::json{{"a", 2}, {"list", {{{"name", "y"}, {"v", 2}}}}}));
}

TEST(UnifiedDiff, EqualTextsGiveNothing) {
  EXPECT_EQ(unifiedDiff("a", "b", "x\ny\n", "x\ny\n"), "");
}

TEST(UnifiedDiff, HunksHaveContextAndDiffUHeaders) {
  std::string a, b;
  for (int i = 1; i <= 20; ++i) {
    a += "line" + std::to_string(i) + "\n";
    b += (i == 10 ? std::string("changed10") : "line" + std::to_string(i)) + "\n";
  }
  b += "line21\n";
  EXPECT_EQ(unifiedDiff("old", "new", a, b),
            "--- old\n+++ new\n"
            "@@ -7,7 +7,7 @@\n line7\n line8\n line9\n-line10\n+changed10\n line11\n line12\n line13\n"
            "@@ -18,3 +18,4 @@\n line18\n line19\n line20\n+line21\n");
}

TEST(UnifiedDiff, NearbyChangesShareOneHunk) {
  EXPECT_EQ(unifiedDiff("a", "b", "1\n2\n3\n4\n5\n", "1\nX\n3\nY\n5\n", 1),
            "--- a\n+++ b\n@@ -1,5 +1,5 @@\n 1\n-2\n+X\n 3\n-4\n+Y\n 5\n");
}

}  // namespace
}  // namespace flotilla::cli
