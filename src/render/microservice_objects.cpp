#include "render/microservice_objects.h"

#include <set>

#include "render/autoscaler.h"
#include "render/object_meta.h"
#include "render/sha256.h"

namespace flotilla::render {
namespace {

constexpr const char* kMicroserviceKind = "Microservice";
// Pod-template and config hashes are shortened: 64 bits are plenty to tell versions apart and stay readable.
constexpr std::size_t kShortHashLength = 16;

std::map<std::string, std::string> commonLabels(const api::Microservice& ms) {
  auto labels = microserviceSelectorLabels(ms.metadata.name);
  labels[kLabelManagedBy] = kManagedByFlotilla;
  if (auto it = ms.metadata.labels.find(kLabelPartOf); it != ms.metadata.labels.end())
    labels[kLabelPartOf] = it->second;
  return labels;
}

nlohmann::json metadataFor(const api::Microservice& ms, const std::map<std::string, std::string>& annotations = {}) {
  return objectMetadata(ms.metadata.name, ms.metadata.namespace_, commonLabels(ms), annotations,
                        ownerReference(kMicroserviceKind, ms.metadata));
}

std::int32_t containerPortOf(const api::ServicePort& port) {
  return port.targetPort.value_or(port.port);
}

nlohmann::json containerPorts(const api::MicroserviceSpec& spec) {
  nlohmann::json ports = nlohmann::json::array();
  for (const auto& port : spec.ports) {
    nlohmann::json entry = {{"containerPort", containerPortOf(port)}, {"protocol", port.protocol}};
    if (!port.name.empty()) entry["name"] = port.name;
    ports.push_back(std::move(entry));
  }
  return ports;
}

bool nonEmpty(const nlohmann::json& value) {
  return !value.is_null() && !value.empty();
}

nlohmann::json container(const api::Microservice& ms) {
  const auto& spec = ms.spec;
  nlohmann::json c = {{"name", ms.metadata.name}, {"image", spec.image}};
  if (!spec.imagePullPolicy.empty()) c["imagePullPolicy"] = spec.imagePullPolicy;
  if (!spec.command.empty()) c["command"] = spec.command;
  if (!spec.args.empty()) c["args"] = spec.args;
  if (!spec.ports.empty()) c["ports"] = containerPorts(spec);
  if (nonEmpty(spec.env)) c["env"] = spec.env;
  if (nonEmpty(spec.envFrom)) c["envFrom"] = spec.envFrom;
  if (nonEmpty(spec.resources)) c["resources"] = spec.resources;
  static constexpr std::pair<const char*, const char*> kProbes[] = {
      {"readiness", "readinessProbe"}, {"liveness", "livenessProbe"}, {"startup", "startupProbe"}};
  for (const auto& [from, to] : kProbes) {
    if (spec.probes.is_object() && spec.probes.contains(from) && nonEmpty(spec.probes.at(from))) {
      c[to] = spec.probes.at(from);
    }
  }
  return c;
}

std::string configHash(const api::Microservice& ms, const ConfigVersions& versions) {
  std::string input;
  for (const auto& ref : referencedConfigSources(ms)) {
    auto it = versions.find(ref);
    input += ref.kind + "/" + ref.name + "=" + (it == versions.end() ? std::string("<missing>") : it->second) + "\n";
  }
  return sha256Hex(input).substr(0, kShortHashLength);
}

nlohmann::json podTemplate(const api::Microservice& ms, const ConfigVersions& versions) {
  const auto& spec = ms.spec;
  // The user's pod labels are merged under Flotilla's, so the selector labels can never be overridden.
  auto labels = spec.podTemplate.labels;
  for (const auto& [key, value] : commonLabels(ms)) labels[key] = value;
  auto annotations = spec.podTemplate.annotations;
  if (spec.rolloutOnConfigChange) annotations[kAnnotationConfigHash] = configHash(ms, versions);

  nlohmann::json metadata = {{"labels", toJson(labels)}};
  if (!annotations.empty()) metadata["annotations"] = toJson(annotations);
  nlohmann::json podSpec = {{"containers", nlohmann::json::array({container(ms)})}};
  if (!spec.serviceAccountName.empty()) podSpec["serviceAccountName"] = spec.serviceAccountName;
  return {{"metadata", std::move(metadata)}, {"spec", std::move(podSpec)}};
}

nlohmann::json deployment(const api::Microservice& ms, const ConfigVersions& versions) {
  nlohmann::json tmpl = podTemplate(ms, versions);
  const std::string templateHash = sha256Hex(tmpl.dump()).substr(0, kShortHashLength);
  nlohmann::json spec = {
      {"selector", {{"matchLabels", toJson(microserviceSelectorLabels(ms.metadata.name))}}},
      {"strategy",
       {{"type", "RollingUpdate"},
        {"rollingUpdate",
         {{"maxSurge", ms.spec.strategy.maxSurge.toJson()},
          {"maxUnavailable", ms.spec.strategy.maxUnavailable.toJson()}}}}},
      {"template", std::move(tmpl)},
  };
  // DESIGN.md §2: with an HPA the Deployment must not carry replicas, or the operator and the HPA fight over it.
  if (!ms.spec.autoscaling) spec["replicas"] = ms.spec.replicas.value_or(1);
  nlohmann::json object =
      objectSkeleton("apps/v1", "Deployment", metadataFor(ms, {{kAnnotationPodTemplateHash, templateHash}}));
  object["spec"] = std::move(spec);
  return object;
}

nlohmann::json service(const api::Microservice& ms) {
  nlohmann::json ports = nlohmann::json::array();
  for (const auto& port : ms.spec.ports) {
    nlohmann::json entry = {{"port", port.port}, {"targetPort", containerPortOf(port)}, {"protocol", port.protocol}};
    if (!port.name.empty()) entry["name"] = port.name;
    if (!port.appProtocol.empty()) entry["appProtocol"] = port.appProtocol;
    ports.push_back(std::move(entry));
  }
  nlohmann::json object = objectSkeleton("v1", "Service", metadataFor(ms));
  object["spec"] = {
      {"type", "ClusterIP"}, {"selector", toJson(microserviceSelectorLabels(ms.metadata.name))}, {"ports", ports}};
  return object;
}

nlohmann::json podDisruptionBudget(const api::Microservice& ms, const api::DisruptionBudget& budget) {
  nlohmann::json spec = {{"selector", {{"matchLabels", toJson(microserviceSelectorLabels(ms.metadata.name))}}}};
  if (budget.minAvailable) spec["minAvailable"] = budget.minAvailable->toJson();
  if (budget.maxUnavailable) spec["maxUnavailable"] = budget.maxUnavailable->toJson();
  nlohmann::json object = objectSkeleton("policy/v1", "PodDisruptionBudget", metadataFor(ms));
  object["spec"] = std::move(spec);
  return object;
}

// Adds the ConfigMap/Secret that holder[field].name names (e.g. valueFrom.configMapKeyRef.name).
void collectRef(const nlohmann::json& holder, const char* field, const char* kind, std::set<ConfigSourceRef>& out) {
  if (!holder.is_object() || !holder.contains(field)) return;
  const auto& ref = holder.at(field);
  if (ref.is_object() && ref.contains("name") && ref.at("name").is_string()) {
    out.insert({kind, ref.at("name").get<std::string>()});
  }
}

}  // namespace

std::vector<nlohmann::json> MicroserviceObjects::all() const {
  std::vector<nlohmann::json> objects{service, deployment};
  if (horizontalPodAutoscaler) objects.push_back(*horizontalPodAutoscaler);
  if (podDisruptionBudget) objects.push_back(*podDisruptionBudget);
  return objects;
}

std::map<std::string, std::string> microserviceSelectorLabels(const std::string& name) {
  return {{kLabelName, name}, {kLabelMicroservice, name}};
}

std::vector<ConfigSourceRef> referencedConfigSources(const api::Microservice& microservice) {
  std::set<ConfigSourceRef> refs;
  const auto& spec = microservice.spec;
  if (spec.env.is_array()) {
    for (const auto& env : spec.env) {
      if (!env.is_object() || !env.contains("valueFrom")) continue;
      collectRef(env.at("valueFrom"), "configMapKeyRef", "ConfigMap", refs);
      collectRef(env.at("valueFrom"), "secretKeyRef", "Secret", refs);
    }
  }
  if (spec.envFrom.is_array()) {
    for (const auto& source : spec.envFrom) {
      collectRef(source, "configMapRef", "ConfigMap", refs);
      collectRef(source, "secretRef", "Secret", refs);
    }
  }
  return {refs.begin(), refs.end()};
}

MicroserviceObjects renderMicroservice(const api::Microservice& microservice, const ConfigVersions& configVersions) {
  MicroserviceObjects objects;
  objects.deployment = deployment(microservice, configVersions);
  objects.service = service(microservice);
  if (microservice.spec.autoscaling) {
    objects.horizontalPodAutoscaler = renderHorizontalPodAutoscaler(
        metadataFor(microservice), microservice.metadata.name, *microservice.spec.autoscaling);
  }
  if (microservice.spec.disruptionBudget) {
    objects.podDisruptionBudget = podDisruptionBudget(microservice, *microservice.spec.disruptionBudget);
  }
  return objects;
}

std::string microserviceUrl(const api::Microservice& microservice) {
  std::string url =
      "http://" + microservice.metadata.name + "." + microservice.metadata.namespace_ + ".svc.cluster.local";
  if (!microservice.spec.ports.empty() && microservice.spec.ports.front().port != 80) {
    url += ":" + std::to_string(microservice.spec.ports.front().port);
  }
  return url;
}

}  // namespace flotilla::render
