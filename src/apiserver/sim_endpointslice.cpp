#include "apiserver/sim_endpointslice.h"

#include <algorithm>
#include <map>
#include <optional>

#include "apiserver/object_meta.h"
#include "apiserver/sim_objects.h"

namespace flotilla::apiserver::sim {
namespace {

bool publishNotReady(const json& service) {
  const json* value = meta::find(service, "spec.publishNotReadyAddresses");
  return value && value->is_boolean() && value->get<bool>();
}

bool headless(const json& service) {
  return meta::stringAt(service, "spec.clusterIP") == "None";
}

bool selectorMatches(const json& selector, const json& pod) {
  const json* labels = meta::find(pod, "metadata.labels");
  for (const auto& [key, value] : selector.items()) {
    if (!labels || !labels->is_object() || !labels->contains(key) || (*labels)[key] != value) return false;
  }
  return true;
}

// Kubernetes' podutil.FindPort: a number, or the number of the container port with that name and protocol.
std::optional<std::int64_t> resolveTargetPort(const json& servicePort, const json& pod) {
  json target = servicePort.contains("targetPort") ? servicePort["targetPort"] : servicePort.value("port", json());
  if (target.is_number_integer()) return target.get<std::int64_t>();
  if (!target.is_string()) return std::nullopt;
  std::string name = target.get<std::string>();
  if (!name.empty() && std::all_of(name.begin(), name.end(), ::isdigit)) return std::stoll(name);
  std::string protocol = servicePort.value("protocol", "TCP");
  const json* containers = meta::find(pod, "spec.containers");
  if (!containers || !containers->is_array()) return std::nullopt;
  for (const auto& container : *containers) {
    if (!container.contains("ports") || !container["ports"].is_array()) continue;
    for (const auto& port : container["ports"]) {
      if (port.value("name", "") == name && port.value("protocol", "TCP") == protocol &&
          port.contains("containerPort")) {
        return port["containerPort"].get<std::int64_t>();
      }
    }
  }
  return std::nullopt;
}

// The ports of one pod's endpoint, in the Service's order (ports the pod cannot resolve are left out).
json endpointPorts(const json& service, const json& pod) {
  json ports = json::array();
  const json* servicePorts = meta::find(service, "spec.ports");
  if (!servicePorts || !servicePorts->is_array()) return ports;
  for (const auto& servicePort : *servicePorts) {
    auto number = resolveTargetPort(servicePort, pod);
    if (!number) continue;
    json port{
        {"name", servicePort.value("name", "")}, {"port", *number}, {"protocol", servicePort.value("protocol", "TCP")}};
    if (servicePort.contains("appProtocol")) port["appProtocol"] = servicePort["appProtocol"];
    ports.push_back(std::move(port));
  }
  return ports;
}

json targetRef(const json& pod) {
  return json{
      {"kind", "Pod"}, {"namespace", meta::namespaceOf(pod)}, {"name", meta::name(pod)}, {"uid", meta::uid(pod)}};
}

// Kubernetes' ShouldPodBeInEndpoints: it has an address and has not finished.
bool podHasEndpoint(const json& pod) {
  return !meta::stringAt(pod, "status.podIP").empty() && !podIsTerminal(pod);
}

ObjectRefs selectedPods(const json& service, const ObjectRefs& pods) {
  const json& selector = service["spec"]["selector"];
  ObjectRefs out;
  for (const json& pod : pods) {
    if (meta::namespaceOf(pod) == meta::namespaceOf(service) && selectorMatches(selector, pod) && podHasEndpoint(pod)) {
      out.push_back(pod);
    }
  }
  std::sort(out.begin(), out.end(), [](const json& a, const json& b) { return meta::name(a) < meta::name(b); });
  return out;
}

json copiedServiceLabels(const json& service) {
  const json* labels = meta::find(service, "metadata.labels");
  json out = labels && labels->is_object() ? *labels : json::object();
  if (headless(service)) out["service.kubernetes.io/headless"] = "";
  return out;
}

bool managedSlice(const json& slice, const std::string& serviceName) {
  return labelValue(slice, kSliceManagedByLabel) == kSliceManagedByValue &&
         labelValue(slice, kServiceNameLabel) == serviceName;
}

}  // namespace

bool serviceSelectsPods(const json& service) {
  const json* selector = meta::find(service, "spec.selector");
  return selector && selector->is_object() && !selector->empty() &&
         meta::stringAt(service, "spec.type") != "ExternalName";
}

Plan reconcileEndpointSlices(const json& service, const ObjectRefs& pods, const ObjectRefs& slices,
                             const NameSuffix& nameSuffix) {
  Plan plan;
  if (!serviceSelectsPods(service) || meta::isDeleting(service)) return plan;
  const std::string serviceName = meta::name(service);
  const bool notReadyToo = publishNotReady(service);

  // Desired endpoints grouped by their port mapping (the dump of the ports list is the group's key).
  std::map<std::string, std::pair<json, json>> groups;  // key → (ports, endpoints)
  for (const json& pod : selectedPods(service, pods)) {
    bool terminating = meta::isDeleting(pod);
    bool serving = podIsReady(pod);
    bool ready = (notReadyToo || serving) && !(terminating && !notReadyToo);
    json endpoint{{"addresses", json::array({meta::stringAt(pod, "status.podIP")})},
                  {"conditions", {{"ready", ready}, {"serving", serving}, {"terminating", terminating}}},
                  {"targetRef", targetRef(pod)}};
    if (auto node = meta::stringAt(pod, "spec.nodeName"); !node.empty()) endpoint["nodeName"] = node;
    json ports = endpointPorts(service, pod);
    auto& group = groups[ports.dump()];
    group.first = std::move(ports);
    if (group.second.is_null()) group.second = json::array();
    group.second.push_back(std::move(endpoint));
  }

  struct DesiredSlice {
    std::string key;
    json ports;
    json endpoints;
  };
  std::vector<DesiredSlice> desired;
  for (auto& [key, group] : groups) {
    const json& endpoints = group.second;
    for (std::size_t start = 0; start < endpoints.size(); start += kMaxEndpointsPerSlice) {
      json chunk = json::array();
      for (std::size_t i = start; i < std::min(endpoints.size(), start + kMaxEndpointsPerSlice); ++i) {
        chunk.push_back(endpoints[i]);
      }
      desired.push_back({key, group.first, std::move(chunk)});
    }
  }
  // Nothing selected: one placeholder slice without ports or endpoints, so consumers see the Service is known.
  if (desired.empty()) desired.push_back({"placeholder", json(), json::array()});

  json labels = copiedServiceLabels(service);
  labels[kServiceNameLabel] = serviceName;
  labels[kSliceManagedByLabel] = kSliceManagedByValue;
  json owner = json::array({controllerReference(service, kServices)});

  // Existing managed slices by the same key, oldest name first, so updates land on stable objects.
  std::map<std::string, std::vector<const json*>> existing;
  std::vector<const json*> managed;
  for (const json& slice : slices) {
    if (!managedSlice(slice, serviceName)) continue;
    const json* ports = meta::find(slice, "ports");
    std::string key = ports && ports->is_array() && !ports->empty() ? ports->dump() : "placeholder";
    existing[key].push_back(&slice);
  }
  for (auto& [key, list] : existing) {
    std::sort(list.begin(), list.end(), [](const json* a, const json* b) { return meta::name(*a) < meta::name(*b); });
  }

  for (auto& want : desired) {
    json body{{"addressType", "IPv4"}, {"endpoints", want.endpoints}};
    if (!want.ports.is_null()) body["ports"] = want.ports;
    auto& candidates = existing[want.key];
    if (!candidates.empty()) {
      const json* current = candidates.front();
      candidates.erase(candidates.begin());
      json updated = *current;
      updated["addressType"] = body["addressType"];
      updated["endpoints"] = body["endpoints"];
      if (body.contains("ports")) {
        updated["ports"] = body["ports"];
      } else {
        updated.erase("ports");
      }
      updated["metadata"]["labels"] = labels;
      updated["metadata"]["ownerReferences"] = owner;
      if (updated != *current) plan.writes.push_back(Write::update(kEndpointSlices, updated, kControllerManager));
      continue;
    }
    json slice{{"apiVersion", kEndpointSlices.apiVersion()}, {"kind", kEndpointSlices.kind}};
    slice["metadata"] = objectMetaFor(serviceName + "-" + nameSuffix(), meta::namespaceOf(service), labels, nullptr);
    slice["metadata"]["generateName"] = serviceName + "-";
    slice["metadata"]["ownerReferences"] = owner;
    slice.update(body);
    plan.writes.push_back(Write::create(kEndpointSlices, std::move(slice), kControllerManager));
  }
  for (auto& [key, leftovers] : existing) {
    for (const json* slice : leftovers)
      plan.writes.push_back(Write::remove(kEndpointSlices, *slice, kControllerManager));
  }
  return plan;
}

Plan reconcileEndpoints(const json& service, const ObjectRefs& pods, const json* existing) {
  Plan plan;
  if (!serviceSelectsPods(service) || meta::isDeleting(service)) return plan;
  const bool notReadyToo = publishNotReady(service);

  // Each address with the set of ports it serves; addresses sharing a port set form one subset.
  std::map<std::string, std::pair<json, std::pair<json, json>>> subsets;  // ports key → (ports, (ready, notReady))
  for (const json& pod : selectedPods(service, pods)) {
    if (meta::isDeleting(pod) && !notReadyToo) continue;
    json ports = endpointPorts(service, pod);
    if (ports.empty()) continue;
    std::sort(ports.begin(), ports.end(), [](const json& a, const json& b) { return a["name"] < b["name"]; });
    json address{{"ip", meta::stringAt(pod, "status.podIP")}, {"targetRef", targetRef(pod)}};
    if (auto node = meta::stringAt(pod, "spec.nodeName"); !node.empty()) address["nodeName"] = node;
    auto& subset = subsets[ports.dump()];
    subset.first = ports;
    json& list = (notReadyToo || podIsReady(pod)) ? subset.second.first : subset.second.second;
    if (list.is_null()) list = json::array();
    list.push_back(std::move(address));
  }
  json subsetList = json::array();
  for (auto& [key, subset] : subsets) {
    json entry = json::object();
    auto byIp = [](const json& a, const json& b) { return a["ip"] < b["ip"]; };
    for (auto [field, list] :
         {std::pair{"addresses", &subset.second.first}, std::pair{"notReadyAddresses", &subset.second.second}}) {
      if (list->is_null()) continue;
      std::sort(list->begin(), list->end(), byIp);
      entry[field] = *list;
    }
    entry["ports"] = subset.first;
    subsetList.push_back(std::move(entry));
  }

  json labels = copiedServiceLabels(service);
  labels[kEndpointsManagedByLabel] = kEndpointsManagedByValue;
  json desired = existing ? *existing : json{{"apiVersion", "v1"}, {"kind", "Endpoints"}};
  if (!existing) desired["metadata"] = objectMetaFor(meta::name(service), meta::namespaceOf(service), labels, nullptr);
  desired["metadata"]["labels"] = labels;
  if (subsetList.empty()) {
    desired.erase("subsets");
  } else {
    desired["subsets"] = std::move(subsetList);
  }
  if (!existing) {
    plan.writes.push_back(Write::create(kEndpoints, std::move(desired), kControllerManager));
  } else if (desired != *existing) {
    plan.writes.push_back(Write::update(kEndpoints, std::move(desired), kControllerManager));
  }
  return plan;
}

}  // namespace flotilla::apiserver::sim
