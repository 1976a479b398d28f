#include "apiserver/openapi.h"

#include <functional>
#include <set>

#include "apiserver/builtin_schemas.h"

namespace flotilla::apiserver {

using nlohmann::json;

namespace {

constexpr const char* kRefPrefix = "#/components/schemas/";
constexpr const char* kObjectMeta = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";
constexpr const char* kPatch = "io.k8s.apimachinery.pkg.apis.meta.v1.Patch";
constexpr const char* kScale = "io.k8s.api.autoscaling.v1.Scale";

json ref(const std::string& name) {
  return {{"$ref", std::string(kRefPrefix) + name}};
}

std::string customSchemaName(const ResourceInfo& r) {
  // Kubernetes names CRD schemas by the reversed group: flotilla.io → io.flotilla.v1alpha1.Microservice.
  std::string reversed;
  std::string group = r.group;
  while (!group.empty()) {
    size_t dot = group.rfind('.');
    std::string part = dot == std::string::npos ? group : group.substr(dot + 1);
    reversed += (reversed.empty() ? "" : ".") + part;
    group = dot == std::string::npos ? "" : group.substr(0, dot);
  }
  return reversed + "." + r.version + "." + r.kind;
}

std::string builtinSchemaName(const ResourceInfo& r) {
  for (const auto& kind : builtinKindSchemas()) {
    if (kind.group == r.group && kind.version == r.version && kind.kind == r.kind) return kind.schemaName;
  }
  return "";
}

// Adds `name` and every schema it references (transitively) from `all` into `out`.
void collectSchema(const json& all, const std::string& name, json& out) {
  if (out.contains(name) || !all.contains(name)) return;
  out[name] = all[name];
  std::function<void(const json&)> visit = [&](const json& node) {
    if (node.is_object()) {
      for (const auto& [key, value] : node.items()) {
        if (key == "$ref" && value.is_string()) {
          std::string target = value.get<std::string>();
          if (target.rfind(kRefPrefix, 0) == 0) collectSchema(all, target.substr(std::string(kRefPrefix).size()), out);
        } else {
          visit(value);
        }
      }
    } else if (node.is_array()) {
      for (const auto& item : node) visit(item);
    }
  };
  visit(all[name]);
}

json customResourceSchema(const ResourceInfo& r) {
  json schema =
      r.schema.is_object() ? r.schema : json{{"type", "object"}, {"x-kubernetes-preserve-unknown-fields", true}};
  if (!schema.contains("type")) schema["type"] = "object";
  json& properties = schema["properties"];
  if (!properties.is_object()) properties = json::object();
  properties["apiVersion"] = {{"type", "string"},
                              {"description",
                               "APIVersion defines the versioned schema of this representation of an "
                               "object."}};
  properties["kind"] = {{"type", "string"},
                        {"description",
                         "Kind is a string value representing the REST resource this object "
                         "represents."}};
  properties["metadata"] = {{"allOf", json::array({ref(kObjectMeta)})},
                            {"description",
                             "Standard object's metadata. More info: "
                             "https://git.k8s.io/community/contributors/devel/sig-architecture/"
                             "api-conventions.md#metadata"}};
  schema["x-kubernetes-group-version-kind"] =
      json::array({{{"group", r.group}, {"kind", r.kind}, {"version", r.version}}});
  return schema;
}

json queryParameter(const std::string& name, const std::string& description) {
  return {{"name", name},
          {"in", "query"},
          {"description", description},
          {"schema", {{"type", "string"}, {"uniqueItems", true}}}};
}

json writeParameters(bool withFieldValidation, bool withForce) {
  json parameters = json::array({queryParameter("dryRun",
                                                "When present, indicates that modifications should not be "
                                                "persisted."),
                                 queryParameter("fieldManager",
                                                "fieldManager is a name associated with the actor or "
                                                "entity that is making these changes.")});
  if (withFieldValidation) {
    parameters.push_back(queryParameter("fieldValidation",
                                        "fieldValidation instructs the server on how to handle objects in the request "
                                        "containing unknown or duplicate fields. Valid values are: Ignore, Warn "
                                        "(default), Strict."));
  }
  if (withForce) {
    parameters.push_back({{"name", "force"},
                          {"in", "query"},
                          {"description", "Force is going to \"force\" Apply requests."},
                          {"schema", {{"type", "boolean"}, {"uniqueItems", true}}}});
  }
  return parameters;
}

json okResponse(const json& schemaRef, int code = 200) {
  return {
      {std::to_string(code),
       {{"description", code == 201 ? "Created" : "OK"},
        {"content", {{"application/json", {{"schema", schemaRef}}}, {"application/yaml", {{"schema", schemaRef}}}}}}}};
}

json gvkOf(const std::string& group, const std::string& version, const std::string& kind) {
  return {{"group", group}, {"version", version}, {"kind", kind}};
}

std::string operationName(const std::string& verb, const ResourceInfo& r, const std::string& suffix = "") {
  std::string scope = r.namespaced ? "Namespaced" : "";
  return verb + scope + r.kind + suffix;
}

void addResourcePaths(const ResourceInfo& r, const std::string& schemaName, json& paths) {
  std::string prefix = r.group.empty() ? "/api/" + r.version : "/apis/" + r.group + "/" + r.version;
  if (r.namespaced) prefix += "/namespaces/{namespace}";
  json kindRef = ref(schemaName);
  json gvk = gvkOf(r.group, r.version, r.kind);
  json patchTypes = {{"application/apply-patch+yaml", {{"schema", ref(kPatch)}}},
                     {"application/json-patch+json", {{"schema", ref(kPatch)}}},
                     {"application/merge-patch+json", {{"schema", ref(kPatch)}}}};
  if (!r.custom) patchTypes["application/strategic-merge-patch+json"] = {{"schema", ref(kPatch)}};

  json collection = {
      {"get",
       {{"operationId", operationName("list", r)},
        {"x-kubernetes-action", "list"},
        {"x-kubernetes-group-version-kind", gvk},
        {"responses", {{"200", {{"description", "OK"}}}}}}},
      {"post",
       {{"operationId", operationName("create", r)},
        {"x-kubernetes-action", "post"},
        {"x-kubernetes-group-version-kind", gvk},
        {"parameters", writeParameters(true, false)},
        {"requestBody", {{"content", {{"application/json", {{"schema", kindRef}}}}}, {"required", true}}},
        {"responses", okResponse(kindRef, 201)}}}};
  paths[prefix + "/" + r.plural] = collection;

  auto itemOperations = [&](const std::string& suffix, const json& itemGvk, const json& itemRef, bool withDelete) {
    json item = {
        {"get",
         {{"operationId", operationName("read", r, suffix)},
          {"x-kubernetes-action", "get"},
          {"x-kubernetes-group-version-kind", itemGvk},
          {"responses", okResponse(itemRef)}}},
        {"put",
         {{"operationId", operationName("replace", r, suffix)},
          {"x-kubernetes-action", "put"},
          {"x-kubernetes-group-version-kind", itemGvk},
          {"parameters", writeParameters(true, false)},
          {"requestBody", {{"content", {{"application/json", {{"schema", itemRef}}}}}, {"required", true}}},
          {"responses", okResponse(itemRef)}}},
        {"patch",
         {{"operationId", operationName("patch", r, suffix)},
          {"x-kubernetes-action", "patch"},
          {"x-kubernetes-group-version-kind", itemGvk},
          {"parameters", writeParameters(true, true)},
          {"requestBody", {{"content", patchTypes}, {"required", true}}},
          {"responses", okResponse(itemRef)}}},
        {"parameters",
         json::array({{{"name", "name"}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}}}}})}};
    if (r.namespaced) {
      item["parameters"].push_back(
          {{"name", "namespace"}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}}}});
    }
    if (withDelete) {
      item["delete"] = {{"operationId", operationName("delete", r, suffix)},
                        {"x-kubernetes-action", "delete"},
                        {"x-kubernetes-group-version-kind", itemGvk},
                        {"parameters", writeParameters(false, false)},
                        {"responses", {{"200", {{"description", "OK"}}}}}};
    }
    return item;
  };
  paths[prefix + "/" + r.plural + "/{name}"] = itemOperations("", gvk, kindRef, true);
  if (r.hasStatusSubresource)
    paths[prefix + "/" + r.plural + "/{name}/status"] = itemOperations("Status", gvk, kindRef, false);
  if (r.scale) {
    paths[prefix + "/" + r.plural + "/{name}/scale"] =
        itemOperations("Scale", gvkOf("autoscaling", "v1", "Scale"), ref(kScale), false);
  }
}

