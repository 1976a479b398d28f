// Unknown fields are pruned and reported with the paths kubectl's strict field validation names.
#include <gtest/gtest.h>

#include "schema_test_support.h"

namespace flotilla::api::testing {
namespace {

using nlohmann::json;

TEST(SchemaPruning, RemovesAndReportsUnknownFields) {
  json object = example("Microservice", "user-service");
  const json known = object;
  object["spec"]["colour"] = "blue";
  object["spec"]["ports"][0]["colour"] = "red";
  object["spec"]["probes"]["readiness"]["httpGet"]["colour"] = "green";
  object["metadata"]["colour"] = "pink";
  object["status"] = {{"replicas", 2}, {"colour", "grey"}};
  object["colour"] = "black";

  std::vector<std::string> pruned = validatorFor("Microservice").prune(object);
  std::sort(pruned.begin(), pruned.end());
  EXPECT_EQ(pruned, (std::vector<std::string>{"colour", "metadata.colour", "spec.colour", "spec.ports[0].colour",
                                              "spec.probes.readiness.httpGet.colour", "status.colour"}));
  json expected = known;
  expected["status"] = {{"replicas", 2}};
  EXPECT_EQ(object, expected);
}

TEST(SchemaPruning, KeepsMapEntriesObjectMetaAndTypeInformation) {
  json object = example("Microservice", "user-service");
  object["metadata"]["annotations"] = {{"kubectl.kubernetes.io/last-applied-configuration", "{}"}};
  object["metadata"]["finalizers"] = {"flotilla.io/cleanup"};
  object["metadata"]["managedFields"] = json::array();
  object["spec"]["podTemplate"] = {{"labels", {{"anything.example.com/goes", "yes"}}}};
  object["spec"]["resources"]["limits"]["nvidia.com/gpu"] = 1;
  const json before = object;
  EXPECT_EQ(validatorFor("Microservice").prune(object), std::vector<std::string>{});
  EXPECT_EQ(object, before);
}

TEST(SchemaPruning, LeavesWronglyTypedValuesToValidation) {
  json object = example("Microservice", "user-service");
  object["spec"]["image"] = {{"name", "x"}};
  EXPECT_EQ(validatorFor("Microservice").prune(object), std::vector<std::string>{});
  EXPECT_EQ(
      validatorFor("Microservice").validate(object),
      (FieldErrors{{"spec.image", R"(Invalid value: "object": spec.image in body must be of type string: "object")"}}));
}

TEST(SchemaPruning, PreserveUnknownFieldsKeepsEverythingBelow) {
  const json schema = json::parse(R"({"type":"object","properties":{
      "spec":{"type":"object","properties":{
        "known":{"type":"string"},
        "free":{"type":"object","x-kubernetes-preserve-unknown-fields":true},
        "open":{"type":"object","x-kubernetes-preserve-unknown-fields":true,"properties":{
          "typed":{"type":"object","properties":{"a":{"type":"string"}}}}}}}}})");
  SchemaCompileResult compiled = SchemaValidator::compile(schema);
  ASSERT_TRUE(compiled.validator);
  json object = json::parse(R"({"spec":{"known":"k","free":{"x":{"y":1}},
      "open":{"extra":true,"typed":{"a":"1","b":"2"}}, "gone":1}})");
  std::vector<std::string> pruned = compiled.validator->prune(object);
  std::sort(pruned.begin(), pruned.end());
  EXPECT_EQ(pruned, (std::vector<std::string>{"spec.gone", "spec.open.typed.b"}));
  EXPECT_EQ(object,
            json::parse(R"({"spec":{"known":"k","free":{"x":{"y":1}},"open":{"extra":true,"typed":{"a":"1"}}}})"));
}

TEST(SchemaAdmit, PrunesDefaultsAndValidatesInTheApiServersOrder) {
  json object = json::parse(R"({"apiVersion":"flotilla.io/v1alpha1","kind":"BreakerPolicy",
      "metadata":{"name":"strict","namespace":"shop"},"spec":{"consecutiveFailures":0,"colour":"red"}})");
  SchemaAdmission admission = validatorFor("BreakerPolicy").admit(object);
  EXPECT_EQ(admission.unknownFields, std::vector<std::string>{"spec.colour"});
  EXPECT_EQ(admission.errors, (FieldErrors{{"spec.consecutiveFailures",
                                            "Invalid value: 0: spec.consecutiveFailures in body should be greater "
                                            "than or equal to 1"}}));
  EXPECT_FALSE(admission.ok());
  EXPECT_EQ(object["spec"]["openDuration"], "60s");
  EXPECT_FALSE(object["spec"].contains("colour"));
}

}  // namespace
}  // namespace flotilla::api::testing
