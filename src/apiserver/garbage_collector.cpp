#include "apiserver/garbage_collector.h"

#include <spdlog/spdlog.h>

#include "apiserver/crd_controller.h"
#include "apiserver/object_meta.h"

namespace flotilla::apiserver {

using nlohmann::json;

namespace {

constexpr auto kRetryInterval = std::chrono::milliseconds(100);
const char* kManager = "kube-controller-manager";

bool ownersChanged(const ChangeEvent& change) {
  if (!change.previous) return true;
  const json* before = meta::find(change.previous->object, "metadata.ownerReferences");
  const json* after = meta::find(change.object->object, "metadata.ownerReferences");
  if (!before || !after) return before != after;
  return *before != *after;
}

}  // namespace

GarbageCollector::GarbageCollector(ObjectStore& store, ResourceService& service) : store_(store), service_(service) {}

GarbageCollector::~GarbageCollector() {
  stop();
}

void GarbageCollector::start() {
  listenerId_ = store_.addListener([this](const ChangeEvent& change) { onChange(change); });
  thread_ = std::thread([this] { run(); });
}

void GarbageCollector::stop() {
  if (listenerId_) {
    store_.removeListener(listenerId_);
    listenerId_ = 0;
  }
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void GarbageCollector::resyncAll() {
  auto snapshot = store_.snapshot();
  for (const auto& [storageKey, object] : snapshot.objects) {
    ObjectRef ref{storageKey, object->namespace_, object->name};
    if (meta::isDeleting(object->object)) enqueue({Item::Kind::Terminating, "", ref});
    if (!meta::ownerReferences(object->object).empty()) enqueue({Item::Kind::Dependent, "", ref});
  }
}

void GarbageCollector::onChange(const ChangeEvent& change) {
  const StoredObject& object = *change.object;
  ObjectRef ref{change.storageKey, object.namespace_, object.name};
  if (change.type == EventType::Deleted) {
    if (!object.uid.empty()) enqueue({Item::Kind::OwnerGone, object.uid, {}});
    for (const auto& owner : meta::ownerReferences(object.object)) enqueue({Item::Kind::OwnerCheck, owner.uid, {}});
    if (!object.namespace_.empty()) enqueue({Item::Kind::Terminating, "", {"/namespaces", "", object.namespace_}});
    return;
  }
  if (meta::isDeleting(object.object)) enqueue({Item::Kind::Terminating, "", ref});
  if (!meta::ownerReferences(object.object).empty() && ownersChanged(change)) {
    enqueue({Item::Kind::Dependent, "", ref});
  }
}

void GarbageCollector::enqueue(Item item) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(item));
  }
  wake_.notify_one();
}

bool GarbageCollector::waitIdle(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return idle_.wait_for(lock, timeout, [&] { return queue_.empty() && waiting_.empty() && !busy_; });
}

void GarbageCollector::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (queue_.empty()) {
      if (waiting_.empty()) {
        idle_.notify_all();
        wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        continue;
      }
      // Terminating objects waiting for dependents / content: look again shortly.
      if (!wake_.wait_for(lock, kRetryInterval, [&] { return stopping_ || !queue_.empty(); })) {
        for (const auto& ref : waiting_) queue_.push_back({Item::Kind::Terminating, "", ref});
        waiting_.clear();
      }
      continue;
    }
    Item item = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    lock.unlock();
    bool done = true;
    if (item.kind == Item::Kind::Terminating) {
      done = finishTerminating(item.ref);
    } else {
      process(item);
    }
    lock.lock();
    busy_ = false;
    if (!done) waiting_.insert(item.ref);
  }
}

void GarbageCollector::process(const Item& item) {
  switch (item.kind) {
    case Item::Kind::OwnerGone:
      collectDependentsOf(item.uid);
      break;
    case Item::Kind::OwnerCheck:
      if (auto owner = store_.getByUid(item.uid)) {
        if (meta::isDeleting(owner->second->object)) enqueue({Item::Kind::Terminating, "", owner->first});
      }
      break;
    case Item::Kind::Dependent:
      checkOwners(item.ref);
      break;
    case Item::Kind::Terminating:
      break;
  }
}

ResourcePtr GarbageCollector::resourceFor(const std::string& storageKey) const {
  auto versions = service_.registry().versionsOf(storageKey);
  return versions.empty() ? nullptr : versions.front();
}

void GarbageCollector::deleteObject(const ObjectRef& ref, const std::string& policy) {
  ResourcePtr resource = resourceFor(ref.storageKey);
  if (!resource) {
    // Its resource is no longer served (CRD gone): remove it from storage directly.
    (void)store_.remove(ref.storageKey, ref.namespace_, ref.name);
    return;
  }
  DeleteOptions options;
  options.propagationPolicy = policy;
  auto result = service_.remove(*resource, ref.namespace_, ref.name, options);
  if (!result.ok() && result.error().code != 404) {
    spdlog::debug("garbage collector: deleting {}/{}/{}: {}", ref.storageKey, ref.namespace_, ref.name,
                  result.error().message);
  }
}

void GarbageCollector::removeFinalizer(const ResourceInfo& resource, const json& object, const std::string& finalizer) {
  WriteOptions options;
  options.fieldManager = kManager;
  (void)service_.modify(
      resource, meta::namespaceOf(object), meta::name(object),
      [&](json& current) {
        if (!meta::hasFinalizer(current, finalizer)) return false;
        meta::removeFinalizer(current, finalizer);
        return true;
      },
      options);
  service_.removeIfFinalized(resource, meta::namespaceOf(object), meta::name(object));
}

