// Deletion: preconditions, finalizers, propagation policy (the garbage collector does the cascading), namespaces.
#include <optional>

#include "apiserver/object_meta.h"
#include "apiserver/resource_service.h"
#include "apiserver/time_format.h"

namespace flotilla::apiserver {

using nlohmann::json;

namespace {

constexpr int kMaxAttempts = 32;

ApiError preconditionFailed(const ResourceInfo& resource, const std::string& name, const std::string& what,
                            const std::string& wanted, const std::string& actual) {
  return errors::conflict(
      resource.groupResource(), name,
      "Precondition failed: " + what + " in precondition: " + wanted + ", " + what + " in object meta: " + actual);
}

bool isRetryable(const ApiError& error) {
  return error.code == 409 && error.reason == "Conflict";
}

// The pod as a graceful deletion leaves it (deletionTimestamp = now + grace), or nullopt when the pod goes at once:
// grace 0, or never scheduled to a node (nothing runs it), as kube-apiserver decides.
std::optional<json> gracefulPodDeletion(const std::string& storageKey, const json& pod, const DeleteOptions& options) {
  if (storageKey != "/pods" || meta::stringAt(pod, "spec.nodeName").empty()) return std::nullopt;
  const json* terminationGrace = meta::find(pod, "spec.terminationGracePeriodSeconds");
  std::int64_t grace = options.gracePeriodSeconds.value_or(
      terminationGrace && terminationGrace->is_number_integer() ? terminationGrace->get<std::int64_t>() : 30);
  if (grace <= 0) return std::nullopt;
  json terminating = pod;
  terminating["metadata"]["deletionTimestamp"] =
      formatRfc3339(std::chrono::system_clock::now() + std::chrono::seconds(grace));
  terminating["metadata"]["deletionGracePeriodSeconds"] = grace;
  return terminating;
}

}  // namespace

Result<DeleteOutcome> ResourceService::remove(const ResourceInfo& resource, const std::string& namespace_,
                                              const std::string& name, const DeleteOptions& options) {
  const std::string ns = resource.namespaced ? namespace_ : "";
  const std::string key = resource.storageKey();
  for (int attempt = 0;; ++attempt) {
    StoredPtr current = store_.get(key, ns, name);
    if (!current) return errors::notFound(resource.groupResource(), name);
    if (options.preconditionUid && *options.preconditionUid != current->uid) {
      return preconditionFailed(resource, name, "UID", *options.preconditionUid, current->uid);
    }
    if (options.preconditionResourceVersion &&
        *options.preconditionResourceVersion != std::to_string(current->resourceVersion)) {
      return preconditionFailed(resource, name, "ResourceVersion", *options.preconditionResourceVersion,
                                std::to_string(current->resourceVersion));
    }
    if (options.dryRun) return DeleteOutcome{viewAs(resource, current->object), false};

    json object = current->object;
    const bool deleting = meta::isDeleting(object);
    bool changed = false;
    if (key == "/namespaces") {
      // The namespace lifecycle: Terminating until its content is gone (the cleanup worker finishes it).
      if (deleting) return DeleteOutcome{viewAs(resource, object), false};
      object["metadata"]["deletionTimestamp"] = nowRfc3339();
      object["metadata"]["deletionGracePeriodSeconds"] = 0;
      object["status"]["phase"] = "Terminating";
      changed = true;
    } else if (auto graceful = gracefulPodDeletion(key, object, options)) {
      // A scheduled pod terminates first: the kubelet stops it, then deletes it with a grace period of 0. A
      // second delete may only shorten the grace period.
      std::int64_t requested = (*graceful)["metadata"]["deletionGracePeriodSeconds"];
      std::int64_t current = object["metadata"].value("deletionGracePeriodSeconds", std::int64_t{0});
      if (deleting && requested >= current) return DeleteOutcome{viewAs(resource, object), false};
      object = std::move(*graceful);
      changed = true;
    } else {
      const std::string policy = options.propagationPolicy.value_or("Background");
      const bool hasDependents = !store_.dependentsOf(current->uid).empty();
      if (policy == "Orphan" && hasDependents && !meta::hasFinalizer(object, "orphan")) {
        meta::addFinalizer(object, "orphan");
        changed = true;
      }
      if (policy == "Foreground" && hasDependents && !meta::hasFinalizer(object, "foregroundDeletion")) {
        meta::addFinalizer(object, "foregroundDeletion");
        changed = true;
      }
      if (meta::finalizers(object).empty()) {
        auto removed = store_.remove(key, ns, name, current->resourceVersion);
        if (!removed.ok()) {
          if (isRetryable(removed.error()) && attempt < kMaxAttempts) continue;
          return removed.error();
        }
        afterRemove(resource, (*removed)->object);
        return DeleteOutcome{viewAs(resource, (*removed)->object), true};
      }
      if (!deleting) {
        object["metadata"]["deletionTimestamp"] = nowRfc3339();
        object["metadata"]["deletionGracePeriodSeconds"] = 0;
        if (resource.tracksGeneration) object["metadata"]["generation"] = meta::generation(object) + 1;
        changed = true;
      }
    }
    if (!changed) return DeleteOutcome{viewAs(resource, object), false};
    auto stored = store_.update(key, std::move(object), current->resourceVersion);
    if (!stored.ok()) {
      if (isRetryable(stored.error()) && attempt < kMaxAttempts) continue;
      return stored.error();
    }
    return DeleteOutcome{viewAs(resource, (*stored)->object), false};
  }
}

Result<WriteOutcome> ResourceService::modify(const ResourceInfo& resource, const std::string& namespace_,
                                             const std::string& name, const std::function<bool(json&)>& change,
                                             const WriteOptions& options, Subresource subresource) {
  const std::string ns = resource.namespaced ? namespace_ : "";
  for (int attempt = 0;; ++attempt) {
    StoredPtr current = store_.get(resource.storageKey(), ns, name);
    if (!current) return errors::notFound(resource.groupResource(), name);
    json desired = viewAs(resource, current->object);
    if (!change(desired)) return WriteOutcome{desired, false, {}};
    auto result = commitUpdate(resource, *current, std::move(desired), options, subresource, false);
    if (!result.ok() && isRetryable(result.error()) && attempt < kMaxAttempts) continue;
    return result;
  }
}

void ResourceService::removeIfFinalized(const ResourceInfo& resource, const std::string& namespace_,
                                        const std::string& name) {
  const std::string ns = resource.namespaced ? namespace_ : "";
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    StoredPtr current = store_.get(resource.storageKey(), ns, name);
    if (!current || !meta::isDeleting(current->object) || !meta::finalizers(current->object).empty()) return;
    if (resource.storageKey() == "/namespaces") {
      const json* specFinalizers = meta::find(current->object, "spec.finalizers");
      if (specFinalizers && specFinalizers->is_array() && !specFinalizers->empty()) return;
    }
    auto removed = store_.remove(resource.storageKey(), ns, name, current->resourceVersion);
    if (removed.ok()) {
      afterRemove(resource, (*removed)->object);
      return;
    }
    if (!isRetryable(removed.error())) return;
  }
}

}  // namespace flotilla::apiserver
