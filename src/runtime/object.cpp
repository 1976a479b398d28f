#include "runtime/object.h"

namespace flotilla::runtime {

namespace {

const nlohmann::json& metadataOf(const nlohmann::json& object) {
  static const nlohmann::json empty = nlohmann::json::object();
  if (!object.is_object()) return empty;
  auto it = object.find("metadata");
  return it != object.end() && it->is_object() ? *it : empty;
}

std::string stringField(const nlohmann::json& object, const char* field) {
  auto it = object.find(field);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::map<std::string, std::string> stringMap(const nlohmann::json& metadata, const char* field) {
  std::map<std::string, std::string> result;
  auto it = metadata.find(field);
  if (it == metadata.end() || !it->is_object()) return result;
  for (const auto& [key, value] : it->items()) {
    if (value.is_string()) result.emplace(key, value.get<std::string>());
  }
  return result;
}

}  // namespace

std::string namespaceOf(const nlohmann::json& object) {
  return stringField(metadataOf(object), "namespace");
}
std::string nameOf(const nlohmann::json& object) {
  return stringField(metadataOf(object), "name");
}
std::string uidOf(const nlohmann::json& object) {
  return stringField(metadataOf(object), "uid");
}
std::string resourceVersionOf(const nlohmann::json& object) {
  return stringField(metadataOf(object), "resourceVersion");
}

std::int64_t generationOf(const nlohmann::json& object) {
  const auto& metadata = metadataOf(object);
  auto it = metadata.find("generation");
  return it != metadata.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

std::map<std::string, std::string> labelsOf(const nlohmann::json& object) {
  return stringMap(metadataOf(object), "labels");
}

std::map<std::string, std::string> annotationsOf(const nlohmann::json& object) {
  return stringMap(metadataOf(object), "annotations");
}

std::string objectKey(const std::string& namespace_, const std::string& name) {
  return namespace_.empty() ? name : namespace_ + "/" + name;
}

std::string objectKey(const nlohmann::json& object) {
  return objectKey(namespaceOf(object), nameOf(object));
}

std::pair<std::string, std::string> splitObjectKey(const std::string& key) {
  const auto slash = key.find('/');
  if (slash == std::string::npos) return {"", key};
  return {key.substr(0, slash), key.substr(slash + 1)};
}

std::string groupOf(const std::string& apiVersion) {
  const auto slash = apiVersion.find('/');
  return slash == std::string::npos ? std::string() : apiVersion.substr(0, slash);
}

bool onlyStatusChanged(const nlohmann::json& before, const nlohmann::json& after) {
  const std::int64_t generation = generationOf(after);
  if (generation <= 0 || generationOf(before) != generation) return false;
  auto metadataField = [](const nlohmann::json& object, const char* field) -> const nlohmann::json* {
    static const nlohmann::json kAbsent;
    auto metadata = object.find("metadata");
    if (metadata == object.end() || !metadata->is_object()) return &kAbsent;
    auto value = metadata->find(field);
    return value == metadata->end() ? &kAbsent : &*value;
  };
  for (const char* field : {"uid", "labels", "annotations", "finalizers", "ownerReferences", "deletionTimestamp"}) {
    if (*metadataField(before, field) != *metadataField(after, field)) return false;
  }
  return true;
}

void stripForCache(nlohmann::json& object) {
  if (!object.is_object()) return;
  auto metadata = object.find("metadata");
  if (metadata == object.end() || !metadata->is_object()) return;
  metadata->erase("managedFields");
  auto annotations = metadata->find("annotations");
  if (annotations != metadata->end() && annotations->is_object()) {
    annotations->erase("kubectl.kubernetes.io/last-applied-configuration");
    if (annotations->empty()) metadata->erase(annotations);
  }
}

std::size_t approximateJsonBytes(const nlohmann::json& value) {
  // Per-node overheads of libstdc++ containers on 64-bit: a std::map node carries 32 bytes of links and colour,
  // then the key string and the json value; a heap-allocated string adds its capacity beyond the 15-byte SSO.
  constexpr std::size_t kMapNodeOverhead = 32;
  constexpr std::size_t kSsoCapacity = 15;
  auto stringBytes = [](const std::string& s) { return s.size() > kSsoCapacity ? s.capacity() + 1 : 0; };

  std::size_t bytes = 0;
  switch (value.type()) {
    case nlohmann::json::value_t::object: {
      const auto& object = value.get_ref<const nlohmann::json::object_t&>();
      bytes += sizeof(nlohmann::json::object_t);
      for (const auto& [key, child] : object) {
        bytes += kMapNodeOverhead + sizeof(std::string) + stringBytes(key) + sizeof(nlohmann::json);
        bytes += approximateJsonBytes(child);
      }
      break;
    }
    case nlohmann::json::value_t::array: {
      const auto& array = value.get_ref<const nlohmann::json::array_t&>();
      bytes += sizeof(nlohmann::json::array_t) + array.capacity() * sizeof(nlohmann::json);
      for (const auto& child : array) bytes += approximateJsonBytes(child);
      break;
    }
    case nlohmann::json::value_t::string: {
      const auto& s = value.get_ref<const std::string&>();
      bytes += sizeof(std::string) + stringBytes(s);
      break;
    }
    default:
      break;  // numbers, booleans and null live inside the json node itself
  }
  return bytes;
}

}  // namespace flotilla::runtime
