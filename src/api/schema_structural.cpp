#include "api/schema_structural.h"

#include <algorithm>
#include <regex>
#include <set>
#include <string>

namespace flotilla::api {
namespace {

using nlohmann::json;

const std::set<std::string, std::less<>> kTypes = {"object", "array", "string", "integer", "number", "boolean"};
const std::set<std::string, std::less<>> kScalarTypes = {"string", "integer", "number", "boolean"};
const std::set<std::string, std::less<>> kRuleReasons = {"FieldValueInvalid", "FieldValueForbidden",
                                                         "FieldValueRequired", "FieldValueDuplicate"};
// Keywords apiextensions.k8s.io/v1 refuses anywhere in a schema.
const char* const kForbiddenKeywords[] = {"$ref", "$schema",           "definitions",    "dependencies",
                                          "id",   "patternProperties", "additionalItems"};
// Keywords that belong to the structural part and so may not appear under allOf/anyOf/oneOf/not.
const char* const kStructuralOnlyKeywords[] = {"type",
                                               "description",
                                               "default",
                                               "nullable",
                                               "additionalProperties",
                                               "x-kubernetes-preserve-unknown-fields",
                                               "x-kubernetes-int-or-string",
                                               "x-kubernetes-embedded-resource",
                                               "x-kubernetes-list-type",
                                               "x-kubernetes-list-map-keys",
                                               "x-kubernetes-map-type",
                                               "x-kubernetes-validations"};
const char* const kJunctors[] = {"allOf", "anyOf", "oneOf"};

class StructuralChecker {
 public:
  FieldErrors errors;

  void checkNode(const json& node, const std::string& path, bool root) {
    if (!node.is_object()) {
      add(path, "Invalid value: must be a schema object");
      return;
    }
    checkForbidden(node, path);
    checkFlags(node, path);
    checkType(node, path, root);
    checkProperties(node, path, root);
    checkItems(node, path);
    checkListType(node, path);
    checkRules(node, path);
    checkPatterns(node, path);
    checkJunctors(node, path);
  }

 private:
  void add(const std::string& path, std::string message) { errors.push_back({path, std::move(message)}); }

  static bool flag(const json& node, const char* name) {
    auto it = node.find(name);
    return it != node.end() && it->is_boolean() && it->get<bool>();
  }

  void checkForbidden(const json& node, const std::string& path) {
    for (const char* keyword : kForbiddenKeywords) {
      if (node.contains(keyword)) add(path + "." + keyword, "Forbidden: " + std::string(keyword) + " is not allowed");
    }
    if (flag(node, "uniqueItems")) {
      add(path + ".uniqueItems",
          "Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic");
    }
    if (auto it = node.find("additionalProperties"); it != node.end() && it->is_boolean() && !it->get<bool>()) {
      add(path + ".additionalProperties", "Forbidden: additionalProperties cannot be set to false");
    }
  }

  void checkFlags(const json& node, const std::string& path) {
    for (const char* name : {"nullable", "x-kubernetes-int-or-string", "x-kubernetes-preserve-unknown-fields",
                             "x-kubernetes-embedded-resource"}) {
      if (auto it = node.find(name); it != node.end() && !it->is_boolean()) {
        add(path + "." + name, "Invalid value: must be a boolean");
      }
    }
    if (flag(node, "x-kubernetes-embedded-resource") && node.value("type", "") != "object") {
      add(path + ".type", "Required value: must be object if x-kubernetes-embedded-resource is true");
    }
  }

  void checkType(const json& node, const std::string& path, bool root) {
    auto it = node.find("type");
    const bool intOrString = flag(node, "x-kubernetes-int-or-string");
    if (it == node.end() || (it->is_string() && it->get_ref<const std::string&>().empty())) {
      if (root) {
        add(path + ".type", "Unsupported value: \"\": supported values: \"object\"");
      } else if (!intOrString && !flag(node, "x-kubernetes-preserve-unknown-fields")) {
        add(path + ".type", "Required value: must not be empty for specified fields");
      }
      return;
    }
    if (!it->is_string() || !kTypes.contains(it->get_ref<const std::string&>())) {
      add(path + ".type", "Unsupported value: " + it->dump() +
                              ": supported values: \"array\", \"boolean\", \"integer\", \"number\", \"object\", "
                              "\"string\"");
      return;
    }
    if (intOrString) {
      add(path + ".type", "Invalid value: " + it->dump() + ": must be empty if x-kubernetes-int-or-string is true");
    }
    if (root && *it != "object")
      add(path + ".type", "Unsupported value: " + it->dump() + ": supported values: \"object\"");
  }

