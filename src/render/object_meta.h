#pragma once
// Labels, annotations and ownerReferences shared by every object Flotilla renders (DESIGN.md §2).

#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "api/types.h"

namespace flotilla::render {

inline constexpr const char* kLabelName = "app.kubernetes.io/name";
inline constexpr const char* kLabelManagedBy = "app.kubernetes.io/managed-by";
inline constexpr const char* kLabelPartOf = "app.kubernetes.io/part-of";
inline constexpr const char* kLabelComponent = "app.kubernetes.io/component";
inline constexpr const char* kManagedByFlotilla = "flotilla";
inline constexpr const char* kLabelMicroservice = "flotilla.io/microservice";
inline constexpr const char* kLabelGateway = "flotilla.io/gateway";
inline constexpr const char* kLabelGatewayNamespace = "flotilla.io/gateway-namespace";

inline constexpr const char* kAnnotationPodTemplateHash = "flotilla.io/pod-template-hash";
inline constexpr const char* kAnnotationConfigHash = "flotilla.io/config-hash";
inline constexpr const char* kAnnotationGatewayGeneration = "flotilla.io/gateway-generation";

// ownerReference to a Flotilla CR (controller=true, blockOwnerDeletion=true) so deletion cascades.
nlohmann::json ownerReference(const std::string& kind, const api::ObjectMeta& owner);

// metadata {name, namespace, labels, [annotations], [ownerReferences]}; empty maps are left out.
nlohmann::json objectMetadata(const std::string& name, const std::string& namespace_,
                              const std::map<std::string, std::string>& labels,
                              const std::map<std::string, std::string>& annotations, const nlohmann::json& owner);

// A complete object skeleton: apiVersion, kind, metadata.
nlohmann::json objectSkeleton(const std::string& apiVersion, const std::string& kind, nlohmann::json metadata);

nlohmann::json toJson(const std::map<std::string, std::string>& map);

}  // namespace flotilla::render
