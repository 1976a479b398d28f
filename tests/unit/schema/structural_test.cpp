// Non-structural schemas are refused with the reasons apiextensions.k8s.io/v1 gives; Kubernetes extensions work.
#include <gtest/gtest.h>

#include "api/schema_structural.h"
#include "api/schema_validator.h"
#include "api/schema_valijson.h"
#include "schema_test_support.h"

namespace flotilla::api {
namespace {

using nlohmann::json;

// A root object schema whose spec is `spec`.
json withSpec(const char* spec) {
  return json{{"type", "object"}, {"properties", {{"spec", json::parse(spec)}}}};
}

struct StructuralCase {
  const char* name;
  json schema;
  FieldError expected;
};

TEST(StructuralSchema, RefusesWhatKubernetesRefuses) {
  const StructuralCase cases[] = {
      {"untyped field",
       withSpec(R"({"type":"object","properties":{"a":{"description":"no type"}}})"),
       {"openAPIV3Schema.properties[spec].properties[a].type",
        "Required value: must not be empty for specified fields"}},
      {"properties beside additionalProperties",
       withSpec(R"({"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":{"type":"string"}})"),
       {"openAPIV3Schema.properties[spec].additionalProperties",
        "Forbidden: additionalProperties and properties are mutual exclusive"}},
      {"additionalProperties false",
       withSpec(R"({"type":"object","additionalProperties":false})"),
       {"openAPIV3Schema.properties[spec].additionalProperties",
        "Forbidden: additionalProperties cannot be set to false"}},
      {"uniqueItems",
       withSpec(R"({"type":"array","uniqueItems":true,"items":{"type":"string"}})"),
       {"openAPIV3Schema.properties[spec].uniqueItems",
        "Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic"}},
      {"$ref",
       withSpec(R"({"type":"object","$ref":"#/definitions/x"})"),
       {"openAPIV3Schema.properties[spec].$ref", "Forbidden: $ref is not allowed"}},
      {"array without items",
       withSpec(R"({"type":"array"})"),
       {"openAPIV3Schema.properties[spec].items", "Required value: must be specified"}},
      {"unknown type",
       withSpec(R"({"type":"float"})"),
       {"openAPIV3Schema.properties[spec].type",
        R"(Unsupported value: "float": supported values: "array", "boolean", "integer", "number", "object", "string")"}},
      {"typed int-or-string",
       withSpec(R"({"type":"string","x-kubernetes-int-or-string":true})"),
       {"openAPIV3Schema.properties[spec].type",
        R"(Invalid value: "string": must be empty if x-kubernetes-int-or-string is true)"}},
      {"map list without keys",
       withSpec(R"({"type":"array","x-kubernetes-list-type":"map","items":{"type":"object"}})"),
       {"openAPIV3Schema.properties[spec].x-kubernetes-list-map-keys",
        "Required value: must not be empty if x-kubernetes-list-type is map"}},
      {"optional map key",
       withSpec(R"({"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["name"],
                    "items":{"type":"object","properties":{"name":{"type":"string"}}}})"),
       {"openAPIV3Schema.properties[spec].x-kubernetes-list-map-keys",
        R"(Invalid value: "name": must be required or have a default)"}},
      {"set of objects",
       withSpec(R"({"type":"array","x-kubernetes-list-type":"set","items":{"type":"object"}})"),
       {"openAPIV3Schema.properties[spec].items.type",
        R"(Invalid value: "object": must be a scalar type if x-kubernetes-list-type is set)"}},
      {"metadata beyond name",
       json::parse(R"({"type":"object","properties":{"metadata":{"type":"object","properties":{
                       "labels":{"type":"object"}}}}})"),
       {"openAPIV3Schema.properties[metadata].properties[labels]",
        "Forbidden: only name and generateName may be specified under metadata"}},
      {"types under anyOf",
       withSpec(R"({"type":"string","anyOf":[{"type":"string"}]})"),
       {"openAPIV3Schema.properties[spec].anyOf[0].type",
        "Forbidden: must not be used inside allOf, anyOf, oneOf or not"}},
      {"rule reason",
       withSpec(R"({"type":"object","x-kubernetes-validations":[{"rule":"true","reason":"Because"}]})"),
       {"openAPIV3Schema.properties[spec].x-kubernetes-validations[0].reason",
        R"(Unsupported value: "Because": supported values: "FieldValueDuplicate", "FieldValueForbidden", "FieldValueInvalid", "FieldValueRequired")"}},
      {"broken pattern",
       withSpec(R"({"type":"string","pattern":"(unclosed"})"),
       {"openAPIV3Schema.properties[spec].pattern",
        R"(Invalid value: "(unclosed": must be a valid regular expression)"}},
      {"root not an object",
       json::parse(R"({"type":"string"})"),
       {"openAPIV3Schema.type", R"(Unsupported value: "string": supported values: "object")"}},
  };
  for (const StructuralCase& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(checkStructural(c.schema), FieldErrors{c.expected});
    SchemaCompileResult compiled = SchemaValidator::compile(c.schema);
    EXPECT_FALSE(compiled.validator);
    EXPECT_EQ(compiled.errors, FieldErrors{c.expected});
  }
}

