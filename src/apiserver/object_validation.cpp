#include "apiserver/object_validation.h"

#include <string>

#include "api/names.h"
#include "apiserver/label_selector.h"
#include "apiserver/object_meta.h"

namespace flotilla::apiserver {

using nlohmann::json;
using Type = FieldViolation::Type;

namespace {

const char* kSubdomainMessage =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start "
    "and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const char* kLabelMessage =
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end "
    "with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const char* kDns1035Message =
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, "
    "and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is "
    "'[a-z]([-a-z0-9]*[a-z0-9])?')";

void checkName(const ResourceInfo& resource, const std::string& name, std::vector<FieldViolation>& out) {
  const std::string key = resource.storageKey();
  if (key == "/namespaces") {
    if (!api::isDns1123Label(name)) out.push_back({Type::Invalid, "metadata.name", name, kLabelMessage});
  } else if (key == "/services") {
    if (!api::isDns1035Label(name)) out.push_back({Type::Invalid, "metadata.name", name, kDns1035Message});
  } else if (key == "rbac.authorization.k8s.io/roles" || key == "rbac.authorization.k8s.io/clusterroles" ||
             key == "rbac.authorization.k8s.io/rolebindings" ||
             key == "rbac.authorization.k8s.io/clusterrolebindings") {
    // RBAC names are path segments: anything but "." / ".." / containing '/' or '%'.
    if (name == "." || name == ".." || name.find_first_of("/%") != std::string::npos) {
      out.push_back({Type::Invalid, "metadata.name", name, "may not contain '/' or '%' and may not be '.' or '..'"});
    }
  } else if (!api::isDns1123Subdomain(name)) {
    out.push_back({Type::Invalid, "metadata.name", name, kSubdomainMessage});
  }
}

void checkStringMap(const json& metadata, const char* key, bool checkValues, std::vector<FieldViolation>& out) {
  auto it = metadata.find(key);
  if (it == metadata.end() || it->is_null()) return;
  std::string path = std::string("metadata.") + key;
  if (!it->is_object()) {
    out.push_back({Type::TypeInvalid, path, *it, "must be an object of strings"});
    return;
  }
  for (const auto& [k, v] : it->items()) {
    if (!api::isQualifiedName(k)) {
      out.push_back({Type::Invalid, path, k,
                     "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
                     "with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
                     "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"});
    }
    if (!v.is_string()) {
      out.push_back({Type::TypeInvalid, path + "[" + k + "]", v, "must be a string"});
    } else if (checkValues && !api::isLabelValue(v.get<std::string>())) {
      out.push_back({Type::Invalid, path, v,
                     "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
                     "and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or "
                     "'12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"});
    }
  }
}

void checkOwnerReferences(const json& metadata, std::vector<FieldViolation>& out) {
  auto it = metadata.find("ownerReferences");
  if (it == metadata.end() || it->is_null()) return;
  if (!it->is_array()) {
    out.push_back({Type::TypeInvalid, "metadata.ownerReferences", *it, "must be a list"});
    return;
  }
  int controllers = 0;
  for (size_t i = 0; i < it->size(); ++i) {
    const json& ref = (*it)[i];
    std::string path = "metadata.ownerReferences[" + std::to_string(i) + "]";
    for (const char* field : {"apiVersion", "kind", "name", "uid"}) {
      if (!ref.is_object() || !ref.contains(field) || !ref[field].is_string() ||
          ref[field].get<std::string>().empty()) {
        out.push_back({Type::Required, path + "." + field, nullptr, ""});
      }
    }
    if (ref.is_object() && ref.value("controller", false)) ++controllers;
  }
  if (controllers > 1) {
    out.push_back(
        {Type::Invalid, "metadata.ownerReferences", *it, "Only one reference can have Controller set to true"});
  }
}

void checkContainers(const json& podSpec, const std::string& path, std::vector<FieldViolation>& out) {
  auto containers = podSpec.find("containers");
  if (containers == podSpec.end() || !containers->is_array() || containers->empty()) {
    out.push_back({Type::Required, path + ".containers", nullptr, ""});
    return;
  }
  for (size_t i = 0; i < containers->size(); ++i) {
    const json& c = (*containers)[i];
    std::string p = path + ".containers[" + std::to_string(i) + "]";
    if (!c.is_object() || !c.contains("name") || !c["name"].is_string() || c["name"].get<std::string>().empty()) {
      out.push_back({Type::Required, p + ".name", nullptr, ""});
    } else if (!api::isDns1123Label(c["name"].get<std::string>())) {
      out.push_back({Type::Invalid, p + ".name", c["name"], kLabelMessage});
    }
    if (!c.is_object() || !c.contains("image") || !c["image"].is_string() || c["image"].get<std::string>().empty()) {
      out.push_back({Type::Required, p + ".image", nullptr, ""});
    }
  }
}

void checkReplicas(const json& spec, const std::string& path, std::vector<FieldViolation>& out) {
  auto replicas = spec.find("replicas");
  if (replicas == spec.end() || replicas->is_null()) return;
  if (!replicas->is_number_integer()) {
    out.push_back({Type::TypeInvalid, path, *replicas, "must be an integer"});
  } else if (replicas->get<long long>() < 0) {
    out.push_back({Type::Invalid, path, *replicas, "must be greater than or equal to 0"});
  }
}

// Deployments and ReplicaSets: a selector that matches the template's labels, and a valid pod template.
void checkWorkload(const json& object, const json* old, std::vector<FieldViolation>& out) {
  const json* spec = meta::find(object, "spec");
  if (!spec || !spec->is_object()) {
    out.push_back({Type::Required, "spec", nullptr, ""});
    return;
  }
  checkReplicas(*spec, "spec.replicas", out);
  const json* selector = meta::find(*spec, "selector");
  if (!selector || !selector->is_object() || selector->empty()) {
    out.push_back({Type::Required, "spec.selector", nullptr, ""});
  } else {
    auto parsed = LabelSelector::fromJson(*selector);
    const json* labels = meta::find(*spec, "template.metadata.labels");
    if (!parsed.ok() || parsed->empty()) {
      out.push_back({Type::Invalid, "spec.selector", *selector, "empty selector is invalid for deployment"});
    } else if (!parsed->matches(labels ? *labels : json())) {
      out.push_back({Type::Invalid, "spec.template.metadata.labels", labels ? *labels : json::object(),
                     "`selector` does not match template `labels`"});
    }
    if (old) {
      const json* oldSelector = meta::find(*old, "spec.selector");
      if (oldSelector && *oldSelector != *selector) {
        out.push_back({Type::Invalid, "spec.selector", *selector, "field is immutable"});
      }
    }
  }
  const json* podSpec = meta::find(*spec, "template.spec");
  if (!podSpec || !podSpec->is_object()) {
    out.push_back({Type::Required, "spec.template.spec.containers", nullptr, ""});
  } else {
    checkContainers(*podSpec, "spec.template.spec", out);
  }
}

void checkService(const json& object, const json* old, std::vector<FieldViolation>& out) {
  const json* spec = meta::find(object, "spec");
  std::string type = spec ? meta::stringAt(*spec, "type") : "";
  const json* ports = spec ? meta::find(*spec, "ports") : nullptr;
  std::string clusterIP = spec ? meta::stringAt(*spec, "clusterIP") : "";
  if (type != "ExternalName" && clusterIP != "None" && (!ports || !ports->is_array() || ports->empty())) {
    out.push_back({Type::Required, "spec.ports", nullptr, ""});
  }
  if (ports && ports->is_array()) {
    for (size_t i = 0; i < ports->size(); ++i) {
      const json& port = (*ports)[i];
      std::string p = "spec.ports[" + std::to_string(i) + "]";
      const json* number = meta::find(port, "port");
      if (!number || !number->is_number_integer()) {
        out.push_back({Type::Required, p + ".port", nullptr, ""});
      } else if (number->get<long long>() < 1 || number->get<long long>() > 65535) {
        out.push_back({Type::Invalid, p + ".port", *number, "must be between 1 and 65535, inclusive"});
      }
      if (ports->size() > 1 && meta::stringAt(port, "name").empty()) {
        out.push_back({Type::Required, p + ".name", nullptr, ""});
      }
    }
  }
  if (old) {
    std::string oldIP = meta::stringAt(*old, "spec.clusterIP");
    if (!oldIP.empty() && !clusterIP.empty() && oldIP != clusterIP) {
      out.push_back({Type::Invalid, "spec.clusterIPs[0]", clusterIP, "may not change once set"});
    }
  }
}

void checkImmutableData(const json& object, const json* old, std::vector<FieldViolation>& out) {
  if (!old || !old->value("immutable", false)) return;
  for (const char* field : {"data", "binaryData"}) {
    json a = object.value(field, json());
    json b = old->value(field, json());
    if (a != b) out.push_back({Type::Forbidden, field, nullptr, "field is immutable when `immutable` is set"});
  }
  if (!object.value("immutable", false)) {
    out.push_back({Type::Forbidden, "immutable", nullptr, "field is immutable when `immutable` is set"});
  }
}

}  // namespace

std::vector<FieldViolation> validateObjectMeta(const ResourceInfo& resource, const json& object) {
  std::vector<FieldViolation> out;
  const json* metadata = meta::find(object, "metadata");
  if (!metadata || !metadata->is_object()) {
    out.push_back({Type::Required, "metadata.name", nullptr, "name or generateName is required"});
    return out;
  }
  std::string name = meta::name(object);
  if (name.empty()) {
    out.push_back({Type::Required, "metadata.name", nullptr, "name or generateName is required"});
  } else {
    checkName(resource, name, out);
  }
  checkStringMap(*metadata, "labels", true, out);
  checkStringMap(*metadata, "annotations", false, out);
  checkOwnerReferences(*metadata, out);
  if (auto finalizers = metadata->find("finalizers"); finalizers != metadata->end() && !finalizers->is_null()) {
    if (!finalizers->is_array()) {
      out.push_back({Type::TypeInvalid, "metadata.finalizers", *finalizers, "must be a list of strings"});
    } else {
      for (size_t i = 0; i < finalizers->size(); ++i) {
        const json& f = (*finalizers)[i];
        if (!f.is_string() || !api::isQualifiedName(f.get<std::string>())) {
          out.push_back({Type::Invalid, "metadata.finalizers[" + std::to_string(i) + "]", f,
                         "name part must consist of alphanumeric characters, '-', '_' or '.'"});
        }
      }
    }
  }
  return out;
}

std::vector<FieldViolation> validateBuiltin(const ResourceInfo& resource, const json& object, const json* old) {
  std::vector<FieldViolation> out;
  if (resource.custom) return out;
  const std::string key = resource.storageKey();
  if (key == "apps/deployments" || key == "apps/replicasets") {
    checkWorkload(object, old, out);
  } else if (key == "/pods") {
    const json* spec = meta::find(object, "spec");
    if (!spec || !spec->is_object()) {
      out.push_back({Type::Required, "spec.containers", nullptr, ""});
    } else {
      checkContainers(*spec, "spec", out);
    }
  } else if (key == "/services") {
    checkService(object, old, out);
  } else if (key == "/configmaps" || key == "/secrets") {
    checkImmutableData(object, old, out);
  } else if (key == "autoscaling/horizontalpodautoscalers") {
    const json* max = meta::find(object, "spec.maxReplicas");
    if (!max || !max->is_number_integer()) {
      out.push_back({Type::Required, "spec.maxReplicas", nullptr, ""});
    } else if (max->get<long long>() < 1) {
      out.push_back({Type::Invalid, "spec.maxReplicas", *max, "must be greater than or equal to 1"});
    }
    if (!meta::find(object, "spec.scaleTargetRef.name")) {
      out.push_back({Type::Required, "spec.scaleTargetRef.name", nullptr, ""});
    }
  } else if (key == "coordination.k8s.io/leases") {
    const json* duration = meta::find(object, "spec.leaseDurationSeconds");
    if (duration && duration->is_number_integer() && duration->get<long long>() <= 0) {
      out.push_back({Type::Invalid, "spec.leaseDurationSeconds", *duration, "must be greater than 0"});
    }
  }
  return out;
}

}  // namespace flotilla::apiserver
