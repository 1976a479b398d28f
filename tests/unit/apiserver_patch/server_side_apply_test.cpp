#include "apiserver/server_side_apply.h"

#include <gtest/gtest.h>

#include "apiserver/builtin_schemas.h"

namespace flotilla::apiserver {
namespace {

using nlohmann::json;

ApplyOptions deploymentOptions() {
  ApplyOptions options;
  options.schema = patchSchemaFor("apps", "v1", "Deployment");
  options.time = "2024-01-01T00:00:00Z";
  return options;
}

ApplyOptions configMapOptions() {
  ApplyOptions options;
  options.schema = patchSchemaFor("", "v1", "ConfigMap");
  options.time = "2024-01-01T00:00:00Z";
  return options;
}

json deployment(std::optional<int> replicas, const char* image = "nginx:1.27") {
  json object = json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment",
      "metadata":{"name":"web","namespace":"default","labels":{"app":"web"}},
      "spec":{"selector":{"matchLabels":{"app":"web"}},
              "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"nginx"}]}}}})");
  object["spec"]["template"]["spec"]["containers"][0]["image"] = image;
  if (replicas) object["spec"]["replicas"] = *replicas;
  return object;
}

json configMap(const char* data) {
  json object =
      json::parse(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"app-config","namespace":"default"}})");
  object["data"] = json::parse(data);
  return object;
}

json applyOk(const json* live, const json& applied, const std::string& manager, const ApplyOptions& options,
             bool force = false) {
  ApplyOutcome outcome = serverSideApply(live, applied, manager, force, options);
  EXPECT_TRUE(outcome.ok()) << outcome.error << outcome.conflictMessage();
  return outcome.object;
}

std::map<std::string, json> owners(const json& object) {
  std::map<std::string, json> out;
  for (const json& entry : object["metadata"]["managedFields"]) out[entry["manager"]] = entry["fieldsV1"];
  return out;
}

TEST(ServerSideApply, CreateStoresTheConfigurationAndOneApplyEntry) {
  ApplyOutcome outcome = serverSideApply(nullptr, deployment(2), "flotilla", false, deploymentOptions());
  ASSERT_TRUE(outcome.ok()) << outcome.error;
  EXPECT_TRUE(outcome.changed);
  json object = outcome.object;
  EXPECT_EQ(object["spec"]["replicas"], 2);
  EXPECT_EQ(object["spec"]["template"]["spec"]["containers"][0]["image"], "nginx:1.27");
  ASSERT_EQ(object["metadata"]["managedFields"].size(), 1u);
  const json& entry = object["metadata"]["managedFields"][0];
  EXPECT_EQ(entry["manager"], "flotilla");
  EXPECT_EQ(entry["operation"], "Apply");
  EXPECT_EQ(entry["apiVersion"], "apps/v1");
  EXPECT_EQ(entry["fieldsType"], "FieldsV1");
  EXPECT_EQ(entry["time"], "2024-01-01T00:00:00Z");
  EXPECT_TRUE(entry["fieldsV1"]["f:spec"].contains("f:replicas"));
  EXPECT_FALSE(entry["fieldsV1"]["f:metadata"].contains("f:name"));
}

TEST(ServerSideApply, SameManagerUpdatesWithoutConflictAndReapplyingIsANoOp) {
  json live = applyOk(nullptr, deployment(2), "flotilla", deploymentOptions());
  json updated = applyOk(&live, deployment(2, "nginx:1.28"), "flotilla", deploymentOptions());
  EXPECT_EQ(updated["spec"]["template"]["spec"]["containers"][0]["image"], "nginx:1.28");
  EXPECT_EQ(updated["metadata"]["managedFields"].size(), 1u);

  ApplyOptions later = deploymentOptions();
  later.time = "2030-01-01T00:00:00Z";
  ApplyOutcome again = serverSideApply(&updated, deployment(2, "nginx:1.28"), "flotilla", false, later);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again.changed);
  EXPECT_EQ(again.object, updated);
}

