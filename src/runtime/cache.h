#pragma once
// The informer's thread-safe store and indexer (client-go's ThreadSafeStore + Indexer). Objects are immutable shared
// snapshots keyed "namespace/name"; indexes map an index value (a namespace, an owner UID, a referenced name...) to
// the keys of the objects that produce it. Readers get ObjectPtrs and never hold the lock while using them.

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <vector>

#include "runtime/object.h"

namespace flotilla::runtime {

// Returns the index values an object should be found under (none, one or several).
using IndexFunc = std::function<std::vector<std::string>(const nlohmann::json&)>;

inline constexpr const char* kNamespaceIndex = "namespace";
inline constexpr const char* kOwnerUidIndex = "ownerUid";

// Built-in index functions.
std::vector<std::string> indexByNamespace(const nlohmann::json& object);
std::vector<std::string> indexByOwnerUid(const nlohmann::json& object);  // every ownerReference's uid

// How a cache keeps its objects (docs/performance.md, "Round four").
//  - Trees: the parsed tree itself; a read costs nothing. For small caches read in bulk (Namespaces).
//  - Packed: each object as MessagePack bytes, about a sixth of the tree's heap (a tree spends a std::map node, a key
//    string and a json value per member), decoded again on every read. For objects read one at a time by key or
//    index: the Deployments, Services and EndpointSlices a Microservice owns, most of what an operator caches.
//  - TreesWithPackedStatus: metadata and spec as a tree, the status packed beside it. For objects read in bulk by
//    readers that never look at a status (a Gateway render reads every Route's and Microservice's spec) and one at a
//    time, status included, by their own controller: Flotilla's resources, whose statuses are half their size.
//    The bulk readers use the *WithoutStatus reads, which hand out the trees as stored; every other read assembles
//    the whole object (a copy of the tree plus the decoded status).
enum class CacheStorage { Trees, Packed, TreesWithPackedStatus };

class Cache {
 public:
  // Every cache has the namespace index.
  explicit Cache(CacheStorage storage = CacheStorage::Trees);

  // Adds an index; objects already stored are indexed at once.
  void addIndexer(const std::string& name, IndexFunc function);
  bool hasIndexer(const std::string& name) const;

  ObjectPtr get(const std::string& key) const;
  ObjectPtr get(const std::string& namespace_, const std::string& name) const;
  // Whether an object is stored under the key, without assembling it (cheaper than get for an existence check).
  bool contains(const std::string& namespace_, const std::string& name) const {
    return resourceVersion(objectKey(namespace_, name)).has_value();
  }
  std::vector<ObjectPtr> list() const;
  std::vector<std::string> keys() const;
  // Objects whose index function produced `value`; empty for an unknown index.
  std::vector<ObjectPtr> byIndex(const std::string& index, const std::string& value) const;
  std::vector<std::string> indexKeys(const std::string& index, const std::string& value) const;
  std::vector<ObjectPtr> listNamespace(const std::string& namespace_) const {
    return byIndex(kNamespaceIndex, namespace_);
  }
  // For readers that never look at the status: under TreesWithPackedStatus the objects without their status, as
  // stored (no copy, no decoding); under the other storages the same as byIndex / listNamespace.
  std::vector<ObjectPtr> byIndexWithoutStatus(const std::string& index, const std::string& value) const;
  std::vector<ObjectPtr> listNamespaceWithoutStatus(const std::string& namespace_) const {
    return byIndexWithoutStatus(kNamespaceIndex, namespace_);
  }

  std::size_t size() const;
  // The resourceVersion of the object stored under `key` (nullopt if none), without decoding a packed object.
  std::optional<std::string> resourceVersion(const std::string& key) const;
  // Moves whenever an object is added or removed or changes in more than its status (onlyStatusChanged). A reader
  // that derived something from the specs and metadata of the whole cache can tell in O(1) that it is still
  // current; status writes, most of the traffic while objects converge, leave it alone. It moves before upsert or
  // remove return, so before any event handler learns of the change.
  std::uint64_t specRevision() const { return specRevision_.load(std::memory_order_acquire); }
  // Estimated heap bytes of all stored objects (approximateJsonBytes plus per-entry overhead).
  std::size_t approximateBytes() const;

  // Writers (the informer). Both return the object previously stored under that key (null if none).
  ObjectPtr upsert(ObjectPtr object);
  ObjectPtr remove(const std::string& key);

 private:
  struct Entry {
    ObjectPtr tree;      // Trees: the object; TreesWithPackedStatus: the object without its status
    std::string packed;  // MessagePack. Packed: the object; TreesWithPackedStatus: its status (empty: none)
    std::string resourceVersion;
    std::size_t bytes = 0;
  };
  Entry makeEntry(const std::string& key, ObjectPtr object) const;
  ObjectPtr objectOf(const Entry& entry) const;
  ObjectPtr withoutStatusOf(const Entry& entry) const;
  std::vector<ObjectPtr> byIndexLocked(const std::string& index, const std::string& value, bool withStatus) const;
  void indexLocked(const std::string& key, const nlohmann::json& object);
  void unindexLocked(const std::string& key, const nlohmann::json& object);
  std::vector<ObjectPtr> objectsForKeysLocked(const std::set<std::string>& keys, bool withStatus) const;

  const CacheStorage storage_;
  mutable std::shared_mutex mutex_;
  std::map<std::string, Entry> items_;
  std::map<std::string, IndexFunc> indexers_;
  std::map<std::string, std::map<std::string, std::set<std::string>>> indices_;  // index → value → keys
  std::size_t bytes_ = 0;
  std::atomic<std::uint64_t> specRevision_{0};
};

}  // namespace flotilla::runtime
