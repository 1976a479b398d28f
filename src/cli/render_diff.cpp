#include "cli/render_diff.h"

#include <iostream>
#include <map>
#include <set>

#include "api/validate.h"
#include "cli/analysis.h"
#include "cli/api_connection.h"
#include "cli/cluster_resources.h"
#include "cli/manifest_files.h"
#include "cli/object_diff.h"
#include "controllers/gateway_inputs_from_cache.h"
#include "controllers/ownership.h"
#include "kube/well_known_resources.h"
#include "render/gateway_render.h"
#include "render/microservice_objects.h"

namespace flotilla::cli {
namespace {

using render::ObjectKey;

struct DiffError {
  std::string message;
};

// The CRs as they will be after applying the files: the cluster's, with each file's CR in place of the live one.
// A file's CR keeps the live identity (uid, creation time, generation), which ownership checks and Route precedence
// read; a CR new to the cluster has none, as after a create.
template <typename T>
void overlay(std::vector<T>& live, const T& fromFile) {
  for (auto& existing : live) {
    if (render::keyOf(existing) != render::keyOf(fromFile)) continue;
    api::ObjectMeta meta = fromFile.metadata;
    meta.uid = existing.metadata.uid;
    meta.creationTimestamp = existing.metadata.creationTimestamp;
    meta.generation = existing.metadata.generation;
    meta.resourceVersion = existing.metadata.resourceVersion;
    existing = fromFile;
    existing.metadata = std::move(meta);
    return;
  }
  live.push_back(fromFile);
}

struct Plan {
  CustomResources crs;  // merged
  std::set<std::string> fileNamespaces;
  std::set<std::string> fileKeys;  // "Kind ns/name" of every CR in the files
  bool allObjects = true;          // no files: every CR's objects
};

std::string keyOf(std::string_view kind, const api::ObjectMeta& meta) {
  return std::string(kind) + " " + meta.namespace_ + "/" + meta.name;
}

void mergeFiles(Plan& plan, const ManifestSet& manifests) {
  for (const auto& loaded : manifests.resources) {
    const auto& meta = api::metadataOf(loaded.resource);
    std::visit(
        [&](const auto& r) {
          using T = std::decay_t<decltype(r)>;
          if constexpr (std::is_same_v<T, api::Microservice>) overlay(plan.crs.microservices, r);
          if constexpr (std::is_same_v<T, api::Route>) overlay(plan.crs.routes, r);
          if constexpr (std::is_same_v<T, api::BreakerPolicy>) overlay(plan.crs.policies, r);
          if constexpr (std::is_same_v<T, api::Gateway>) overlay(plan.crs.gateways, r);
          if constexpr (!std::is_same_v<T, api::OtherObject>) {
            plan.fileNamespaces.insert(meta.namespace_);
            plan.fileKeys.insert(keyOf(api::kindOf(loaded.resource), meta));
          }
        },
        loaded.resource);
  }
}

// A Gateway's config reads the Routes naming it and the Microservices and BreakerPolicies of their namespaces: any
// CR of the files in one of those namespaces may change it.
bool gatewayAffected(const Plan& plan, const api::Gateway& gateway) {
  if (plan.allObjects || plan.fileNamespaces.contains(gateway.metadata.namespace_)) return true;
  for (const auto& route : plan.crs.routes) {
    const auto& ref = route.spec.gatewayRef;
    const std::string ns = ref.namespace_.empty() ? route.metadata.namespace_ : ref.namespace_;
    if (ref.name == gateway.metadata.name && ns == gateway.metadata.namespace_ &&
        plan.fileNamespaces.contains(route.metadata.namespace_)) {
      return true;
    }
  }
  return false;
}

nlohmann::json require(kube::Result<nlohmann::json> result, const std::string& what) {
  if (!result.ok()) throw DiffError{"reading " + what + ": " + result.error().toString()};
  return std::move(result.value());
}

class Differ {
 public:
  Differ(kube::Client& client, const RenderDiffOptions& options) : client_(client), options_(options) {}

  void microservice(const api::Microservice& ms) {
    const auto desired = render::renderMicroservice(ms, configVersions(ms));
    for (const auto& object : desired.all()) compare(object, {"Microservice", ms.metadata});
    // The operator deletes the HPA / PDB the spec no longer asks for (only its own).
    if (!desired.horizontalPodAutoscaler)
      deleteIfOwned(kube::resources::kHorizontalPodAutoscalers, ms.metadata, "Microservice", ms.metadata.name);
    if (!desired.podDisruptionBudget)
      deleteIfOwned(kube::resources::kPodDisruptionBudgets, ms.metadata, "Microservice", ms.metadata.name);
  }

