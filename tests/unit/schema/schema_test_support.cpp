#include "schema_test_support.h"

#include <algorithm>
#include <fstream>
#include <mutex>
#include <sstream>

#include <gtest/gtest.h>

#include "api/yaml.h"

namespace flotilla::api::testing {

using nlohmann::json;

std::filesystem::path sourceDir() {
  return FLOTILLA_SOURCE_DIR;
}

std::vector<json> loadYamlFile(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  YamlLoadResult loaded = loadYamlDocuments(text.str());
  for (const YamlError& error : loaded.errors) ADD_FAILURE() << file << ": " << error.toString();
  std::vector<json> documents;
  for (YamlDocument& document : loaded.documents) documents.push_back(std::move(document.value));
  return documents;
}

const std::map<std::string, json>& crdsByKind() {
  static const std::map<std::string, json> crds = [] {
    std::map<std::string, json> byKind;
    for (const auto& entry : std::filesystem::directory_iterator(sourceDir() / "crds")) {
      if (entry.path().extension() != ".yaml") continue;
      for (json& crd : loadYamlFile(entry.path())) {
        const std::string kind = crd.at("spec").at("names").at("kind").get<std::string>();
        byKind[kind] = std::move(crd);
      }
    }
    return byKind;
  }();
  return crds;
}

const SchemaValidator& validatorFor(const std::string& kind) {
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const SchemaValidator>> cache;
  std::lock_guard lock(mutex);
  auto& validator = cache[kind];
  if (!validator) {
    const json* schema = crdVersionSchema(crdsByKind().at(kind), "v1alpha1");
    if (schema == nullptr) throw std::runtime_error("no v1alpha1 schema for " + kind);
    SchemaCompileResult compiled = SchemaValidator::compile(*schema);
    if (!compiled.validator) {
      std::string why;
      for (const FieldError& error : compiled.errors) why += "\n  " + error.toString();
      throw std::runtime_error("schema of " + kind + " does not compile:" + why);
    }
    validator = compiled.validator;
  }
  return *validator;
}

std::vector<ExampleObject> flotillaExamples() {
  std::vector<ExampleObject> examples;
  const auto root = sourceDir() / "examples";
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (entry.path().extension() == ".yaml" || entry.path().extension() == ".yml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    for (json& object : loadYamlFile(file)) {
      if (object.value("apiVersion", "") != "flotilla.io/v1alpha1") continue;
      examples.push_back({std::filesystem::relative(file, sourceDir()).string(), std::move(object)});
    }
  }
  return examples;
}

json example(const std::string& kind, const std::string& name) {
  for (ExampleObject& example : flotillaExamples()) {
    if (example.object["kind"] == kind && example.object["metadata"]["name"] == name) return example.object;
  }
  throw std::runtime_error("no example " + kind + "/" + name);
}

}  // namespace flotilla::api::testing
