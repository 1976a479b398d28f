#include "apiserver/field_set.h"

#include <gtest/gtest.h>

#include "apiserver/builtin_schemas.h"
#include "apiserver/managed_fields.h"
#include "apiserver/object_fields.h"

namespace flotilla::apiserver {
namespace {

using nlohmann::json;

const PatchSchema* deploymentSchema() {
  return patchSchemaFor("apps", "v1", "Deployment");
}

TEST(FieldSet, AppliedDeploymentGivesKubernetesFieldsV1) {
  json applied = json::parse(R"({
    "apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {"name": "web", "namespace": "default", "labels": {"app": "web"}},
    "spec": {
      "replicas": 2,
      "selector": {"matchLabels": {"app": "web"}},
      "template": {
        "metadata": {"labels": {"app": "web"}},
        "spec": {"containers": [{"name": "nginx", "image": "nginx:1.27",
                                 "ports": [{"containerPort": 80, "protocol": "TCP"}],
                                 "env": [{"name": "MODE", "value": "x"}]}]}}}})");
  FieldSet fields = ownableFields(fieldSetOf(applied, deploymentSchema()), "", {});
  json expected = json::parse(R"({
    "f:metadata": {"f:labels": {"f:app": {}}},
    "f:spec": {
      "f:replicas": {},
      "f:selector": {},
      "f:template": {
        "f:metadata": {"f:labels": {"f:app": {}}},
        "f:spec": {"f:containers": {"k:{\"name\":\"nginx\"}": {
          ".": {}, "f:name": {}, "f:image": {},
          "f:env": {"k:{\"name\":\"MODE\"}": {".": {}, "f:name": {}, "f:value": {}}},
          "f:ports": {"k:{\"containerPort\":80,\"protocol\":\"TCP\"}": {".": {}, "f:containerPort": {}, "f:protocol": {}}}
        }}}}}})");
  EXPECT_EQ(fields.toFieldsV1(), expected);
}

TEST(FieldSet, SetListsUseValuesAndUnknownFieldsAreLeaves) {
  json object = json::parse(R"({"metadata":{"finalizers":["a","b"]},"spec":{"anything":{"x":[1,2]}}})");
  FieldSet fields = fieldSetOf(object, untypedObjectPatchSchema());
  EXPECT_TRUE(fields.has({"f:metadata", "f:finalizers", "v:\"a\""}));
  EXPECT_TRUE(fields.has({"f:metadata", "f:finalizers", "v:\"b\""}));
  // Unknown content: maps are walked (their keys are members), lists are atomic.
  EXPECT_TRUE(fields.has({"f:spec", "f:anything", "f:x"}));
  EXPECT_FALSE(fields.has({"f:metadata"}));  // a struct field is not a member through its children
}

TEST(FieldSet, FieldsV1RoundTripsAndRejectsBadElements) {
  json fieldsV1 = json::parse(R"({"f:data":{".":{},"f:a":{}},"f:metadata":{"f:finalizers":{"v:\"x\"":{}}}})");
  auto parsed = FieldSet::fromFieldsV1(fieldsV1);
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(parsed->has({"f:data"}));
  EXPECT_TRUE(parsed->has({"f:data", "f:a"}));
  EXPECT_FALSE(parsed->has({"f:metadata"}));
  EXPECT_EQ(parsed->toFieldsV1(), fieldsV1);

  std::string error;
  EXPECT_FALSE(FieldSet::fromFieldsV1(json::parse(R"({"spec":{}})"), &error));
  EXPECT_NE(error.find("spec"), std::string::npos);
  EXPECT_FALSE(FieldSet::fromFieldsV1(json::array()));
}