  void gateway(const api::Gateway& gateway, const CustomResources& crs) {
    render::GatewayInputs inputs{controllers::withDefaultImage(gateway, options_.gatewayImage),
                                 crs.routes,
                                 crs.policies,
                                 crs.microservices,
                                 {},
                                 {},
                                 {}};
    if (gateway.spec.allowedRoutes.from == api::RouteNamespacesFrom::Selector) {
      for (const auto& route : crs.routes)
        inputs.namespaceLabels[route.metadata.namespace_] = namespaceLabels(route.metadata.namespace_);
    }
    const auto rendered = render::renderGateway(inputs);
    for (const auto& object : rendered.objects.all()) compare(object, {"Gateway", gateway.metadata});
    if (!rendered.objects.horizontalPodAutoscaler) {
      deleteIfOwned(kube::resources::kHorizontalPodAutoscalers, gateway.metadata, "Gateway",
                    render::gatewayWorkloadName(gateway));
    }
  }

  const std::vector<ObjectChange>& changes() const { return changes_; }
  const std::vector<std::string>& skipped() const { return skipped_; }

 private:
  render::ConfigVersions configVersions(const api::Microservice& ms) {
    render::ConfigVersions versions;
    if (!ms.spec.rolloutOnConfigChange) return versions;
    for (const auto& source : render::referencedConfigSources(ms)) {
      const auto& resource = source.kind == "Secret" ? kube::resources::kSecrets : kube::resources::kConfigMaps;
      const auto live = require(getIfExists(client_, resource, ms.metadata.namespace_, source.name),
                                source.kind + " " + ms.metadata.namespace_ + "/" + source.name);
      if (!live.is_null()) versions[source] = live["metadata"].value("resourceVersion", "");
    }
    return versions;
  }

  std::map<std::string, std::string> namespaceLabels(const std::string& ns) {
    const auto live = require(getIfExists(client_, kube::resources::kNamespaces, "", ns), "Namespace " + ns);
    std::map<std::string, std::string> labels;
    if (live.is_null()) return labels;
    const nlohmann::json liveLabels = live["metadata"].value("labels", nlohmann::json::object());
    for (const auto& [key, value] : liveLabels.items()) {
      if (value.is_string()) labels[key] = value.get<std::string>();
    }
    return labels;
  }

  struct Owner {
    const char* kind;
    const api::ObjectMeta& meta;
  };

  void compare(const nlohmann::json& desired, const Owner& owner) {
    const kube::ResourceRef* resource = resourceOf(desired);
    if (!resource) {
      skipped_.push_back(describeObject(desired) + ": kind unknown to flotilla render --diff");
      return;
    }
    const auto& meta = desired.at("metadata");
    const std::string ns = resource->namespaced ? meta.value("namespace", "") : "";
    const auto live = require(getIfExists(client_, *resource, ns, meta.value("name", "")), describeObject(desired));
    auto change = compareObject(desired, live);
    if (!change) return;
    // The operator never writes to an object another owner controls (controllers/ownership.h); cross-namespace RBAC
    // is the Gateway's by label, not by ownerReference.
    // A resource new to the cluster (no uid yet) controls nothing either.
    if (!live.is_null() && ns == owner.meta.namespace_ &&
        (owner.meta.uid.empty() || !controllers::isControlledBy(live, owner.kind, owner.meta.uid))) {
      change->note = "not controlled by " + std::string(owner.kind) + " " + owner.meta.namespace_ + "/" +
                     owner.meta.name + " (" + controllers::describeController(live) +
                     "): the operator will refuse to change it (OwnershipConflict)";
    }
    changes_.push_back(std::move(*change));
  }

  void deleteIfOwned(const kube::ResourceRef& resource, const api::ObjectMeta& owner, const char* ownerKind,
                     const std::string& name) {
    if (owner.uid.empty()) return;  // a CR new to the cluster owns nothing yet
    const auto live = require(getIfExists(client_, resource, owner.namespace_, name),
                              resource.kind + " " + owner.namespace_ + "/" + name);
    if (!live.is_null() && controllers::isControlledBy(live, ownerKind, owner.uid)) changes_.push_back(deletion(live));
  }

