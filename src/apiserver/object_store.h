#pragma once
// The emulator's storage: every object keyed by resource, namespace and name; one global, monotonic
// resourceVersion; a bounded history of changes (watch resume, consistent paginated lists); and watch fan-out.
//
// It is usable from any thread. Writes take an exclusive lock only to commit and to push shared pointers into
// the matching watchers' bounded queues, so writers never wait for the network. It enforces storage-level rules
// only (exists / does not exist / resourceVersion precondition); API semantics live in ResourceService.

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "apiserver/result.h"
#include "apiserver/stored_object.h"
#include "apiserver/watcher.h"

namespace flotilla::apiserver {

struct StoreOptions {
  std::size_t historyLimit = 20000;       // changes kept for watch resume; older versions answer 410 Gone
  std::size_t watcherQueueLimit = 20000;  // events a watcher may have pending before it is closed
};

// A page of a list.
struct ListPage {
  std::vector<StoredPtr> items;
  std::uint64_t resourceVersion = 0;  // the version the page reflects
  std::optional<ObjectRef> last;      // set when more items follow (the continue position)
  std::size_t remaining = 0;          // matching items after this page
};

struct ListQuery {
  const ObjectFilter* filter = nullptr;                      // null: everything
  std::size_t limit = 0;                                     // 0: no limit
  std::optional<std::pair<std::string, std::string>> after;  // (namespace, name) to continue after
  std::optional<std::uint64_t> atResourceVersion;            // a consistent snapshot at this version
};

class ObjectStore {
 public:
  explicit ObjectStore(StoreOptions options = {});
  ~ObjectStore();
  ObjectStore(const ObjectStore&) = delete;
  ObjectStore& operator=(const ObjectStore&) = delete;

  std::uint64_t currentResourceVersion() const;
  std::uint64_t compactedResourceVersion() const;

  StoredPtr get(const std::string& storageKey, const std::string& namespace_, const std::string& name) const;
  // Finds an object anywhere by metadata.uid.
  std::optional<std::pair<ObjectRef, StoredPtr>> getByUid(const std::string& uid) const;
  Result<ListPage> list(const std::string& storageKey, const ListQuery& query) const;
  std::vector<StoredPtr> listAll(const std::string& storageKey) const;
  // Every object in a namespace, across resources (namespace deletion).
  std::vector<std::pair<ObjectRef, StoredPtr>> listNamespace(const std::string& namespace_) const;
  // Objects whose ownerReferences name this uid.
  std::vector<ObjectRef> dependentsOf(const std::string& ownerUid) const;

  // Commits a new object; its metadata.resourceVersion is assigned here. AlreadyExists if present.
  Result<StoredPtr> create(const std::string& storageKey, nlohmann::json object);
  // Replaces an object; `expectedResourceVersion` (0 = any) must match the stored one, else 409 Conflict.
  Result<StoredPtr> update(const std::string& storageKey, nlohmann::json object, std::uint64_t expectedResourceVersion);
  // Removes an object, returning its last state stamped with the deletion's version.
  Result<StoredPtr> remove(const std::string& storageKey, const std::string& namespace_, const std::string& name,
                           std::uint64_t expectedResourceVersion = 0);

  // Starts a watch. fromVersion nullopt (or 0): the current matching objects arrive as ADDED first.
  // Otherwise every change after fromVersion is replayed; 410 Gone when history no longer reaches back.
  Result<std::shared_ptr<Watcher>> watch(const std::string& storageKey, ObjectFilter filter,
                                         std::optional<std::uint64_t> fromVersion);
  void stopWatch(const std::shared_ptr<Watcher>& watcher);
  // The version a BOOKMARK may announce for this watcher: set only when every change up to it was delivered.
  std::optional<std::uint64_t> bookmarkVersion(const Watcher& watcher) const;
  void closeAllWatchers();
  std::size_t watcherCount() const;

  // Drops the whole change history (watches from older versions then get 410).
  void compactHistory();

  // Called synchronously for every committed change, under the store's lock: must be quick, must not block
  // and must not call back into the store (queue the work instead).
  using Listener = std::function<void(const ChangeEvent&)>;
  int addListener(Listener listener);
  void removeListener(int id);

  // Persistence: everything at one version, and the inverse (only before serving; no events, no history).
  struct Snapshot {
    std::uint64_t resourceVersion = 0;
    std::vector<std::pair<std::string, StoredPtr>> objects;  // (storageKey, object)
  };
  Snapshot snapshot() const;
  void restore(std::uint64_t resourceVersion, std::vector<std::pair<std::string, nlohmann::json>> objects);
  // Counts objects written since the given version (cheap change detection for periodic snapshots).
  std::uint64_t writeCount() const { return writes_.load(); }

 private:
  using Key = std::pair<std::string, std::string>;  // (namespace, name)
  using Bucket = std::map<Key, StoredPtr>;

  void commitLocked(const std::string& storageKey, EventType type, const StoredPtr& object, const StoredPtr& previous);
  void indexLocked(const std::string& storageKey, const StoredPtr& object, const StoredPtr& previous);
  void fanOutLocked(const ChangeEvent& event);
  Bucket snapshotBucketLocked(const std::string& storageKey, std::uint64_t version) const;

  StoreOptions options_;
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
  std::unordered_map<std::string, ObjectRef> byUid_;
  std::unordered_map<std::string, std::set<ObjectRef>> byOwner_;
  std::uint64_t resourceVersion_ = 0;
  std::uint64_t compactedVersion_ = 0;
  std::deque<std::shared_ptr<const ChangeEvent>> history_;
  std::unordered_map<std::string, std::vector<std::shared_ptr<Watcher>>> watchers_;
  std::map<int, Listener> listeners_;
  int nextListenerId_ = 1;
  std::atomic<std::uint64_t> writes_{0};
};

// "apps/deployments" → {apps, deployments}, for error messages.
GroupResource groupResourceOf(const std::string& storageKey);

}  // namespace flotilla::apiserver