std::string hashOf(const std::string& text) {
  char buffer[20];
  std::snprintf(buffer, sizeof buffer, "%016zX", std::hash<std::string>{}(text));
  return buffer;
}

}  // namespace

json openApiDocument(const ResourceRegistry& registry, const std::string& group, const std::string& version) {
  auto resources = registry.inGroupVersion(group, version);
  if (resources.empty()) return nullptr;
  const json& all = allBuiltinOpenApiSchemas();
  json schemas = openApiComponentSchemas(group, version);
  if (!schemas.is_object()) schemas = json::object();
  collectSchema(all, kObjectMeta, schemas);
  schemas[kPatch] = {{"type", "object"},
                     {"description",
                      "Patch is provided to give a concrete name and type to the Kubernetes PATCH "
                      "request body."}};
  json paths = json::object();
  for (const auto& r : resources) {
    std::string name;
    if (r->custom) {
      name = customSchemaName(*r);
      schemas[name] = customResourceSchema(*r);
    } else {
      name = builtinSchemaName(*r);
      if (name.empty() || !schemas.contains(name)) {
        name = customSchemaName(*r);
        schemas[name] = customResourceSchema(*r);
      }
    }
    if (r->scale) collectSchema(all, kScale, schemas);
    addResourcePaths(*r, name, paths);
  }
  return {{"openapi", "3.0.0"},
          {"info", {{"title", "Kubernetes"}, {"version", "v1.32.0"}}},
          {"paths", paths},
          {"components", {{"schemas", schemas}}}};
}

void OpenApiDocuments::refreshLocked() {
  std::uint64_t generation = registry_.generation();
  if (generation == generation_ && !documents_.empty()) return;
  documents_.clear();
  for (const auto& group : registry_.groups()) {
    for (const auto& version : group.versions) {
      std::string path = group.group.empty() ? "api/" + version : "apis/" + group.group + "/" + version;
      auto text = std::make_shared<const std::string>(openApiDocument(registry_, group.group, version).dump());
      documents_[path] = {text, hashOf(*text)};
    }
  }
  generation_ = generation;
}

json OpenApiDocuments::root() {
  std::lock_guard lock(mutex_);
  refreshLocked();
  json paths = json::object();
  for (const auto& [path, cached] : documents_) {
    paths[path] = {{"serverRelativeURL", "/openapi/v3/" + path + "?hash=" + cached.hash}};
  }
  return {{"paths", paths}};
}

std::shared_ptr<const std::string> OpenApiDocuments::document(const std::string& groupVersionPath) {
  std::lock_guard lock(mutex_);
  refreshLocked();
  auto it = documents_.find(groupVersionPath);
  return it == documents_.end() ? nullptr : it->second.text;
}

}  // namespace flotilla::apiserver
