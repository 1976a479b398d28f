// The CRDs in crds/: structural, complete, described, bounded, and in step with their generator and C++ twins.
#include <cstdlib>
#include <functional>
#include <regex>
#include <set>

#include <gtest/gtest.h>

#include "api/schema_rules.h"
#include "api/schema_structural.h"
#include "schema_test_support.h"

namespace flotilla::api::testing {
namespace {

using nlohmann::json;

using FieldVisitor = std::function<void(const std::string& path, const json& schema)>;

// Visits every field schema below `schema`; lists are written "rules[]", map values "labels{}".
void forEachField(const json& schema, const std::string& path, const FieldVisitor& visit) {
  visit(path, schema);
  if (schema.contains("properties")) {
    for (const auto& [name, child] : schema["properties"].items()) {
      forEachField(child, path.empty() ? name : path + "." + name, visit);
    }
  }
  if (schema.contains("items")) forEachField(schema["items"], path + "[]", visit);
  if (schema.contains("additionalProperties") && schema["additionalProperties"].is_object()) {
    forEachField(schema["additionalProperties"], path + "{}", visit);
  }
}

const json& openApiSchema(const json& crd) {
  return crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"];
}

TEST(CrdFiles, FourKindsInGroupFlotilla) {
  const std::map<std::string, std::string> shortNames = {
      {"Microservice", "ms"}, {"Route", "rt"}, {"BreakerPolicy", "bp"}, {"Gateway", "gw"}};
  ASSERT_EQ(crdsByKind().size(), 4u);
  for (const auto& [kind, shortName] : shortNames) {
    SCOPED_TRACE(kind);
    ASSERT_TRUE(crdsByKind().contains(kind));
    const json& spec = crdsByKind().at(kind)["spec"];
    EXPECT_EQ(spec["group"], "flotilla.io");
    EXPECT_EQ(spec["scope"], "Namespaced");
    EXPECT_EQ(spec["names"]["shortNames"], json::array({shortName}));
    EXPECT_EQ(spec["names"]["categories"], json::array({"flotilla"}));
    EXPECT_EQ(crdsByKind().at(kind)["metadata"]["name"], spec["names"]["plural"].get<std::string>() + ".flotilla.io");
    ASSERT_EQ(spec["versions"].size(), 1u);
    const json& version = spec["versions"][0];
    EXPECT_EQ(version["name"], "v1alpha1");
    EXPECT_EQ(version["served"], true);
    EXPECT_EQ(version["storage"], true);
    EXPECT_EQ(version["subresources"]["status"], json::object());
  }
  EXPECT_EQ(crdsByKind().at("Microservice")["spec"]["versions"][0]["subresources"]["scale"],
            json({{"specReplicasPath", ".spec.replicas"},
                  {"statusReplicasPath", ".status.replicas"},
                  {"labelSelectorPath", ".status.selector"}}));
}

TEST(CrdFiles, SchemasAreStructuralAndCompile) {
  for (const auto& [kind, crd] : crdsByKind()) {
    SCOPED_TRACE(kind);
    EXPECT_EQ(checkStructural(openApiSchema(crd)), FieldErrors{});
    SchemaCompileResult compiled = SchemaValidator::compile(openApiSchema(crd));
    EXPECT_TRUE(compiled.validator) << (compiled.errors.empty() ? "" : compiled.errors[0].toString());
    if (compiled.validator) {
      EXPECT_EQ(compiled.validator->unsupportedRules(), std::vector<std::string>{});
    }
  }
}

TEST(CrdFiles, EveryRuleHasATwinAndEveryTwinIsUsed) {
  std::set<std::string> used;
  for (const auto& [kind, crd] : crdsByKind()) {
    forEachField(openApiSchema(crd), "", [&](const std::string& path, const json& schema) {
      for (const json& rule : schema.value("x-kubernetes-validations", json::array())) {
        EXPECT_NE(findRuleCheck(rule["rule"].get<std::string>()), nullptr) << kind << " " << path << ": " << rule;
        EXPECT_FALSE(rule.value("message", "").empty()) << kind << " " << path;
        used.insert(rule["rule"].get<std::string>());
      }
    });
  }
  for (const std::string& text : knownRuleTexts()) EXPECT_TRUE(used.contains(text)) << "unused twin: " << text;
}

// kubectl explain shows descriptions: every field has one (metadata is ObjectMeta's, map values are not fields).
TEST(CrdFiles, EveryFieldIsDescribed) {
  for (const auto& [kind, crd] : crdsByKind()) {
    forEachField(openApiSchema(crd), "", [&](const std::string& path, const json& schema) {
      if (path.starts_with("metadata") || path.ends_with("{}")) return;
      EXPECT_FALSE(schema.value("description", "").empty()) << kind << " " << (path.empty() ? "<root>" : path);
    });
  }
}

// Strings and lists are bounded: they reach haproxy.cfg or Kubernetes objects, and CEL cost needs bounds.
TEST(CrdFiles, StringsAndListsAreBounded) {
  for (const auto& [kind, crd] : crdsByKind()) {
    forEachField(openApiSchema(crd)["properties"]["spec"], "spec", [&](const std::string& path, const json& schema) {
      if (schema.value("type", "") == "array") {
        EXPECT_TRUE(schema.contains("maxItems")) << kind << " " << path;
      }
      if (schema.value("type", "") == "object" && schema.contains("additionalProperties")) {
        EXPECT_TRUE(schema.contains("maxProperties")) << kind << " " << path;
      }
      const bool text = schema.value("type", "") == "string" || schema.value("x-kubernetes-int-or-string", false);
      if (text && !schema.contains("enum")) {
        EXPECT_TRUE(schema.contains("maxLength")) << kind << " " << path;
      }
    });
  }
}

// Lists of objects are maps with keys, or atomic on purpose; lists of scalars that must not repeat are sets.
TEST(CrdFiles, ListsDeclareTheirType) {
  for (const auto& [kind, crd] : crdsByKind()) {
    forEachField(openApiSchema(crd), "", [&](const std::string& path, const json& schema) {
      if (schema.value("type", "") != "array") return;
      EXPECT_TRUE(schema.contains("x-kubernetes-list-type")) << kind << " " << path;
    });
  }
}

// The schema node a printer column's JSONPath reads, or nullptr when the path leaves the schema.
const json* columnTarget(const json& root, const std::string& jsonPath) {
  // ".status.conditions[?(@.type==\"Ready\")].status" -> status, conditions, [], status
  static const std::regex kSegment(R"(\.([A-Za-z0-9_]+)|\[[^\]]*\])");
  const json* node = &root;
  for (auto it = std::sregex_iterator(jsonPath.begin(), jsonPath.end(), kSegment); it != std::sregex_iterator(); ++it) {
    if ((*it)[1].matched) {
      const std::string name = (*it)[1].str();
      if (!node->contains("properties") || !(*node)["properties"].contains(name)) return nullptr;
      node = &(*node)["properties"][name];
    } else {
      if (!node->contains("items")) return nullptr;
      node = &(*node)["items"];
    }
  }
  return node;
}

TEST(CrdFiles, PrinterColumnsReadSchemaFields) {
  const std::map<std::string, std::vector<std::string>> expected = {
      {"Microservice", {"Ready", "Replicas", "Available", "URL", "Image", "Endpoints", "Age"}},
      {"Route", {"Gateway", "Hostnames", "Accepted", "Programmed", "Age"}},
      {"BreakerPolicy", {"Failures", "Open-Duration", "Attached", "Age"}},
      {"Gateway", {"Replicas", "Address", "Routes", "Programmed", "Age"}}};
  for (const auto& [kind, names] : expected) {
    const json& crd = crdsByKind().at(kind);
    const json& columns = crd["spec"]["versions"][0]["additionalPrinterColumns"];
    std::vector<std::string> actual;
    for (const json& column : columns) {
      actual.push_back(column["name"]);
      const std::string path = column["jsonPath"];
      if (path == ".metadata.creationTimestamp") continue;
      const json* target = columnTarget(openApiSchema(crd), path);
      ASSERT_NE(target, nullptr) << kind << " column " << column["name"] << ": " << path;
      const std::string type = column["type"];
      const std::string fieldType = target->value("type", "");
      EXPECT_TRUE(type == fieldType || (type == "string" && fieldType == "array"))
          << kind << " column " << column["name"] << " is " << type << " but " << path << " is " << fieldType;
    }
    EXPECT_EQ(actual, names) << kind;
  }
}

TEST(CrdFiles, MatchTheirGenerator) {
  const std::string command =
      "python3 '" + (sourceDir() / "hack" / "gen-crds.py").string() + "' --check > /dev/null 2>&1";
  EXPECT_EQ(std::system(command.c_str()), 0) << "crds/ is out of date: run hack/gen-crds.py";
}

TEST(CrdFiles, ReferenceDocIsUpToDate) {
  const std::string command =
      "python3 '" + (sourceDir() / "hack" / "gen-crd-docs.py").string() + "' --check > /dev/null 2>&1";
  EXPECT_EQ(std::system(command.c_str()), 0) << "docs/crd-reference.md is out of date: run hack/gen-crd-docs.py";
}

}  // namespace
}  // namespace flotilla::api::testing