TEST(StructuralSchema, ErrorPathsStartWhereTheCallerSays) {
  FieldErrors errors = checkStructural(withSpec(R"({"type":"array"})"), "spec.versions[0].schema.openAPIV3Schema");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].path, "spec.versions[0].schema.openAPIV3Schema.properties[spec].items");
}

TEST(StructuralSchema, DefaultsMustValidateAndBePruned) {
  SchemaCompileResult badValue = SchemaValidator::compile(
      withSpec(R"({"type":"object","properties":{"n":{"type":"integer","minimum":1,"default":0}}})"));
  EXPECT_FALSE(badValue.validator);
  EXPECT_EQ(badValue.errors,
            (FieldErrors{{"openAPIV3Schema.properties[spec].properties[n].default",
                          "Invalid value: 0: openAPIV3Schema.properties[spec].properties[n].default in body should be "
                          "greater than or equal to 1"}}));

  SchemaCompileResult unknownField = SchemaValidator::compile(
      withSpec(R"({"type":"object","default":{"a":"x","b":"y"},"properties":{"a":{"type":"string"}}})"));
  EXPECT_FALSE(unknownField.validator);
  EXPECT_EQ(unknownField.errors,
            (FieldErrors{{"openAPIV3Schema.properties[spec].default.b", "Forbidden: must not have unknown fields"}}));
}

TEST(StructuralSchema, UnknownRulesAreListedNotEnforced) {
  SchemaCompileResult compiled = SchemaValidator::compile(
      withSpec(R"({"type":"object","x-kubernetes-validations":[{"rule":"self.size() > 100","message":"big"}]})"));
  ASSERT_TRUE(compiled.validator);
  EXPECT_EQ(compiled.validator->unsupportedRules(), std::vector<std::string>{"self.size() > 100"});
  EXPECT_EQ(compiled.validator->validate(json::parse(R"({"spec":{}})")), FieldErrors{});
}

TEST(KubernetesExtensions, IntOrStringNullableAndFormats) {
  SchemaCompileResult compiled = SchemaValidator::compile(withSpec(R"({"type":"object","properties":{
      "port":{"x-kubernetes-int-or-string":true,"minimum":1,"pattern":"^[a-z]+$"},
      "maybe":{"type":"string","nullable":true,"enum":["a","b"]},
      "small":{"type":"integer","format":"int32"},
      "big":{"type":"integer","format":"int64"},
      "when":{"type":"string","format":"date-time"},
      "anything":{"x-kubernetes-preserve-unknown-fields":true}}})"));
  ASSERT_TRUE(compiled.validator) << compiled.errors[0].toString();
  const SchemaValidator& validator = *compiled.validator;
  for (const char* good : {R"({"port":8080})", R"({"port":"http"})", R"({"maybe":null})", R"({"maybe":"a"})",
                           R"({"small":2147483647})", R"({"big":3000000000})", R"({"when":"not checked"})",
                           R"({"anything":[1,"two",{"three":3}]})", R"({"anything":"text"})"}) {
    EXPECT_EQ(validator.validate({{"spec", json::parse(good)}}), FieldErrors{}) << good;
  }
  EXPECT_EQ(validator.validate({{"spec", {{"port", 0}}}}),
            (FieldErrors{{"spec.port", "Invalid value: 0: spec.port in body should be greater than or equal to 1"}}));
  EXPECT_EQ(validator.validate({{"spec", {{"port", "HTTP"}}}}),
            (FieldErrors{{"spec.port", R"(Invalid value: "HTTP": spec.port in body should match '^[a-z]+$')"}}));
  EXPECT_EQ(validator.validate({{"spec", {{"port", 1.5}}}}),
            (FieldErrors{{"spec.port",
                          R"(Invalid value: "number": spec.port in body must be of type integer,string: "number")"}}));
  EXPECT_EQ(
      validator.validate({{"spec", {{"small", 2147483648LL}}}}),
      (FieldErrors{
          {"spec.small", "Invalid value: 2147483648: spec.small in body should be less than or equal to 2147483647"}}));
  EXPECT_EQ(validator.validate({{"spec", {{"maybe", "c"}}}}),
            (FieldErrors{{"spec.maybe", R"(Unsupported value: "c": supported values: "a", "b")"}}));
}

TEST(KubernetesExtensions, TranslationForValijson) {
  const json translated = toJsonSchemaDraft4(json::parse(R"({"type":"object","properties":{
      "p":{"x-kubernetes-int-or-string":true,"description":"d","default":1},
      "n":{"type":"string","nullable":true,"pattern":"^a$","x-kubernetes-validations":[{"rule":"true"}]}}})"));
  EXPECT_EQ(translated, json::parse(R"({"type":"object","properties":{
      "p":{"type":["integer","string"]},
      "n":{"type":["string","null"]}}})"));
}

}  // namespace
}  // namespace flotilla::api
