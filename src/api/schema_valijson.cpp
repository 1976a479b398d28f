#include "api/schema_valijson.h"

#include <cstdint>
#include <limits>
#include <string_view>

#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

namespace flotilla::api {
namespace {

using nlohmann::json;

// Keywords valijson evaluates exactly as kube-apiserver does, copied as they are.
const char* const kCopiedKeywords[] = {"enum",          "minimum",   "maximum",  "exclusiveMinimum", "exclusiveMaximum",
                                       "minLength",     "maxLength", "minItems", "maxItems",         "minProperties",
                                       "maxProperties", "multipleOf"};

// valijson adds these after a child's own error; the child's error is the one worth reporting.
const std::string_view kWrapperPrefixes[] = {
    "Failed to validate item #",
    "Failed to validate against schema associated with property name",
    "Failed to validate against additional properties schema",
    "Failed to validate against schema associated with pattern",
};

bool flag(const json& schema, const char* name) {
  auto it = schema.find(name);
  return it != schema.end() && it->is_boolean() && it->get<bool>();
}

void boundInt32(json& out) {
  constexpr std::int64_t kMin = std::numeric_limits<std::int32_t>::min();
  constexpr std::int64_t kMax = std::numeric_limits<std::int32_t>::max();
  if (!out.contains("minimum") || !out["minimum"].is_number() || out["minimum"].get<double>() < kMin) {
    out["minimum"] = kMin;
    out.erase("exclusiveMinimum");
  }
  if (!out.contains("maximum") || !out["maximum"].is_number() || out["maximum"].get<double>() > kMax) {
    out["maximum"] = kMax;
    out.erase("exclusiveMaximum");
  }
}

json translate(const json& schema, bool insideJunctor) {
  json out = json::object();
  if (!schema.is_object()) return out;
  const bool nullable = flag(schema, "nullable");

  json types = json::array();
  if (flag(schema, "x-kubernetes-int-or-string")) {
    types = {"integer", "string"};
  } else if (auto type = schema.find("type"); type != schema.end() && type->is_string() && !type->empty()) {
    types.push_back(*type);
  }
  if (!types.empty()) {
    if (nullable) types.push_back("null");
    out["type"] = types.size() == 1 ? types[0] : types;
  }

  for (const char* keyword : kCopiedKeywords) {
    if (auto it = schema.find(keyword); it != schema.end()) out[keyword] = *it;
  }
  if (nullable && out.contains("enum") && out["enum"].is_array()) out["enum"].push_back(nullptr);
  if (auto required = schema.find("required"); required != schema.end() && required->is_array() && !required->empty()) {
    out["required"] = *required;
  }
  // Inside junctors the walker cannot reach patterns, so valijson keeps them there.
  if (insideJunctor && schema.contains("pattern")) out["pattern"] = schema["pattern"];
  if (schema.value("format", "") == "int32") boundInt32(out);

  if (auto properties = schema.find("properties"); properties != schema.end() && properties->is_object()) {
    json& translated = out["properties"] = json::object();
    for (const auto& [name, child] : properties->items()) translated[name] = translate(child, insideJunctor);
  }
  if (auto additional = schema.find("additionalProperties"); additional != schema.end()) {
    out["additionalProperties"] = additional->is_object() ? translate(*additional, insideJunctor) : *additional;
  }
  if (auto items = schema.find("items"); items != schema.end() && items->is_object()) {
    out["items"] = translate(*items, insideJunctor);
  }
  for (const char* junctor : {"allOf", "anyOf", "oneOf"}) {
    if (auto it = schema.find(junctor); it != schema.end() && it->is_array()) {
      json& translated = out[junctor] = json::array();
      for (const json& child : *it) translated.push_back(translate(child, true));
    }
  }
  if (auto negated = schema.find("not"); negated != schema.end()) out["not"] = translate(*negated, true);
  return out;
}

bool isWrapper(const std::string& description) {
  for (std::string_view prefix : kWrapperPrefixes) {
    if (description.starts_with(prefix)) return true;
  }
  return false;
}

// valijson's context is ["<root>", "[spec]", "[rules]", "[0]"].
std::vector<std::string> locationOf(const std::vector<std::string>& context) {
  std::vector<std::string> location;
  for (const std::string& part : context) {
    if (part == "<root>") continue;
    if (part.size() >= 2 && part.front() == '[' && part.back() == ']') {
      location.push_back(part.substr(1, part.size() - 2));
    } else {
      location.push_back(part);
    }
  }
  return location;
}

}  // namespace

struct ValijsonSchema::Impl {
  json translated;  // valijson's Schema copies what it needs, but keeping the source helps debugging
  valijson::Schema schema;
};

json toJsonSchemaDraft4(const json& kubernetesSchema) {
  return translate(kubernetesSchema, false);
}

ValijsonSchema::ValijsonSchema(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ValijsonSchema::~ValijsonSchema() = default;

std::unique_ptr<ValijsonSchema> ValijsonSchema::compile(const json& kubernetesSchema, std::string& error) {
  auto impl = std::make_unique<Impl>();
  impl->translated = toJsonSchemaDraft4(kubernetesSchema);
  try {
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft4);
    valijson::adapters::NlohmannJsonAdapter adapter(impl->translated);
    parser.populateSchema(adapter, impl->schema);
  } catch (const std::exception& e) {
    error = e.what();
    return nullptr;
  }
  return std::unique_ptr<ValijsonSchema>(new ValijsonSchema(std::move(impl)));
}

std::vector<JsonSchemaViolation> ValijsonSchema::validate(const json& instance) const {
  std::vector<JsonSchemaViolation> violations;
  // A Validator per call: its only state is a regex cache, used for patterns inside junctors alone.
  valijson::Validator validator;
  valijson::ValidationResults results;
  try {
    validator.validate(impl_->schema, valijson::adapters::NlohmannJsonAdapter(instance), &results);
  } catch (const std::exception& e) {
    violations.push_back({{}, std::string("schema validation failed: ") + e.what()});
    return violations;
  }
  for (const auto& error : results) {
    if (isWrapper(error.description)) continue;
    violations.push_back({locationOf(error.context), error.description});
  }
  return violations;
}

}  // namespace flotilla::api
