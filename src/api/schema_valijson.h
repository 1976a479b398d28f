#pragma once
// The JSON Schema part of CRD validation, done by valijson (Debian's libvalijson-dev, draft 4). Kubernetes' OpenAPI
// v3 dialect is translated first: x-kubernetes-int-or-string becomes type [integer, string], nullable adds "null",
// format int32 bounds the value, and what valijson must not see (x-kubernetes-* extensions, defaults, formats) is
// left out. `pattern` is left out too: the schema validator matches patterns itself, only on strings within their
// maxLength, because std::regex (which valijson uses) recurses per character and long inputs would crash it.

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace flotilla::api {

// One failed constraint as valijson reports it. `location` lists the object keys and array indexes from the
// instance root to the failing value (["spec", "rules", "0"]); wrappers that only say "a child failed" are dropped.
struct JsonSchemaViolation {
  std::vector<std::string> location;
  std::string description;
};

// Kubernetes schema → JSON Schema draft 4 as valijson reads it.
nlohmann::json toJsonSchemaDraft4(const nlohmann::json& kubernetesSchema);

class ValijsonSchema {
 public:
  // Translates and parses `kubernetesSchema`; nullptr with `error` set when valijson refuses it.
  static std::unique_ptr<ValijsonSchema> compile(const nlohmann::json& kubernetesSchema, std::string& error);
  ~ValijsonSchema();
  ValijsonSchema(const ValijsonSchema&) = delete;
  ValijsonSchema& operator=(const ValijsonSchema&) = delete;

  // Safe to call from many threads at once.
  std::vector<JsonSchemaViolation> validate(const nlohmann::json& instance) const;

 private:
  struct Impl;
  explicit ValijsonSchema(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace flotilla::api