// A dependent whose owners are all gone is deleted; one that still has a live owner only loses the dangling refs.
void GarbageCollector::checkOwners(const ObjectRef& ref) {
  StoredPtr object = store_.get(ref.storageKey, ref.namespace_, ref.name);
  if (!object) return;
  auto owners = meta::ownerReferences(object->object);
  if (owners.empty()) return;
  std::vector<std::string> dangling;
  for (const auto& owner : owners) {
    if (!store_.getByUid(owner.uid)) dangling.push_back(owner.uid);
  }
  if (dangling.empty()) return;
  if (dangling.size() == owners.size()) {
    deleteObject(ref, "Background");
    return;
  }
  ResourcePtr resource = resourceFor(ref.storageKey);
  if (!resource) return;
  WriteOptions options;
  options.fieldManager = kManager;
  (void)service_.modify(
      *resource, ref.namespace_, ref.name,
      [&](json& current) {
        bool changed = false;
        for (const auto& uid : dangling) changed = meta::removeOwnerReference(current, uid) || changed;
        return changed;
      },
      options);
}

void GarbageCollector::collectDependentsOf(const std::string& uid) {
  for (const auto& ref : store_.dependentsOf(uid)) checkOwners(ref);
}

bool GarbageCollector::finishTerminating(const ObjectRef& ref) {
  StoredPtr stored = store_.get(ref.storageKey, ref.namespace_, ref.name);
  if (!stored || !meta::isDeleting(stored->object)) return true;
  ResourcePtr resource = resourceFor(ref.storageKey);
  if (!resource) return true;
  const json& object = stored->object;
  if (ref.storageKey == "/namespaces") return emptyNamespace(*resource, object);
  bool done = true;
  if (ref.storageKey == "apiextensions.k8s.io/customresourcedefinitions" &&
      meta::hasFinalizer(object, kCrdCleanupFinalizer)) {
    done = cleanUpCrd(*resource, object) && done;
  }
  if (meta::hasFinalizer(object, "orphan")) done = orphanDependents(*resource, object) && done;
  if (meta::hasFinalizer(object, "foregroundDeletion")) done = deleteDependentsFirst(*resource, object) && done;
  return done;
}

bool GarbageCollector::emptyNamespace(const ResourceInfo& resource, const json& ns) {
  const std::string name = meta::name(ns);
  auto content = store_.listNamespace(name);
  for (const auto& [ref, object] : content) {
    if (!meta::isDeleting(object->object)) deleteObject(ref, "Background");
  }
  if (!store_.listNamespace(name).empty()) return false;
  WriteOptions options;
  options.fieldManager = kManager;
  (void)service_.modify(
      resource, "", name,
      [](json& current) {
        const json* finalizers = meta::find(current, "spec.finalizers");
        if (!finalizers || finalizers->empty()) return false;
        current["spec"].erase("finalizers");
        return true;
      },
      options);
  service_.removeIfFinalized(resource, "", name);
  return true;
}

bool GarbageCollector::cleanUpCrd(const ResourceInfo& resource, const json& crd) {
  std::string storageKey = meta::stringAt(crd, "spec.group") + "/" + meta::stringAt(crd, "spec.names.plural");
  auto objects = store_.listAll(storageKey);
  for (const auto& object : objects) {
    if (!meta::isDeleting(object->object)) deleteObject({storageKey, object->namespace_, object->name}, "Background");
  }
  if (!store_.listAll(storageKey).empty()) return false;
  removeFinalizer(resource, crd, kCrdCleanupFinalizer);
  return true;
}

bool GarbageCollector::orphanDependents(const ResourceInfo& resource, const json& owner) {
  const std::string uid = meta::uid(owner);
  WriteOptions options;
  options.fieldManager = kManager;
  for (const auto& ref : store_.dependentsOf(uid)) {
    ResourcePtr dependentResource = resourceFor(ref.storageKey);
    if (!dependentResource) continue;
    (void)service_.modify(
        *dependentResource, ref.namespace_, ref.name,
        [&](json& current) { return meta::removeOwnerReference(current, uid); }, options);
  }
  if (!store_.dependentsOf(uid).empty()) return false;
  removeFinalizer(resource, owner, "orphan");
  return true;
}

bool GarbageCollector::deleteDependentsFirst(const ResourceInfo& resource, const json& owner) {
  const std::string uid = meta::uid(owner);
  bool blocked = false;
  for (const auto& ref : store_.dependentsOf(uid)) {
    StoredPtr dependent = store_.get(ref.storageKey, ref.namespace_, ref.name);
    if (!dependent) continue;
    for (const auto& owned : meta::ownerReferences(dependent->object)) {
      if (owned.uid == uid && owned.blockOwnerDeletion) blocked = true;
    }
    if (!meta::isDeleting(dependent->object)) deleteObject(ref, "Foreground");
  }
  if (blocked) {
    // Look again: dependents that blocked may be gone by now.
    for (const auto& ref : store_.dependentsOf(uid)) {
      StoredPtr dependent = store_.get(ref.storageKey, ref.namespace_, ref.name);
      if (!dependent) continue;
      for (const auto& owned : meta::ownerReferences(dependent->object)) {
        if (owned.uid == uid && owned.blockOwnerDeletion) return false;
      }
    }
  }
  removeFinalizer(resource, owner, "foregroundDeletion");
  return true;
}

}  // namespace flotilla::apiserver
