#include "api/schema_prune.h"

#include <set>

#include "api/field_path.h"

namespace flotilla::api {

const std::set<std::string, std::less<>>& objectMetaFields() {
  // The API server itself owns these; everything else under metadata is unknown.
  static const std::set<std::string, std::less<>> fields = {"name",
                                                            "generateName",
                                                            "namespace",
                                                            "selfLink",
                                                            "uid",
                                                            "resourceVersion",
                                                            "generation",
                                                            "creationTimestamp",
                                                            "deletionTimestamp",
                                                            "deletionGracePeriodSeconds",
                                                            "labels",
                                                            "annotations",
                                                            "ownerReferences",
                                                            "finalizers",
                                                            "managedFields"};
  return fields;
}

namespace {

using nlohmann::json;

class Pruner {
 public:
  std::vector<std::string> pruned;

  void prune(const SchemaNode& schema, json& value, const std::string& path) {
    if (value.is_array()) {
      if (!schema.items) return;
      for (std::size_t i = 0; i < value.size(); ++i) prune(*schema.items, value[i], indexPath(path, i));
      return;
    }
    // A wrongly typed value is left to validation to report, as a type error rather than as unknown fields.
    if (!value.is_object() || (schema.type != "object" && !schema.type.empty()) || schema.intOrString) return;
    pruneObject(schema, value, path, false);
  }

  void pruneObject(const SchemaNode& schema, json& object, const std::string& path, bool root) {
    std::vector<std::string> unknown;
    for (auto& [key, entry] : object.items()) {
      if (root && (key == "apiVersion" || key == "kind")) continue;
      if (root && key == "metadata") {
        pruneMetadata(entry);
        continue;
      }
      if (auto property = schema.properties.find(key); property != schema.properties.end()) {
        prune(*property->second, entry, fieldPath(path, key));
      } else if (schema.additionalProperties) {
        prune(*schema.additionalProperties, entry, keyPath(path, key));
      } else if (!schema.anyAdditionalProperties && !schema.preserveUnknownFields) {
        unknown.push_back(key);
      }
    }
    for (const std::string& key : unknown) {
      object.erase(key);
      pruned.push_back(fieldPath(path, key));
    }
  }

 private:
  void pruneMetadata(json& metadata) {
    if (!metadata.is_object()) return;
    std::vector<std::string> unknown;
    for (const auto& [key, entry] : metadata.items()) {
      if (!objectMetaFields().contains(key)) unknown.push_back(key);
    }
    for (const std::string& key : unknown) {
      metadata.erase(key);
      pruned.push_back("metadata." + key);
    }
  }
};

}  // namespace

std::vector<std::string> pruneUnknownFields(const SchemaNode& schema, json& value, bool objectRoot) {
  Pruner pruner;
  if (objectRoot && value.is_object()) {
    pruner.pruneObject(schema, value, "", true);
  } else {
    pruner.prune(schema, value, "");
  }
  return std::move(pruner.pruned);
}

}  // namespace flotilla::api
