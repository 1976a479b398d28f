#include "apiserver/patch_schema.h"

#include "apiserver/builtin_schemas.h"
#include "apiserver/object_meta.h"

namespace flotilla::apiserver {

bool PatchField::hasPatchStrategy(std::string_view strategy) const {
  for (const std::string& s : patchStrategies)
    if (s == strategy) return true;
  return false;
}

const PatchField* PatchSchema::child(std::string_view key) const {
  if (kind == Kind::Object) {
    auto it = fields.find(key);
    return it == fields.end() ? nullptr : &it->second;
  }
  if (kind == Kind::Map) return &elements;
  return nullptr;
}

bool PatchSchema::isNamedField(std::string_view key) const {
  return kind == Kind::Object && fields.count(key) != 0;
}

const PatchSchema* childSchemaOf(const PatchSchema* schema, std::string_view key) {
  if (schema == nullptr) return nullptr;
  const PatchField* field = schema->child(key);
  return field ? field->schema : nullptr;
}

const PatchSchema* itemSchemaOf(const PatchSchema* listSchema) {
  return listSchema != nullptr && listSchema->kind == PatchSchema::Kind::List ? listSchema->elements.schema : nullptr;
}

namespace {

constexpr std::string_view kRefPrefix = "#/components/schemas/";

std::vector<std::string> splitOnComma(const std::string& text) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= text.size() && !text.empty()) {
    std::size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    if (comma > start) parts.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return parts;
}

}  // namespace

class PatchSchemaCompiler {
 public:
  explicit PatchSchemaCompiler(const nlohmann::json& components) : components_(components) {}

  PatchSchemaCompilation run(const nlohmann::json& schema, const std::map<std::string, const PatchSchema*>& overrides) {
    auto compiled = std::make_shared<CompiledPatchSchema>();
    out_ = compiled.get();
    const PatchSchema* root = compile(schema);
    if (!error_.empty()) return {nullptr, error_};
    if (!overrides.empty()) {
      // The root may be shared through a $ref; give the overrides their own copy of it.
      PatchSchema& patched = newNode();
      patched = *root;
      patched.kind = PatchSchema::Kind::Object;
      for (const auto& [name, override] : overrides) patched.fields[name].schema = override;
      root = &patched;
    }
    compiled->root_ = root;
    return {std::move(compiled), {}};
  }

 private:
  PatchSchema& newNode() { return out_->nodes_.emplace_back(); }

  // The schema a `$ref` (or a one-element allOf wrapping one, kube-apiserver's style) points at.
  const nlohmann::json* referenced(const nlohmann::json& schema, std::string* name) {
    const nlohmann::json* at = &schema;
    if (auto allOf = schema.find("allOf"); allOf != schema.end() && allOf->is_array() && !allOf->empty())
      at = &(*allOf)[0];
    std::string ref = meta::stringAt(*at, "$ref");
    if (ref.empty()) return at;
    if (ref.rfind(kRefPrefix, 0) != 0) {
      error_ = "unsupported $ref " + ref;
      return nullptr;
    }
    *name = ref.substr(kRefPrefix.size());
    auto it = components_.is_object() ? components_.find(*name) : components_.end();
    if (it == components_.end()) {
      error_ = "unable to resolve " + ref;
      return nullptr;
    }
    return &*it;
  }

  const PatchSchema* compile(const nlohmann::json& schema) {
    if (!schema.is_object()) return &newNode();  // `{}`-like: nothing known
    std::string refName;
    const nlohmann::json* resolved = referenced(schema, &refName);
    if (resolved == nullptr) return &newNode();
    if (!refName.empty()) {
      if (auto known = byRef_.find(refName); known != byRef_.end()) return known->second;
    }
    PatchSchema& node = newNode();
    if (!refName.empty()) byRef_[refName] = &node;  // before filling: types may refer to themselves
    fill(node, *resolved);
    return &node;
  }

