#include "apiserver/object_store.h"

#include <algorithm>
#include <mutex>

#include "apiserver/object_meta.h"

namespace flotilla::apiserver {

using nlohmann::json;

GroupResource groupResourceOf(const std::string& storageKey) {
  size_t slash = storageKey.find('/');
  if (slash == std::string::npos) return {"", storageKey};
  return {storageKey.substr(0, slash), storageKey.substr(slash + 1)};
}

namespace {

std::set<std::string> ownerUids(const StoredPtr& object) {
  std::set<std::string> out;
  if (!object) return out;
  for (const auto& ref : meta::ownerReferences(object->object)) {
    if (!ref.uid.empty()) out.insert(ref.uid);
  }
  return out;
}

// What one watcher sees of a change: kube-apiserver's cacheWatcher rules, so objects entering or leaving a
// selector appear as ADDED / DELETED.
std::optional<WatchEvent> eventFor(const Watcher& watcher, const ChangeEvent& change) {
  const ObjectFilter& filter = watcher.filter();
  bool currentPasses = change.type != EventType::Deleted && filter.matches(*change.object);
  bool previousPasses = change.previous && filter.matches(*change.previous);
  if (currentPasses && !previousPasses) return WatchEvent{EventType::Added, change.object};
  if (currentPasses && previousPasses) return WatchEvent{EventType::Modified, change.object};
  if (!currentPasses && previousPasses) {
    if (change.type == EventType::Deleted) return WatchEvent{EventType::Deleted, change.object};
    // Left the selection: a DELETED carrying the previous content at this change's version.
    return WatchEvent{EventType::Deleted, StoredObject::make(change.previous->object, change.resourceVersion)};
  }
  return std::nullopt;
}

}  // namespace

ObjectStore::ObjectStore(StoreOptions options) : options_(options) {}

ObjectStore::~ObjectStore() {
  closeAllWatchers();
}

std::uint64_t ObjectStore::currentResourceVersion() const {
  std::shared_lock lock(mutex_);
  return resourceVersion_;
}

std::uint64_t ObjectStore::compactedResourceVersion() const {
  std::shared_lock lock(mutex_);
  return compactedVersion_;
}

StoredPtr ObjectStore::get(const std::string& storageKey, const std::string& namespace_,
                           const std::string& name) const {
  std::shared_lock lock(mutex_);
  auto bucket = buckets_.find(storageKey);
  if (bucket == buckets_.end()) return nullptr;
  auto it = bucket->second.find({namespace_, name});
  return it == bucket->second.end() ? nullptr : it->second;
}

std::optional<std::pair<ObjectRef, StoredPtr>> ObjectStore::getByUid(const std::string& uid) const {
  std::shared_lock lock(mutex_);
  auto ref = byUid_.find(uid);
  if (ref == byUid_.end()) return std::nullopt;
  auto bucket = buckets_.find(ref->second.storageKey);
  if (bucket == buckets_.end()) return std::nullopt;
  auto it = bucket->second.find({ref->second.namespace_, ref->second.name});
  if (it == bucket->second.end()) return std::nullopt;
  return std::make_pair(ref->second, it->second);
}

ObjectStore::Bucket ObjectStore::snapshotBucketLocked(const std::string& storageKey, std::uint64_t version) const {
  Bucket bucket;
  if (auto it = buckets_.find(storageKey); it != buckets_.end()) bucket = it->second;
  // Undo every change newer than `version`, newest first.
  for (auto it = history_.rbegin(); it != history_.rend() && (*it)->resourceVersion > version; ++it) {
    const ChangeEvent& change = **it;
    if (change.storageKey != storageKey) continue;
    Key key{change.object->namespace_, change.object->name};
    if (change.type == EventType::Added) {
      bucket.erase(key);
    } else {
      bucket[key] = change.previous;
    }
  }
  return bucket;
}

Result<ListPage> ObjectStore::list(const std::string& storageKey, const ListQuery& query) const {
  std::shared_lock lock(mutex_);
  ListPage page;
  page.resourceVersion = resourceVersion_;
  const Bucket* bucket = nullptr;
  Bucket snapshot;
  if (query.atResourceVersion && *query.atResourceVersion != resourceVersion_) {
    std::uint64_t version = *query.atResourceVersion;
    if (version > resourceVersion_) {
      return errors::timeout("Too large resource version: " + std::to_string(version) +
                             ", current: " + std::to_string(resourceVersion_));
    }
    if (version < compactedVersion_) {
      return errors::gone("The resourceVersion for the provided list is too old.");
    }
    snapshot = snapshotBucketLocked(storageKey, version);
    bucket = &snapshot;
    page.resourceVersion = version;
  } else if (auto it = buckets_.find(storageKey); it != buckets_.end()) {
    bucket = &it->second;
  }
  if (!bucket) return page;

  const ObjectFilter* filter = query.filter;
  auto begin = bucket->begin();
  if (filter && filter->namespace_) begin = bucket->lower_bound({*filter->namespace_, ""});
  if (query.after) {
    // Start at whichever comes later: the namespace's first key or the key after the continue position.
    auto afterIt = bucket->upper_bound(*query.after);
    if (begin != bucket->end() && (afterIt == bucket->end() || begin->first < afterIt->first)) begin = afterIt;
  }
  for (auto it = begin; it != bucket->end(); ++it) {
    if (filter && filter->namespace_ && it->first.first != *filter->namespace_) break;
    if (filter && !filter->matches(*it->second)) continue;
    if (query.limit && page.items.size() >= query.limit) {
      ++page.remaining;
      continue;
    }
    page.items.push_back(it->second);
  }
  if (page.remaining > 0 && !page.items.empty()) {
    page.last = ObjectRef{storageKey, page.items.back()->namespace_, page.items.back()->name};
  }
  return page;
}

std::vector<StoredPtr> ObjectStore::listAll(const std::string& storageKey) const {
  std::shared_lock lock(mutex_);
  std::vector<StoredPtr> out;
  if (auto it = buckets_.find(storageKey); it != buckets_.end()) {
    for (const auto& [key, object] : it->second) out.push_back(object);
  }
  return out;
}

std::vector<std::pair<ObjectRef, StoredPtr>> ObjectStore::listNamespace(const std::string& namespace_) const {
  std::shared_lock lock(mutex_);
  std::vector<std::pair<ObjectRef, StoredPtr>> out;
  for (const auto& [storageKey, bucket] : buckets_) {
    for (auto it = bucket.lower_bound({namespace_, ""}); it != bucket.end() && it->first.first == namespace_; ++it) {
      out.emplace_back(ObjectRef{storageKey, it->first.first, it->first.second}, it->second);
    }
  }
  return out;
}

std::vector<ObjectRef> ObjectStore::dependentsOf(const std::string& ownerUid) const {
  std::shared_lock lock(mutex_);
  auto it = byOwner_.find(ownerUid);
  if (it == byOwner_.end()) return {};
  return {it->second.begin(), it->second.end()};
}

void ObjectStore::indexLocked(const std::string& storageKey, const StoredPtr& object, const StoredPtr& previous) {
  const StoredPtr& any = object ? object : previous;
  ObjectRef ref{storageKey, any->namespace_, any->name};
  if (previous && !previous->uid.empty()) byUid_.erase(previous->uid);
  if (object && !object->uid.empty()) byUid_[object->uid] = ref;
  for (const auto& owner : ownerUids(previous)) {
    auto it = byOwner_.find(owner);
    if (it == byOwner_.end()) continue;
    it->second.erase(ref);
    if (it->second.empty()) byOwner_.erase(it);
  }
  for (const auto& owner : ownerUids(object)) byOwner_[owner].insert(ref);
}

void ObjectStore::commitLocked(const std::string& storageKey, EventType type, const StoredPtr& object,
                               const StoredPtr& previous) {
  auto change = std::make_shared<ChangeEvent>();
  change->resourceVersion = resourceVersion_;
  change->type = type;
  change->storageKey = storageKey;
  change->object = object;
  change->previous = previous;
  history_.push_back(change);
  while (history_.size() > options_.historyLimit) {
    compactedVersion_ = history_.front()->resourceVersion;
    history_.pop_front();
  }
  ++writes_;
  fanOutLocked(*change);
  for (const auto& [id, listener] : listeners_) listener(*change);
}

void ObjectStore::fanOutLocked(const ChangeEvent& change) {
  auto it = watchers_.find(change.storageKey);
  if (it == watchers_.end()) return;
  auto& list = it->second;
  for (const auto& watcher : list) {
    if (auto event = eventFor(*watcher, change)) watcher->push(std::move(*event));
  }
  list.erase(std::remove_if(list.begin(), list.end(), [](const auto& w) { return w->isClosed(); }), list.end());
}

Result<StoredPtr> ObjectStore::create(const std::string& storageKey, json object) {
  std::unique_lock lock(mutex_);
  Bucket& bucket = buckets_[storageKey];
  Key key{meta::namespaceOf(object), meta::name(object)};
  if (bucket.count(key)) return errors::alreadyExists(groupResourceOf(storageKey), key.second);
  StoredPtr stored = StoredObject::make(std::move(object), ++resourceVersion_);
  bucket[key] = stored;
  indexLocked(storageKey, stored, nullptr);
  commitLocked(storageKey, EventType::Added, stored, nullptr);
  return stored;
}

Result<StoredPtr> ObjectStore::update(const std::string& storageKey, json object,
                                      std::uint64_t expectedResourceVersion) {
  std::unique_lock lock(mutex_);
  Key key{meta::namespaceOf(object), meta::name(object)};
  auto bucket = buckets_.find(storageKey);
  if (bucket == buckets_.end() || !bucket->second.count(key)) {
    return errors::notFound(groupResourceOf(storageKey), key.second);
  }
  StoredPtr previous = bucket->second[key];
  if (expectedResourceVersion != 0 && previous->resourceVersion != expectedResourceVersion) {
    return errors::staleResourceVersion(groupResourceOf(storageKey), key.second);
  }
  StoredPtr stored = StoredObject::make(std::move(object), ++resourceVersion_);
  bucket->second[key] = stored;
  indexLocked(storageKey, stored, previous);
  commitLocked(storageKey, EventType::Modified, stored, previous);
  return stored;
}

Result<StoredPtr> ObjectStore::remove(const std::string& storageKey, const std::string& namespace_,
                                      const std::string& name, std::uint64_t expectedResourceVersion) {
  std::unique_lock lock(mutex_);
  auto bucket = buckets_.find(storageKey);
  Key key{namespace_, name};
  if (bucket == buckets_.end() || !bucket->second.count(key)) {
    return errors::notFound(groupResourceOf(storageKey), name);
  }
  StoredPtr previous = bucket->second[key];
  if (expectedResourceVersion != 0 && previous->resourceVersion != expectedResourceVersion) {
    return errors::staleResourceVersion(groupResourceOf(storageKey), name);
  }
  bucket->second.erase(key);
  StoredPtr last = StoredObject::make(previous->object, ++resourceVersion_);
  indexLocked(storageKey, nullptr, previous);
  commitLocked(storageKey, EventType::Deleted, last, previous);
  return last;
}

Result<std::shared_ptr<Watcher>> ObjectStore::watch(const std::string& storageKey, ObjectFilter filter,
                                                    std::optional<std::uint64_t> fromVersion) {
  std::unique_lock lock(mutex_);
  auto watcher = std::make_shared<Watcher>(storageKey, std::move(filter), options_.watcherQueueLimit);
  if (!fromVersion || *fromVersion == 0) {
    if (auto bucket = buckets_.find(storageKey); bucket != buckets_.end()) {
      std::size_t count = 0;
      for (const auto& [key, object] : bucket->second) {
        if (watcher->filter().matches(*object)) ++count;
      }
      watcher->growCapacity(count);
      for (const auto& [key, object] : bucket->second) {
        if (watcher->filter().matches(*object)) watcher->push({EventType::Added, object});
      }
    }
  } else {
    if (*fromVersion < compactedVersion_) {
      return errors::gone("too old resource version: " + std::to_string(*fromVersion) + " (" +
                          std::to_string(compactedVersion_ + 1) + ")");
    }
    std::size_t replayed = 0;
    for (const auto& change : history_) {
      if (change->resourceVersion > *fromVersion && change->storageKey == storageKey) ++replayed;
    }
    watcher->growCapacity(replayed);
    for (const auto& change : history_) {
      if (change->resourceVersion <= *fromVersion || change->storageKey != storageKey) continue;
      if (auto event = eventFor(*watcher, *change)) watcher->push(std::move(*event));
    }
  }
  watchers_[storageKey].push_back(watcher);
  return watcher;
}

void ObjectStore::stopWatch(const std::shared_ptr<Watcher>& watcher) {
  watcher->close(Watcher::CloseReason::Stopped);
  std::unique_lock lock(mutex_);
  auto it = watchers_.find(watcher->storageKey());
  if (it == watchers_.end()) return;
  auto& list = it->second;
  list.erase(std::remove(list.begin(), list.end(), watcher), list.end());
}

std::optional<std::uint64_t> ObjectStore::bookmarkVersion(const Watcher& watcher) const {
  std::shared_lock lock(mutex_);
  if (!watcher.queueEmpty()) return std::nullopt;
  return resourceVersion_;
}

void ObjectStore::closeAllWatchers() {
  std::unique_lock lock(mutex_);
  for (auto& [key, list] : watchers_) {
    for (auto& watcher : list) watcher->close(Watcher::CloseReason::ServerClosed);
  }
  watchers_.clear();
}

std::size_t ObjectStore::watcherCount() const {
  std::shared_lock lock(mutex_);
  std::size_t count = 0;
  for (const auto& [key, list] : watchers_) {
    for (const auto& watcher : list) count += watcher->isClosed() ? 0 : 1;
  }
  return count;
}

void ObjectStore::compactHistory() {
  std::unique_lock lock(mutex_);
  history_.clear();
  compactedVersion_ = resourceVersion_;
}

int ObjectStore::addListener(Listener listener) {
  std::unique_lock lock(mutex_);
  int id = nextListenerId_++;
  listeners_[id] = std::move(listener);
  return id;
}

void ObjectStore::removeListener(int id) {
  std::unique_lock lock(mutex_);
  listeners_.erase(id);
}

ObjectStore::Snapshot ObjectStore::snapshot() const {
  std::shared_lock lock(mutex_);
  Snapshot out;
  out.resourceVersion = resourceVersion_;
  for (const auto& [storageKey, bucket] : buckets_) {
    for (const auto& [key, object] : bucket) out.objects.emplace_back(storageKey, object);
  }
  return out;
}

void ObjectStore::restore(std::uint64_t resourceVersion, std::vector<std::pair<std::string, json>> objects) {
  std::unique_lock lock(mutex_);
  for (auto& [storageKey, object] : objects) {
    std::uint64_t version = meta::resourceVersion(object);
    StoredPtr stored = StoredObject::make(std::move(object), version);
    buckets_[storageKey][{stored->namespace_, stored->name}] = stored;
    indexLocked(storageKey, stored, nullptr);
    resourceVersion = std::max(resourceVersion, version);
  }
  resourceVersion_ = std::max(resourceVersion_, resourceVersion);
  history_.clear();
  compactedVersion_ = resourceVersion_;
}

}  // namespace flotilla::apiserver
