#include "apiserver/builtin_defaults.h"

#include "kube/base64.h"

namespace flotilla::apiserver {

using nlohmann::json;

namespace {

void setDefault(json& object, const char* key, json value) {
  if (!object.is_object()) return;
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) object[key] = std::move(value);
}

json& child(json& object, const char* key) {
  json& value = object[key];
  if (!value.is_object()) value = json::object();
  return value;
}

void defaultProbe(json& container, const char* probeKey) {
  auto it = container.find(probeKey);
  if (it == container.end() || !it->is_object()) return;
  json& probe = *it;
  setDefault(probe, "timeoutSeconds", 1);
  setDefault(probe, "periodSeconds", 10);
  setDefault(probe, "successThreshold", 1);
  setDefault(probe, "failureThreshold", 3);
  if (auto get = probe.find("httpGet"); get != probe.end() && get->is_object()) setDefault(*get, "scheme", "HTTP");
}

std::string imagePullPolicyFor(const std::string& image) {
  // Kubernetes: Always for ":latest" or an untagged image, IfNotPresent otherwise (digests count as tags).
  if (image.find('@') != std::string::npos) return "IfNotPresent";
  size_t slash = image.rfind('/');
  size_t colon = image.rfind(':');
  bool tagged = colon != std::string::npos && (slash == std::string::npos || colon > slash);
  if (!tagged || image.substr(colon + 1) == "latest") return "Always";
  return "IfNotPresent";
}

void defaultContainers(json& podSpec, const char* key) {
  auto it = podSpec.find(key);
  if (it == podSpec.end() || !it->is_array()) return;
  for (auto& container : *it) {
    if (!container.is_object()) continue;
    setDefault(container, "terminationMessagePath", "/dev/termination-log");
    setDefault(container, "terminationMessagePolicy", "File");
    if (container.contains("image") && container["image"].is_string()) {
      setDefault(container, "imagePullPolicy", imagePullPolicyFor(container["image"].get<std::string>()));
    }
    setDefault(container, "resources", json::object());
    if (auto ports = container.find("ports"); ports != container.end() && ports->is_array()) {
      for (auto& port : *ports) setDefault(port, "protocol", "TCP");
    }
    if (auto env = container.find("env"); env != container.end() && env->is_array()) {
      for (auto& var : *env) {
        if (!var.is_object()) continue;
        auto from = var.find("valueFrom");
        if (from == var.end() || !from->is_object()) continue;
        if (auto field = from->find("fieldRef"); field != from->end() && field->is_object()) {
          setDefault(*field, "apiVersion", "v1");
        }
      }
    }
    defaultProbe(container, "readinessProbe");
    defaultProbe(container, "livenessProbe");
    defaultProbe(container, "startupProbe");
  }
}

void defaultPodTemplate(json& spec) {
  auto it = spec.find("template");
  if (it == spec.end() || !it->is_object()) return;
  json& templ = *it;
  if (auto podSpec = templ.find("spec"); podSpec != templ.end() && podSpec->is_object()) applyPodSpecDefaults(*podSpec);
}

void defaultDeployment(json& object) {
  json& spec = child(object, "spec");
  setDefault(spec, "replicas", 1);
  setDefault(spec, "revisionHistoryLimit", 10);
  setDefault(spec, "progressDeadlineSeconds", 600);
  json& strategy = child(spec, "strategy");
  setDefault(strategy, "type", "RollingUpdate");
  if (strategy["type"] == "RollingUpdate") {
    json& rolling = child(strategy, "rollingUpdate");
    setDefault(rolling, "maxSurge", "25%");
    setDefault(rolling, "maxUnavailable", "25%");
  }
  defaultPodTemplate(spec);
}

void defaultService(json& object) {
  json& spec = child(object, "spec");
  setDefault(spec, "type", "ClusterIP");
  setDefault(spec, "sessionAffinity", "None");
  if (spec["type"] != "ExternalName") {
    setDefault(spec, "ipFamilies", json::array({"IPv4"}));
    setDefault(spec, "ipFamilyPolicy", "SingleStack");
    setDefault(spec, "internalTrafficPolicy", "Cluster");
  }
  if (spec["type"] == "NodePort" || spec["type"] == "LoadBalancer")
    setDefault(spec, "externalTrafficPolicy", "Cluster");
  if (spec["type"] == "LoadBalancer") setDefault(spec, "allocateLoadBalancerNodePorts", true);
  if (auto ports = spec.find("ports"); ports != spec.end() && ports->is_array()) {
    for (auto& port : *ports) {
      if (!port.is_object()) continue;
      setDefault(port, "protocol", "TCP");
      if (port.contains("port")) setDefault(port, "targetPort", port["port"]);
    }
  }
}

void defaultSecret(json& object) {
  setDefault(object, "type", "Opaque");
  auto stringData = object.find("stringData");
  if (stringData == object.end()) return;
  if (stringData->is_object()) {
    json& data = child(object, "data");
    for (const auto& [key, value] : stringData->items()) {
      if (value.is_string()) data[key] = kube::base64Encode(value.get<std::string>());
    }
  }
  object.erase("stringData");
}

void defaultNamespace(json& object) {
  json& metadata = child(object, "metadata");
  if (metadata.contains("name") && metadata["name"].is_string()) {
    child(metadata, "labels")["kubernetes.io/metadata.name"] = metadata["name"];
  }
}

void defaultCrd(json& object) {
  json& spec = child(object, "spec");
  json& names = child(spec, "names");
  if (names.contains("kind") && names["kind"].is_string()) {
    std::string kind = names["kind"].get<std::string>();
    std::string lower = kind;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    setDefault(names, "singular", lower);
    setDefault(names, "listKind", kind + "List");
  }
  json& conversion = child(spec, "conversion");
  setDefault(conversion, "strategy", "None");
}

}  // namespace

void applyPodSpecDefaults(json& podSpec) {
  setDefault(podSpec, "restartPolicy", "Always");
  setDefault(podSpec, "terminationGracePeriodSeconds", 30);
  setDefault(podSpec, "dnsPolicy", "ClusterFirst");
  setDefault(podSpec, "securityContext", json::object());
  setDefault(podSpec, "schedulerName", "default-scheduler");
  defaultContainers(podSpec, "containers");
  defaultContainers(podSpec, "initContainers");
}

void applyBuiltinDefaults(const ResourceInfo& resource, json& object) {
  if (resource.custom || !object.is_object()) return;
  const std::string key = resource.storageKey();
  if (key == "apps/deployments") {
    defaultDeployment(object);
  } else if (key == "apps/replicasets") {
    json& spec = child(object, "spec");
    setDefault(spec, "replicas", 1);
    defaultPodTemplate(spec);
  } else if (key == "/pods") {
    json& spec = child(object, "spec");
    applyPodSpecDefaults(spec);
    setDefault(spec, "enableServiceLinks", true);
  } else if (key == "/services") {
    defaultService(object);
  } else if (key == "/secrets") {
    defaultSecret(object);
  } else if (key == "/namespaces") {
    defaultNamespace(object);
  } else if (key == "autoscaling/horizontalpodautoscalers") {
    setDefault(child(object, "spec"), "minReplicas", 1);
  } else if (key == "apiextensions.k8s.io/customresourcedefinitions") {
    defaultCrd(object);
  }
}

}  // namespace flotilla::apiserver
