#include "apiserver/strategic_merge_patch.h"

#include <gtest/gtest.h>

#include "apiserver/builtin_schemas.h"

namespace flotilla::apiserver {
namespace {

using nlohmann::json;

const PatchSchema* deploymentSchema() {
  return patchSchemaFor("apps", "v1", "Deployment");
}

json deployment() {
  return json::parse(R"({
    "apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {"name": "web", "labels": {"app": "web", "tier": "front"}, "finalizers": ["a", "b"]},
    "spec": {
      "replicas": 2,
      "selector": {"matchLabels": {"app": "web"}},
      "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}},
      "template": {
        "metadata": {"labels": {"app": "web"}},
        "spec": {
          "tolerations": [{"key": "x", "operator": "Exists"}],
          "containers": [
            {"name": "app", "image": "app:1", "args": ["--a"],
             "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}],
             "ports": [{"containerPort": 80, "name": "http"}, {"containerPort": 443, "name": "https"}]},
            {"name": "sidecar", "image": "sidecar:1"}
          ]
        }
      }
    }
  })");
}

json patched(const json& original, const char* patch, const PatchSchema* schema = deploymentSchema()) {
  PatchResult result = applyStrategicMergePatch(original, json::parse(patch), schema);
  EXPECT_TRUE(result.ok()) << result.error;
  return result.object;
}

const json& containers(const json& object) {
  return object["spec"]["template"]["spec"]["containers"];
}

std::vector<std::string> names(const json& list) {
  std::vector<std::string> out;
  for (const json& item : list) out.push_back(item["name"]);
  return out;
}

TEST(StrategicMergePatch, MergesContainersByName) {
  json result = patched(deployment(),
                        R"({"spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"sidecar:2"}]}}}})");
  ASSERT_EQ(names(containers(result)), (std::vector<std::string>{"app", "sidecar"}));
  EXPECT_EQ(containers(result)[1]["image"], "sidecar:2");
  EXPECT_EQ(containers(result)[0], containers(deployment())[0]);  // untouched
}

TEST(StrategicMergePatch, NewItemsWithoutAnOrderDirectiveComeFirst) {
  // Kubernetes' ordering puts patch items that the live list does not know ahead of the live-only items;
  // kubectl's client-side apply always sends $setElementOrder to say where they go.
  json result =
      patched(deployment(), R"({"spec":{"template":{"spec":{"containers":[{"name":"new","image":"n:1"}]}}}})");
  EXPECT_EQ(names(containers(result)), (std::vector<std::string>{"new", "app", "sidecar"}));
}

TEST(StrategicMergePatch, DeleteDirectiveRemovesAContainer) {
  json result =
      patched(deployment(), R"({"spec":{"template":{"spec":{"containers":[{"$patch":"delete","name":"app"}]}}}})");
  EXPECT_EQ(names(containers(result)), (std::vector<std::string>{"sidecar"}));
}

TEST(StrategicMergePatch, SetElementOrderReordersTheMergedList) {
  json result = patched(deployment(), R"({"spec":{"template":{"spec":{
      "$setElementOrder/containers":[{"name":"sidecar"},{"name":"new"},{"name":"app"}],
      "containers":[{"name":"new","image":"n:1"}]}}}})");
  EXPECT_EQ(names(containers(result)), (std::vector<std::string>{"sidecar", "new", "app"}));
  EXPECT_EQ(containers(result)[1]["image"], "n:1");
  EXPECT_FALSE(result["spec"]["template"]["spec"].contains("$setElementOrder/containers"));
}

TEST(StrategicMergePatch, KubectlClientSideApplyPatchUpdatesTheImage) {
  // The shape kubectl sends for a Deployment whose image changed (kubectl-wire.md §5).
  json result = patched(deployment(), R"({"spec":{"template":{"spec":{
      "$setElementOrder/containers":[{"name":"app"},{"name":"sidecar"}],
      "containers":[{"image":"app:2","name":"app"}]}}}})");
  EXPECT_EQ(containers(result)[0]["image"], "app:2");
  EXPECT_EQ(containers(result)[0]["env"], containers(deployment())[0]["env"]);
  EXPECT_EQ(names(containers(result)), (std::vector<std::string>{"app", "sidecar"}));
}

