#include "apiserver/table.h"

#include <map>

#include "apiserver/json_path.h"
#include "apiserver/label_selector.h"
#include "apiserver/object_meta.h"

namespace flotilla::apiserver {

using nlohmann::json;

namespace {

// ---------------------------------------------------------------------------------------------- cell helpers

json str(const json& object, const char* path, const char* fallback = "<none>") {
  const json* value = meta::find(object, path);
  if (!value || value->is_null()) return fallback;
  if (value->is_string()) return value->get<std::string>().empty() ? json(fallback) : *value;
  return value->dump();
}

std::int64_t num(const json& object, const char* path) {
  const json* value = meta::find(object, path);
  return value && value->is_number_integer() ? value->get<std::int64_t>() : 0;
}

json age(const json& object, SystemTime now) {
  return ageOf(meta::stringAt(object, "metadata.creationTimestamp"), now);
}
json name(const json& object, SystemTime) {
  return meta::name(object);
}
json createdAt(const json& object, SystemTime) {
  return meta::stringAt(object, "metadata.creationTimestamp");
}

std::size_t countMembers(const json& object, const char* path) {
  const json* value = meta::find(object, path);
  return value && (value->is_object() || value->is_array()) ? value->size() : 0;
}

std::string joinList(const json* list, const char* field, const char* fallback = "<none>") {
  if (!list || !list->is_array() || list->empty()) return fallback;
  std::string out;
  for (const auto& item : *list) {
    if (!out.empty()) out += ",";
    out += item.is_object() ? item.value(field, "") : (item.is_string() ? item.get<std::string>() : item.dump());
  }
  return out;
}

std::string selectorString(const json& object, const char* path) {
  const json* selector = meta::find(object, path);
  if (!selector || !selector->is_object()) return "<none>";
  auto parsed = LabelSelector::fromJson(*selector);
  std::string text = parsed.ok() ? parsed->toString() : "";
  return text.empty() ? "<none>" : text;
}

std::string mapSelector(const json& object, const char* path) {
  const json* selector = meta::find(object, path);
  if (!selector || !selector->is_object() || selector->empty()) return "<none>";
  std::string out;
  for (const auto& [k, v] : selector->items()) out += (out.empty() ? "" : ",") + k + "=" + v.get<std::string>();
  return out;
}

// ---------------------------------------------------------------------------------------------- pods

json podReady(const json& pod, SystemTime) {
  std::size_t total = countMembers(pod, "spec.containers");
  std::size_t ready = 0;
  if (const json* statuses = meta::find(pod, "status.containerStatuses"); statuses && statuses->is_array()) {
    for (const auto& s : *statuses) ready += s.value("ready", false) ? 1 : 0;
  }
  return std::to_string(ready) + "/" + std::to_string(total);
}

json podStatus(const json& pod, SystemTime) {
  if (meta::isDeleting(pod)) return "Terminating";
  std::string reason = meta::stringAt(pod, "status.reason");
  if (reason.empty()) reason = meta::stringAt(pod, "status.phase");
  if (const json* statuses = meta::find(pod, "status.containerStatuses"); statuses && statuses->is_array()) {
    for (const auto& s : *statuses) {
      std::string waiting = meta::stringAt(s, "state.waiting.reason");
      std::string terminated = meta::stringAt(s, "state.terminated.reason");
      if (!waiting.empty()) reason = waiting;
      if (!terminated.empty()) reason = terminated;
    }
  }
  return reason.empty() ? "Unknown" : reason;
}

json podRestarts(const json& pod, SystemTime) {
  std::int64_t restarts = 0;
  if (const json* statuses = meta::find(pod, "status.containerStatuses"); statuses && statuses->is_array()) {
    for (const auto& s : *statuses) restarts += s.value("restartCount", 0);
  }
  return restarts;
}

json podIp(const json& pod, SystemTime) {
  return str(pod, "status.podIP");
}
json podNode(const json& pod, SystemTime) {
  return str(pod, "spec.nodeName");
}
json podNominated(const json& pod, SystemTime) {
  return str(pod, "status.nominatedNodeName");
}
json podGates(const json& pod, SystemTime) {
  return countMembers(pod, "spec.readinessGates")
             ? json("0/" + std::to_string(countMembers(pod, "spec.readinessGates")))
             : json("<none>");
}

// ---------------------------------------------------------------------------------------------- workloads

json containerNames(const json& object, SystemTime) {
  return joinList(meta::find(object, "spec.template.spec.containers"), "name");
}
json containerImages(const json& object, SystemTime) {
  return joinList(meta::find(object, "spec.template.spec.containers"), "image");
}
json workloadSelector(const json& object, SystemTime) {
  return selectorString(object, "spec.selector");
}

json deploymentReady(const json& d, SystemTime) {
  return std::to_string(num(d, "status.readyReplicas")) + "/" + std::to_string(num(d, "spec.replicas"));
}
json deploymentUpdated(const json& d, SystemTime) {
  return num(d, "status.updatedReplicas");
}
json deploymentAvailable(const json& d, SystemTime) {
  return num(d, "status.availableReplicas");
}
json replicaSetDesired(const json& r, SystemTime) {
  return num(r, "spec.replicas");
}
json replicaSetCurrent(const json& r, SystemTime) {
  return num(r, "status.replicas");
}
json replicaSetReady(const json& r, SystemTime) {
  return num(r, "status.readyReplicas");
}

// ---------------------------------------------------------------------------------------------- services

json serviceType(const json& s, SystemTime) {
  return str(s, "spec.type", "ClusterIP");
}
json serviceClusterIp(const json& s, SystemTime) {
  return str(s, "spec.clusterIP");
}
json serviceExternalIp(const json& s, SystemTime) {
  std::string type = meta::stringAt(s, "spec.type");
  if (type == "ExternalName") return str(s, "spec.externalName");
  if (type == "LoadBalancer") {
    const json* ingress = meta::find(s, "status.loadBalancer.ingress");
    if (!ingress || !ingress->is_array() || ingress->empty()) return "<pending>";
    std::string out;
    for (const auto& i : *ingress) out += (out.empty() ? "" : ",") + i.value("ip", i.value("hostname", ""));
    return out;
  }
  return joinList(meta::find(s, "spec.externalIPs"), "");
}
json servicePorts(const json& s, SystemTime) {
  const json* ports = meta::find(s, "spec.ports");
  if (!ports || !ports->is_array() || ports->empty()) return "<none>";
  std::string out;
  for (const auto& p : *ports) {
    std::string entry = std::to_string(p.value("port", 0));
    if (p.contains("nodePort")) entry += ":" + std::to_string(p.value("nodePort", 0));
    entry += "/" + p.value("protocol", std::string("TCP"));
    out += (out.empty() ? "" : ",") + entry;
  }
  return out;
}
json serviceSelector(const json& s, SystemTime) {
  return mapSelector(s, "spec.selector");
}

// ---------------------------------------------------------------------------------------------- config & misc

json configMapData(const json& c, SystemTime) {
  return static_cast<std::int64_t>(countMembers(c, "data") + countMembers(c, "binaryData"));
}
json secretType(const json& s, SystemTime) {
  return str(s, "type", "Opaque");
}
json secretData(const json& s, SystemTime) {
  return static_cast<std::int64_t>(countMembers(s, "data"));
}
json namespaceStatus(const json& n, SystemTime) {
  return str(n, "status.phase", "Active");
}
json serviceAccountSecrets(const json& s, SystemTime) {
  return static_cast<std::int64_t>(countMembers(s, "secrets"));
}

json endpointsList(const json& e, SystemTime) {
  const json* subsets = meta::find(e, "subsets");
  std::vector<std::string> items;
  if (subsets && subsets->is_array()) {
    for (const auto& subset : *subsets) {
      const json* addresses = meta::find(subset, "addresses");
      const json* ports = meta::find(subset, "ports");
      if (!addresses || !addresses->is_array()) continue;
      for (const auto& a : *addresses) {
        std::string ip = a.value("ip", "");
        if (ports && ports->is_array() && !ports->empty()) {
          for (const auto& p : *ports) items.push_back(ip + ":" + std::to_string(p.value("port", 0)));
        } else {
          items.push_back(ip);
        }
      }
    }
  }
  if (items.empty()) return "<none>";
  std::string out;
  for (size_t i = 0; i < items.size() && i < 3; ++i) out += (i ? "," : "") + items[i];
  if (items.size() > 3) out += " + " + std::to_string(items.size() - 3) + " more...";
  return out;
}

json eventLastSeen(const json& e, SystemTime now) {
  std::string last = meta::stringAt(e, "lastTimestamp");
  if (last.empty()) last = meta::stringAt(e, "eventTime");
  if (last.empty()) last = meta::stringAt(e, "deprecatedLastTimestamp");
  if (last.empty()) last = meta::stringAt(e, "metadata.creationTimestamp");
  return ageOf(last, now);
}
json eventFirstSeen(const json& e, SystemTime now) {
  std::string first = meta::stringAt(e, "firstTimestamp");
  if (first.empty()) first = meta::stringAt(e, "eventTime");
  return first.empty() ? json("<unknown>") : json(ageOf(first, now));
}
json eventType(const json& e, SystemTime) {
  return str(e, "type", "");
}
json eventReason(const json& e, SystemTime) {
  return str(e, "reason", "");
}
json eventObject(const json& e, SystemTime) {
  const char* base = meta::find(e, "involvedObject") ? "involvedObject" : "regarding";
  std::string kind = meta::stringAt(e, std::string(base) + ".kind");
  for (auto& c : kind) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return kind + "/" + meta::stringAt(e, std::string(base) + ".name");
}
json eventSubobject(const json& e, SystemTime) {
  return str(e, "involvedObject.fieldPath", "");
}
json eventSource(const json& e, SystemTime) {
  std::string component = meta::stringAt(e, "source.component");
  if (component.empty()) component = meta::stringAt(e, "reportingComponent");
  if (component.empty()) component = meta::stringAt(e, "reportingController");
  return component;
}
json eventMessage(const json& e, SystemTime) {
  std::string message = meta::stringAt(e, "message");
  if (message.empty()) message = meta::stringAt(e, "note");
  return message;
}
json eventCount(const json& e, SystemTime) {
  return num(e, "count") ? num(e, "count") : num(e, "deprecatedCount");
}

json hpaReference(const json& h, SystemTime) {
  return meta::stringAt(h, "spec.scaleTargetRef.kind") + "/" + meta::stringAt(h, "spec.scaleTargetRef.name");
}
json hpaTargets(const json& h, SystemTime) {
  const json* metrics = meta::find(h, "spec.metrics");
  if (!metrics || !metrics->is_array() || metrics->empty()) return "<none>";
  std::string out;
  for (size_t i = 0; i < metrics->size(); ++i) {
    const json& m = (*metrics)[i];
    if (m.value("type", "") != "Resource") continue;
    std::string resourceName = meta::stringAt(m, "resource.name");
    std::string current = "<unknown>";
    if (const json* currentMetrics = meta::find(h, "status.currentMetrics");
        currentMetrics && currentMetrics->is_array()) {
      for (const auto& c : *currentMetrics) {
        if (meta::stringAt(c, "resource.name") == resourceName) {
          const json* u = meta::find(c, "resource.current.averageUtilization");
          if (u && u->is_number()) current = std::to_string(u->get<std::int64_t>()) + "%";
        }
      }
    }
    const json* target = meta::find(m, "resource.target.averageUtilization");
    std::string wanted = target && target->is_number() ? std::to_string(target->get<std::int64_t>()) + "%" : "<none>";
    out += (out.empty() ? "" : ", ") + resourceName + ": " + current + "/" + wanted;
  }
  return out.empty() ? json("<none>") : json(out);
}
json hpaMin(const json& h, SystemTime) {
  return num(h, "spec.minReplicas") ? num(h, "spec.minReplicas") : 1;
}
json hpaMax(const json& h, SystemTime) {
  return num(h, "spec.maxReplicas");
}
json hpaReplicas(const json& h, SystemTime) {
  return num(h, "status.currentReplicas");
}

json pdbMinAvailable(const json& p, SystemTime) {
  return str(p, "spec.minAvailable", "N/A");
}
json pdbMaxUnavailable(const json& p, SystemTime) {
  return str(p, "spec.maxUnavailable", "N/A");
}
json pdbAllowed(const json& p, SystemTime) {
  return num(p, "status.disruptionsAllowed");
}

json leaseHolder(const json& l, SystemTime) {
  return str(l, "spec.holderIdentity", "");
}

json sliceAddressType(const json& s, SystemTime) {
  return str(s, "addressType");
}
json slicePorts(const json& s, SystemTime) {
  const json* ports = meta::find(s, "ports");
  if (!ports || !ports->is_array() || ports->empty()) return "<unset>";
  std::string out;
  for (const auto& p : *ports) out += (out.empty() ? "" : ",") + std::to_string(p.value("port", 0));
  return out;
}
json sliceEndpoints(const json& s, SystemTime) {
  const json* endpoints = meta::find(s, "endpoints");
  std::vector<std::string> addresses;
  if (endpoints && endpoints->is_array()) {
    for (const auto& e : *endpoints) {
      if (const json* list = meta::find(e, "addresses"); list && list->is_array()) {
        for (const auto& a : *list) addresses.push_back(a.is_string() ? a.get<std::string>() : a.dump());
      }
    }
  }
  if (addresses.empty()) return "<unset>";
  std::string out;
  for (size_t i = 0; i < addresses.size() && i < 3; ++i) out += (i ? "," : "") + addresses[i];
  if (addresses.size() > 3) out += " + " + std::to_string(addresses.size() - 3) + " more...";
  return out;
}

json bindingRole(const json& b, SystemTime) {
  return meta::stringAt(b, "roleRef.kind") + "/" + meta::stringAt(b, "roleRef.name");
}
std::string subjectsOfKind(const json& b, const char* kind) {
  const json* subjects = meta::find(b, "subjects");
  std::string out;
  if (subjects && subjects->is_array()) {
    for (const auto& s : *subjects) {
      if (s.value("kind", "") != kind) continue;
      std::string name = s.value("name", "");
      if (std::string(kind) == "ServiceAccount") name = s.value("namespace", "") + "/" + name;
      out += (out.empty() ? "" : ", ") + name;
    }
  }
  return out;
}
json bindingUsers(const json& b, SystemTime) {
  return subjectsOfKind(b, "User");
}
json bindingGroups(const json& b, SystemTime) {
  return subjectsOfKind(b, "Group");
}
json bindingServiceAccounts(const json& b, SystemTime) {
  return subjectsOfKind(b, "ServiceAccount");
}

// ---------------------------------------------------------------------------------------------- column tables

struct ColumnSpec {
  const char* name;
  const char* type;
  int priority;
  json (*cell)(const json&, SystemTime);
  const char* description;
};

const std::map<std::string, std::vector<ColumnSpec>>& builtinColumns() {
  static const std::map<std::string, std::vector<ColumnSpec>> table = {
      {"/pods",
       {{"Ready", "string", 0, podReady, "The aggregate readiness state of this pod for accepting traffic."},
        {"Status", "string", 0, podStatus, "The aggregate status of the containers in this pod."},
        {"Restarts", "string", 0, podRestarts, "The number of times the containers in this pod have been restarted."},
        {"Age", "string", 0, age,
         "CreationTimestamp is a timestamp representing the server time when this object was created."},
        {"IP", "string", 1, podIp, "IP address allocated to the pod."},
        {"Node", "string", 1, podNode, "Name of the Node this pod runs on."},
        {"Nominated Node", "string", 1, podNominated, "Name of the node nominated to run this pod."},
        {"Readiness Gates", "string", 1, podGates, "Pod readiness gates."}}},
      {"apps/deployments",
       {{"Ready", "string", 0, deploymentReady, "Number of the pod with ready state"},
        {"Up-to-date", "integer", 0, deploymentUpdated,
         "Total number of non-terminated pods targeted by this deployment that have the desired template spec."},
        {"Available", "integer", 0, deploymentAvailable,
         "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment."},
        {"Age", "string", 0, age, "CreationTimestamp"},
        {"Containers", "string", 1, containerNames, "Names of each container in the template."},
        {"Images", "string", 1, containerImages, "Images referenced by each container in the template."},
        {"Selector", "string", 1, workloadSelector, "Label selector for pods."}}},
      {"apps/replicasets",
       {{"Desired", "integer", 0, replicaSetDesired, "Number of desired pods."},
        {"Current", "integer", 0, replicaSetCurrent, "Number of actual replicas."},
        {"Ready", "integer", 0, replicaSetReady, "The number of ready replicas for this replica set."},
        {"Age", "string", 0, age, "CreationTimestamp"},
        {"Containers", "string", 1, containerNames, "Names of each container in the template."},
        {"Images", "string", 1, containerImages, "Images referenced by each container in the template."},
        {"Selector", "string", 1, workloadSelector, "Label selector for pods."}}},
      {"/services",
       {{"Type", "string", 0, serviceType, "The type of the service."},
        {"Cluster-IP", "string", 0, serviceClusterIp, "The IP address of the service."},
        {"External-IP", "string", 0, serviceExternalIp, "The external IP address of the service."},
        {"Port(s)", "string", 0, servicePorts, "The ports exposed by the service."},
        {"Age", "string", 0, age, "CreationTimestamp"},
        {"Selector", "string", 1, serviceSelector,
         "Route service traffic to pods with label keys and values matching this selector."}}},
      {"/configmaps", {{"Data", "string", 0, configMapData, "Data"}, {"Age", "string", 0, age, "CreationTimestamp"}}},
      {"/secrets",
       {{"Type", "string", 0, secretType, "The type of the secret"},
        {"Data", "string", 0, secretData, "The number of entries in the secret"},
        {"Age", "string", 0, age, "CreationTimestamp"}}},
      {"/namespaces",
       {{"Status", "string", 0, namespaceStatus, "The status of the namespace"},
        {"Age", "string", 0, age, "CreationTimestamp"}}},
      {"/serviceaccounts",
       {{"Secrets", "string", 0, serviceAccountSecrets,
         "Secrets is the list of secrets allowed to be used by pods running using this ServiceAccount."},
        {"Age", "string", 0, age, "CreationTimestamp"}}},
      {"/endpoints",
       {{"Endpoints", "string", 0, endpointsList, "Endpoints of the Service"},
        {"Age", "string", 0, age, "CreationTimestamp"}}},
      {"/events",
       {{"Last Seen", "string", 0, eventLastSeen, "Time when last event occurred"},
        {"Type", "string", 0, eventType,
         "Type of this event (Normal, Warning), new types could be added in the future."},
        {"Reason", "string", 0, eventReason, "The reason for this event."},
        {"Object", "string", 0, eventObject, "The object this Event is about."},
        {"Subobject", "string", 1, eventSubobject, "The subobject this Event is about."},
        {"Source", "string", 1, eventSource, "The component reporting this event."},
        {"Message", "string", 0, eventMessage, "A human-readable description of the status of this operation."},
        {"First Seen", "string", 1, eventFirstSeen, "The time at which the event was first recorded."},
        {"Count", "string", 1, eventCount, "The number of times this event has occurred."},
        {"Name", "string", 1, name, "Name"}}},
      {"events.k8s.io/events",
       {{"Last Seen", "string", 0, eventLastSeen, "Time when last event occurred"},
        {"Type", "string", 0, eventType, "Type of this event (Normal, Warning)."},
        {"Reason", "string", 0, eventReason, "The reason for this event."},
        {"Object", "string", 0, eventObject, "The object this Event is about."},
        {"Message", "string", 0, eventMessage, "A human-readable description of the status of this operation."}}},
      {"autoscaling/horizontalpodautoscalers",
       {{"Reference", "string", 0, hpaReference, "Reference to the scaled resource."},
        {"Targets", "string", 0, hpaTargets, "Current and target metric values."},
        {"MinPods", "string", 0, hpaMin, "Lower limit for the number of pods."},
        {"MaxPods", "integer", 0, hpaMax, "Upper limit for the number of pods."},
        {"Replicas", "integer", 0, hpaReplicas, "Current number of replicas."},
        {"Age", "string", 0, age, "CreationTimestamp"}}},
      {"policy/poddisruptionbudgets",
       {{"Min Available", "string", 0, pdbMinAvailable, "The minimum number of pods that must be available."},
        {"Max Unavailable", "string", 0, pdbMaxUnavailable, "The maximum number of pods that may be unavailable."},
        {"Allowed Disruptions", "integer", 0, pdbAllowed,
         "Calculated number of pods that may be disrupted at this time."},
        {"Age", "string", 0, age, "CreationTimestamp"}}},
      {"coordination.k8s.io/leases",
       {{"Holder", "string", 0, leaseHolder, "The holder of the lease."},
        {"Age", "string", 0, age, "CreationTimestamp"}}},
      {"discovery.k8s.io/endpointslices",
       {{"AddressType", "string", 0, sliceAddressType, "The IP protocol for this slice."},
        {"Ports", "string", 0, slicePorts, "The ports in this slice."},
        {"Endpoints", "string", 0, sliceEndpoints, "The endpoints in this slice."},
        {"Age", "string", 0, age, "CreationTimestamp"}}},
      {"rbac.authorization.k8s.io/roles",
       {{"Created At", "date", 0, createdAt, "Time at which the object was created."}}},
      {"rbac.authorization.k8s.io/clusterroles",
       {{"Created At", "date", 0, createdAt, "Time at which the object was created."}}},
      {"rbac.authorization.k8s.io/rolebindings",
       {{"Role", "string", 0, bindingRole, "Role"},
        {"Age", "string", 0, age, "CreationTimestamp"},
        {"Users", "string", 1, bindingUsers, "Users in the binding"},
        {"Groups", "string", 1, bindingGroups, "Groups in the binding"},
        {"ServiceAccounts", "string", 1, bindingServiceAccounts, "ServiceAccounts in the binding"}}},
      {"rbac.authorization.k8s.io/clusterrolebindings",
       {{"Role", "string", 0, bindingRole, "Role"},
        {"Age", "string", 0, age, "CreationTimestamp"},
        {"Users", "string", 1, bindingUsers, "Users in the binding"},
        {"Groups", "string", 1, bindingGroups, "Groups in the binding"},
        {"ServiceAccounts", "string", 1, bindingServiceAccounts, "ServiceAccounts in the binding"}}},
      {"apiextensions.k8s.io/customresourcedefinitions",
       {{"Created At", "date", 0, createdAt, "Time at which the object was created."}}},
  };
  return table;
}

// A typed cell for a CRD column: kube-apiserver keeps numbers and booleans as such when one value matches.
json crdCell(const PrinterColumn& column, const json& object, SystemTime now) {
  std::vector<json> values = evaluateJsonPath(object, column.jsonPath);
  if (values.empty()) return nullptr;
  if (column.type == "date") {
    return values.front().is_string() ? json(ageOf(values.front().get<std::string>(), now)) : json(nullptr);
  }
  if (values.size() == 1) {
    const json& v = values.front();
    if (column.type == "integer" && v.is_number()) return v.get<std::int64_t>();
    if (column.type == "number" && v.is_number()) return v;
    if (column.type == "boolean" && v.is_boolean()) return v;
    if (v.is_string()) return v;
    return v.dump();
  }
  std::string joined;
  for (const auto& v : values)
    joined += (joined.empty() ? "" : ",") + (v.is_string() ? v.get<std::string>() : v.dump());
  return joined;
}

}  // namespace

json partialObjectMetadata(const json& object) {
  return {{"kind", "PartialObjectMetadata"},
          {"apiVersion", "meta.k8s.io/v1"},
          {"metadata", object.contains("metadata") ? object["metadata"] : json::object()}};
}

TablePrinter::TablePrinter(const ResourceInfo& resource) {
  Column nameColumn;
  nameColumn.definition = {"Name",
                           "string",
                           "name",
                           "Name must be unique within a namespace. Is required when creating resources, although "
                           "some resources may allow a client to request the generation of an appropriate name "
                           "automatically. Name is primarily intended for creation idempotence and configuration "
                           "definition. Cannot be updated. More info: "
                           "https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names",
                           0,
                           ""};
  nameColumn.cell = name;
  columns_.push_back(nameColumn);
  if (resource.custom) {
    if (resource.printerColumns.empty()) {
      columns_.push_back({{"Age", "date", "", "CreationTimestamp", 0, ".metadata.creationTimestamp"}, nullptr});
    }
    for (const auto& column : resource.printerColumns) columns_.push_back({column, nullptr});
    return;
  }
  auto it = builtinColumns().find(resource.storageKey());
  if (it == builtinColumns().end()) {
    columns_.push_back({{"Age", "string", "", "CreationTimestamp", 0, ""}, age});
    return;
  }
  for (const auto& spec : it->second) {
    columns_.push_back({{spec.name, spec.type, "", spec.description, spec.priority, ""}, spec.cell});
  }
}

json TablePrinter::columnDefinitions() const {
  json out = json::array();
  for (const auto& column : columns_) {
    const PrinterColumn& d = column.definition;
    out.push_back({{"name", d.name},
                   {"type", d.type},
                   {"format", d.format},
                   {"description", d.description},
                   {"priority", d.priority}});
  }
  return out;
}

json TablePrinter::cell(const Column& column, const json& object, SystemTime now) const {
  if (column.cell) return column.cell(object, now);
  return crdCell(column.definition, object, now);
}

json TablePrinter::row(const json& object, IncludeObject include, SystemTime now) const {
  json cells = json::array();
  for (const auto& column : columns_) cells.push_back(cell(column, object, now));
  json row = {{"cells", std::move(cells)}};
  if (include == IncludeObject::Metadata) row["object"] = partialObjectMetadata(object);
  if (include == IncludeObject::Object) row["object"] = object;
  return row;
}

json TablePrinter::table(const std::vector<const json*>& objects, const std::string& resourceVersion,
                         IncludeObject include, bool columns, const std::string& continueToken) const {
  SystemTime now = std::chrono::system_clock::now();
  json rows = json::array();
  for (const json* object : objects) rows.push_back(row(*object, include, now));
  json metadata = {{"resourceVersion", resourceVersion}};
  if (!continueToken.empty()) metadata["continue"] = continueToken;
  json table = {{"kind", "Table"}, {"apiVersion", "meta.k8s.io/v1"}, {"metadata", metadata}};
  if (columns) table["columnDefinitions"] = columnDefinitions();
  table["rows"] = std::move(rows);
  return table;
}

}  // namespace flotilla::apiserver
