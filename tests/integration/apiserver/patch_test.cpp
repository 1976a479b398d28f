// PATCH: merge, JSON and strategic merge patches on built-ins, server-side apply with ownership and conflicts,
// managedFields for every write.
#include "test_support.h"

namespace flotilla::apiserver::testing {
namespace {

class PatchTest : public ApiServerTest {
 protected:
  const std::string cm_ = "/api/v1/namespaces/default/configmaps/cm";
  const std::string deploy_ = "/apis/apps/v1/namespaces/default/deployments/web";

  HttpResult apply(const std::string& path, const json& config, const std::string& manager, bool force = false) {
    return client_.request("PATCH", path + "?fieldManager=" + manager + (force ? "&force=true" : ""), config.dump(),
                           {{"Content-Type", "application/apply-patch+yaml"}});
  }
};

TEST_F(PatchTest, MergeAndJsonPatches) {
  client_.post("/api/v1/namespaces/default/configmaps", configMap("cm", {{"a", "1"}, {"b", "2"}}));
  auto merged = client_.patch(cm_, {{"data", {{"a", nullptr}, {"c", "3"}}}}).json();
  EXPECT_EQ(merged["data"], (json{{"b", "2"}, {"c", "3"}}));
  auto patched = client_.patch(cm_, json::array({{{"op", "replace"}, {"path", "/data/b"}, {"value", "20"}}}),
                               "application/json-patch+json");
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(patched.json()["data"]["b"], "20");
  auto failed = client_.patch(cm_, json::array({{{"op", "test"}, {"path", "/data/b"}, {"value", "nope"}}}),
                              "application/json-patch+json");
  EXPECT_EQ(failed.status, 422);
  EXPECT_EQ(client_.patch("/api/v1/namespaces/default/configmaps/missing", {{"data", {{"a", "1"}}}}).status, 404);
}

TEST_F(PatchTest, StrategicMergePatchMergesContainersByName) {
  json object = deployment("web");
  object["spec"]["template"]["spec"]["containers"].push_back({{"name", "sidecar"}, {"image", "proxy:1"}});
  client_.post("/apis/apps/v1/namespaces/default/deployments", object);
  json patch = {{"spec",
                 {{"template",
                   {{"spec",
                     {{"$setElementOrder/containers", json::array({{{"name", "main"}}, {{"name", "sidecar"}}})},
                      {"containers", json::array({{{"name", "main"}, {"image", "nginx:1.28"}}})}}}}}}}};
  auto result = client_.patch(deploy_, patch, "application/strategic-merge-patch+json");
  ASSERT_EQ(result.status, 200) << result.body;
  json containers = result.json()["spec"]["template"]["spec"]["containers"];
  ASSERT_EQ(containers.size(), 2u);
  EXPECT_EQ(containers[0]["image"], "nginx:1.28");
  EXPECT_EQ(containers[1]["image"], "proxy:1");
  json remove = {
      {"spec",
       {{"template", {{"spec", {{"containers", json::array({{{"$patch", "delete"}, {"name", "sidecar"}}})}}}}}}}};
  auto removed = client_.patch(deploy_, remove, "application/strategic-merge-patch+json").json();
  EXPECT_EQ(removed["spec"]["template"]["spec"]["containers"].size(), 1u);
}

TEST_F(PatchTest, PatchWithStaleResourceVersionConflicts) {
  json created = client_.post("/api/v1/namespaces/default/configmaps", configMap("cm")).json();
  client_.patch(cm_, {{"data", {{"a", "1"}}}});
  auto stale = client_.patch(
      cm_, {{"metadata", {{"resourceVersion", created["metadata"]["resourceVersion"]}}}, {"data", {{"a", "2"}}}});
  EXPECT_EQ(stale.status, 409);
}

TEST_F(PatchTest, ServerSideApplyCreatesAndOwnsFields) {
  json config = {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", "cm"}}}, {"data", {{"a", "1"}}}};
  auto created = apply(cm_, config, "alice");
  ASSERT_EQ(created.status, 201) << created.body;
  json managed = created.json()["metadata"]["managedFields"];
  ASSERT_EQ(managed.size(), 1u);
  EXPECT_EQ(managed[0]["manager"], "alice");
  EXPECT_EQ(managed[0]["operation"], "Apply");
  auto again = apply(cm_, config, "alice");
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.json()["metadata"]["resourceVersion"], created.json()["metadata"]["resourceVersion"]);
}

TEST_F(PatchTest, ConflictingApplyIs409UntilForced) {
  json alice = {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", "cm"}}}, {"data", {{"key", "a"}}}};
  ASSERT_EQ(apply(cm_, alice, "alice").status, 201);
  json bob = alice;
  bob["data"]["key"] = "b";
  auto conflict = apply(cm_, bob, "bob");
  ASSERT_EQ(conflict.status, 409) << conflict.body;
  json status = conflict.json();
  EXPECT_EQ(status["reason"], "Conflict");
  EXPECT_EQ(status["message"], "Apply failed with 1 conflict: conflict with \"alice\": .data.key");
  EXPECT_EQ(status["details"]["causes"][0]["field"], ".data.key");
  auto forced = apply(cm_, bob, "bob", true);
  ASSERT_EQ(forced.status, 200) << forced.body;
  EXPECT_EQ(forced.json()["data"]["key"], "b");
}

TEST_F(PatchTest, FieldsAManagerStopsApplyingAreRemoved) {
  json first = {
      {"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", "cm"}}}, {"data", {{"a", "1"}, {"b", "2"}}}};
  apply(cm_, first, "alice");
  json second = first;
  second["data"].erase("b");
  auto result = apply(cm_, second, "alice").json();
  EXPECT_EQ(result["data"], (json{{"a", "1"}}));
}

TEST_F(PatchTest, ApplyWithoutFieldManagerIsInvalid) {
  auto result =
      client_.request("PATCH", cm_, configMap("cm").dump(), {{"Content-Type", "application/apply-patch+yaml"}});
  EXPECT_EQ(result.status, 422);
}

TEST_F(PatchTest, ApplyAcceptsYamlBodies) {
  std::string yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  a: \"1\"\n";
  auto result =
      client_.request("PATCH", cm_ + "?fieldManager=yaml", yaml, {{"Content-Type", "application/apply-patch+yaml"}});
  ASSERT_EQ(result.status, 201) << result.body;
  EXPECT_EQ(result.json()["data"]["a"], "1");
}

TEST_F(PatchTest, UpdatesAreRecordedInManagedFields) {
  client_.post("/api/v1/namespaces/default/configmaps?fieldManager=creator", configMap("cm", {{"a", "1"}}));
  auto patched = client_.patch(cm_ + "?fieldManager=editor", {{"data", {{"b", "2"}}}}).json();
  std::map<std::string, std::string> operations;
  for (const auto& entry : patched["metadata"]["managedFields"]) operations[entry["manager"]] = entry["operation"];
  EXPECT_EQ(operations["creator"], "Update");
  EXPECT_EQ(operations["editor"], "Update");
}

}  // namespace
}  // namespace flotilla::apiserver::testing