// The patch kubectl 1.32 computed (from the emulator's OpenAPI) when a manifest changed its strategy type, a volume's
// source, an env var and an image, and dropped a container: captured on the wire, annotation left out.
TEST(StrategicMergePatch, AppliesKubectlsThreeWayPatch) {
  json live = json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment",
    "metadata":{"name":"web","namespace":"default","labels":{"app":"web"}},
    "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},
      "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1}},
      "template":{"metadata":{"labels":{"app":"web"}},"spec":{
        "volumes":[{"name":"cfg","configMap":{"name":"c"}}],
        "containers":[
          {"name":"nginx","image":"nginx:1.27","ports":[{"containerPort":80}],
           "env":[{"name":"A","value":"1"},{"name":"B","valueFrom":{"fieldRef":{"fieldPath":"metadata.name"}}}],
           "resources":{"limits":{"cpu":"100m"}},"volumeMounts":[{"name":"cfg","mountPath":"/etc/c"}],
           "readinessProbe":{"httpGet":{"path":"/","port":80}}},
          {"name":"side","image":"busybox"}]}}}})");
  json result =
      patched(live, R"({"spec": {"strategy": {"$retainKeys": ["type"], "rollingUpdate": null, "type": "Recreate"},
    "template": {"spec": {"$setElementOrder/containers": [{"name": "nginx"}], "$setElementOrder/volumes": [{"name": "cfg"}],
      "containers": [{"$setElementOrder/env": [{"name": "A"}, {"name": "C"}],
                      "env": [{"name": "C", "value": "3"}, {"$patch": "delete", "name": "B"}],
                      "image": "nginx:1.28", "name": "nginx"},
                     {"$patch": "delete", "name": "side"}],
      "volumes": [{"$retainKeys": ["name", "secret"], "configMap": null, "name": "cfg",
                   "secret": {"secretName": "s"}}]}}}})");
  json expected = live;
  expected["spec"]["strategy"] = json::parse(R"({"type":"Recreate"})");
  json& spec = expected["spec"]["template"]["spec"];
  spec["volumes"] = json::parse(R"([{"name":"cfg","secret":{"secretName":"s"}}])");
  spec["containers"].erase(1);
  spec["containers"][0]["image"] = "nginx:1.28";
  spec["containers"][0]["env"] = json::parse(R"([{"name":"A","value":"1"},{"name":"C","value":"3"}])");
  EXPECT_EQ(result, expected);
}

TEST(StrategicMergePatch, RetainKeysRejectsPatchKeysItDoesNotList) {
  PatchResult result = applyStrategicMergePatch(
      deployment(), json::parse(R"({"spec":{"strategy":{"$retainKeys":["type"],"rollingUpdate":{"maxSurge":2}}}})"),
      deploymentSchema());
  EXPECT_FALSE(result.ok());
}

TEST(StrategicMergePatch, DirectivesNeverReachTheStoredObject) {
  json original = json::parse(R"({"spec":{"template":{"spec":{"containers":[{"name":"app"}]}}}})");
  json result = patched(original, R"({"spec":{"template":{"spec":{"volumes":[
      {"$retainKeys":["name","emptyDir"],"name":"v","emptyDir":{}}],
      "containers":[{"name":"new","$setElementOrder/env":[{"name":"A"}],"env":[{"name":"A","value":"1"}]}]}}}})");
  EXPECT_EQ(result["spec"]["template"]["spec"]["volumes"], json::parse(R"([{"name":"v","emptyDir":{}}])"));
  EXPECT_EQ(result["spec"]["template"]["spec"]["containers"][0],
            json::parse(R"({"name":"new","env":[{"name":"A","value":"1"}]})"));
}

TEST(StrategicMergePatch, OrderMismatchWithSetElementOrderIsRejected) {
  PatchResult result = applyStrategicMergePatch(deployment(), json::parse(R"({"spec":{"template":{"spec":{
      "$setElementOrder/containers":[{"name":"app"},{"name":"sidecar"}],
      "containers":[{"name":"sidecar","image":"s"},{"name":"app","image":"a"}]}}}})"),
                                                deploymentSchema());
  EXPECT_FALSE(result.ok());
}

TEST(StrategicMergePatch, MergesEnvByName) {
  json result = patched(deployment(), R"({"spec":{"template":{"spec":{"containers":[{"name":"app",
      "env":[{"name":"B","value":"3"},{"name":"C","value":"4"}]}]}}}})");
  EXPECT_EQ(containers(result)[0]["env"], json::parse(R"([{"name":"A","value":"1"},{"name":"B","value":"3"},
                                                          {"name":"C","value":"4"}])"));
}

TEST(StrategicMergePatch, MergesPortsByContainerPort) {
  json result = patched(deployment(), R"({"spec":{"template":{"spec":{"containers":[{"name":"app",
      "ports":[{"containerPort":80,"protocol":"TCP"}]}]}}}})");
  EXPECT_EQ(containers(result)[0]["ports"], json::parse(R"([{"containerPort":80,"name":"http","protocol":"TCP"},
                                                            {"containerPort":443,"name":"https"}])"));
}

TEST(StrategicMergePatch, NullDeletesAMapKey) {
  json result = patched(deployment(), R"({"metadata":{"labels":{"tier":null}},"spec":{"replicas":null}})");
  EXPECT_EQ(result["metadata"]["labels"], json::parse(R"({"app":"web"})"));
  EXPECT_FALSE(result["spec"].contains("replicas"));
}

TEST(StrategicMergePatch, ReplaceDirectiveOnAMapReplacesIt) {
  json result = patched(deployment(), R"({"metadata":{"labels":{"$patch":"replace","only":"this"}}})");
  EXPECT_EQ(result["metadata"]["labels"], json::parse(R"({"only":"this"})"));
}

