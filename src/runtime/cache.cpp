#include "runtime/cache.h"

namespace flotilla::runtime {

namespace {
// What an entry costs beyond its object: the map node, key and resourceVersion, the shared_ptr control block, the
// root json node.
std::size_t entryOverhead(const std::string& key, const std::string& resourceVersion) {
  return 64 + key.capacity() + resourceVersion.capacity() + sizeof(nlohmann::json) + 2 * sizeof(void*);
}

// `object` without its status: copied member by member, so the status (half of a Flotilla resource) is never copied.
ObjectPtr withoutStatus(const nlohmann::json& object) {
  auto out = std::make_shared<nlohmann::json>(nlohmann::json::object());
  for (const auto& [name, value] : object.items()) {
    if (name != "status") (*out)[name] = value;
  }
  return out;
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

Cache::Cache(CacheStorage storage) : storage_(storage) {
  indexers_.emplace(kNamespaceIndex, indexByNamespace);
}

void Cache::addIndexer(const std::string& name, IndexFunc function) {
  std::unique_lock lock(mutex_);
  indices_.erase(name);
  indexers_[name] = std::move(function);
  auto& index = indices_[name];
  for (const auto& [key, entry] : items_) {
    const ObjectPtr object = objectOf(entry);
    for (auto& value : indexers_[name](*object)) index[value].insert(key);
  }
}

bool Cache::hasIndexer(const std::string& name) const {
  std::shared_lock lock(mutex_);
  return indexers_.count(name) != 0;
}

ObjectPtr Cache::get(const std::string& key) const {
  std::shared_lock lock(mutex_);
  auto it = items_.find(key);
  return it == items_.end() ? nullptr : objectOf(it->second);
}

ObjectPtr Cache::get(const std::string& namespace_, const std::string& name) const {
  return get(objectKey(namespace_, name));
}

std::vector<ObjectPtr> Cache::list() const {
  std::shared_lock lock(mutex_);
  std::vector<ObjectPtr> objects;
  objects.reserve(items_.size());
  for (const auto& [key, entry] : items_) objects.push_back(objectOf(entry));
  return objects;
}

std::vector<std::string> Cache::keys() const {
  std::shared_lock lock(mutex_);
  std::vector<std::string> keys;
  keys.reserve(items_.size());
  for (const auto& [key, entry] : items_) keys.push_back(key);
  return keys;
}

std::vector<ObjectPtr> Cache::objectsForKeysLocked(const std::set<std::string>& keys, bool withStatus) const {
  std::vector<ObjectPtr> objects;
  objects.reserve(keys.size());
  for (const auto& key : keys) {
    auto it = items_.find(key);
    if (it == items_.end()) continue;
    objects.push_back(withStatus ? objectOf(it->second) : withoutStatusOf(it->second));
  }
  return objects;
}

std::vector<ObjectPtr> Cache::byIndexLocked(const std::string& index, const std::string& value, bool withStatus) const {
  auto byValue = indices_.find(index);
  if (byValue == indices_.end()) return {};
  auto keys = byValue->second.find(value);
  if (keys == byValue->second.end()) return {};
  return objectsForKeysLocked(keys->second, withStatus);
}

std::vector<ObjectPtr> Cache::byIndex(const std::string& index, const std::string& value) const {
  std::shared_lock lock(mutex_);
  return byIndexLocked(index, value, true);
}

std::vector<ObjectPtr> Cache::byIndexWithoutStatus(const std::string& index, const std::string& value) const {
  std::shared_lock lock(mutex_);
  return byIndexLocked(index, value, false);
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

std::optional<std::string> Cache::resourceVersion(const std::string& key) const {
  std::shared_lock lock(mutex_);
  auto it = items_.find(key);
  if (it == items_.end()) return std::nullopt;
  return it->second.resourceVersion;
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

Cache::Entry Cache::makeEntry(const std::string& key, ObjectPtr object) const {
  auto pack = [](const nlohmann::json& value, std::string& out) {
    nlohmann::json::to_msgpack(value, nlohmann::detail::output_adapter<char>(out));
    out.shrink_to_fit();
  };
  Entry entry;
  entry.resourceVersion = resourceVersionOf(*object);
  entry.bytes = entryOverhead(key, entry.resourceVersion);
  switch (storage_) {
    case CacheStorage::Packed:
      pack(*object, entry.packed);
      break;
    case CacheStorage::TreesWithPackedStatus:
      if (auto status = object->find("status"); object->is_object() && status != object->end()) {
        pack(*status, entry.packed);
        object = withoutStatus(*object);
      }
      entry.tree = std::move(object);
      break;
    case CacheStorage::Trees:
      entry.tree = std::move(object);
      break;
  }
  if (entry.tree) entry.bytes += approximateJsonBytes(*entry.tree);
  if (!entry.packed.empty()) entry.bytes += entry.packed.capacity() + 1;
  return entry;
}

ObjectPtr Cache::objectOf(const Entry& entry) const {
  if (storage_ == CacheStorage::Packed) {
    return std::make_shared<const nlohmann::json>(nlohmann::json::from_msgpack(entry.packed));
  }
  if (entry.packed.empty()) return entry.tree;
  auto whole = std::make_shared<nlohmann::json>(*entry.tree);
  (*whole)["status"] = nlohmann::json::from_msgpack(entry.packed);
  return whole;
}

ObjectPtr Cache::withoutStatusOf(const Entry& entry) const {
  return storage_ == CacheStorage::TreesWithPackedStatus ? entry.tree : objectOf(entry);
}

ObjectPtr Cache::upsert(ObjectPtr object) {
  const std::string key = objectKey(*object);
  Entry entry = makeEntry(key, object);  // packing happens outside the lock
  const std::size_t bytes = entry.bytes;
  std::unique_lock lock(mutex_);
  ObjectPtr previous;
  auto it = items_.find(key);
  if (it != items_.end()) {
    previous = objectOf(it->second);
    unindexLocked(key, *previous);
    bytes_ -= it->second.bytes;
    it->second = std::move(entry);
  } else {
    items_.emplace(key, std::move(entry));
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
  ObjectPtr previous = objectOf(it->second);
  unindexLocked(key, *previous);
  bytes_ -= it->second.bytes;
  items_.erase(it);
  specRevision_.fetch_add(1, std::memory_order_acq_rel);
  return previous;
}

}  // namespace flotilla::runtime
