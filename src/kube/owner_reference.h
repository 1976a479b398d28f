#pragma once
// metadata.ownerReferences read from an object held as JSON, in one place for everyone who follows owners: the
// runtime (mapping owned objects to their controller) and the API emulator (garbage collection). Tolerant:
// malformed entries and fields read as empty/false instead of throwing.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace flotilla::kube {

struct OwnerReference {
  std::string apiVersion;
  std::string kind;
  std::string name;
  std::string uid;
  bool controller = false;
  bool blockOwnerDeletion = false;
};

std::vector<OwnerReference> ownerReferencesOf(const nlohmann::json& object);
// The owner reference with controller=true, if any.
std::optional<OwnerReference> controllerOf(const nlohmann::json& object);

}  // namespace flotilla::kube
