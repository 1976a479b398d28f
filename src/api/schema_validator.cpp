#include "api/schema_validator.h"

#include <algorithm>

#include "api/field_path.h"
#include "api/schema_defaults.h"
#include "api/schema_messages.h"
#include "api/schema_node.h"
#include "api/schema_prune.h"
#include "api/schema_valijson.h"
#include "api/schema_value_checks.h"

namespace flotilla::api {
namespace {

using nlohmann::json;

// Validation of `value` against one schema node: valijson's findings plus the C++ value checks.
FieldErrors validateWith(const ValijsonSchema& engine, const SchemaNode& node, const json& value,
                         const std::string& basePath) {
  FieldErrors errors;
  try {
    errors = describeViolations(engine.validate(value), node, value, basePath);
    checkSchemaValues(node, value, basePath, errors);
  } catch (const std::exception& e) {
    // std::regex can give up on pathological input; report it rather than let it escape.
    errors.push_back({basePath, std::string("Internal error: validation failed: ") + e.what()});
  }
  return errors;
}

// A default must validate and must not carry fields the schema would prune (apiextensions.k8s.io/v1 rules).
void checkDefault(const SchemaNode& node, const std::string& schemaPath, FieldErrors& errors) {
  const std::string path = schemaPath + ".default";
  json value = *node.defaultValue;
  for (const std::string& unknown : pruneUnknownFields(node, value, false)) {
    errors.push_back(forbiddenValue(fieldPath(path, unknown), "must not have unknown fields"));
  }
  applySchemaDefaults(node, value);
  std::string error;
  auto engine = ValijsonSchema::compile(*node.source, error);
  if (!engine) {
    errors.push_back({schemaPath, "Invalid value: " + error});
    return;
  }
  for (FieldError& invalid : validateWith(*engine, node, value, path)) errors.push_back(std::move(invalid));
}

void checkDefaults(const SchemaNode& node, const std::string& schemaPath, FieldErrors& errors) {
  if (node.defaultValue != nullptr) checkDefault(node, schemaPath, errors);
  for (const auto& [name, child] : node.properties) {
    checkDefaults(*child, schemaPath + ".properties[" + name + "]", errors);
  }
  if (node.additionalProperties)
    checkDefaults(*node.additionalProperties, schemaPath + ".additionalProperties", errors);
  if (node.items) checkDefaults(*node.items, schemaPath + ".items", errors);
}

std::vector<std::string> rulesWithoutTwin(const SchemaNode& root) {
  std::vector<std::string> rules;
  forEachSchemaNode(root, [&](const SchemaNode& node) {
    for (const SchemaValidationRule& rule : node.rules) {
      if (rule.check == nullptr && std::find(rules.begin(), rules.end(), rule.rule) == rules.end()) {
        rules.push_back(rule.rule);
      }
    }
  });
  return rules;
}

}  // namespace

struct SchemaValidator::Impl {
  json schema;  // owned: the node tree points into it
  std::unique_ptr<SchemaNode> root;
  std::unique_ptr<ValijsonSchema> engine;
  std::vector<std::string> unsupportedRules;
};

SchemaValidator::SchemaValidator(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SchemaValidator::~SchemaValidator() = default;

SchemaCompileResult SchemaValidator::compile(const json& openAPIV3Schema, std::string_view schemaPath) {
  SchemaCompileResult result;
  const std::string path(schemaPath);
  result.errors = checkStructural(openAPIV3Schema, path);
  if (!result.errors.empty()) return result;

  auto impl = std::make_unique<Impl>();
  impl->schema = openAPIV3Schema;
  impl->root = readSchemaNode(impl->schema);
  std::string error;
  impl->engine = ValijsonSchema::compile(impl->schema, error);
  if (!impl->engine) {
    result.errors.push_back({path, "Invalid value: " + error});
    return result;
  }
  checkDefaults(*impl->root, path, result.errors);
  if (!result.errors.empty()) return result;
  impl->unsupportedRules = rulesWithoutTwin(*impl->root);
  result.validator = std::shared_ptr<const SchemaValidator>(new SchemaValidator(std::move(impl)));
  return result;
}

FieldErrors SchemaValidator::validate(const json& object) const {
  return validateWith(*impl_->engine, *impl_->root, object, "");
}

void SchemaValidator::applyDefaults(json& object) const {
  applySchemaDefaults(*impl_->root, object);
}

std::vector<std::string> SchemaValidator::prune(json& object) const {
  return pruneUnknownFields(*impl_->root, object);
}

SchemaAdmission SchemaValidator::admit(json& object) const {
  SchemaAdmission admission;
  admission.unknownFields = prune(object);
  applyDefaults(object);
  admission.errors = validate(object);
  return admission;
}

const std::vector<std::string>& SchemaValidator::unsupportedRules() const {
  return impl_->unsupportedRules;
}

const json& SchemaValidator::schema() const {
  return impl_->schema;
}

const json* crdVersionSchema(const json& crd, std::string_view version) {
  if (!crd.is_object()) return nullptr;
  auto spec = crd.find("spec");
  if (spec == crd.end() || !spec->is_object()) return nullptr;
  auto versions = spec->find("versions");
  if (versions == spec->end() || !versions->is_array()) return nullptr;
  for (const json& entry : *versions) {
    if (!entry.is_object() || entry.value("name", "") != version) continue;
    auto schema = entry.find("schema");
    if (schema == entry.end() || !schema->is_object()) return nullptr;
    auto openAPI = schema->find("openAPIV3Schema");
    return openAPI != schema->end() ? &*openAPI : nullptr;
  }
  return nullptr;
}

}  // namespace flotilla::api
