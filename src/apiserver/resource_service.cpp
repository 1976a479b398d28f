#include "apiserver/resource_service.h"

#include <algorithm>
#include <random>
#include <set>

#include "apiserver/builtin_defaults.h"
#include "apiserver/builtin_fields.h"
#include "apiserver/crd_controller.h"
#include "apiserver/label_selector.h"
#include "apiserver/object_meta.h"
#include "apiserver/object_validation.h"
#include "apiserver/patching.h"
#include "apiserver/time_format.h"

namespace flotilla::apiserver {

using nlohmann::json;

namespace {

// Unconditional writes retry when a concurrent writer got in between the read and the commit.
constexpr int kMaxAttempts = 32;

std::mt19937_64& randomEngine() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  return engine;
}

std::string newUid() {
  std::uniform_int_distribution<std::uint64_t> dist;
  std::uint64_t a = dist(randomEngine()), b = dist(randomEngine());
  a = (a & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;  // version 4
  b = (b & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;  // variant 1
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%08llx-%04llx-%04llx-%04llx-%012llx", static_cast<unsigned long long>(a >> 32),
                static_cast<unsigned long long>((a >> 16) & 0xffff), static_cast<unsigned long long>(a & 0xffff),
                static_cast<unsigned long long>(b >> 48), static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return buffer;
}

std::string generatedSuffix() {
  static const char alphabet[] = "bcdfghjklmnpqrstvwxz2456789";
  std::uniform_int_distribution<int> dist(0, sizeof alphabet - 2);
  std::string out;
  for (int i = 0; i < 5; ++i) out += alphabet[dist(randomEngine())];
  return out;
}

// The object minus what changes on every write anyway, for "did anything change" checks.
json withoutVolatileFields(const json& object) {
  json copy = object;
  if (copy.contains("metadata") && copy["metadata"].is_object()) {
    json& metadata = copy["metadata"];
    metadata.erase("resourceVersion");
    if (metadata.contains("managedFields") && metadata["managedFields"].is_array()) {
      for (auto& entry : metadata["managedFields"]) {
        if (entry.is_object()) entry.erase("time");
      }
    }
  }
  return copy;
}

bool sameObject(const json& a, const json& b) {
  return withoutVolatileFields(a) == withoutVolatileFields(b);
}

// True when anything the generation covers changed: all but metadata, and status when it is a subresource.
bool generationFieldsChanged(const ResourceInfo& resource, const json& before, const json& after) {
  std::set<std::string> keys;
  for (const auto* object : {&before, &after}) {
    if (!object->is_object()) continue;
    for (const auto& [key, value] : object->items()) keys.insert(key);
  }
  for (const auto& key : keys) {
    if (key == "metadata" || key == "apiVersion" || key == "kind") continue;
    if (key == "status" && resource.hasStatusSubresource) continue;
    json a = before.is_object() && before.contains(key) ? before[key] : json();
    json b = after.is_object() && after.contains(key) ? after[key] : json();
    if (a != b) return true;
  }
  return false;
}

// Fields of metadata the server owns: clients cannot change them through a write.
void keepServerMetadata(json& desired, const json& current) {
  json& metadata = desired["metadata"];
  const json& old = current["metadata"];
  for (const char* field : {"uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation",
                            "selfLink", "name", "namespace"}) {
    if (old.contains(field)) {
      metadata[field] = old[field];
    } else {
      metadata.erase(field);
    }
  }
}

ApiError strictDecodingError(const ResourceInfo& resource, const std::vector<std::string>& unknown) {
  std::string message = resource.kind + " in version \"" + resource.version + "\" cannot be handled as a " +
                        resource.kind + ": strict decoding error: ";
  for (size_t i = 0; i < unknown.size(); ++i) {
    message += (i ? ", " : "") + std::string("unknown field \"") + unknown[i] + "\"";
  }
  return errors::badRequest(message);
}

std::string managerFor(const WriteOptions& options) {
  if (!options.fieldManager.empty()) return options.fieldManager;
  std::string manager = fieldManagerFromUserAgent(options.userAgent);
  return manager.empty() ? "unknown" : manager;
}

// Replicas inside an object at a CRD-style path (".spec.replicas").
std::int64_t replicasAt(const json& object, const std::string& path) {
  const json* value = meta::find(object, path);
  return value && value->is_number_integer() ? value->get<std::int64_t>() : 0;
}

}  // namespace

std::string fieldManagerFromUserAgent(const std::string& userAgent) {
  std::string prefix = userAgent.substr(0, userAgent.find('/'));
  if (prefix.size() > 128) prefix.resize(128);
  return prefix;
}

Result<DeleteOptions> DeleteOptions::fromJson(const json& body) {
  DeleteOptions options;
  if (body.is_null()) return options;
  if (!body.is_object()) return errors::badRequest("DeleteOptions must be an object");
  if (auto it = body.find("propagationPolicy"); it != body.end() && it->is_string()) {
    std::string policy = *it;
    if (policy != "Foreground" && policy != "Background" && policy != "Orphan") {
      return errors::badRequest("propagationPolicy: Unsupported value: \"" + policy +
                                "\": supported values: \"Foreground\", \"Background\", \"Orphan\"");
    }
    options.propagationPolicy = policy;
  } else if (auto orphan = body.find("orphanDependents"); orphan != body.end() && orphan->is_boolean()) {
    options.propagationPolicy = orphan->get<bool>() ? "Orphan" : "Background";
  }
  if (auto it = body.find("gracePeriodSeconds"); it != body.end() && it->is_number_integer()) {
    options.gracePeriodSeconds = it->get<std::int64_t>();
  }
  if (auto it = body.find("preconditions"); it != body.end() && it->is_object()) {
    if (it->contains("uid") && (*it)["uid"].is_string()) options.preconditionUid = (*it)["uid"];
    if (it->contains("resourceVersion") && (*it)["resourceVersion"].is_string()) {
      options.preconditionResourceVersion = (*it)["resourceVersion"];
    }
  }
  if (auto it = body.find("dryRun"); it != body.end() && it->is_array()) {
    for (const auto& v : *it) options.dryRun = options.dryRun || v == "All";
  }
  return options;
}

ResourceService::ResourceService(ObjectStore& store, ResourceRegistry& registry)
    : store_(store), registry_(registry), crds_(std::make_unique<CrdController>(registry)) {}

ResourceService::~ResourceService() = default;

Result<ResourcePtr> ResourceService::resolve(const std::string& group, const std::string& version,
                                             const std::string& plural) const {
  ResourcePtr resource = registry_.find(group, version, plural);
  if (!resource) return errors::notFound({group, plural}, "");
  return resource;
}

Result<json> ResourceService::get(const ResourceInfo& resource, const std::string& namespace_,
                                  const std::string& name) const {
  StoredPtr stored = store_.get(resource.storageKey(), resource.namespaced ? namespace_ : "", name);
  if (!stored) return errors::notFound(resource.groupResource(), name);
  return viewAs(resource, stored->object);
}

json ResourceService::viewAs(const ResourceInfo& resource, const json& object) {
  // Custom resources are stored in the version they were written in; other served versions only differ by
  // apiVersion (conversion strategy None).
  if (object.value("apiVersion", "") == resource.apiVersion()) return object;
  json copy = object;
  copy["apiVersion"] = resource.apiVersion();
  return copy;
}

void ResourceService::syncCustomResourceDefinition(const json& crd) {
  crds_->sync(crd);
}
void ResourceService::forgetCustomResourceDefinition(const std::string& name) {
  crds_->forget(name);
}

Status ResourceService::checkTypeMeta(const ResourceInfo& resource, json& object) const {
  if (!object.is_object()) return errors::badRequest("the body of the request must be a JSON object");
  std::string kind = object.value("kind", "");
  if (!kind.empty() && kind != resource.kind) {
    return errors::badRequest("the kind of the provided object (" + kind + ") does not match the kind of the " +
                              "resource (" + resource.kind + ")");
  }
  std::string apiVersion = object.value("apiVersion", "");
  if (!apiVersion.empty() && apiVersion != resource.apiVersion()) {
    std::string group = apiVersion.find('/') == std::string::npos ? "" : apiVersion.substr(0, apiVersion.find('/'));
    if (group != resource.group) {
      return errors::badRequest("the API version in the data (" + apiVersion +
                                ") does not match the expected API version (" + resource.apiVersion() + ")");
    }
  }
  object["kind"] = resource.kind;
  object["apiVersion"] = resource.apiVersion();
  if (!object.contains("metadata") || !object["metadata"].is_object()) object["metadata"] = json::object();
  return Done{};
}

Status ResourceService::checkNamespace(const ResourceInfo& resource, const std::string& namespace_,
                                       const std::string& name) const {
  if (!resource.namespaced) return Done{};
  if (namespace_.empty()) return errors::badRequest("the namespace of the object is required");
  StoredPtr ns = store_.get("/namespaces", "", namespace_);
  if (!ns) return errors::notFound({"", "namespaces"}, namespace_);
  if (meta::isDeleting(ns->object)) {
    return errors::forbidden(
        resource.groupResource(), name,
        "unable to create new content in namespace " + namespace_ + " because it is being terminated");
  }
  return Done{};
}

Status ResourceService::admit(const ResourceInfo& resource, const json* current, json& object,
                              const WriteOptions& options, std::vector<std::string>& warnings) {
  // 1. Drop unknown fields (and report them), fill defaults, collect schema violations.
  std::vector<std::string> unknown;
  std::vector<StatusCause> causes;
  if (resource.custom) {
    if (resource.validator) {
      api::SchemaAdmission admission = resource.validator->admit(object);
      unknown = std::move(admission.unknownFields);
      for (const auto& error : admission.errors) causes.push_back(causeFromMessage(error.path, error.message));
    }
  } else {
    unknown = pruneUnknownBuiltinFields(resource, object);
    applyBuiltinDefaults(resource, object);
  }
  if (!unknown.empty()) {
    if (options.fieldValidation == FieldValidation::Strict) return strictDecodingError(resource, unknown);
    if (options.fieldValidation == FieldValidation::Warn) {
      for (const auto& field : unknown) warnings.push_back("unknown field \"" + field + "\"");
    }
  }
  // 2. Validation: metadata, built-in rules, schema, finalizers on terminating objects.
  std::vector<StatusCause> all;
  for (const auto& v : validateObjectMeta(resource, object)) all.push_back(v.toCause());
  for (const auto& v : validateBuiltin(resource, object, current)) all.push_back(v.toCause());
  all.insert(all.end(), causes.begin(), causes.end());
  if (current && meta::isDeleting(*current)) {
    auto before = meta::finalizers(*current);
    std::vector<std::string> added;
    for (const auto& f : meta::finalizers(object)) {
      if (std::find(before.begin(), before.end(), f) == before.end()) added.push_back(f);
    }
    if (!added.empty()) {
      std::string list;
      for (size_t i = 0; i < added.size(); ++i) list += (i ? ", " : "") + ("\"" + added[i] + "\"");
      all.push_back({"FieldValueForbidden",
                     "Forbidden: no new finalizers can be added if the object is being deleted, found new "
                     "finalizers []string{" +
                         list + "}",
                     "metadata.finalizers"});
    }
  }
  if (!all.empty()) return errors::invalid(resource.groupKind(), meta::name(object), all);
  // 3. What the server owns for particular kinds.
  const std::string key = resource.storageKey();
  if (key == "apiextensions.k8s.io/customresourcedefinitions") {
    if (auto status = crds_->admit(object, current); !status.ok()) return status;
  } else if (key == "/services") {
    allocateServiceAddresses(object, current);
  } else if (key == "/namespaces") {
    if (!meta::isDeleting(object)) object["status"]["phase"] = "Active";
    // The namespace lifecycle's own finalizer, set at creation (the cleanup removes it, defaulting must not).
    if (!current && !meta::find(object, "spec.finalizers")) object["spec"]["finalizers"] = json::array({"kubernetes"});
  } else if (key == "/pods" && !current) {
    json& status = object["status"];
    if (!status.is_object()) status = json::object();
    if (!status.contains("phase")) status["phase"] = "Pending";
    if (!status.contains("qosClass")) status["qosClass"] = "BestEffort";
  }
  return Done{};
}

void ResourceService::allocateServiceAddresses(json& service, const json* current) {
  json& spec = service["spec"];
  std::string type = spec.value("type", "ClusterIP");
  if (type == "ExternalName") return;
  std::string ip = spec.value("clusterIP", "");
  if (ip.empty() && current) ip = meta::stringAt(*current, "spec.clusterIP");
  if (ip.empty()) {
    std::uint32_t n = nextServiceIp_++;
    ip = "10.96." + std::to_string((n >> 8) & 0xff) + "." + std::to_string(n & 0xff);
  }
  spec["clusterIP"] = ip;
  spec["clusterIPs"] = json::array({ip});
  if (type == "NodePort" || type == "LoadBalancer") {
    if (spec.contains("ports") && spec["ports"].is_array()) {
      for (auto& port : spec["ports"]) {
        if (port.is_object() && !port.contains("nodePort")) port["nodePort"] = 30000 + (nextNodePort_++ % 2768);
      }
    }
  }
  if (!service.contains("status") || !service["status"].is_object()) {
    service["status"] = {{"loadBalancer", json::object()}};
  }
}

Result<json> ResourceService::prepareCreate(const ResourceInfo& resource, const std::string& namespace_, json object,
                                            const WriteOptions& options, std::vector<std::string>& warnings) {
  if (auto status = checkTypeMeta(resource, object); !status.ok()) return status.error();
  json& metadata = object["metadata"];
  if (resource.namespaced) {
    std::string bodyNamespace = metadata.value("namespace", "");
    if (!bodyNamespace.empty() && bodyNamespace != namespace_) {
      return errors::badRequest(
          "the namespace of the provided object does not match the namespace sent on the "
          "request");
    }
    metadata["namespace"] = namespace_;
  } else {
    metadata.erase("namespace");
  }
  if (metadata.value("name", "").empty() && !metadata.value("generateName", "").empty()) {
    metadata["name"] = metadata["generateName"].get<std::string>() + generatedSuffix();
  }
  for (const char* field : {"resourceVersion", "uid", "selfLink", "deletionTimestamp", "deletionGracePeriodSeconds",
                            "generation", "creationTimestamp"}) {
    metadata.erase(field);
  }
  if (resource.hasStatusSubresource && resource.storageKey() != "apiextensions.k8s.io/customresourcedefinitions") {
    object.erase("status");
  }
  if (auto status = admit(resource, nullptr, object, options, warnings); !status.ok()) return status.error();
  if (auto status = checkNamespace(resource, namespace_, meta::name(object)); !status.ok()) return status.error();
  json& meta = object["metadata"];
  meta["uid"] = newUid();
  meta["creationTimestamp"] = nowRfc3339();
  if (resource.tracksGeneration) meta["generation"] = 1;
  return object;
}

Result<WriteOutcome> ResourceService::create(const ResourceInfo& resource, const std::string& namespace_, json object,
                                             const WriteOptions& options) {
  WriteOutcome outcome;
  if (object.is_object() && object.contains("metadata") && object["metadata"].is_object()) {
    object["metadata"].erase("managedFields");
  }
  auto prepared = prepareCreate(resource, namespace_, std::move(object), options, outcome.warnings);
  if (!prepared.ok()) return prepared.error();
  json created = std::move(prepared.value());
  recordManagedUpdate(resource, created, nullptr, managerFor(options), Subresource::None);
  outcome.created = true;
  if (options.dryRun) {
    outcome.object = std::move(created);
    return outcome;
  }
  auto stored = store_.create(resource.storageKey(), std::move(created));
  if (!stored.ok()) return stored.error();
  afterCommit(resource, (*stored)->object);
  if (resource.storageKey() == "/namespaces") createDefaultServiceAccount((*stored)->name);
  outcome.object = (*stored)->object;
  return outcome;
}

void ResourceService::createDefaultServiceAccount(const std::string& namespace_) {
  // What the service account controller does for every new namespace.
  ResourcePtr serviceAccounts = registry_.find("", "v1", "serviceaccounts");
  if (!serviceAccounts) return;
  WriteOptions options;
  options.fieldManager = "kube-controller-manager";
  json account = {{"apiVersion", "v1"}, {"kind", "ServiceAccount"}, {"metadata", {{"name", "default"}}}};
  (void)create(*serviceAccounts, namespace_, std::move(account), options);
}

void ResourceService::afterCommit(const ResourceInfo& resource, const json& object) {
  if (resource.storageKey() == "apiextensions.k8s.io/customresourcedefinitions") crds_->sync(object);
}

Result<WriteOutcome> ResourceService::commitUpdate(const ResourceInfo& resource, const StoredObject& current,
                                                   json desired, const WriteOptions& options, Subresource subresource,
                                                   bool managedByApply) {
  WriteOutcome outcome;
  if (auto status = checkTypeMeta(resource, desired); !status.ok()) return status.error();
  const json& live = current.object;
  if (subresource == Subresource::Status) {
    // Only .status (and the managedFields that account for it) comes from the request.
    json statusOnly = live;
    if (desired.contains("status")) {
      statusOnly["status"] = desired["status"];
    } else {
      statusOnly.erase("status");
    }
    if (desired["metadata"].contains("managedFields")) {
      statusOnly["metadata"]["managedFields"] = desired["metadata"]["managedFields"];
    }
    statusOnly["apiVersion"] = desired["apiVersion"];
    desired = std::move(statusOnly);
  } else if (resource.hasStatusSubresource) {
    if (live.contains("status")) {
      desired["status"] = live["status"];
    } else {
      desired.erase("status");
    }
  }
  keepServerMetadata(desired, live);
  if (!desired["metadata"].contains("managedFields") && live["metadata"].contains("managedFields")) {
    desired["metadata"]["managedFields"] = live["metadata"]["managedFields"];
  }
  if (auto status = admit(resource, &live, desired, options, outcome.warnings); !status.ok()) return status.error();
  if (resource.tracksGeneration && generationFieldsChanged(resource, live, desired)) {
    desired["metadata"]["generation"] = meta::generation(live) + 1;
  }
  desired["metadata"]["resourceVersion"] = live["metadata"]["resourceVersion"];
  if (sameObject(live, desired)) {
    outcome.object = viewAs(resource, live);
    return outcome;
  }
  if (!managedByApply) recordManagedUpdate(resource, desired, &live, managerFor(options), subresource);
  if (options.dryRun) {
    outcome.object = std::move(desired);
    return outcome;
  }
  if (meta::isDeleting(desired) && meta::finalizers(desired).empty() && resource.storageKey() != "/namespaces") {
    // The last finalizer is gone: the object goes away now.
    auto removed = store_.remove(resource.storageKey(), current.namespace_, current.name, current.resourceVersion);
    if (!removed.ok()) return removed.error();
    afterRemove(resource, (*removed)->object);
    outcome.object = (*removed)->object;
    return outcome;
  }
  auto stored = store_.update(resource.storageKey(), std::move(desired), current.resourceVersion);
  if (!stored.ok()) return stored.error();
  afterCommit(resource, (*stored)->object);
  outcome.object = (*stored)->object;
  return outcome;
}

void ResourceService::afterRemove(const ResourceInfo& resource, const json& object) {
  if (resource.storageKey() == "apiextensions.k8s.io/customresourcedefinitions") crds_->forget(meta::name(object));
}

Result<WriteOutcome> ResourceService::update(const ResourceInfo& resource, const std::string& namespace_,
                                             const std::string& name, json object, const WriteOptions& options,
                                             Subresource subresource) {
  if (!object.is_object()) return errors::badRequest("the body of the request must be a JSON object");
  std::string bodyName = meta::name(object);
  if (!bodyName.empty() && bodyName != name) {
    return errors::badRequest("the name of the object (" + bodyName + ") does not match the name on the URL (" + name +
                              ")");
  }
  std::uint64_t precondition = meta::resourceVersion(object);
  if (precondition == 0 && !meta::stringAt(object, "metadata.resourceVersion").empty()) {
    return errors::badRequest("invalid resourceVersion: " + meta::stringAt(object, "metadata.resourceVersion"));
  }
  const std::string ns = resource.namespaced ? namespace_ : "";
  for (int attempt = 0;; ++attempt) {
    StoredPtr current = store_.get(resource.storageKey(), ns, name);
    if (!current) return errors::notFound(resource.groupResource(), name);
    if (precondition != 0 && precondition != current->resourceVersion) {
      return errors::staleResourceVersion(resource.groupResource(), name);
    }
    auto result = commitUpdate(resource, *current, object, options, subresource, false);
    if (!result.ok() && result.error().code == 409 && result.error().reason == "Conflict" && precondition == 0 &&
        attempt < kMaxAttempts) {
      continue;
    }
    return result;
  }
}

Result<WriteOutcome> ResourceService::patch(const ResourceInfo& resource, const std::string& namespace_,
                                            const std::string& name, PatchType type, const json& patch,
                                            const WriteOptions& options, Subresource subresource) {
  if (type == PatchType::Strategic && resource.custom) {
    return errors::unsupportedMediaType(
        "the body of the request was in an unknown format - accepted media types "
        "include: application/json-patch+json, application/merge-patch+json, "
        "application/apply-patch+yaml");
  }
  if (type == PatchType::Apply && options.fieldManager.empty()) {
    return errors::invalid({"meta.k8s.io", "PatchOptions"}, "",
                           std::vector<FieldViolation>{{FieldViolation::Type::Required, "fieldManager", nullptr,
                                                        "is required for apply patch"}});
  }
  if (type == PatchType::Apply && !patch.is_object()) {
    return errors::badRequest("error decoding YAML: the apply configuration must be an object");
  }
  const std::string ns = resource.namespaced ? namespace_ : "";
  for (int attempt = 0;; ++attempt) {
    StoredPtr current = store_.get(resource.storageKey(), ns, name);
    Result<WriteOutcome> result = errors::internal("unreachable");
    if (!current) {
      if (type != PatchType::Apply || subresource != Subresource::None) {
        return errors::notFound(resource.groupResource(), name);
      }
      result = applyCreate(resource, ns, name, patch, options);
      if (!result.ok() && result.error().reason == "AlreadyExists" && attempt < kMaxAttempts) continue;
      return result;
    }
    json live = viewAs(resource, current->object);
    std::uint64_t precondition = 0;
    json desired;
    if (type == PatchType::Apply) {
      json applied = patch;
      std::uint64_t appliedVersion = meta::resourceVersion(applied);
      if (appliedVersion != 0 && appliedVersion != current->resourceVersion) {
        return errors::staleResourceVersion(resource.groupResource(), name);
      }
      precondition = appliedVersion;
      auto merged = applyConfiguration(resource, &live, applied, options.fieldManager, options.force, subresource);
      if (!merged.ok()) return merged.error();
      desired = std::move(merged.value());
    } else {
      auto patched = applyPatchDocument(resource, live, type, patch);
      if (!patched.ok()) return patched.error();
      desired = std::move(patched.value());
      std::uint64_t patchedVersion = meta::resourceVersion(desired);
      if (patchedVersion != current->resourceVersion) {
        if (patchedVersion == 0 && !meta::stringAt(desired, "metadata.resourceVersion").empty()) {
          return errors::badRequest("invalid resourceVersion");
        }
        if (patchedVersion != 0) return errors::staleResourceVersion(resource.groupResource(), name);
      }
      precondition = meta::stringAt(patch, "metadata.resourceVersion").empty() ? 0 : patchedVersion;
    }
    if (!desired.is_object()) return errors::badRequest("the patch must produce an object");
    if (!desired.contains("metadata") || !desired["metadata"].is_object()) desired["metadata"] = json::object();
    desired["metadata"]["name"] = name;
    result = commitUpdate(resource, *current, std::move(desired), options, subresource, type == PatchType::Apply);
    if (!result.ok() && result.error().code == 409 && result.error().reason == "Conflict" && precondition == 0 &&
        attempt < kMaxAttempts && !isApplyConflict(result.error())) {
      continue;
    }
    return result;
  }
}

bool ResourceService::isApplyConflict(const ApiError& error) {
  return error.message.rfind("Apply failed", 0) == 0;
}

Result<WriteOutcome> ResourceService::applyCreate(const ResourceInfo& resource, const std::string& namespace_,
                                                  const std::string& name, const json& applied,
                                                  const WriteOptions& options) {
  WriteOutcome outcome;
  json config = applied;
  if (auto status = checkTypeMeta(resource, config); !status.ok()) return status.error();
  std::string bodyName = meta::name(config);
  if (!bodyName.empty() && bodyName != name) {
    return errors::badRequest("the name of the object (" + bodyName + ") does not match the name on the URL (" + name +
                              ")");
  }
  config["metadata"]["name"] = name;
  if (resource.namespaced) config["metadata"]["namespace"] = namespace_;
  auto merged = applyConfiguration(resource, nullptr, config, options.fieldManager, options.force, Subresource::None);
  if (!merged.ok()) return merged.error();
  json managedFields = merged->contains("metadata") ? (*merged)["metadata"].value("managedFields", json()) : json();
  auto prepared = prepareCreate(resource, namespace_, std::move(merged.value()), options, outcome.warnings);
  if (!prepared.ok()) return prepared.error();
  json created = std::move(prepared.value());
  if (!managedFields.is_null()) created["metadata"]["managedFields"] = managedFields;
  outcome.created = true;
  if (options.dryRun) {
    outcome.object = std::move(created);
    return outcome;
  }
  auto stored = store_.create(resource.storageKey(), std::move(created));
  if (!stored.ok()) return stored.error();
  afterCommit(resource, (*stored)->object);
  outcome.object = (*stored)->object;
  return outcome;
}

// ---------------------------------------------------------------------------------------------- scale

Result<json> ResourceService::getScale(const ResourceInfo& resource, const std::string& namespace_,
                                       const std::string& name) const {
  if (!resource.scale) return errors::notFound(resource.groupResource(), name);
  auto object = get(resource, namespace_, name);
  if (!object.ok()) return object.error();
  return scaleOf(resource, *object);
}

json ResourceService::scaleOf(const ResourceInfo& resource, const json& object) {
  const ScaleSubresource& scale = *resource.scale;
  json metadata = json::object();
  for (const char* field : {"name", "namespace", "uid", "resourceVersion", "creationTimestamp"}) {
    if (object["metadata"].contains(field)) metadata[field] = object["metadata"][field];
  }
  std::string selector;
  if (scale.selectorFromLabelSelector) {
    if (const json* sel = meta::find(object, "spec.selector")) {
      auto parsed = LabelSelector::fromJson(*sel);
      if (parsed.ok()) selector = parsed->toString();
    }
  } else if (!scale.labelSelectorPath.empty()) {
    selector = meta::stringAt(object, scale.labelSelectorPath);
  }
  json status = {{"replicas", replicasAt(object, scale.statusReplicasPath)}};
  if (!selector.empty()) status["selector"] = selector;
  return {{"kind", "Scale"},
          {"apiVersion", "autoscaling/v1"},
          {"metadata", metadata},
          {"spec", {{"replicas", replicasAt(object, scale.specReplicasPath)}}},
          {"status", status}};
}

Result<json> ResourceService::updateScale(const ResourceInfo& resource, const std::string& namespace_,
                                          const std::string& name, const json& scale, const WriteOptions& options) {
  if (!resource.scale) return errors::notFound(resource.groupResource(), name);
  const json* replicas = meta::find(scale, "spec.replicas");
  if (!replicas || !replicas->is_number_integer() || replicas->get<std::int64_t>() < 0) {
    return errors::invalid(
        {"autoscaling", "Scale"}, name,
        std::vector<FieldViolation>{{FieldViolation::Type::Invalid, "spec.replicas", replicas ? *replicas : json(),
                                     "must be greater than or equal to 0"}});
  }
  std::uint64_t precondition = meta::resourceVersion(scale);
  const std::string ns = resource.namespaced ? namespace_ : "";
  for (int attempt = 0;; ++attempt) {
    StoredPtr current = store_.get(resource.storageKey(), ns, name);
    if (!current) return errors::notFound(resource.groupResource(), name);
    if (precondition != 0 && precondition != current->resourceVersion) {
      return errors::staleResourceVersion(resource.groupResource(), name);
    }
    json desired = viewAs(resource, current->object);
    *meta::ensure(desired, resource.scale->specReplicasPath) = replicas->get<std::int64_t>();
    WriteOptions scaleOptions = options;
    auto result = commitUpdate(resource, *current, std::move(desired), scaleOptions, Subresource::None, false);
    if (!result.ok()) {
      if (result.error().code == 409 && precondition == 0 && attempt < kMaxAttempts) continue;
      return result.error();
    }
    return scaleOf(resource, result->object);
  }
}

Result<json> ResourceService::patchScale(const ResourceInfo& resource, const std::string& namespace_,
                                         const std::string& name, PatchType type, const json& patch,
                                         const WriteOptions& options) {
  auto current = getScale(resource, namespace_, name);
  if (!current.ok()) return current.error();
  json patched;
  if (type == PatchType::Json) {
    auto result = applyPatchDocument(resource, *current, PatchType::Json, patch);
    if (!result.ok()) return result.error();
    patched = std::move(result.value());
  } else {
    // A Scale has no lists: merge, strategic and apply patches all reduce to a merge of the Scale document.
    auto result = applyPatchDocument(resource, *current, PatchType::Merge, patch);
    if (!result.ok()) return result.error();
    patched = std::move(result.value());
  }
  return updateScale(resource, namespace_, name, patched, options);
}

}  // namespace flotilla::apiserver
