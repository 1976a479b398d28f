#include "apiserver/builtin_schemas.h"

#include <map>
#include <set>
#include <sstream>

#include "apiserver/builtin_schema_table.h"

namespace flotilla::apiserver {

namespace {

using nlohmann::json;
using schema_table::FieldRow;
using schema_table::TypeRow;

constexpr const char* kRefPrefix = "#/components/schemas/";
constexpr const char* kTimeSchema = "io.k8s.apimachinery.pkg.apis.meta.v1.Time";
constexpr const char* kMicroTimeSchema = "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime";
constexpr const char* kQuantitySchema = "io.k8s.apimachinery.pkg.api.resource.Quantity";
constexpr const char* kIntOrStringSchema = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";
constexpr const char* kObjectMetaSchema = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

std::string fullName(const std::string& package, const std::string& name) {
  return std::string(schema_table::packagePrefix(package.c_str())) + "." + name;
}

json schemaRef(const std::string& schemaName) {
  return {{"$ref", kRefPrefix + schemaName}};
}

// The scalar-like types Kubernetes names with a schema of their own.
json namedScalarSchemas() {
  json oneOfIntString = json::array({{{"type", "integer"}}, {{"type", "string"}}});
  json oneOfStringNumber = json::array({{{"type", "string"}}, {{"type", "number"}}});
  return {
      {kTimeSchema, {{"type", "string"}, {"format", "date-time"}, {"description", "An RFC 3339 timestamp."}}},
      {kMicroTimeSchema,
       {{"type", "string"}, {"format", "date-time"}, {"description", "An RFC 3339 timestamp with microseconds."}}},
      {kQuantitySchema,
       {{"oneOf", oneOfStringNumber},
        {"description", "A fixed-point number with an optional suffix, e.g. 500m, 1Gi, 2."}}},
      {kIntOrStringSchema,
       {{"oneOf", oneOfIntString},
        {"format", "int-or-string"},
        {"description", "An integer or a string (a port name, a percentage)."}}},
  };
}

// Turns the table into OpenAPI component schemas.
class OpenApiBuilder {
 public:
  OpenApiBuilder() {
    for (const TypeRow& row : schema_table::typeRows()) known_.insert(fullName(row.package, row.name));
  }

  json build() {
    json schemas = namedScalarSchemas();
    for (const TypeRow& row : schema_table::typeRows()) schemas[fullName(row.package, row.name)] = typeSchema(row);
    for (const schema_table::KindRow& kind : schema_table::kindRows()) {
      json& schema = schemas[fullName(kind.package, kind.type)];
      json kindFields = {
          {"apiVersion", {{"type", "string"}, {"description", "Versioned schema of this representation."}}},
          {"kind", {{"type", "string"}, {"description", "The REST resource this object represents."}}},
          {"metadata",
           {{"allOf", json::array({schemaRef(kObjectMetaSchema)})}, {"description", "Standard object metadata."}}},
      };
      for (auto& [name, field] : kindFields.items()) schema["properties"][name] = field;
      schema["x-kubernetes-group-version-kind"] =
          json::array({{{"group", kind.group}, {"version", kind.version}, {"kind", kind.kind}}});
    }
    return schemas;
  }

 private:
  json typeSchema(const TypeRow& row) {
    json schema = {{"type", "object"}, {"description", row.description}, {"properties", json::object()}};
    json required = json::array();
    for (const FieldRow& field : row.fields) {
      std::string name = field.name;
      if (!name.empty() && name.back() == '!') {
        name.pop_back();
        required.push_back(name);
      }
      json property = valueSchema(field.type, row.package);
      property["description"] = field.description;
      applyTraits(property, field.traits);
      schema["properties"][name] = std::move(property);
    }
    if (!required.empty()) schema["required"] = std::move(required);
    if (std::string(row.traits) == "atomic") schema["x-kubernetes-map-type"] = "atomic";
    return schema;
  }

  std::string resolveTypeName(const std::string& name, const std::string& package) const {
    if (auto dot = name.find('.'); dot != std::string::npos) return fullName(name.substr(0, dot), name.substr(dot + 1));
    for (const std::string& candidate : {package, std::string("core"), std::string("meta")}) {
      std::string full = fullName(candidate, name);
      if (known_.count(full)) return full;
    }
    return fullName(package, name);  // unresolved: the $ref dangles and the table tests say so
  }

  json valueSchema(const std::string& type, const std::string& package) const {
    if (type.rfind("[]", 0) == 0) return {{"type", "array"}, {"items", valueSchema(type.substr(2), package)}};
    if (type.rfind("map[", 0) == 0 && type.back() == ']')
      return {{"type", "object"}, {"additionalProperties", valueSchema(type.substr(4, type.size() - 5), package)}};
    if (type == "string") return {{"type", "string"}};
    if (type == "byte") return {{"type", "string"}, {"format", "byte"}};
    if (type == "integer") return {{"type", "integer"}, {"format", "int32"}};
    if (type == "int64") return {{"type", "integer"}, {"format", "int64"}};
    if (type == "boolean") return {{"type", "boolean"}};
    if (type == "number") return {{"type", "number"}, {"format", "double"}};
    if (type == "object") return {{"type", "object"}, {"x-kubernetes-preserve-unknown-fields", true}};
    if (type == "time") return {{"allOf", json::array({schemaRef(kTimeSchema)})}};
    if (type == "microtime") return {{"allOf", json::array({schemaRef(kMicroTimeSchema)})}};
    if (type == "quantity") return {{"allOf", json::array({schemaRef(kQuantitySchema)})}};
    if (type == "intorstring") return {{"allOf", json::array({schemaRef(kIntOrStringSchema)})}};
    return {{"allOf", json::array({schemaRef(resolveTypeName(type, package))})}};
  }