  PatchField fieldFrom(const nlohmann::json& propertySchema) {
    PatchField field;
    if (propertySchema.is_object()) {
      // Like kubectl, read the patch metadata on the property itself, before resolving its $ref.
      field.patchStrategies = splitOnComma(meta::stringAt(propertySchema, "x-kubernetes-patch-strategy"));
      field.patchMergeKey = meta::stringAt(propertySchema, "x-kubernetes-patch-merge-key");
    }
    field.schema = compile(propertySchema);
    return field;
  }

  void fill(PatchSchema& node, const nlohmann::json& schema) {
    const std::string type = meta::stringAt(schema, "type");
    auto properties = schema.find("properties");
    auto additional = schema.find("additionalProperties");
    auto items = schema.find("items");
    const bool intOrString = schema.value("x-kubernetes-int-or-string", false) ||
                             meta::stringAt(schema, "format") == "int-or-string" ||
                             (schema.contains("oneOf") && (type.empty() || type == "string"));
    node.atomic = meta::stringAt(schema, "x-kubernetes-map-type") == "atomic";

    if (properties != schema.end() && properties->is_object()) {
      node.kind = PatchSchema::Kind::Object;
      for (const auto& [name, property] : properties->items()) node.fields[name] = fieldFrom(property);
    } else if (type == "array" || (type.empty() && items != schema.end())) {
      node.kind = PatchSchema::Kind::List;
      if (items != schema.end()) node.elements.schema = compile(*items);
      const std::string listType = meta::stringAt(schema, "x-kubernetes-list-type");
      node.listType = listType == "map" ? ListType::Map : listType == "set" ? ListType::Set : ListType::Atomic;
      if (auto keys = schema.find("x-kubernetes-list-map-keys"); keys != schema.end() && keys->is_array())
        for (const auto& key : *keys)
          if (key.is_string()) node.listMapKeys.push_back(key.get<std::string>());
      node.atomic = node.listType == ListType::Atomic;
    } else if (additional != schema.end() && (type == "object" || type.empty())) {
      node.kind = PatchSchema::Kind::Map;
      if (additional->is_object()) node.elements.schema = compile(*additional);
    } else if (intOrString || type == "string" || type == "integer" || type == "number" || type == "boolean") {
      node.kind = PatchSchema::Kind::Scalar;
    } else {
      node.kind = PatchSchema::Kind::Any;  // free-form object or untyped
    }
  }

  const nlohmann::json& components_;
  CompiledPatchSchema* out_ = nullptr;
  std::map<std::string, const PatchSchema*> byRef_;
  std::string error_;
};

PatchSchemaCompilation compilePatchSchema(const nlohmann::json& schema, const nlohmann::json& components,
                                          const std::map<std::string, const PatchSchema*>& overrides) {
  return PatchSchemaCompiler(components).run(schema, overrides);
}

namespace {

const std::map<std::string, const PatchSchema*>& customResourceOverrides() {
  static const std::map<std::string, const PatchSchema*> overrides = {{"metadata", builtinObjectMetaPatchSchema()}};
  return overrides;
}

nlohmann::json untypedRootSchema() {
  return {{"type", "object"},
          {"x-kubernetes-preserve-unknown-fields", true},
          {"properties", {{"apiVersion", {{"type", "string"}}}, {"kind", {{"type", "string"}}}, {"metadata", {}}}}};
}

}  // namespace

std::shared_ptr<const CompiledPatchSchema> compileCustomResourcePatchSchema(const nlohmann::json& openApiV3Schema) {
  if (openApiV3Schema.is_object()) {
    PatchSchemaCompilation compiled =
        compilePatchSchema(openApiV3Schema, nlohmann::json::object(), customResourceOverrides());
    if (compiled.schema) return compiled.schema;
  }
  return compilePatchSchema(untypedRootSchema(), nlohmann::json::object(), customResourceOverrides()).schema;
}

const PatchSchema* untypedObjectPatchSchema() {
  static const std::shared_ptr<const CompiledPatchSchema> untyped = compileCustomResourcePatchSchema(nullptr);
  return untyped->root();
}

}  // namespace flotilla::apiserver
