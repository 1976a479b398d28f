#pragma once
// The API's semantics over the store, shared by the HTTP handlers and in-process users (the simulated
// workloads, tests): defaults and validation, metadata rules (uid, creationTimestamp, generation, managedFields),
// the status subresource, optimistic concurrency, patches and server-side apply, finalizers and deletion with
// propagation. Every operation returns the object or the ApiError kube-apiserver would answer with.
//
// Thread-safe; every call is independent. Writes land in the ObjectStore, so watchers see them at once.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "apiserver/object_store.h"
#include "apiserver/resource_registry.h"
#include "apiserver/result.h"

namespace flotilla::apiserver {

enum class FieldValidation { Ignore, Warn, Strict };
enum class Subresource { None, Status };
enum class PatchType { Merge, Json, Strategic, Apply };

struct WriteOptions {
  std::string fieldManager;  // empty: derived from the user agent, as kube-apiserver does
  std::string userAgent;
  bool dryRun = false;
  FieldValidation fieldValidation = FieldValidation::Warn;  // kube-apiserver's default
  bool force = false;                                       // server-side apply only
};

struct WriteOutcome {
  nlohmann::json object;
  bool created = false;               // 201 rather than 200
  std::vector<std::string> warnings;  // "unknown field \"spec.x\"" → Warning headers
};

struct DeleteOptions {
  std::optional<std::string> propagationPolicy;  // Foreground | Background | Orphan (default Background)
  std::optional<std::int64_t> gracePeriodSeconds;
  std::optional<std::string> preconditionUid;
  std::optional<std::string> preconditionResourceVersion;
  bool dryRun = false;

  // Reads a metav1.DeleteOptions body; 400 on a bad one.
  static Result<DeleteOptions> fromJson(const nlohmann::json& body);
};

struct DeleteOutcome {
  nlohmann::json object;  // the last state (or the object still terminating)
  bool removed = false;   // false: still present with deletionTimestamp (finalizers pending)
};

class CrdController;

class ResourceService {
 public:
  ResourceService(ObjectStore& store, ResourceRegistry& registry);
  ~ResourceService();
  ResourceService(const ResourceService&) = delete;
  ResourceService& operator=(const ResourceService&) = delete;

  ObjectStore& store() { return store_; }
  ResourceRegistry& registry() { return registry_; }

  // The served resource (group "" for core), or 404 NotFound like an unknown URL.
  Result<ResourcePtr> resolve(const std::string& group, const std::string& version, const std::string& plural) const;

  Result<nlohmann::json> get(const ResourceInfo& resource, const std::string& namespace_,
                             const std::string& name) const;

  Result<WriteOutcome> create(const ResourceInfo& resource, const std::string& namespace_, nlohmann::json object,
                              const WriteOptions& options);
  // PUT. metadata.resourceVersion in `object`, when set, is a precondition (409 when stale); when empty the
  // update is unconditional.
  Result<WriteOutcome> update(const ResourceInfo& resource, const std::string& namespace_, const std::string& name,
                              nlohmann::json object, const WriteOptions& options,
                              Subresource subresource = Subresource::None);
  // PATCH. `patch` is the parsed body (JSON array for json-patch). Apply creates a missing object.
  Result<WriteOutcome> patch(const ResourceInfo& resource, const std::string& namespace_, const std::string& name,
                             PatchType type, const nlohmann::json& patch, const WriteOptions& options,
                             Subresource subresource = Subresource::None);
  Result<DeleteOutcome> remove(const ResourceInfo& resource, const std::string& namespace_, const std::string& name,
                               const DeleteOptions& options);

  // The scale subresource (autoscaling/v1 Scale).
  Result<nlohmann::json> getScale(const ResourceInfo& resource, const std::string& namespace_,
                                  const std::string& name) const;
  // `scale` is a whole Scale (PUT); its metadata.resourceVersion, when set, is a precondition.
  Result<nlohmann::json> updateScale(const ResourceInfo& resource, const std::string& namespace_,
                                     const std::string& name, const nlohmann::json& scale, const WriteOptions& options);
  Result<nlohmann::json> patchScale(const ResourceInfo& resource, const std::string& namespace_,
                                    const std::string& name, PatchType type, const nlohmann::json& patch,
                                    const WriteOptions& options);

  // Read-modify-write with the API's rules (status kept, generation, managedFields, finalizers): `change` edits
  // the current object and returns false to leave it alone. Retries on concurrent writes.
  Result<WriteOutcome> modify(const ResourceInfo& resource, const std::string& namespace_, const std::string& name,
                              const std::function<bool(nlohmann::json&)>& change, const WriteOptions& options,
                              Subresource subresource = Subresource::None);

  // Removes a terminating object whose finalizers are all gone (namespaces: also spec.finalizers). No-op
  // otherwise. Used by the garbage collector and the namespace / CRD cleanup.
  void removeIfFinalized(const ResourceInfo& resource, const std::string& namespace_, const std::string& name);

  // Public for the handlers: read a stored object as a given served version.
  static nlohmann::json viewAs(const ResourceInfo& resource, const nlohmann::json& object);
  static nlohmann::json scaleOf(const ResourceInfo& resource, const nlohmann::json& object);

  // Serve / stop serving a CRD's resources (restore from a snapshot; the CRD cleanup worker).
  void syncCustomResourceDefinition(const nlohmann::json& crd);
  void forgetCustomResourceDefinition(const std::string& name);

 private:
  Status checkTypeMeta(const ResourceInfo& resource, nlohmann::json& object) const;
  Status checkNamespace(const ResourceInfo& resource, const std::string& namespace_, const std::string& name) const;
  Status admit(const ResourceInfo& resource, const nlohmann::json* current, nlohmann::json& object,
               const WriteOptions& options, std::vector<std::string>& warnings);
  void allocateServiceAddresses(nlohmann::json& service, const nlohmann::json* current);
  Result<nlohmann::json> prepareCreate(const ResourceInfo& resource, const std::string& namespace_,
                                       nlohmann::json object, const WriteOptions& options,
                                       std::vector<std::string>& warnings);
  Result<WriteOutcome> commitUpdate(const ResourceInfo& resource, const StoredObject& current, nlohmann::json desired,
                                    const WriteOptions& options, Subresource subresource, bool managedByApply);
  Result<WriteOutcome> applyCreate(const ResourceInfo& resource, const std::string& namespace_, const std::string& name,
                                   const nlohmann::json& applied, const WriteOptions& options);
  static bool isApplyConflict(const ApiError& error);
  void afterCommit(const ResourceInfo& resource, const nlohmann::json& object);
  void createDefaultServiceAccount(const std::string& namespace_);
  void afterRemove(const ResourceInfo& resource, const nlohmann::json& object);

  ObjectStore& store_;
  ResourceRegistry& registry_;
  std::unique_ptr<CrdController> crds_;
  std::atomic<std::uint32_t> nextServiceIp_{10};
  std::atomic<std::uint32_t> nextNodePort_{0};
};

// The field manager kube-apiserver derives from a user agent when none is given ("kubectl/v1.32 (...)" → "kubectl").
std::string fieldManagerFromUserAgent(const std::string& userAgent);

}  // namespace flotilla::apiserver