TEST(StrategicMergePatch, DeleteDirectiveOnAMapEmptiesIt) {
  json result = patched(deployment(), R"({"spec":{"strategy":{"$patch":"delete"}}})");
  EXPECT_EQ(result["spec"]["strategy"], json::object());
}

TEST(StrategicMergePatch, ReplaceDirectiveInAListReplacesTheList) {
  json result = patched(deployment(), R"({"spec":{"template":{"spec":{"containers":[
      {"$patch":"replace"},{"name":"only","image":"o:1"}]}}}})");
  EXPECT_EQ(containers(result), json::parse(R"([{"name":"only","image":"o:1"}])"));
}

TEST(StrategicMergePatch, PrimitiveListsWithMergeStrategyMergeAsSets) {
  json result = patched(deployment(), R"({"metadata":{"finalizers":["b","c"]}})");
  EXPECT_EQ(result["metadata"]["finalizers"], json::parse(R"(["a","b","c"])"));
  result = patched(deployment(), R"({"metadata":{"$deleteFromPrimitiveList/finalizers":["a"]}})");
  EXPECT_EQ(result["metadata"]["finalizers"], json::parse(R"(["b"])"));
}

TEST(StrategicMergePatch, ListsWithoutMergeStrategyAreReplaced) {
  json result = patched(deployment(), R"({"spec":{"template":{"spec":{
      "tolerations":[{"key":"y","operator":"Exists"}],
      "containers":[{"name":"app","args":["--b"]}]}}}})");
  EXPECT_EQ(result["spec"]["template"]["spec"]["tolerations"], json::parse(R"([{"key":"y","operator":"Exists"}])"));
  EXPECT_EQ(containers(result)[0]["args"], json::parse(R"(["--b"])"));
}

TEST(StrategicMergePatch, RetainKeysClearsTheOtherMembersOfAUnion) {
  json result = patched(deployment(), R"({"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"}}})");
  EXPECT_EQ(result["spec"]["strategy"], json::parse(R"({"type":"Recreate"})"));
}

TEST(StrategicMergePatch, MergeDirectiveInAListIsRejected) {
  PatchResult result = applyStrategicMergePatch(
      deployment(), json::parse(R"({"spec":{"template":{"spec":{"containers":[{"$patch":"merge"}]}}}})"),
      deploymentSchema());
  EXPECT_FALSE(result.ok());
}

TEST(StrategicMergePatch, ListItemWithoutMergeKeyIsRejected) {
  PatchResult result = applyStrategicMergePatch(
      deployment(), json::parse(R"({"spec":{"template":{"spec":{"containers":[{"image":"x"}]}}}})"),
      deploymentSchema());
  EXPECT_FALSE(result.ok());
  EXPECT_NE(result.error.find("merge key"), std::string::npos) << result.error;
}

TEST(StrategicMergePatch, ServicePortsMergeByPort) {
  json service = json::parse(R"({"apiVersion":"v1","kind":"Service","metadata":{"name":"s"},
      "spec":{"selector":{"app":"a","old":"x"},"ports":[{"port":80,"targetPort":8080},{"port":9090,"name":"metrics"}]}})");
  json result = patched(service, R"({"spec":{"selector":{"app":"b"},"ports":[{"port":80,"targetPort":8081}]}})",
                        patchSchemaFor("", "v1", "Service"));
  EXPECT_EQ(result["spec"]["ports"], json::parse(R"([{"port":80,"targetPort":8081},{"port":9090,"name":"metrics"}])"));
  // The selector is an atomic map in Kubernetes' schema, but strategic merge patch still merges maps key by key.
  EXPECT_EQ(result["spec"]["selector"], json::parse(R"({"app":"b","old":"x"})"));
}

TEST(StrategicMergePatch, ConfigMapDataMerges) {
  json configMap = json::parse(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},
                                   "data":{"key":"value","other":"x"}})");
  json result = patched(configMap, R"({"data":{"key":"value2"},"metadata":{"annotations":{"note":"n"}}})",
                        patchSchemaFor("", "v1", "ConfigMap"));
  EXPECT_EQ(result["data"], json::parse(R"({"key":"value2","other":"x"})"));
  EXPECT_EQ(result["metadata"]["annotations"]["note"], "n");
}

TEST(StrategicMergePatch, WithoutSchemaListsAreReplaced) {
  json result = patched(deployment(), R"({"spec":{"template":{"spec":{"containers":[{"name":"x"}]}}}})", nullptr);
  EXPECT_EQ(containers(result), json::parse(R"([{"name":"x"}])"));
}

TEST(StrategicMergePatch, RejectsNonObjectPatches) {
  EXPECT_FALSE(applyStrategicMergePatch(deployment(), json::array(), deploymentSchema()).ok());
}

}  // namespace
}  // namespace flotilla::apiserver