  void checkProperties(const json& node, const std::string& path, bool root) {
    auto properties = node.find("properties");
    auto additional = node.find("additionalProperties");
    if (properties != node.end() && additional != node.end()) {
      add(path + ".additionalProperties", "Forbidden: additionalProperties and properties are mutual exclusive");
    }
    if (properties != node.end()) {
      if (!properties->is_object()) {
        add(path + ".properties", "Invalid value: must be an object of schemas");
      } else {
        for (const auto& [name, child] : properties->items()) {
          const std::string childPath = path + ".properties[" + name + "]";
          if (root && name == "metadata") {
            checkMetadata(child, childPath);
          } else {
            checkNode(child, childPath, false);
          }
        }
      }
    }
    if (additional != node.end() && additional->is_object())
      checkNode(*additional, path + ".additionalProperties", false);
    if (auto required = node.find("required"); required != node.end()) {
      if (!required->is_array()) {
        add(path + ".required", "Invalid value: must be a list of property names");
      } else {
        for (const json& name : *required) {
          if (!name.is_string()) add(path + ".required", "Invalid value: " + name.dump() + ": must be a string");
        }
      }
    }
  }

  // The API server owns metadata: a CRD may only restrict name and generateName.
  void checkMetadata(const json& node, const std::string& path) {
    if (!node.is_object()) {
      add(path, "Invalid value: must be a schema object");
      return;
    }
    if (node.value("type", "") != "object") add(path + ".type", "Unsupported value: supported values: \"object\"");
    for (const auto& [key, value] : node.items()) {
      if (key == "type" || key == "description" || key == "properties") continue;
      add(path + "." + key, "Forbidden: must not be specified under metadata");
    }
    if (auto properties = node.find("properties"); properties != node.end() && properties->is_object()) {
      for (const auto& [name, child] : properties->items()) {
        const std::string childPath = path + ".properties[" + name + "]";
        if (name != "name" && name != "generateName") {
          add(childPath, "Forbidden: only name and generateName may be specified under metadata");
          continue;
        }
        checkNode(child, childPath, false);
        if (child.is_object() && child.value("type", "") != "string") {
          add(childPath + ".type", "Unsupported value: supported values: \"string\"");
        }
      }
    }
  }

  void checkItems(const json& node, const std::string& path) {
    auto items = node.find("items");
    if (items != node.end()) {
      if (items->is_array()) {
        add(path + ".items", "Forbidden: items must be a schema object and not an array");
      } else {
        checkNode(*items, path + ".items", false);
      }
    } else if (node.value("type", "") == "array") {
      add(path + ".items", "Required value: must be specified");
    }
  }

  void checkListType(const json& node, const std::string& path) {
    auto listType = node.find("x-kubernetes-list-type");
    auto mapKeys = node.find("x-kubernetes-list-map-keys");
    const std::string type = node.value("type", "");
    if (listType == node.end()) {
      if (mapKeys != node.end()) {
        add(path + ".x-kubernetes-list-map-keys", "Forbidden: must only be set if x-kubernetes-list-type is \"map\"");
      }
      return;
    }
    const std::string typePath = path + ".x-kubernetes-list-type";
    if (type != "array") add(typePath, "Invalid value: must only be used if type is array");
    if (!listType->is_string() || (*listType != "atomic" && *listType != "set" && *listType != "map")) {
      add(typePath, "Unsupported value: " + listType->dump() + ": supported values: \"atomic\", \"map\", \"set\"");
      return;
    }
    const json* items = node.contains("items") && node["items"].is_object() ? &node["items"] : nullptr;
    const std::string itemType = items != nullptr ? items->value("type", "") : "";
    if (*listType == "set" && items != nullptr && !kScalarTypes.contains(itemType) &&
        !flag(*items, "x-kubernetes-int-or-string")) {
      add(path + ".items.type",
          "Invalid value: \"" + itemType + "\": must be a scalar type if x-kubernetes-list-type is set");
    }
    if (*listType != "map") {
      if (mapKeys != node.end()) {
        add(path + ".x-kubernetes-list-map-keys", "Forbidden: must only be set if x-kubernetes-list-type is \"map\"");
      }
      return;
    }
    if (mapKeys == node.end() || !mapKeys->is_array() || mapKeys->empty()) {
      add(path + ".x-kubernetes-list-map-keys", "Required value: must not be empty if x-kubernetes-list-type is map");
      return;
    }
    if (items == nullptr || itemType != "object") {
      add(path + ".items.type", "Invalid value: must be object if x-kubernetes-list-type is map");
      return;
    }
    checkMapKeys(*items, *mapKeys, path);
  }

