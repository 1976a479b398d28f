#include "apiserver/builtin_schemas.h"

#include <gtest/gtest.h>

#include <set>

namespace flotilla::apiserver {
namespace {

using nlohmann::json;

void collectRefs(const json& node, std::set<std::string>& refs) {
  if (node.is_object()) {
    if (auto ref = node.find("$ref"); ref != node.end()) refs.insert(ref->get<std::string>());
    for (const auto& item : node.items()) collectRefs(item.value(), refs);
  } else if (node.is_array()) {
    for (const json& item : node) collectRefs(item, refs);
  }
}

const PatchSchema* field(const PatchSchema* schema, std::initializer_list<const char*> path) {
  for (const char* name : path) {
    if (schema == nullptr) return nullptr;
    if (schema->kind == PatchSchema::Kind::List) schema = schema->elements.schema;
    const PatchField* f = schema->child(name);
    schema = f ? f->schema : nullptr;
  }
  return schema;
}

TEST(BuiltinSchemas, EveryReferenceResolves) {
  const json& all = allBuiltinOpenApiSchemas();
  std::set<std::string> refs;
  collectRefs(all, refs);
  ASSERT_FALSE(refs.empty());
  for (const std::string& ref : refs) {
    ASSERT_EQ(ref.rfind("#/components/schemas/", 0), 0u) << ref;
    EXPECT_TRUE(all.contains(ref.substr(std::string("#/components/schemas/").size()))) << "dangling " << ref;
  }
}

TEST(BuiltinSchemas, EveryKindHasAPatchSchemaAndGroupVersionKind) {
  ASSERT_GE(builtinKindSchemas().size(), 20u);
  for (const BuiltinKindSchema& kind : builtinKindSchemas()) {
    EXPECT_NE(patchSchemaFor(kind.group, kind.version, kind.kind), nullptr) << kind.kind;
    json components = openApiComponentSchemas(kind.group, kind.version);
    ASSERT_TRUE(components.contains(kind.schemaName)) << kind.schemaName;
    const json& gvk = components[kind.schemaName]["x-kubernetes-group-version-kind"];
    EXPECT_EQ(gvk, json::array({{{"group", kind.group}, {"version", kind.version}, {"kind", kind.kind}}}));
    EXPECT_TRUE(components[kind.schemaName]["properties"].contains("metadata"));
  }
  EXPECT_EQ(patchSchemaFor("apps", "v1", "Nope"), nullptr);
  EXPECT_EQ(patchSchemaFor("", "v2", "ConfigMap"), nullptr);
}

TEST(BuiltinSchemas, GroupVersionDocumentHoldsItsKindsAndWhatTheyReference) {
  json apps = openApiComponentSchemas("apps", "v1");
  EXPECT_TRUE(apps.contains("io.k8s.api.apps.v1.Deployment"));
  EXPECT_TRUE(apps.contains("io.k8s.api.apps.v1.ReplicaSet"));
  EXPECT_TRUE(apps.contains("io.k8s.api.core.v1.Container"));
  EXPECT_TRUE(apps.contains("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"));
  EXPECT_FALSE(apps.contains("io.k8s.api.rbac.v1.Role"));
  EXPECT_FALSE(apps.contains("io.k8s.api.core.v1.ConfigMap"));
  EXPECT_TRUE(openApiComponentSchemas("nope.example.com", "v1").empty());
}

TEST(BuiltinSchemas, ContainersCarryTheStrategicMergeExtensionsKubectlReads) {
  json apps = openApiComponentSchemas("apps", "v1");
  const json& containers = apps["io.k8s.api.core.v1.PodSpec"]["properties"]["containers"];
  EXPECT_EQ(containers["type"], "array");
  EXPECT_EQ(containers["x-kubernetes-patch-merge-key"], "name");
  EXPECT_EQ(containers["x-kubernetes-patch-strategy"], "merge");
  EXPECT_EQ(containers["x-kubernetes-list-type"], "map");
  EXPECT_EQ(containers["x-kubernetes-list-map-keys"], json::array({"name"}));
  EXPECT_EQ(containers["items"]["allOf"][0]["$ref"], "#/components/schemas/io.k8s.api.core.v1.Container");

  const json& ports = apps["io.k8s.api.core.v1.Container"]["properties"]["ports"];
  EXPECT_EQ(ports["x-kubernetes-patch-merge-key"], "containerPort");
  EXPECT_EQ(ports["x-kubernetes-list-map-keys"], json::array({"containerPort", "protocol"}));
  EXPECT_EQ(apps["io.k8s.api.core.v1.PodSpec"]["properties"]["volumes"]["x-kubernetes-patch-strategy"],
            "merge,retainKeys");
  EXPECT_EQ(apps["io.k8s.api.apps.v1.DeploymentSpec"]["properties"]["strategy"]["x-kubernetes-patch-strategy"],
            "retainKeys");
  EXPECT_EQ(apps["io.k8s.api.apps.v1.DeploymentSpec"]["required"], json::array({"selector", "template"}));
  EXPECT_FALSE(
      apps["io.k8s.api.apps.v1.DeploymentSpec"]["properties"]["replicas"]["description"].get<std::string>().empty());
}

TEST(BuiltinSchemas, PatchSchemaFollowsKubernetesListSemantics) {
  const PatchSchema* deployment = patchSchemaFor("apps", "v1", "Deployment");
  ASSERT_NE(deployment, nullptr);

  const PatchSchema* containers = field(deployment, {"spec", "template", "spec", "containers"});
  ASSERT_NE(containers, nullptr);
  EXPECT_EQ(containers->kind, PatchSchema::Kind::List);
  EXPECT_EQ(containers->listType, ListType::Map);
  EXPECT_EQ(containers->listMapKeys, std::vector<std::string>{"name"});

  const PatchSchema* podSpec = field(deployment, {"spec", "template", "spec"});
  const PatchField* containersField = podSpec->child("containers");
  EXPECT_TRUE(containersField->hasPatchStrategy("merge"));
  EXPECT_EQ(containersField->patchMergeKey, "name");
  EXPECT_TRUE(podSpec->child("volumes")->hasPatchStrategy("retainKeys"));
  EXPECT_EQ(field(deployment, {"spec", "template", "spec", "tolerations"})->listType, ListType::Atomic);
  EXPECT_TRUE(podSpec->child("tolerations")->patchStrategies.empty());

  EXPECT_EQ(field(deployment, {"spec", "template", "spec", "containers", "ports"})->listMapKeys,
            (std::vector<std::string>{"containerPort", "protocol"}));
  EXPECT_EQ(field(deployment, {"spec", "template", "spec", "containers", "volumeMounts"})->listMapKeys,
            std::vector<std::string>{"mountPath"});
  EXPECT_EQ(field(deployment, {"metadata", "finalizers"})->listType, ListType::Set);
  EXPECT_EQ(field(deployment, {"metadata", "ownerReferences"})->listMapKeys, std::vector<std::string>{"uid"});
  EXPECT_TRUE(field(deployment, {"spec", "selector"})->atomic);
  EXPECT_EQ(field(deployment, {"metadata", "labels"})->kind, PatchSchema::Kind::Map);
  EXPECT_EQ(field(deployment, {"status", "conditions"})->listMapKeys, std::vector<std::string>{"type"});
  EXPECT_EQ(field(deployment, {"spec", "replicas"})->kind, PatchSchema::Kind::Scalar);
  EXPECT_EQ(field(deployment, {"spec", "strategy", "rollingUpdate", "maxSurge"})->kind, PatchSchema::Kind::Scalar);
  EXPECT_TRUE(deployment->isNamedField("spec"));
  EXPECT_FALSE(field(deployment, {"metadata"})->isNamedField("nope"));

  const PatchSchema* hpa = patchSchemaFor("autoscaling", "v2", "HorizontalPodAutoscaler");
  EXPECT_EQ(field(hpa, {"spec", "metrics"})->listType, ListType::Atomic);
  EXPECT_EQ(field(patchSchemaFor("", "v1", "Service"), {"spec", "ports"})->listMapKeys,
            (std::vector<std::string>{"port", "protocol"}));
  EXPECT_TRUE(field(patchSchemaFor("", "v1", "Service"), {"spec", "selector"})->atomic);
  EXPECT_EQ(field(patchSchemaFor("discovery.k8s.io", "v1", "EndpointSlice"), {"endpoints"})->listType,
            ListType::Atomic);
  EXPECT_EQ(field(patchSchemaFor("", "v1", "ConfigMap"), {"data"})->kind, PatchSchema::Kind::Map);
}

TEST(CustomResourcePatchSchema, ReadsListTypesAndKeepsMetadataTyped) {
  json schema = json::parse(R"({"type":"object","properties":{
      "spec":{"type":"object","properties":{
        "ports":{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["name"],
                 "items":{"type":"object","properties":{"name":{"type":"string"},"port":{"type":"integer"}}}},
        "hosts":{"type":"array","x-kubernetes-list-type":"set","items":{"type":"string"}},
        "rules":{"type":"array","items":{"type":"object"}},
        "selector":{"type":"object","x-kubernetes-map-type":"atomic","additionalProperties":{"type":"string"}},
        "extra":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}},
      "metadata":{"type":"object"}}})");
  auto compiled = compileCustomResourcePatchSchema(schema);
  const PatchSchema* root = compiled->root();
  EXPECT_EQ(field(root, {"spec", "ports"})->listType, ListType::Map);
  EXPECT_EQ(field(root, {"spec", "ports"})->listMapKeys, std::vector<std::string>{"name"});
  EXPECT_EQ(field(root, {"spec", "hosts"})->listType, ListType::Set);
  EXPECT_EQ(field(root, {"spec", "rules"})->listType, ListType::Atomic);
  EXPECT_TRUE(field(root, {"spec", "selector"})->atomic);
  EXPECT_EQ(field(root, {"spec", "extra"})->kind, PatchSchema::Kind::Any);
  EXPECT_EQ(field(root, {"metadata", "finalizers"})->listType, ListType::Set);

  auto untyped = compileCustomResourcePatchSchema(nullptr);
  EXPECT_EQ(field(untyped->root(), {"metadata", "labels"})->kind, PatchSchema::Kind::Map);
  EXPECT_EQ(untyped->root()->child("spec"), nullptr);
}

TEST(CustomResourcePatchSchema, DanglingReferenceIsACompileError) {
  PatchSchemaCompilation result =
      compilePatchSchema(json::parse(R"({"$ref":"#/components/schemas/missing"})"), json::object());
  EXPECT_EQ(result.schema, nullptr);
  EXPECT_NE(result.error.find("missing"), std::string::npos);
}

}  // namespace
}  // namespace flotilla::apiserver
