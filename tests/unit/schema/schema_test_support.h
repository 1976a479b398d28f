#pragma once
// Shared fixtures of the schema tests: the CRDs in crds/, their compiled validators, and the examples in examples/.

#include <filesystem>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/field_error.h"
#include "api/schema_validator.h"

namespace flotilla::api {
// Readable gtest output for field errors (found by argument-dependent lookup).
inline void PrintTo(const FieldError& error, std::ostream* os) {
  *os << error.toString();
}
}  // namespace flotilla::api

namespace flotilla::api::testing {

std::filesystem::path sourceDir();

// Every YAML document in `file` (a test fails when the file does not load).
std::vector<nlohmann::json> loadYamlFile(const std::filesystem::path& file);

// The CRDs in crds/, by kind ("Microservice").
const std::map<std::string, nlohmann::json>& crdsByKind();

// The validator of a kind's v1alpha1 schema, compiled once.
const SchemaValidator& validatorFor(const std::string& kind);

struct ExampleObject {
  std::string file;  // relative to the repository root
  nlohmann::json object;
};

// Every flotilla.io object in examples/ (recursively).
std::vector<ExampleObject> flotillaExamples();

// The example named `name` of `kind` (a copy, free to modify).
nlohmann::json example(const std::string& kind, const std::string& name);

}  // namespace flotilla::api::testing