  kube::Client& client_;
  const RenderDiffOptions& options_;
  std::vector<ObjectChange> changes_;
  std::vector<std::string> skipped_;
};

// The replicas each autoscaled Microservice's Deployment runs now, for FLT004.
std::map<ObjectKey, std::int32_t> currentReplicas(kube::Client& client, const CustomResources& crs) {
  std::map<ObjectKey, std::int32_t> out;
  for (const auto& ms : crs.microservices) {
    if (!ms.spec.autoscaling) continue;
    const auto live =
        require(getIfExists(client, kube::resources::kDeployments, ms.metadata.namespace_, ms.metadata.name),
                "Deployment " + render::keyOf(ms).str());
    if (live.is_null()) continue;
    const auto status = live.value("status", nlohmann::json::object());
    const auto spec = live.value("spec", nlohmann::json::object());
    out[render::keyOf(ms)] = status.value("replicas", spec.value("replicas", 0));
  }
  return out;
}

const char* changeWord(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::Create:
      return "create";
    case ChangeKind::Update:
      return "change";
    case ChangeKind::Delete:
      break;
  }
  return "delete";
}

void printSummary(const std::vector<ObjectChange>& changes) {
  std::map<ChangeKind, int> counts;
  for (const auto& change : changes) {
    ++counts[change.kind];
    std::cout << change.diff;
  }
  if (changes.empty()) {
    std::cout << "no changes: the cluster holds what these CRs render to\n";
    return;
  }
  std::cout << "\nSummary: " << counts[ChangeKind::Create] << " to create, " << counts[ChangeKind::Update]
            << " to change, " << counts[ChangeKind::Delete] << " to delete\n";
  for (const auto& change : changes) {
    std::cout << "  " << changeWord(change.kind) << "\t" << change.object
              << (change.note.empty() ? "" : "  (" + change.note + ")") << "\n";
  }
}

int diffWith(kube::Client& client, const RenderDiffOptions& options) {
  auto listed = listCustomResources(client);
  if (!listed.ok()) {
    std::cerr << "render --diff: listing Flotilla resources: " << listed.error().toString() << "\n";
    return kDiffError;
  }
  Plan plan;
  plan.crs = std::move(listed.value());
  for (const auto& message : plan.crs.undecodable) std::cerr << "warning: skipped undecodable " << message << "\n";
  if (!options.files.empty()) {
    plan.allObjects = false;
    const auto manifests = loadManifests(options.files, options.defaultNamespace);
    if (!manifests.errors.empty()) {
      for (const auto& error : manifests.errors) std::cerr << "error: " << error.str() << "\n";
      return kDiffError;
    }
    mergeFiles(plan, manifests);
  }

  Differ differ(client, options);
  // As the operator: a CR being deleted or failing validation is not applied.
  for (const auto& ms : plan.crs.microservices) {
    if (ms.metadata.deleting || !api::validateMicroservice(ms).empty()) continue;
    if (plan.allObjects || plan.fileKeys.contains(keyOf("Microservice", ms.metadata))) differ.microservice(ms);
  }
  for (const auto& gateway : plan.crs.gateways) {
    if (gateway.metadata.deleting || !api::validateGateway(gateway).empty()) continue;
    if (gatewayAffected(plan, gateway)) differ.gateway(gateway, plan.crs);
  }
  for (const auto& note : differ.skipped()) std::cerr << "note: not compared: " << note << "\n";

  AnalysisInputs analysis{plan.crs.microservices, plan.crs.routes, plan.crs.policies, plan.crs.gateways,
                          currentReplicas(client, plan.crs)};
  for (const auto& finding : analyze(analysis)) {
    std::cerr << severityName(finding.severity) << ": " << finding.str() << "\n";
  }

  printSummary(differ.changes());
  return differ.changes().empty() ? kDiffNone : kDiffFound;
}

}  // namespace

int renderDiff(const RenderDiffOptions& options) {
  // A CLI, not a server: only problems reach stderr, in plain text.
  observability::configureLogging({observability::LogFormat::Text, observability::LogLevel::warn, {}});
  kube::ClientOptions clientOptions;
  clientOptions.userAgent = kube::defaultUserAgent("render");
  auto client = connectToApiServer(options.kubeconfig, options.context, clientOptions, observability::Logger("render"));
  if (!client) return kDiffError;
  try {
    return diffWith(*client, options);
  } catch (const DiffError& error) {
    std::cerr << "render --diff: " << error.message << "\n";
    return kDiffError;
  }
}

}  // namespace flotilla::cli