TEST(ServerSideApply, FieldDroppedFromTheConfigurationIsRemovedWhenNobodyElseOwnsIt) {
  json live = applyOk(nullptr, deployment(3), "flotilla", deploymentOptions());
  json withoutReplicas = deployment(std::nullopt);
  withoutReplicas["metadata"].erase("labels");
  json updated = applyOk(&live, withoutReplicas, "flotilla", deploymentOptions());
  EXPECT_FALSE(updated["spec"].contains("replicas"));
  EXPECT_FALSE(updated["metadata"].contains("labels"));
  EXPECT_EQ(updated["metadata"]["name"], "web");  // server-owned metadata is never pruned
  EXPECT_EQ(updated["spec"]["selector"], live["spec"]["selector"]);
}

TEST(ServerSideApply, DroppedFieldStaysWhenAnotherManagerTookItOver) {
  // The operator's hand-over to an HPA: the autoscaler writes replicas (an Update through /scale), then the
  // operator stops applying replicas; the count must not fall back to the default.
  json live = applyOk(nullptr, deployment(3), "flotilla", deploymentOptions());
  json scaled = live;
  scaled["spec"]["replicas"] = 5;
  recordUpdate(scaled, &live, "horizontal-pod-autoscaler", "scale", deploymentOptions());
  EXPECT_FALSE(owners(scaled)["flotilla"]["f:spec"].contains("f:replicas"));

  json updated = applyOk(&scaled, deployment(std::nullopt), "flotilla", deploymentOptions());
  EXPECT_EQ(updated["spec"]["replicas"], 5);
  EXPECT_TRUE(owners(updated)["horizontal-pod-autoscaler"]["f:spec"].contains("f:replicas"));
}

TEST(ServerSideApply, ManagersApplyingTheSameValueShareIt) {
  json live = applyOk(nullptr, configMap(R"({"key":"v","a":"1"})"), "first", configMapOptions());
  json shared = applyOk(&live, configMap(R"({"key":"v"})"), "second", configMapOptions());
  auto byManager = owners(shared);
  EXPECT_TRUE(byManager["first"]["f:data"].contains("f:key"));
  EXPECT_TRUE(byManager["second"]["f:data"].contains("f:key"));

  // The first manager lets go of the key; the second still owns it, so it stays.
  json released = applyOk(&shared, configMap(R"({"a":"1"})"), "first", configMapOptions());
  EXPECT_EQ(released["data"], json::parse(R"({"key":"v","a":"1"})"));
}

TEST(ServerSideApply, ConflictIsReportedWithManagerAndPath) {
  json live = applyOk(nullptr, deployment(2), "flotilla", deploymentOptions());
  ApplyOutcome outcome = serverSideApply(&live, deployment(4), "user", false, deploymentOptions());
  EXPECT_FALSE(outcome.ok());
  ASSERT_EQ(outcome.conflicts.size(), 1u);
  EXPECT_EQ(outcome.conflicts[0].manager, "flotilla");
  EXPECT_EQ(outcome.conflicts[0].field, ".spec.replicas");
  EXPECT_EQ(outcome.conflictMessage(), "Apply failed with 1 conflict: conflict with \"flotilla\": .spec.replicas");
}

TEST(ServerSideApply, ConflictWithAnUpdaterNamesItsApiVersion) {
  json live = configMap(R"({"key":"value"})");
  recordUpdate(live, nullptr, "kubectl-client-side-apply", "", configMapOptions());
  ApplyOutcome outcome = serverSideApply(&live, configMap(R"({"key":"value2"})"), "mgr", false, configMapOptions());
  ASSERT_EQ(outcome.conflicts.size(), 1u);
  EXPECT_EQ(outcome.conflictMessage(),
            "Apply failed with 1 conflict: conflict with \"kubectl-client-side-apply\" using v1: .data.key");
}

