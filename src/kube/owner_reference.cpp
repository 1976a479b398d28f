#include "kube/owner_reference.h"

namespace flotilla::kube {
namespace {

std::string stringField(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool boolField(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_boolean() && it->get<bool>();
}

}  // namespace

std::vector<OwnerReference> ownerReferencesOf(const nlohmann::json& object) {
  std::vector<OwnerReference> owners;
  if (!object.is_object()) return owners;
  auto metadata = object.find("metadata");
  if (metadata == object.end() || !metadata->is_object()) return owners;
  auto refs = metadata->find("ownerReferences");
  if (refs == metadata->end() || !refs->is_array()) return owners;
  for (const auto& ref : *refs) {
    if (!ref.is_object()) continue;
    owners.push_back({stringField(ref, "apiVersion"), stringField(ref, "kind"), stringField(ref, "name"),
                      stringField(ref, "uid"), boolField(ref, "controller"), boolField(ref, "blockOwnerDeletion")});
  }
  return owners;
}

std::optional<OwnerReference> controllerOf(const nlohmann::json& object) {
  for (auto& owner : ownerReferencesOf(object)) {
    if (owner.controller) return owner;
  }
  return std::nullopt;
}

}  // namespace flotilla::kube
