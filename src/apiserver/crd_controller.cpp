#include "apiserver/crd_controller.h"

#include <algorithm>
#include <regex>

#include "api/names.h"
#include "apiserver/object_meta.h"
#include "apiserver/time_format.h"

namespace flotilla::apiserver {

using nlohmann::json;
using Type = FieldViolation::Type;

namespace {

const GroupKind kCrdKind{"apiextensions.k8s.io", "CustomResourceDefinition"};

struct ParsedVersion {
  int major = 0;
  int stability = 0;  // 3 GA, 2 beta, 1 alpha, 0 not a Kubernetes version
  int minor = 0;
};

ParsedVersion parseVersion(const std::string& v) {
  static const std::regex pattern("^v([0-9]+)(?:(alpha|beta)([0-9]+))?$");
  std::smatch m;
  if (!std::regex_match(v, m, pattern)) return {};
  ParsedVersion out;
  out.major = std::stoi(m[1]);
  out.stability = !m[2].matched ? 3 : (m[2] == "beta" ? 2 : 1);
  out.minor = m[3].matched ? std::stoi(m[3]) : 0;
  return out;
}

std::vector<PrinterColumn> printerColumnsOf(const json& version) {
  std::vector<PrinterColumn> out;
  auto columns = version.find("additionalPrinterColumns");
  if (columns == version.end() || !columns->is_array()) return out;
  for (const auto& c : *columns) {
    PrinterColumn column;
    column.name = c.value("name", "");
    column.type = c.value("type", "string");
    column.format = c.value("format", "");
    column.description = c.value("description", "");
    column.priority = c.value("priority", 0);
    column.jsonPath = c.value("jsonPath", "");
    out.push_back(std::move(column));
  }
  return out;
}

json condition(const std::string& type, const std::string& reason, const std::string& message, const json* old) {
  std::string transition = nowRfc3339();
  if (old) {
    const json* conditions = meta::find(*old, "status.conditions");
    if (conditions && conditions->is_array()) {
      for (const auto& c : *conditions) {
        if (c.value("type", "") == type && c.value("status", "") == "True" && c.contains("lastTransitionTime")) {
          transition = c["lastTransitionTime"];
        }
      }
    }
  }
  return {
      {"type", type}, {"status", "True"}, {"reason", reason}, {"message", message}, {"lastTransitionTime", transition}};
}

}  // namespace

bool kubeVersionPrefers(const std::string& a, const std::string& b) {
  ParsedVersion pa = parseVersion(a), pb = parseVersion(b);
  if (pa.stability != pb.stability) return pa.stability > pb.stability;
  if (pa.stability == 0) return a < b;
  if (pa.major != pb.major) return pa.major > pb.major;
  return pa.minor > pb.minor;
}

Result<std::vector<ResourceInfo>> resourcesForCrd(const json& crd) {
  std::vector<FieldViolation> violations;
  std::vector<StatusCause> schemaCauses;
  const json* spec = meta::find(crd, "spec");
  std::string group = spec ? meta::stringAt(*spec, "group") : "";
  std::string plural = spec ? meta::stringAt(*spec, "names.plural") : "";
  std::string kind = spec ? meta::stringAt(*spec, "names.kind") : "";
  std::string scope = spec ? meta::stringAt(*spec, "scope") : "";
  std::string name = meta::name(crd);

  if (group.empty()) {
    violations.push_back({Type::Required, "spec.group", nullptr, ""});
  } else if (group.find('.') == std::string::npos || !api::isDns1123Subdomain(group)) {
    violations.push_back({Type::Invalid, "spec.group", group, "should be a domain with at least one dot"});
  }
  if (plural.empty()) {
    violations.push_back({Type::Required, "spec.names.plural", nullptr, ""});
  } else if (!api::isDns1123Label(plural)) {
    violations.push_back({Type::Invalid, "spec.names.plural", plural, "must be a DNS-1123 label"});
  }
  if (kind.empty()) violations.push_back({Type::Required, "spec.names.kind", nullptr, ""});
  if (!group.empty() && !plural.empty() && name != plural + "." + group) {
    violations.push_back({Type::Invalid, "metadata.name", name, "must be spec.names.plural+\".\"+spec.group"});
  }
  if (scope != "Namespaced" && scope != "Cluster") {
    violations.push_back({Type::NotSupported, "spec.scope", scope, "supported values: \"Cluster\", \"Namespaced\""});
  }

  const json* versions = spec ? meta::find(*spec, "versions") : nullptr;
  std::vector<ResourceInfo> out;
  if (!versions || !versions->is_array() || versions->empty()) {
    violations.push_back({Type::Invalid, "spec.versions", versions ? *versions : json::array(),
                          "must have exactly one version marked as storage version"});
  } else {
    int storage = 0;
    for (size_t i = 0; i < versions->size(); ++i) {
      const json& v = (*versions)[i];
      std::string path = "spec.versions[" + std::to_string(i) + "]";
      if (v.value("storage", false)) ++storage;
      std::string versionName = v.value("name", "");
      if (versionName.empty()) violations.push_back({Type::Required, path + ".name", nullptr, ""});
      ResourceInfo info;
      info.group = group;
      info.version = versionName;
      info.kind = kind;
      info.listKind = meta::stringAt(*spec, "names.listKind");
      if (info.listKind.empty()) info.listKind = kind + "List";
      info.plural = plural;
      info.singular = meta::stringAt(*spec, "names.singular");
      if (info.singular.empty()) {
        info.singular = kind;
        for (auto& c : info.singular) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
      if (const json* shortNames = meta::find(*spec, "names.shortNames"); shortNames && shortNames->is_array()) {
        for (const auto& s : *shortNames) {
          if (s.is_string()) info.shortNames.push_back(s);
        }
      }
      if (const json* categories = meta::find(*spec, "names.categories"); categories && categories->is_array()) {
        for (const auto& s : *categories) {
          if (s.is_string()) info.categories.push_back(s);
        }
      }
      info.verbs = {"delete", "deletecollection", "get", "list", "patch", "create", "update", "watch"};
      info.namespaced = scope != "Cluster";
      info.hasStatusSubresource = meta::find(v, "subresources.status") != nullptr;
      if (const json* scale = meta::find(v, "subresources.scale"); scale && scale->is_object()) {
        ScaleSubresource s;
        s.specReplicasPath = scale->value("specReplicasPath", ".spec.replicas");
        s.statusReplicasPath = scale->value("statusReplicasPath", ".status.replicas");
        s.labelSelectorPath = scale->value("labelSelectorPath", "");
        s.selectorFromLabelSelector = false;
        info.scale = s;
      }
      info.tracksGeneration = true;
      if (const json* fields = meta::find(v, "selectableFields"); fields && fields->is_array()) {
        for (const auto& f : *fields) {
          std::string path = f.value("jsonPath", "");
          if (!path.empty() && path.front() == '.') path.erase(0, 1);
          if (!path.empty()) info.selectableFields.push_back(path);
        }
      }
      info.custom = true;
      info.crdName = name;
      info.printerColumns = printerColumnsOf(v);
      if (const json* schema = meta::find(v, "schema.openAPIV3Schema"); schema && !schema->is_null()) {
        info.schema = *schema;
        auto compiled = api::SchemaValidator::compile(*schema, path + ".schema.openAPIV3Schema");
        for (const auto& error : compiled.errors) schemaCauses.push_back(causeFromMessage(error.path, error.message));
        info.validator = compiled.validator;
      }
      info.patchSchema = compileCustomResourcePatchSchema(info.schema);
      if (v.value("served", true)) out.push_back(std::move(info));
    }
    if (storage != 1) {
      violations.push_back(
          {Type::Invalid, "spec.versions", *versions, "must have exactly one version marked as storage version"});
    }
  }
  if (!violations.empty() || !schemaCauses.empty()) {
    std::vector<StatusCause> causes;
    for (const auto& v : violations) causes.push_back(v.toCause());
    causes.insert(causes.end(), schemaCauses.begin(), schemaCauses.end());
    return errors::invalid(kCrdKind, name, causes);
  }
  std::stable_sort(out.begin(), out.end(), [](const ResourceInfo& a, const ResourceInfo& b) {
    return kubeVersionPrefers(a.version, b.version);
  });
  return out;
}

Status CrdController::admit(json& crd, const json* old) const {
  auto resources = resourcesForCrd(crd);
  if (!resources.ok()) return resources.error();
  if (old) {
    // Scope and group are immutable, as in apiextensions-apiserver.
    for (const char* field : {"spec.group", "spec.scope"}) {
      if (meta::stringAt(crd, field) != meta::stringAt(*old, field)) {
        return errors::invalid(
            kCrdKind, meta::name(crd),
            std::vector<FieldViolation>{{Type::Invalid, field, meta::stringAt(crd, field), "field is immutable"}});
      }
    }
  }
  const json& names = crd["spec"]["names"];
  json accepted = names;
  json status = json::object();
  if (old) {
    if (const json* oldStatus = meta::find(*old, "status"); oldStatus && oldStatus->is_object()) status = *oldStatus;
  }
  status["acceptedNames"] = accepted;
  status["conditions"] =
      json::array({condition("NamesAccepted", "NoConflicts", "no conflicts found", old),
                   condition("Established", "InitialNamesAccepted", "the initial names have been accepted", old)});
  json stored = status.contains("storedVersions") && status["storedVersions"].is_array() ? status["storedVersions"]
                                                                                         : json::array();
  for (const auto& v : crd["spec"]["versions"]) {
    if (v.value("storage", false) && std::find(stored.begin(), stored.end(), v.value("name", "")) == stored.end()) {
      stored.push_back(v.value("name", ""));
    }
  }
  status["storedVersions"] = stored;
  if (meta::isDeleting(crd)) {
    status["conditions"].push_back({{"type", "Terminating"},
                                    {"status", "True"},
                                    {"reason", "InstanceDeletionInProgress"},
                                    {"message", "CustomResource deletion is in progress"},
                                    {"lastTransitionTime", nowRfc3339()}});
  }
  crd["status"] = status;
  if (!old) meta::addFinalizer(crd, kCrdCleanupFinalizer);
  return Done{};
}

void CrdController::sync(const json& crd) {
  auto resources = resourcesForCrd(crd);
  if (!resources.ok()) return;
  registry_.setCustomResources(meta::name(crd), *resources);
}

void CrdController::forget(const std::string& crdName) {
  registry_.removeCustomResources(crdName);
}

}  // namespace flotilla::apiserver