TEST(FieldSet, FormatsPathsLikeKubectl) {
  EXPECT_EQ(formatFieldPath({"f:spec", "f:replicas"}), ".spec.replicas");
  EXPECT_EQ(formatFieldPath({"f:data", "f:key"}), ".data.key");
  EXPECT_EQ(
      formatFieldPath({"f:spec", "f:template", "f:spec", "f:containers", keyElement({{"name", "app"}}), "f:image"}),
      ".spec.template.spec.containers[name=\"app\"].image");
  EXPECT_EQ(formatFieldPath({"f:ports", keyElement({{"containerPort", 80}, {"protocol", "TCP"}})}),
            ".ports[containerPort=80,protocol=\"TCP\"]");
  EXPECT_EQ(formatFieldPath({"f:metadata", "f:finalizers", valueElement("x")}), ".metadata.finalizers[=\"x\"]");
}

TEST(FieldSet, SetOperations) {
  FieldSet a;
  a.insert({"f:a"});
  a.insert({"f:b", "f:c"});
  a.insert({"f:b", "f:d"});
  FieldSet b;
  b.insert({"f:b", "f:c"});
  b.insert({"f:e"});

  FieldSet both = a.intersection(b);
  EXPECT_EQ(both.members(), (std::vector<FieldPath>{{"f:b", "f:c"}}));
  FieldSet onlyA = a.difference(b);
  EXPECT_EQ(onlyA.members(), (std::vector<FieldPath>{{"f:a"}, {"f:b", "f:d"}}));
  EXPECT_EQ(a.unionWith(b).members().size(), 4u);

  FieldSet roots;
  roots.insert({"f:b"});
  EXPECT_EQ(a.withoutSubtrees(roots).members(), (std::vector<FieldPath>{{"f:a"}}));
  EXPECT_TRUE(a.difference(a).empty());
}

TEST(ObjectFields, CompareReportsAddedModifiedRemoved) {
  json before = json::parse(R"({"data":{"a":"1","b":"2"},"metadata":{"labels":{"x":"1"}}})");
  json after = json::parse(R"({"data":{"a":"1","b":"3","c":"4"},"metadata":{}})");
  FieldChanges changes = compareObjects(before, after, patchSchemaFor("", "v1", "ConfigMap"));
  EXPECT_EQ(changes.added.members(), (std::vector<FieldPath>{{"f:data", "f:c"}}));
  EXPECT_EQ(changes.modified.members(), (std::vector<FieldPath>{{"f:data", "f:b"}}));
  EXPECT_EQ(changes.removed.members(),
            (std::vector<FieldPath>{{"f:metadata", "f:labels"}, {"f:metadata", "f:labels", "f:x"}}));
}

TEST(ObjectFields, CompareMatchesListItemsByKey) {
  json before = json::parse(
      R"({"spec":{"template":{"spec":{"containers":[{"name":"a","image":"1"},{"name":"b","image":"1"}]}}}})");
  json after = json::parse(
      R"({"spec":{"template":{"spec":{"containers":[{"name":"b","image":"2"},{"name":"a","image":"1"}]}}}})");
  FieldChanges changes = compareObjects(before, after, deploymentSchema());
  EXPECT_TRUE(changes.added.empty());
  EXPECT_TRUE(changes.removed.empty());
  EXPECT_EQ(
      changes.modified.members(),
      (std::vector<FieldPath>{{"f:spec", "f:template", "f:spec", "f:containers", "k:{\"name\":\"b\"}", "f:image"}}));
}

TEST(ObjectFields, RemoveFieldsDropsMembersAndEmptiedContainers) {
  json object = json::parse(R"({"metadata":{"labels":{"a":"1"}},"spec":{"replicas":3,
      "template":{"spec":{"containers":[{"name":"a","image":"1"},{"name":"b","image":"2"}]}}}})");
  FieldSet remove;
  remove.insert({"f:metadata", "f:labels", "f:a"});
  remove.insert({"f:spec", "f:replicas"});
  remove.insert({"f:spec", "f:template", "f:spec", "f:containers", "k:{\"name\":\"a\"}"});
  removeFields(object, remove, deploymentSchema());
  EXPECT_EQ(object, json::parse(R"({"spec":{"template":{"spec":{"containers":[{"name":"b","image":"2"}]}}}})"));
}

}  // namespace
}  // namespace flotilla::apiserver
