// The in-process store API the simulated workloads build on: versions, history, watch fan-out, slow watchers.
#include <gtest/gtest.h>

#include "apiserver/object_store.h"

namespace flotilla::apiserver {
namespace {

using nlohmann::json;
const std::string kConfigMaps = "/configmaps";

json object(const std::string& name, const std::string& value = "v") {
  return {{"metadata", {{"name", name}, {"namespace", "default"}, {"uid", "uid-" + name}}}, {"data", {{"k", value}}}};
}

TEST(ObjectStoreTest, WritesAssignIncreasingVersions) {
  ObjectStore store;
  auto a = store.create(kConfigMaps, object("a"));
  auto b = store.create(kConfigMaps, object("b"));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_LT((*a)->resourceVersion, (*b)->resourceVersion);
  EXPECT_EQ((*b)->object["metadata"]["resourceVersion"], std::to_string((*b)->resourceVersion));
  EXPECT_EQ(store.currentResourceVersion(), (*b)->resourceVersion);
  EXPECT_EQ(store.create(kConfigMaps, object("a")).error().code, 409);
}

TEST(ObjectStoreTest, UpdatePreconditionIsChecked) {
  ObjectStore store;
  auto a = store.create(kConfigMaps, object("a"));
  auto updated = store.update(kConfigMaps, object("a", "2"), (*a)->resourceVersion);
  ASSERT_TRUE(updated.ok());
  auto stale = store.update(kConfigMaps, object("a", "3"), (*a)->resourceVersion);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().reason, "Conflict");
}

TEST(ObjectStoreTest, WatchReplaysHistoryAndThenFollows) {
  ObjectStore store;
  auto a = store.create(kConfigMaps, object("a"));
  store.update(kConfigMaps, object("a", "2"), 0);
  auto watcher = store.watch(kConfigMaps, {}, (*a)->resourceVersion);
  ASSERT_TRUE(watcher.ok());
  store.remove(kConfigMaps, "default", "a");
  std::vector<WatchEvent> events;
  while (events.size() < 2) {
    auto more = (*watcher)->waitForEvents(std::chrono::seconds(1));
    if (more.empty()) break;
    events.insert(events.end(), more.begin(), more.end());
  }
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].type, EventType::Modified);
  EXPECT_EQ(events[1].type, EventType::Deleted);
  store.stopWatch(*watcher);
  EXPECT_EQ(store.watcherCount(), 0u);
}

TEST(ObjectStoreTest, HistoryWindowAnswersGone) {
  ObjectStore store(StoreOptions{3, 100});
  auto first = store.create(kConfigMaps, object("a"));
  for (int i = 0; i < 5; ++i) store.update(kConfigMaps, object("a", std::to_string(i)), 0);
  auto old = store.watch(kConfigMaps, {}, (*first)->resourceVersion);
  ASSERT_FALSE(old.ok());
  EXPECT_EQ(old.error().code, 410);
  EXPECT_TRUE(store.watch(kConfigMaps, {}, store.currentResourceVersion() - 1).ok());
}

TEST(ObjectStoreTest, ASlowWatcherIsClosedAndNeverBlocksWriters) {
  ObjectStore store(StoreOptions{100000, 10});
  auto slow = store.watch(kConfigMaps, {}, store.currentResourceVersion());
  ASSERT_TRUE(slow.ok());
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(store.create(kConfigMaps, object("o" + std::to_string(i))).ok());
  EXPECT_TRUE((*slow)->isClosed());
  EXPECT_EQ((*slow)->closeReason(), Watcher::CloseReason::Overflow);
  EXPECT_EQ(store.watcherCount(), 0u);
}

TEST(ObjectStoreTest, ListsAConsistentSnapshotAtAnEarlierVersion) {
  ObjectStore store;
  store.create(kConfigMaps, object("a"));
  std::uint64_t version = store.currentResourceVersion();
  store.create(kConfigMaps, object("b"));
  store.update(kConfigMaps, object("a", "changed"), 0);
  ListQuery query;
  query.atResourceVersion = version;
  auto page = store.list(kConfigMaps, query);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0]->object["data"]["k"], "v");
  EXPECT_EQ(page->resourceVersion, version);
}

TEST(ObjectStoreTest, ListenersSeeEveryCommittedChange) {
  ObjectStore store;
  std::vector<EventType> seen;
  int id = store.addListener([&](const ChangeEvent& change) { seen.push_back(change.type); });
  store.create(kConfigMaps, object("a"));
  store.update(kConfigMaps, object("a", "2"), 0);
  store.remove(kConfigMaps, "default", "a");
  store.removeListener(id);
  store.create(kConfigMaps, object("b"));
  EXPECT_EQ(seen, (std::vector<EventType>{EventType::Added, EventType::Modified, EventType::Deleted}));
}

TEST(ObjectStoreTest, OwnerIndexFindsDependents) {
  ObjectStore store;
  json dependent = object("child");
  dependent["metadata"]["ownerReferences"] =
      json::array({{{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"name", "parent"}, {"uid", "uid-parent"}}});
  store.create(kConfigMaps, dependent);
  auto dependents = store.dependentsOf("uid-parent");
  ASSERT_EQ(dependents.size(), 1u);
  EXPECT_EQ(dependents[0].name, "child");
  ASSERT_TRUE(store.getByUid("uid-child").has_value());
}

}  // namespace
}  // namespace flotilla::apiserver