  // See builtin_schema_table.h for the trait vocabulary.
  static void applyTraits(json& property, const std::string& traits) {
    std::istringstream words(traits);
    std::string word;
    std::vector<std::string> strategies;
    auto setListMap = [&](const std::string& keys) {
      json list = json::array();
      std::istringstream parts(keys);
      for (std::string key; std::getline(parts, key, ',');) list.push_back(key);
      property["x-kubernetes-list-type"] = "map";
      property["x-kubernetes-list-map-keys"] = list;
    };
    while (words >> word) {
      auto eq = word.find('=');
      std::string name = word.substr(0, eq);
      std::string value = eq == std::string::npos ? "" : word.substr(eq + 1);
      if (name == "merge") {
        strategies.insert(strategies.begin(), "merge");
        property["x-kubernetes-patch-merge-key"] = value;
        if (!property.contains("x-kubernetes-list-map-keys")) setListMap(value);
      } else if (name == "keys") {
        setListMap(value);
      } else if (name == "mergeset") {
        strategies.insert(strategies.begin(), "merge");
        property["x-kubernetes-list-type"] = "set";
      } else if (name == "set") {
        property["x-kubernetes-list-type"] = "set";
      } else if (name == "mergekey") {
        strategies.insert(strategies.begin(), "merge");
        property["x-kubernetes-patch-merge-key"] = value;
      } else if (name == "retainKeys" || name == "replace") {
        strategies.push_back(name);
      } else if (name == "atomic") {
        property["x-kubernetes-map-type"] = "atomic";
      }
    }
    if (!strategies.empty()) {
      std::string joined;
      for (const std::string& s : strategies) joined += (joined.empty() ? "" : ",") + s;
      property["x-kubernetes-patch-strategy"] = joined;
    }
    if (property.value("type", "") == "array" && !property.contains("x-kubernetes-list-type"))
      property["x-kubernetes-list-type"] = "atomic";
  }

  std::set<std::string> known_;
};

// Adds `name` and every schema it references (transitively) to `out`.
void collectReferenced(const json& all, const std::string& name, json& out) {
  if (out.contains(name) || !all.contains(name)) return;
  out[name] = all.at(name);
  std::vector<const json*> pending = {&all.at(name)};
  while (!pending.empty()) {
    const json* node = pending.back();
    pending.pop_back();
    if (node->is_object()) {
      if (auto r = node->find("$ref"); r != node->end() && r->is_string()) {
        std::string target = r->get<std::string>().substr(std::string(kRefPrefix).size());
        collectReferenced(all, target, out);
      }
      for (const auto& [key, child] : node->items()) pending.push_back(&child);
    } else if (node->is_array()) {
      for (const auto& child : *node) pending.push_back(&child);
    }
  }
}

struct CompiledKinds {
  std::map<std::string, std::shared_ptr<const CompiledPatchSchema>> byKey;  // "group/version/kind"
  std::shared_ptr<const CompiledPatchSchema> objectMeta;
};

std::string kindKey(std::string_view group, std::string_view version, std::string_view kind) {
  std::string key;
  key.append(group).append("/").append(version).append("/").append(kind);
  return key;
}

const CompiledKinds& compiledKinds() {
  static const CompiledKinds compiled = [] {
    CompiledKinds out;
    const json& all = allBuiltinOpenApiSchemas();
    out.objectMeta = compilePatchSchema(schemaRef(kObjectMetaSchema), all).schema;
    for (const BuiltinKindSchema& kind : builtinKindSchemas()) {
      PatchSchemaCompilation result = compilePatchSchema(schemaRef(kind.schemaName), all);
      if (result.schema) out.byKey[kindKey(kind.group, kind.version, kind.kind)] = result.schema;
    }
    return out;
  }();
  return compiled;
}

}  // namespace

const std::vector<BuiltinKindSchema>& builtinKindSchemas() {
  static const std::vector<BuiltinKindSchema> kinds = [] {
    std::vector<BuiltinKindSchema> out;
    for (const schema_table::KindRow& row : schema_table::kindRows())
      out.push_back({row.group, row.version, row.kind, fullName(row.package, row.type)});
    return out;
  }();
  return kinds;
}

const json& allBuiltinOpenApiSchemas() {
  static const json schemas = OpenApiBuilder().build();
  return schemas;
}

json openApiComponentSchemas(std::string_view group, std::string_view version) {
  json out = json::object();
  for (const BuiltinKindSchema& kind : builtinKindSchemas())
    if (kind.group == group && kind.version == version)
      collectReferenced(allBuiltinOpenApiSchemas(), kind.schemaName, out);
  return out;
}

const PatchSchema* patchSchemaFor(std::string_view group, std::string_view version, std::string_view kind) {
  const CompiledKinds& compiled = compiledKinds();
  auto it = compiled.byKey.find(kindKey(group, version, kind));
  return it == compiled.byKey.end() ? nullptr : it->second->root();
}

const PatchSchema* builtinObjectMetaPatchSchema() {
  const CompiledKinds& compiled = compiledKinds();
  return compiled.objectMeta ? compiled.objectMeta->root() : nullptr;
}

}  // namespace flotilla::apiserver