  void checkMapKeys(const json& items, const json& mapKeys, const std::string& path) {
    static const json kEmpty = json::object();
    const json& properties = items.contains("properties") ? items["properties"] : kEmpty;
    const json& required = items.contains("required") ? items["required"] : kEmpty;
    for (const json& key : mapKeys) {
      const std::string keyPath = path + ".x-kubernetes-list-map-keys";
      if (!key.is_string() || !properties.contains(key.get<std::string>())) {
        add(keyPath, "Invalid value: " + key.dump() + ": entries must all be names of item properties");
        continue;
      }
      const json& property = properties[key.get<std::string>()];
      if (!property.is_object() || !kScalarTypes.contains(property.value("type", ""))) {
        add(keyPath, "Invalid value: " + key.dump() + ": must be a scalar property of the items");
      }
      const bool isRequired = required.is_array() && std::find(required.begin(), required.end(), key) != required.end();
      if (!isRequired && !(property.is_object() && property.contains("default"))) {
        add(keyPath, "Invalid value: " + key.dump() + ": must be required or have a default");
      }
    }
  }

  void checkRules(const json& node, const std::string& path) {
    auto rules = node.find("x-kubernetes-validations");
    if (rules == node.end()) return;
    if (!rules->is_array()) {
      add(path + ".x-kubernetes-validations", "Invalid value: must be a list of rules");
      return;
    }
    for (std::size_t i = 0; i < rules->size(); ++i) {
      const json& rule = (*rules)[i];
      const std::string rulePath = path + ".x-kubernetes-validations[" + std::to_string(i) + "]";
      if (!rule.is_object() || !rule.contains("rule") || !rule["rule"].is_string() || rule["rule"].empty()) {
        add(rulePath + ".rule", "Required value");
        continue;
      }
      if (auto reason = rule.find("reason");
          reason != rule.end() && (!reason->is_string() || !kRuleReasons.contains(reason->get<std::string>()))) {
        add(rulePath + ".reason", "Unsupported value: " + reason->dump() +
                                      ": supported values: \"FieldValueDuplicate\", \"FieldValueForbidden\", "
                                      "\"FieldValueInvalid\", \"FieldValueRequired\"");
      }
      if (auto fieldPath = rule.find("fieldPath"); fieldPath != rule.end()) {
        const bool valid =
            fieldPath->is_string() && !fieldPath->get_ref<const std::string&>().empty() &&
            (fieldPath->get_ref<const std::string&>()[0] == '.' || fieldPath->get_ref<const std::string&>()[0] == '[');
        if (!valid) add(rulePath + ".fieldPath", "Invalid value: " + fieldPath->dump() + ": must start with . or [");
      }
    }
  }

  // Patterns must compile as ECMAScript too: the emulator matches them with std::regex.
  void checkPatterns(const json& node, const std::string& path) {
    auto pattern = node.find("pattern");
    if (pattern == node.end()) return;
    if (!pattern->is_string()) {
      add(path + ".pattern", "Invalid value: must be a string");
      return;
    }
    try {
      std::regex compiled(pattern->get<std::string>());
    } catch (const std::regex_error&) {
      add(path + ".pattern", "Invalid value: " + pattern->dump() + ": must be a valid regular expression");
    }
  }

  void checkJunctors(const json& node, const std::string& path) {
    for (const char* junctor : kJunctors) {
      auto it = node.find(junctor);
      if (it == node.end()) continue;
      if (!it->is_array()) {
        add(path + "." + junctor, "Invalid value: must be a list of schemas");
        continue;
      }
      for (std::size_t i = 0; i < it->size(); ++i) {
        checkValueValidation((*it)[i], path + "." + junctor + "[" + std::to_string(i) + "]");
      }
    }
    if (auto it = node.find("not"); it != node.end()) checkValueValidation(*it, path + ".not");
  }

  // Under allOf/anyOf/oneOf/not only value validations may appear; the structure lives outside them.
  void checkValueValidation(const json& node, const std::string& path) {
    if (!node.is_object()) {
      add(path, "Invalid value: must be a schema object");
      return;
    }
    for (const char* keyword : kStructuralOnlyKeywords) {
      if (node.contains(keyword)) {
        add(path + "." + keyword, "Forbidden: must not be used inside allOf, anyOf, oneOf or not");
      }
    }
    checkForbidden(node, path);
    checkPatterns(node, path);
    if (auto properties = node.find("properties"); properties != node.end() && properties->is_object()) {
      for (const auto& [name, child] : properties->items()) {
        checkValueValidation(child, path + ".properties[" + name + "]");
      }
    }
    if (auto items = node.find("items"); items != node.end()) checkValueValidation(*items, path + ".items");
    checkJunctors(node, path);
  }
};

}  // namespace

FieldErrors checkStructural(const nlohmann::json& schema, std::string_view basePath) {
  StructuralChecker checker;
  checker.checkNode(schema, std::string(basePath), true);
  return std::move(checker.errors);
}

}  // namespace flotilla::api
