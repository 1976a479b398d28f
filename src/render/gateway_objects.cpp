#include "render/gateway_objects.h"

#include "api/names.h"
#include "render/autoscaler.h"
#include "render/backends_json.h"
#include "render/object_meta.h"

namespace flotilla::render {
namespace {

constexpr const char* kGatewayKind = "Gateway";
constexpr const char* kContainerName = "gateway";
constexpr std::int32_t kTerminationGraceSeconds = 40;  // HAProxy's hard-stop-after 30s, plus the agent's own exit

std::map<std::string, std::string> commonLabels(const api::Gateway& gateway) {
  auto labels = gatewaySelectorLabels(gateway);
  labels[kLabelComponent] = "gateway";
  labels[kLabelManagedBy] = kManagedByFlotilla;
  return labels;
}

nlohmann::json ownedMetadata(const api::Gateway& gateway, const std::string& name,
                             const std::map<std::string, std::string>& annotations = {}) {
  return objectMetadata(name, gateway.metadata.namespace_, commonLabels(gateway), annotations,
                        ownerReference(kGatewayKind, gateway.metadata));
}

nlohmann::json serviceAccount(const api::Gateway& gateway) {
  return objectSkeleton("v1", "ServiceAccount", ownedMetadata(gateway, gatewayWorkloadName(gateway)));
}

nlohmann::json endpointSliceRule() {
  return {{"apiGroups", nlohmann::json::array({"discovery.k8s.io"})},
          {"resources", nlohmann::json::array({"endpointslices"})},
          {"verbs", {"get", "list", "watch"}}};
}

// Exactly what the agent reads: its own ConfigMap, EndpointSlices, and the listeners' TLS Secrets by name; and
// what it writes: the annotations on its own Pod that report the config it has loaded (the operator's Programmed
// condition reads them). Pod names are generated, so that rule cannot name them.
nlohmann::json role(const api::Gateway& gateway, const ListenerPlan& listeners) {
  nlohmann::json rules = nlohmann::json::array();
  rules.push_back({{"apiGroups", nlohmann::json::array({""})},
                   {"resources", nlohmann::json::array({"configmaps"})},
                   {"resourceNames", nlohmann::json::array({gatewayConfigMapName(gateway)})},
                   {"verbs", {"get", "list", "watch"}}});
  rules.push_back(endpointSliceRule());
  rules.push_back({{"apiGroups", nlohmann::json::array({""})},
                   {"resources", nlohmann::json::array({"pods"})},
                   {"verbs", nlohmann::json::array({"get", "patch"})}});
  std::set<std::string> secrets;
  for (const auto& listener : listeners.listeners) {
    if (!listener.tlsSecret.empty()) secrets.insert(listener.tlsSecret);
  }
  // Never an empty resourceNames: that would grant every Secret.
  if (!secrets.empty()) {
    rules.push_back({{"apiGroups", nlohmann::json::array({""})},
                     {"resources", nlohmann::json::array({"secrets"})},
                     {"resourceNames", nlohmann::json(std::vector<std::string>(secrets.begin(), secrets.end()))},
                     {"verbs", nlohmann::json::array({"get"})}});
  }
  nlohmann::json object =
      objectSkeleton("rbac.authorization.k8s.io/v1", "Role", ownedMetadata(gateway, gatewayWorkloadName(gateway)));
  object["rules"] = std::move(rules);
  return object;
}

nlohmann::json roleBinding(const api::Gateway& gateway, nlohmann::json metadata, const std::string& roleName) {
  nlohmann::json object = objectSkeleton("rbac.authorization.k8s.io/v1", "RoleBinding", std::move(metadata));
  object["roleRef"] = {{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", "Role"}, {"name", roleName}};
  object["subjects"] = nlohmann::json::array({{{"kind", "ServiceAccount"},
                                               {"name", gatewayWorkloadName(gateway)},
                                               {"namespace", gateway.metadata.namespace_}}});
  return object;
}

std::vector<nlohmann::json> crossNamespaceRbac(const api::Gateway& gateway,
                                               const std::set<std::string>& backendNamespaces) {
  std::vector<nlohmann::json> objects;
  const std::string name = "flotilla-gateway." + gateway.metadata.namespace_ + "." + gateway.metadata.name;
  std::map<std::string, std::string> labels{{kLabelGateway, gateway.metadata.name},
                                            {kLabelGatewayNamespace, gateway.metadata.namespace_},
                                            {kLabelManagedBy, kManagedByFlotilla}};
  for (const auto& ns : backendNamespaces) {
    if (ns == gateway.metadata.namespace_) continue;
    nlohmann::json r =
        objectSkeleton("rbac.authorization.k8s.io/v1", "Role", objectMetadata(name, ns, labels, {}, nlohmann::json()));
    r["rules"] = nlohmann::json::array({endpointSliceRule()});
    objects.push_back(std::move(r));
    objects.push_back(roleBinding(gateway, objectMetadata(name, ns, labels, {}, nlohmann::json()), name));
  }
  return objects;
}

nlohmann::json configMap(const api::Gateway& gateway, const HaproxyConfig& config) {
  nlohmann::json object =
      objectSkeleton("v1", "ConfigMap",
                     ownedMetadata(gateway, gatewayConfigMapName(gateway),
                                   {{kAnnotationConfigHash, config.hash},
                                    {kAnnotationGatewayGeneration, std::to_string(gateway.metadata.generation)}}));
  object["data"] = {{"haproxy.cfg", config.text}, {"backends.json", backendsJsonText(config.backends)}};
  return object;
}

nlohmann::json service(const api::Gateway& gateway, const ListenerPlan& listeners) {
  nlohmann::json ports = nlohmann::json::array();
  for (const auto& listener : listeners.listeners) {
    ports.push_back({{"name", listener.name},
                     {"port", listener.port},
                     {"targetPort", listener.containerPort},
                     {"protocol", "TCP"}});
  }
  nlohmann::json object = objectSkeleton(
      "v1", "Service", ownedMetadata(gateway, gatewayWorkloadName(gateway), gateway.spec.service.annotations));
  object["spec"] = {{"type", gateway.spec.service.type},
                    {"selector", toJson(gatewaySelectorLabels(gateway))},
                    {"ports", std::move(ports)}};
  return object;
}

nlohmann::json containerPort(const std::string& name, std::int32_t port) {
  nlohmann::json entry = {{"containerPort", port}, {"protocol", "TCP"}};
  if (api::isIanaServiceName(name)) entry["name"] = name;
  return entry;
}

nlohmann::json fieldEnv(const char* name, const char* fieldPath) {
  return {{"name", name}, {"valueFrom", {{"fieldRef", {{"fieldPath", fieldPath}}}}}};
}

nlohmann::json container(const api::Gateway& gateway, const ListenerPlan& listeners,
                         const GatewayRenderOptions& options) {
  const std::string& ns = gateway.metadata.namespace_;
  nlohmann::json ports = nlohmann::json::array();
  for (const auto& listener : listeners.listeners)
    ports.push_back(containerPort(listener.name, listener.containerPort));
  ports.push_back(containerPort("stats", options.statsPort));
  ports.push_back(containerPort("agent", options.agentPort));
  nlohmann::json c = {
      {"name", kContainerName},
      {"image", gateway.spec.image},
      {"command", nlohmann::json::array({"flotilla"})},
      {"args", {"gateway", "--config-map", ns + "/" + gatewayConfigMapName(gateway), "--namespace", ns}},
      {"env",
       {{{"name", "FLOTILLA_RUNTIME_DIR"}, {"value", options.runtimeDir}},
        {{"name", "FLOTILLA_CERT_DIR"}, {"value", options.certDir}},
        {{"name", "FLOTILLA_AGENT_PORT"}, {"value", std::to_string(options.agentPort)}},
        fieldEnv("POD_NAME", "metadata.name"),
        fieldEnv("POD_NAMESPACE", "metadata.namespace")}},
      {"ports", std::move(ports)},
      {"readinessProbe", {{"httpGet", {{"path", "/readyz"}, {"port", options.agentPort}}}, {"periodSeconds", 5}}},
      {"livenessProbe", {{"httpGet", {{"path", "/healthz"}, {"port", options.agentPort}}}, {"periodSeconds", 10}}},
      {"securityContext",
       {{"allowPrivilegeEscalation", false},
        {"readOnlyRootFilesystem", true},
        {"runAsNonRoot", true},
        {"capabilities", {{"drop", nlohmann::json::array({"ALL"})}}},
        {"seccompProfile", {{"type", "RuntimeDefault"}}}}},
      {"volumeMounts",
       {{{"name", "run"}, {"mountPath", options.runtimeDir}}, {{"name", "tmp"}, {"mountPath", "/tmp"}}}},
  };
  if (gateway.spec.resources.is_object() && !gateway.spec.resources.empty()) c["resources"] = gateway.spec.resources;
  return c;
}

nlohmann::json deployment(const api::Gateway& gateway, const ListenerPlan& listeners,
                          const GatewayRenderOptions& options) {
  const auto labels = commonLabels(gateway);
  nlohmann::json podSpec = {
      {"serviceAccountName", gatewayWorkloadName(gateway)},
      {"terminationGracePeriodSeconds", kTerminationGraceSeconds},
      {"securityContext",
       {{"runAsNonRoot", true},
        {"runAsUser", options.runAsUser},
        {"runAsGroup", options.runAsUser},
        {"fsGroup", options.runAsUser},
        {"seccompProfile", {{"type", "RuntimeDefault"}}}}},
      {"containers", nlohmann::json::array({container(gateway, listeners, options)})},
      {"volumes",
       {{{"name", "run"}, {"emptyDir", nlohmann::json::object()}},
        {{"name", "tmp"}, {"emptyDir", nlohmann::json::object()}}}},
  };
  nlohmann::json spec = {
      {"selector", {{"matchLabels", toJson(gatewaySelectorLabels(gateway))}}},
      // Config changes never roll pods (the agent reloads HAProxy); a rollout only for a new image or listeners.
      {"strategy", {{"type", "RollingUpdate"}, {"rollingUpdate", {{"maxSurge", "25%"}, {"maxUnavailable", 0}}}}},
      {"template", {{"metadata", {{"labels", toJson(labels)}}}, {"spec", std::move(podSpec)}}},
  };
  if (!gateway.spec.autoscaling) spec["replicas"] = gateway.spec.replicas.value_or(1);
  nlohmann::json object = objectSkeleton("apps/v1", "Deployment", ownedMetadata(gateway, gatewayWorkloadName(gateway)));
  object["spec"] = std::move(spec);
  return object;
}

}  // namespace

std::string gatewayWorkloadName(const api::Gateway& gateway) {
  return gateway.metadata.name + "-gateway";
}
std::string gatewayConfigMapName(const api::Gateway& gateway) {
  return gateway.metadata.name + "-config";
}

std::map<std::string, std::string> gatewaySelectorLabels(const api::Gateway& gateway) {
  return {{kLabelName, gateway.metadata.name}, {kLabelGateway, gateway.metadata.name}};
}

std::vector<nlohmann::json> GatewayObjects::all() const {
  std::vector<nlohmann::json> objects{serviceAccount, role, roleBinding};
  objects.insert(objects.end(), crossNamespaceRbac.begin(), crossNamespaceRbac.end());
  objects.push_back(configMap);
  objects.push_back(service);
  objects.push_back(deployment);
  if (horizontalPodAutoscaler) objects.push_back(*horizontalPodAutoscaler);
  return objects;
}

GatewayObjects renderGatewayObjects(const api::Gateway& gateway, const ListenerPlan& listeners,
                                    const HaproxyConfig& config, const std::set<std::string>& backendNamespaces,
                                    const GatewayRenderOptions& options) {
  GatewayObjects objects;
  objects.serviceAccount = serviceAccount(gateway);
  objects.role = role(gateway, listeners);
  objects.roleBinding =
      roleBinding(gateway, ownedMetadata(gateway, gatewayWorkloadName(gateway)), gatewayWorkloadName(gateway));
  objects.crossNamespaceRbac = crossNamespaceRbac(gateway, backendNamespaces);
  objects.configMap = configMap(gateway, config);
  objects.service = service(gateway, listeners);
  objects.deployment = deployment(gateway, listeners, options);
  if (gateway.spec.autoscaling) {
    objects.horizontalPodAutoscaler = renderHorizontalPodAutoscaler(
        ownedMetadata(gateway, gatewayWorkloadName(gateway)), gatewayWorkloadName(gateway), *gateway.spec.autoscaling);
  }
  return objects;
}

}  // namespace flotilla::render