TEST(ServerSideApply, SeveralConflictsAreGroupedByManager) {
  json live = applyOk(nullptr, deployment(2), "flotilla", deploymentOptions());
  ApplyOutcome outcome = serverSideApply(&live, deployment(4, "nginx:2"), "user", false, deploymentOptions());
  ASSERT_EQ(outcome.conflicts.size(), 2u);
  EXPECT_EQ(outcome.conflictMessage(),
            "Apply failed with 2 conflicts: conflicts with \"flotilla\":\n"
            "- .spec.replicas\n"
            "- .spec.template.spec.containers[name=\"nginx\"].image");
}

TEST(ServerSideApply, ForceMovesOwnershipToTheApplier) {
  json live = applyOk(nullptr, deployment(2), "flotilla", deploymentOptions());
  json forced = applyOk(&live, deployment(4), "user", deploymentOptions(), /*force=*/true);
  EXPECT_EQ(forced["spec"]["replicas"], 4);
  auto byManager = owners(forced);
  EXPECT_TRUE(byManager["user"]["f:spec"].contains("f:replicas"));
  EXPECT_FALSE(byManager["flotilla"]["f:spec"].contains("f:replicas"));
  EXPECT_TRUE(byManager["flotilla"]["f:spec"].contains("f:template"));  // everything else stays flotilla's
}

TEST(ServerSideApply, RecordUpdateMovesOwnershipAwayFromAnApplier) {
  json live = applyOk(nullptr, configMap(R"({"key":"v","other":"o"})"), "flotilla", configMapOptions());
  json edited = live;
  edited["data"]["key"] = "hand-edited";
  recordUpdate(edited, &live, "kubectl-edit", "", configMapOptions());
  auto byManager = owners(edited);
  EXPECT_FALSE(byManager["flotilla"]["f:data"].contains("f:key"));
  EXPECT_TRUE(byManager["kubectl-edit"]["f:data"].contains("f:key"));
  // The applier re-applies its value: that now conflicts with the editor, and force restores it.
  EXPECT_FALSE(serverSideApply(&edited, configMap(R"({"key":"v","other":"o"})"), "flotilla", false, configMapOptions())
                   .conflicts.empty());
  json restored = applyOk(&edited, configMap(R"({"key":"v","other":"o"})"), "flotilla", configMapOptions(), true);
  EXPECT_EQ(restored["data"]["key"], "v");
  EXPECT_EQ(owners(restored).count("kubectl-edit"), 0u);
}

TEST(ServerSideApply, ListItemsAreOwnedPerKey) {
  json first = deployment(std::nullopt);
  json live = applyOk(nullptr, first, "a", deploymentOptions());
  json second = deployment(std::nullopt);
  second["spec"]["template"]["spec"]["containers"] = json::parse(R"([{"name":"sidecar","image":"s:1"}])");
  json both = applyOk(&live, second, "b", deploymentOptions());
  ASSERT_EQ(both["spec"]["template"]["spec"]["containers"].size(), 2u);
  EXPECT_EQ(both["spec"]["template"]["spec"]["containers"][0]["name"], "nginx");
  EXPECT_EQ(both["spec"]["template"]["spec"]["containers"][1]["name"], "sidecar");

  json bWithout = deployment(std::nullopt);
  bWithout["spec"]["template"]["spec"]["containers"] = json::array();
  json pruned = applyOk(&both, bWithout, "b", deploymentOptions());
  ASSERT_EQ(pruned["spec"]["template"]["spec"]["containers"].size(), 1u);
  EXPECT_EQ(pruned["spec"]["template"]["spec"]["containers"][0]["name"], "nginx");
}

TEST(ServerSideApply, SetItemsMergeKeepingTheirRelativeOrder) {
  json live = configMap(R"({})");
  live["metadata"]["finalizers"] = json::parse(R"(["a","b","c"])");
  json first = applyOk(nullptr, live, "first", configMapOptions());
  json applied = configMap(R"({})");
  applied["metadata"]["finalizers"] = json::parse(R"(["c","a","d"])");
  json merged = applyOk(&first, applied, "second", configMapOptions());
  // Live-only items stay in place relative to the shared ones; the configuration's order wins for the rest.
  EXPECT_EQ(merged["metadata"]["finalizers"], json::parse(R"(["b","c","a","d"])"));
  EXPECT_TRUE(owners(merged)["second"]["f:metadata"]["f:finalizers"].contains("v:\"d\""));
}

