#pragma once
// Microservice -> the Kubernetes objects the operator server-side applies (DESIGN.md §2): Deployment, Service, and
// when asked for, a HorizontalPodAutoscaler (autoscaling/v2) and a PodDisruptionBudget (policy/v1).
// Pure and deterministic: the same Microservice (and config versions) always gives byte-identical JSON.

#include <compare>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/types.h"

namespace flotilla::render {

struct MicroserviceObjects {
  nlohmann::json deployment;
  nlohmann::json service;
  std::optional<nlohmann::json> horizontalPodAutoscaler;  // only with spec.autoscaling
  std::optional<nlohmann::json> podDisruptionBudget;      // only with spec.disruptionBudget

  // Every object, in the order they are best applied (Service first, so endpoints exist when pods get ready).
  std::vector<nlohmann::json> all() const;
};

// A ConfigMap or Secret that the Microservice's env/envFrom reads.
struct ConfigSourceRef {
  std::string kind;  // "ConfigMap" | "Secret"
  std::string name;
  auto operator<=>(const ConfigSourceRef&) const = default;
};

// resourceVersion of each referenced ConfigMap/Secret (missing = not found); feeds flotilla.io/config-hash.
using ConfigVersions = std::map<ConfigSourceRef, std::string>;

// The ConfigMaps and Secrets referenced by env[].valueFrom and envFrom[], sorted and deduplicated, so the
// controller knows which objects to watch and pass to renderMicroservice when rolloutOnConfigChange is set.
std::vector<ConfigSourceRef> referencedConfigSources(const api::Microservice& microservice);

// Labels selecting the Microservice's pods: app.kubernetes.io/name and flotilla.io/microservice (stable forever).
std::map<std::string, std::string> microserviceSelectorLabels(const std::string& name);

// Without autoscaling the Deployment has spec.replicas (default 1); with it, replicas is omitted so the HPA owns it.
// The Deployment carries flotilla.io/pod-template-hash (hash of the pod template); with rolloutOnConfigChange the pod
// template carries flotilla.io/config-hash, computed from configVersions, so a config change rolls the pods.
MicroserviceObjects renderMicroservice(const api::Microservice& microservice,
                                       const ConfigVersions& configVersions = {});

// http://<name>.<namespace>.svc.cluster.local[:<first port>] (the port is left out when it is 80 or absent).
std::string microserviceUrl(const api::Microservice& microservice);

}  // namespace flotilla::render
