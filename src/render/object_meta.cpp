#include "render/object_meta.h"

namespace flotilla::render {

nlohmann::json ownerReference(const std::string& kind, const api::ObjectMeta& owner) {
  return {
      {"apiVersion", api::kApiVersion}, {"kind", kind}, {"name", owner.name}, {"uid", owner.uid}, {"controller", true},
      {"blockOwnerDeletion", true}};
}

nlohmann::json toJson(const std::map<std::string, std::string>& map) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [key, value] : map) out[key] = value;
  return out;
}

nlohmann::json objectMetadata(const std::string& name, const std::string& namespace_,
                              const std::map<std::string, std::string>& labels,
                              const std::map<std::string, std::string>& annotations, const nlohmann::json& owner) {
  nlohmann::json metadata = {{"name", name}, {"namespace", namespace_}};
  if (!labels.empty()) metadata["labels"] = toJson(labels);
  if (!annotations.empty()) metadata["annotations"] = toJson(annotations);
  if (!owner.is_null()) metadata["ownerReferences"] = nlohmann::json::array({owner});
  return metadata;
}

nlohmann::json objectSkeleton(const std::string& apiVersion, const std::string& kind, nlohmann::json metadata) {
  return {{"apiVersion", apiVersion}, {"kind", kind}, {"metadata", std::move(metadata)}};
}

}  // namespace flotilla::render