TEST(ServerSideApply, CustomResourceListsMergeByTheirDeclaredKeys) {
  auto schema = compileCustomResourcePatchSchema(json::parse(R"({"type":"object","properties":{
      "spec":{"type":"object","properties":{
        "ports":{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["name"],
                 "items":{"type":"object","properties":{"name":{"type":"string"},"port":{"type":"integer"}}}},
        "hosts":{"type":"array","items":{"type":"string"}}}}}})"));
  ApplyOptions options;
  options.schema = schema->root();
  options.time = "2024-01-01T00:00:00Z";
  auto microservice = [](const char* spec) {
    json object = json::parse(R"({"apiVersion":"flotilla.io/v1alpha1","kind":"Microservice","metadata":{"name":"m"}})");
    object["spec"] = json::parse(spec);
    return object;
  };
  json live = applyOk(nullptr, microservice(R"({"ports":[{"name":"http","port":80}],"hosts":["a"]})"), "one", options);
  json both = applyOk(&live, microservice(R"({"ports":[{"name":"grpc","port":90}]})"), "two", options);
  EXPECT_EQ(both["spec"]["ports"], json::parse(R"([{"name":"http","port":80},{"name":"grpc","port":90}])"));
  // An atomic list belongs to one manager as a whole: a different value conflicts.
  ApplyOutcome conflict = serverSideApply(&both, microservice(R"({"hosts":["b"]})"), "two", false, options);
  ASSERT_EQ(conflict.conflicts.size(), 1u);
  EXPECT_EQ(conflict.conflicts[0].field, ".spec.hosts");
}

TEST(ServerSideApply, StatusSubresourceOwnsOnlyStatus) {
  json live = applyOk(nullptr, deployment(1), "flotilla", deploymentOptions());
  ApplyOptions statusOptions = deploymentOptions();
  statusOptions.subresource = "status";
  json status = deployment(7);
  status["status"] = json::parse(R"({"readyReplicas":1})");
  json updated = applyOk(&live, status, "controller", statusOptions);
  EXPECT_EQ(updated["spec"]["replicas"], 1);  // spec ignored on /status
  EXPECT_EQ(updated["status"]["readyReplicas"], 1);
  for (const json& entry : updated["metadata"]["managedFields"]) {
    if (entry["manager"] != "controller") continue;
    EXPECT_EQ(entry["subresource"], "status");
    EXPECT_FALSE(entry["fieldsV1"].contains("f:spec"));
  }

  // And the main resource ignores status.
  json mainWrite = deployment(1);
  mainWrite["status"] = json::parse(R"({"readyReplicas":9})");
  json afterMain = applyOk(&updated, mainWrite, "flotilla", deploymentOptions());
  EXPECT_EQ(afterMain["status"]["readyReplicas"], 1);
}

TEST(ServerSideApply, NullServerMetadataInTheConfigurationIsIgnored) {
  json live = applyOk(nullptr, configMap(R"({"a":"1"})"), "m", configMapOptions());
  live["metadata"]["creationTimestamp"] = "2024-01-01T00:00:00Z";
  json applied = configMap(R"({"a":"2"})");
  applied["metadata"]["creationTimestamp"] = nullptr;  // as `kubectl create --dry-run=client -o yaml` writes it
  json updated = applyOk(&live, applied, "m", configMapOptions());
  EXPECT_EQ(updated["metadata"]["creationTimestamp"], "2024-01-01T00:00:00Z");
  EXPECT_EQ(updated["data"]["a"], "2");
}

TEST(ServerSideApply, RejectsManagedFieldsInTheConfiguration) {
  json applied = configMap(R"({"a":"1"})");
  applied["metadata"]["managedFields"] = json::array();
  ApplyOutcome outcome = serverSideApply(nullptr, applied, "m", false, configMapOptions());
  EXPECT_EQ(outcome.error, "metadata.managedFields must be nil");
  EXPECT_FALSE(serverSideApply(nullptr, json::array(), "m", false, configMapOptions()).ok());
}

