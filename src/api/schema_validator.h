#pragma once
// Validates custom resources against their CRD's OpenAPI v3 schema the way kube-apiserver does: prune unknown
// fields, apply schema defaults, then validate (valijson for JSON Schema keywords; C++ for patterns, list types and
// the twins of the CRDs' CEL rules). Compile a schema once and reuse the validator for every write: all methods are
// const and safe to call from many threads. No method throws; problems come back as values.
//
//   auto compiled = SchemaValidator::compile(*crdVersionSchema(crd, "v1alpha1"));
//   if (!compiled.validator) { /* compiled.errors: the schema is not structural */ }
//   SchemaAdmission result = compiled.validator->admit(object);   // object is pruned and defaulted in place
//   // result.unknownFields: {"spec.colour"}; result.errors: {"spec.replicas", "Invalid value: -1: ..."}

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/field_error.h"
#include "api/schema_structural.h"

namespace flotilla::api {

class SchemaValidator;

struct SchemaCompileResult {
  std::shared_ptr<const SchemaValidator> validator;  // null when `errors` is not empty
  FieldErrors errors;  // why the schema was refused: not structural, a default that does not validate...
};

// What admitting one object found.
struct SchemaAdmission {
  std::vector<std::string> unknownFields;  // pruned paths ("spec.colour"); strict field validation rejects these
  FieldErrors errors;                      // schema violations of the pruned, defaulted object
  bool ok() const { return errors.empty(); }
};

class SchemaValidator {
 public:
  // Compiles a CRD version's openAPIV3Schema. `schemaPath` prefixes the paths of schema errors, e.g.
  // "spec.versions[0].schema.openAPIV3Schema" when the API server reports on a whole CRD.
  static SchemaCompileResult compile(const nlohmann::json& openAPIV3Schema,
                                     std::string_view schemaPath = "openAPIV3Schema");
  ~SchemaValidator();
  SchemaValidator(const SchemaValidator&) = delete;
  SchemaValidator& operator=(const SchemaValidator&) = delete;

  // Every violation in `object` (a whole custom resource), with kube-apiserver's paths and wording. Unknown
  // fields are not violations here: see prune.
  FieldErrors validate(const nlohmann::json& object) const;

  // Fills in schema defaults, recursively, as the API server does on every write and read.
  void applyDefaults(nlohmann::json& object) const;

  // Removes fields the schema does not know and returns their paths, e.g. "spec.colour", "metadata.foo".
  std::vector<std::string> prune(nlohmann::json& object) const;

  // The API server's order for a write: prune, default, validate. `object` is changed in place.
  SchemaAdmission admit(nlohmann::json& object) const;

  // x-kubernetes-validations rules in the schema that have no C++ twin and so are not enforced.
  const std::vector<std::string>& unsupportedRules() const;

  // The schema this validator was compiled from.
  const nlohmann::json& schema() const;

 private:
  struct Impl;
  explicit SchemaValidator(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The openAPIV3Schema of `version` in a CustomResourceDefinition (apiextensions.k8s.io/v1), or nullptr.
const nlohmann::json* crdVersionSchema(const nlohmann::json& crd, std::string_view version);

}  // namespace flotilla::api
