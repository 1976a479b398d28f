#include "runtime/cache.h"

namespace flotilla::runtime {

namespace {
// What an entry costs beyond its JSON: the map node and key, the shared_ptr control block, the root json node.
std::size_t entryOverhead(const std::string& key) {
  return 64 + key.capacity() + sizeof(nlohmann::json) + 2 * sizeof(void*);
}
}  // namespace

std::vector<std::string> indexByNamespace(const nlohmann::json& object) {
  return {namespaceOf(object)};
}

std::vector<std::string> indexByOwnerUid(const nlohmann::json& object) {
  std::vector<std::string> uids;
  for (const auto& owner : ownerReferencesOf(object)) {
    if (!owner.uid.empty()) uids.push_back(owner.uid);
  }
  return uids;
}

Cache::Cache() {
  indexers_.emplace(kNamespaceIndex, indexByNamespace);
}

void Cache::addIndexer(const std::string& name, IndexFunc function) {
  std::unique_lock lock(mutex_);
  indices_.erase(name);
  indexers_[name] = std::move(function);
  auto& index = indices_[name];
  for (const auto& [key, entry] : items_) {
    for (auto& value : indexers_[name](*entry.object)) index[value].insert(key);
  }
}

bool Cache::hasIndexer(const std::string& name) const {
  std::shared_lock lock(mutex_);
  return indexers_.count(name) != 0;
}

ObjectPtr Cache::get(const std::string& key) const {
  std::shared_lock lock(mutex_);
  auto it = items_.find(key);
  return it == items_.end() ? nullptr : it->second.object;
}

ObjectPtr Cache::get(const std::string& namespace_, const std::string& name) const {
  return get(objectKey(namespace_, name));
}

std::vector<ObjectPtr> Cache::list() const {
  std::shared_lock lock(mutex_);
  std::vector<ObjectPtr> objects;
  objects.reserve(items_.size());
  for (const auto& [key, entry] : items_) objects.push_back(entry.object);
  return objects;
}

std::vector<std::string> Cache::keys() const {
  std::shared_lock lock(mutex_);
  std::vector<std::string> keys;
  keys.reserve(items_.size());
  for (const auto& [key, entry] : items_) keys.push_back(key);
  return keys;
}

std::vector<ObjectPtr> Cache::objectsForKeysLocked(const std::set<std::string>& keys) const {
  std::vector<ObjectPtr> objects;
  objects.reserve(keys.size());
  for (const auto& key : keys) {
    if (auto it = items_.find(key); it != items_.end()) objects.push_back(it->second.object);
  }
  return objects;
}

std::vector<ObjectPtr> Cache::byIndex(const std::string& index, const std::string& value) const {
  std::shared_lock lock(mutex_);
  auto byValue = indices_.find(index);
  if (byValue == indices_.end()) return {};
  auto keys = byValue->second.find(value);
  if (keys == byValue->second.end()) return {};
  return objectsForKeysLocked(keys->second);
}

std::vector<std::string> Cache::indexKeys(const std::string& index, const std::string& value) const {
  std::shared_lock lock(mutex_);
  auto byValue = indices_.find(index);
  if (byValue == indices_.end()) return {};
  auto keys = byValue->second.find(value);
  if (keys == byValue->second.end()) return {};
  return {keys->second.begin(), keys->second.end()};
}

std::size_t Cache::size() const {
  std::shared_lock lock(mutex_);
  return items_.size();
}

std::size_t Cache::approximateBytes() const {
  std::shared_lock lock(mutex_);
  return bytes_;
}

void Cache::indexLocked(const std::string& key, const nlohmann::json& object) {
  for (const auto& [name, function] : indexers_) {
    auto& index = indices_[name];
    for (auto& value : function(object)) index[value].insert(key);
  }
}

void Cache::unindexLocked(const std::string& key, const nlohmann::json& object) {
  for (const auto& [name, function] : indexers_) {
    auto& index = indices_[name];
    for (auto& value : function(object)) {
      auto keys = index.find(value);
      if (keys == index.end()) continue;
      keys->second.erase(key);
      if (keys->second.empty()) index.erase(keys);
    }
  }
}

ObjectPtr Cache::upsert(ObjectPtr object) {
  const std::string key = objectKey(*object);
  const std::size_t bytes = approximateJsonBytes(*object) + entryOverhead(key);
  std::unique_lock lock(mutex_);
  ObjectPtr previous;
  auto it = items_.find(key);
  if (it != items_.end()) {
    previous = it->second.object;
    unindexLocked(key, *previous);
    bytes_ -= it->second.bytes;
    it->second = Entry{object, bytes};
  } else {
    items_.emplace(key, Entry{object, bytes});
  }
  bytes_ += bytes;
  indexLocked(key, *object);
  if (!previous || !onlyStatusChanged(*previous, *object)) specRevision_.fetch_add(1, std::memory_order_acq_rel);
  return previous;
}

ObjectPtr Cache::remove(const std::string& key) {
  std::unique_lock lock(mutex_);
  auto it = items_.find(key);
  if (it == items_.end()) return nullptr;
  ObjectPtr previous = it->second.object;
  unindexLocked(key, *previous);
  bytes_ -= it->second.bytes;
  items_.erase(it);
  specRevision_.fetch_add(1, std::memory_order_acq_rel);
  return previous;
}

}  // namespace flotilla::runtime
