#pragma once
// What the emulator knows about one served resource (a group/version/plural): names for discovery, scope,
// subresources, generation rules, printer columns and, for custom resources, the CRD's schema.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/schema_validator.h"
#include "apiserver/api_error.h"
#include "apiserver/patch_schema.h"

namespace flotilla::apiserver {

struct PrinterColumn {
  std::string name;    // "Ready"
  std::string type;    // string | integer | number | boolean | date
  std::string format;  // "name" for the Name column, else usually empty
  std::string description;
  int priority = 0;      // > 0 only shows with `kubectl get -o wide`
  std::string jsonPath;  // CRD additionalPrinterColumns; empty for built-in computed columns
};

// The scale subresource: where replicas live in the parent object (JSON paths in CRD syntax, ".spec.replicas").
struct ScaleSubresource {
  std::string specReplicasPath = ".spec.replicas";
  std::string statusReplicasPath = ".status.replicas";
  // Built-ins derive the selector from .spec.selector (a LabelSelector); CRDs name a string field.
  std::string labelSelectorPath;
  bool selectorFromLabelSelector = true;
};

struct ResourceInfo {
  std::string group;
  std::string version;
  std::string kind;
  std::string listKind;
  std::string plural;
  std::string singular;
  std::vector<std::string> shortNames;
  std::vector<std::string> categories;
  std::vector<std::string> verbs;
  bool namespaced = true;
  bool hasStatusSubresource = false;
  bool hasLogSubresource = false;  // pods/log (read-only): container output of pods run by --run-pods
  std::optional<ScaleSubresource> scale;
  // metadata.generation is maintained (bumped when anything but metadata and status changes).
  bool tracksGeneration = false;
  // Field selectors beyond metadata.name / metadata.namespace, as dotted paths ("involvedObject.name").
  std::vector<std::string> selectableFields;

  // Custom resources only.
  bool custom = false;
  std::string crdName;                                     // "microservices.flotilla.io"
  nlohmann::json schema;                                   // the version's openAPIV3Schema (null if none)
  std::shared_ptr<const api::SchemaValidator> validator;   // compiled from `schema` (null if none)
  std::shared_ptr<const CompiledPatchSchema> patchSchema;  // field shapes for server-side apply
  std::vector<PrinterColumn> printerColumns;               // additionalPrinterColumns

  std::string apiVersion() const { return group.empty() ? version : group + "/" + version; }
  // Objects of every version of a resource share one storage bucket.
  std::string storageKey() const { return group + "/" + plural; }
  GroupResource groupResource() const { return {group, plural}; }
  GroupKind groupKind() const { return {group, kind}; }
  bool hasSubresource(const std::string& name) const {
    return (name == "status" && hasStatusSubresource) || (name == "scale" && scale.has_value()) ||
           (name == "log" && hasLogSubresource);
  }
};

using ResourcePtr = std::shared_ptr<const ResourceInfo>;

// The resources every emulator serves from the start, in discovery order.
std::vector<ResourceInfo> builtinResources();

// Groups in the order kube-apiserver lists them; custom groups follow, sorted.
const std::vector<std::string>& builtinGroupOrder();

}  // namespace flotilla::apiserver
