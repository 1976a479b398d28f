#include <array>

#include "api/limits.h"
#include "api/names.h"
#include "api/validate.h"
#include "api/validate_common.h"

namespace flotilla::api {
namespace {

using namespace validation;

void checkPorts(FieldErrors& errors, const std::vector<ServicePort>& ports) {
  const std::string path = "spec.ports";
  checkCount(errors, path, ports.size(), 1, limits::kMaxPorts);
  for (std::size_t i = 0; i < ports.size(); ++i) {
    const auto& port = ports[i];
    const std::string portPath = indexPath(path, i);
    checkName(errors, fieldPath(portPath, "name"), port.name, NameRule::IanaServiceName);
    checkRange(errors, fieldPath(portPath, "port"), port.port, limits::kMinPort, limits::kMaxPort);
    if (port.targetPort) {
      checkRange(errors, fieldPath(portPath, "targetPort"), *port.targetPort, limits::kMinPort, limits::kMaxPort);
    }
    checkEnum(errors, fieldPath(portPath, "protocol"), port.protocol, limits::kProtocols);
    if (!port.appProtocol.empty() &&
        (port.appProtocol.size() > limits::kMaxAppProtocolLength || !isQualifiedName(port.appProtocol))) {
      add(errors, fieldPath(portPath, "appProtocol"),
          "must be a protocol name such as http, grpc or kubernetes.io/h2c (a qualified name)");
    }
  }
  checkUnique(
      errors, ports, [](const ServicePort& p) { return p.name; },
      [&](std::size_t i) { return fieldPath(indexPath(path, i), "name"); });
  checkUnique(
      errors, ports, [](const ServicePort& p) { return std::to_string(p.port) + "/" + p.protocol; },
      [&](std::size_t i) { return fieldPath(indexPath(path, i), "port"); });
}

// env is core/v1.EnvVar JSON copied into the container: Flotilla checks what would make the Deployment invalid.
void checkEnv(FieldErrors& errors, const nlohmann::json& env, const nlohmann::json& envFrom) {
  checkCount(errors, "spec.env", env.size(), 0, limits::kMaxEnv);
  std::set<std::string> seen;
  for (std::size_t i = 0; i < env.size(); ++i) {
    const std::string itemPath = indexPath("spec.env", i);
    const auto& item = env[i];
    if (!item.is_object()) {
      add(errors, itemPath, "must be an object");
      continue;
    }
    const auto name = item.value("name", nlohmann::json());
    if (!name.is_string() || name.get<std::string>().empty()) {
      add(errors, fieldPath(itemPath, "name"), "required");
      continue;
    }
    const std::string text = name.get<std::string>();
    if (!isPrintableAscii(text) || text.find('=') != std::string::npos) {
      add(errors, fieldPath(itemPath, "name"), "must be printable ASCII without '='");
    }
    if (!seen.insert(text).second) add(errors, fieldPath(itemPath, "name"), "duplicate value \"" + text + "\"");
    if (item.contains("value") && item.contains("valueFrom")) {
      add(errors, fieldPath(itemPath, "valueFrom"), "must not be set together with value");
    }
  }
  checkCount(errors, "spec.envFrom", envFrom.size(), 0, limits::kMaxEnvFrom);
  for (std::size_t i = 0; i < envFrom.size(); ++i) {
    if (!envFrom[i].is_object()) add(errors, indexPath("spec.envFrom", i), "must be an object");
  }
}

// A probe port is a number or the name of one of spec.ports.
void checkProbePort(FieldErrors& errors, const std::string& path, const nlohmann::json& port,
                    const std::vector<ServicePort>& ports) {
  if (port.is_number_integer()) {
    checkRange(errors, path, port.get<std::int64_t>(), limits::kMinPort, limits::kMaxPort);
    return;
  }
  const bool named = port.is_string() && std::any_of(ports.begin(), ports.end(), [&](const ServicePort& p) {
                       return p.name == port.get<std::string>();
                     });
  if (!named) add(errors, path, "must be a port number or the name of a port in spec.ports");
}

void checkProbes(FieldErrors& errors, const nlohmann::json& probes, const std::vector<ServicePort>& ports) {
  checkKnownKeys(errors, "spec.probes", probes, limits::kProbeKinds);
  for (auto kind : limits::kProbeKinds) {
    const auto it = probes.find(kind);
    if (it == probes.end() || it->is_null()) continue;
    const std::string probePath = fieldPath("spec.probes", kind);
    if (!it->is_object()) {
      add(errors, probePath, "must be an object");
      continue;
    }
    const auto handlers = std::count_if(limits::kProbeHandlers.begin(), limits::kProbeHandlers.end(),
                                        [&](std::string_view h) { return it->contains(h); });
    if (handlers != 1) add(errors, probePath, "must set exactly one of httpGet, tcpSocket, grpc or exec");
    for (std::string_view handler : {std::string_view("httpGet"), std::string_view("tcpSocket")}) {
      const auto h = it->find(handler);
      if (h == it->end() || !h->is_object()) continue;
      checkProbePort(errors, fieldPath(fieldPath(probePath, handler), "port"), h->value("port", nlohmann::json()),
                     ports);
    }
    if (const auto http = it->find("httpGet"); http != it->end() && http->is_object() && http->contains("path")) {
      const auto& path = (*http)["path"];
      if (!path.is_string() || !path.get<std::string>().starts_with('/') ||
          !isPrintableAscii(path.get<std::string>())) {
        add(errors, probePath + ".httpGet.path", "must be an absolute path of printable ASCII characters");
      }
    }
  }
}

void checkStrategy(FieldErrors& errors, const RolloutStrategy& strategy) {
  const bool surgeZero = checkIntOrPercent(errors, "spec.strategy.maxSurge", strategy.maxSurge, std::nullopt);
  const bool unavailableZero =
      checkIntOrPercent(errors, "spec.strategy.maxUnavailable", strategy.maxUnavailable, limits::kMaxPercent);
  if (surgeZero && unavailableZero) {
    add(errors, "spec.strategy.maxUnavailable", "must not be 0 when maxSurge is 0 (the rollout could not progress)");
  }
}

void checkDisruptionBudget(FieldErrors& errors, const DisruptionBudget& budget) {
  const std::string path = "spec.disruptionBudget";
  if (budget.minAvailable.has_value() == budget.maxUnavailable.has_value()) {
    add(errors, path, "must set exactly one of minAvailable or maxUnavailable");
  }
  if (budget.minAvailable) {
    checkIntOrPercent(errors, fieldPath(path, "minAvailable"), *budget.minAvailable, limits::kMaxPercent);
  }
  if (budget.maxUnavailable) {
    checkIntOrPercent(errors, fieldPath(path, "maxUnavailable"), *budget.maxUnavailable, limits::kMaxPercent);
  }
}

}  // namespace

FieldErrors validateMicroservice(const Microservice& microservice) {
  FieldErrors errors;
  const auto& spec = microservice.spec;
  // The name becomes the Service's name, and Services need DNS-1035 labels.
  checkObjectMeta(errors, microservice.metadata, NameRule::Dns1035Label);
  checkImage(errors, "spec.image", spec.image);
  if (!spec.imagePullPolicy.empty())
    checkEnum(errors, "spec.imagePullPolicy", spec.imagePullPolicy, limits::kImagePullPolicies);
  checkCount(errors, "spec.command", spec.command.size(), 0, limits::kMaxCommand);
  checkCount(errors, "spec.args", spec.args.size(), 0, limits::kMaxArgs);
  checkPorts(errors, spec.ports);
  checkEnv(errors, spec.env, spec.envFrom);
  const auto resourceErrors = validateResourceRequirements(spec.resources, "spec.resources");
  errors.insert(errors.end(), resourceErrors.begin(), resourceErrors.end());
  checkScale(errors, "spec", spec.replicas, spec.autoscaling, limits::kMaxMicroserviceReplicas);
  checkProbes(errors, spec.probes, spec.ports);
  if (spec.disruptionBudget) checkDisruptionBudget(errors, *spec.disruptionBudget);
  checkStrategy(errors, spec.strategy);
  if (spec.breakerPolicyRef) {
    checkName(errors, "spec.breakerPolicyRef.name", spec.breakerPolicyRef->name, NameRule::Dns1123Label);
  }
  checkOptionalName(errors, "spec.serviceAccountName", spec.serviceAccountName, NameRule::Dns1123Subdomain);
  checkLabels(errors, "spec.podTemplate.labels", spec.podTemplate.labels);
  checkAnnotations(errors, "spec.podTemplate.annotations", spec.podTemplate.annotations);
  return errors;
}

}  // namespace flotilla::api