TEST(ServerSideApply, ObjectWithoutManagedFieldsKeepsItsFieldsOnFirstApply) {
  json live = configMap(R"({"legacy":"x"})");
  json applied = applyOk(&live, configMap(R"({"new":"y"})"), "m", configMapOptions());
  EXPECT_EQ(applied["data"], json::parse(R"({"legacy":"x","new":"y"})"));
  EXPECT_EQ(owners(applied).count("before-first-apply"), 1u);
}

// kubectl apply (client-side) first, then `kubectl apply --server-side` (kubectl-wire.md §6).
class LastAppliedUpgrade : public ::testing::Test {
 protected:
  static constexpr const char* kAnnotation = "kubectl.kubernetes.io/last-applied-configuration";

  void SetUp() override {
    json manifest = configMap(R"({"key":"value"})");
    live_ = manifest;
    live_["metadata"]["annotations"][kAnnotation] = manifest.dump() + "\n";
    recordUpdate(live_, nullptr, "kubectl-client-side-apply", "", configMapOptions());
  }

  json live_;
};

TEST_F(LastAppliedUpgrade, ServerSideApplyOfTheSameManifestThenMetadataOnlyApply) {
  json manifest = configMap(R"({"key":"value"})");
  json afterSsa = applyOk(&live_, manifest, "kubectl", configMapOptions());
  EXPECT_EQ(afterSsa["data"], json::parse(R"({"key":"value"})"));
  // The server keeps the annotation in step with what kubectl applied.
  EXPECT_EQ(afterSsa["metadata"]["annotations"][kAnnotation], manifest.dump() + "\n");

  // kubectl's second PATCH: only apiVersion, kind and metadata with the annotation, as manager kubectl-last-applied.
  json annotationOnly = {{"apiVersion", "v1"},
                         {"kind", "ConfigMap"},
                         {"metadata",
                          {{"name", "app-config"},
                           {"namespace", "default"},
                           {"annotations", {{kAnnotation, afterSsa["metadata"]["annotations"][kAnnotation]}}}}}};
  ApplyOutcome outcome = serverSideApply(&afterSsa, annotationOnly, "kubectl-last-applied", false, configMapOptions());
  ASSERT_TRUE(outcome.ok()) << outcome.conflictMessage() << outcome.error;
  EXPECT_EQ(outcome.object["data"], json::parse(R"({"key":"value"})"));  // a metadata-only apply prunes nothing
  auto byManager = owners(outcome.object);
  EXPECT_EQ(
      byManager["kubectl-last-applied"],
      json::parse(R"({"f:metadata":{"f:annotations":{"f:kubectl.kubernetes.io/last-applied-configuration":{}}}})"));
  EXPECT_TRUE(byManager["kubectl"]["f:data"].contains("f:key"));
}

TEST_F(LastAppliedUpgrade, KubectlMayChangeFieldsStillAsLastAppliedButOthersConflict) {
  json changed = configMap(R"({"key":"value2"})");
  EXPECT_FALSE(serverSideApply(&live_, changed, "someone", false, configMapOptions()).conflicts.empty());

  json upgraded = applyOk(&live_, changed, "kubectl", configMapOptions());
  EXPECT_EQ(upgraded["data"]["key"], "value2");
  EXPECT_TRUE(owners(upgraded)["kubectl"]["f:data"].contains("f:key"));

  // Once the live value differs from the annotation (someone edited it), kubectl conflicts like anyone else.
  json edited = live_;
  edited["data"]["key"] = "edited";
  recordUpdate(edited, &live_, "kubectl-edit", "", configMapOptions());
  ApplyOutcome outcome = serverSideApply(&edited, changed, "kubectl", false, configMapOptions());
  ASSERT_EQ(outcome.conflicts.size(), 1u);
  EXPECT_EQ(outcome.conflicts[0].field, ".data.key");
}

}  // namespace
}  // namespace flotilla::apiserver
