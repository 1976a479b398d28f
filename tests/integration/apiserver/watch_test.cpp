// Watches over HTTP: chunked JSON lines, resume from a resourceVersion, synthetic ADDED for version 0,
// bookmarks, timeouts, 410 Gone, selectors, Table events and many watchers at once.
#include "test_support.h"

namespace flotilla::apiserver::testing {
namespace {

class WatchTest : public ApiServerTest {
 protected:
  std::string createConfigMap(const std::string& name, json labels = json::object()) {
    auto created = client_.post("/api/v1/namespaces/default/configmaps", configMap(name, {{"k", "v"}}, labels));
    EXPECT_EQ(created.status, 201) << created.body;
    return created.json()["metadata"]["resourceVersion"];
  }
};

bool isType(const json& event, const char* type) {
  return event["type"] == type;
}

TEST_F(WatchTest, ResourceVersionZeroStartsWithSyntheticAddedEvents) {
  createConfigMap("one");
  createConfigMap("two");
  auto watch = client_.watch("/api/v1/namespaces/default/configmaps?resourceVersion=0&watch=true");
  ASSERT_EQ(watch->status(), 200);
  auto first = watch->next();
  auto second = watch->next();
  ASSERT_TRUE(first && second);
  EXPECT_EQ((*first)["type"], "ADDED");
  EXPECT_EQ((*first)["object"]["metadata"]["name"], "one");
  EXPECT_EQ((*second)["object"]["metadata"]["name"], "two");
  createConfigMap("three");
  auto third = watch->next();
  ASSERT_TRUE(third);
  EXPECT_EQ((*third)["object"]["metadata"]["name"], "three");
}

TEST_F(WatchTest, ResumesFromAResourceVersion) {
  std::string version = createConfigMap("one");
  client_.patch("/api/v1/namespaces/default/configmaps/one", {{"data", {{"k", "w"}}}});
  client_.del("/api/v1/namespaces/default/configmaps/one");
  auto watch = client_.watch("/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=" + version);
  auto modified = watch->next();
  auto deleted = watch->next();
  ASSERT_TRUE(modified && deleted);
  EXPECT_EQ((*modified)["type"], "MODIFIED");
  EXPECT_EQ((*modified)["object"]["data"]["k"], "w");
  EXPECT_EQ((*deleted)["type"], "DELETED");
  EXPECT_GT(std::stoull((*deleted)["object"]["metadata"]["resourceVersion"].get<std::string>()),
            std::stoull((*modified)["object"]["metadata"]["resourceVersion"].get<std::string>()));
  EXPECT_FALSE(watch->next(std::chrono::milliseconds(200)));
}

TEST_F(WatchTest, BookmarksCarryTheCurrentVersion) {
  std::string version = createConfigMap("one");
  auto watch = client_.watch("/api/v1/namespaces/default/configmaps?watch=1&allowWatchBookmarks=true&resourceVersion=" +
                             version);
  createConfigMap("two");
  auto bookmark = watch->nextMatching([](const json& e) { return isType(e, "BOOKMARK"); }, std::chrono::seconds(5));
  ASSERT_TRUE(bookmark);
  EXPECT_EQ((*bookmark)["object"]["kind"], "ConfigMap");
  EXPECT_EQ((*bookmark)["object"]["metadata"]["resourceVersion"],
            std::to_string(server_.store().currentResourceVersion()));
}

TEST_F(WatchTest, NoBookmarksUnlessAsked) {
  std::string version = createConfigMap("one");
  auto watch = client_.watch("/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=" + version);
  EXPECT_FALSE(watch->next(std::chrono::milliseconds(800)));
}

TEST_F(WatchTest, TimeoutSecondsEndsTheStream) {
  auto watch = client_.watch("/api/v1/namespaces/default/configmaps?watch=1&timeoutSeconds=1");
  EXPECT_TRUE(watch->waitForEnd(std::chrono::seconds(5)));
}

TEST_F(WatchTest, TooOldVersionIsAnExpiredErrorEvent) {
  std::string version = createConfigMap("one");
  createConfigMap("two");
  server_.server().compactHistory();
  auto watch = client_.watch("/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=" + version);
  ASSERT_EQ(watch->status(), 200);
  auto error = watch->next();
  ASSERT_TRUE(error);
  EXPECT_EQ((*error)["type"], "ERROR");
  EXPECT_EQ((*error)["object"]["code"], 410);
  EXPECT_EQ((*error)["object"]["reason"], "Expired");
  EXPECT_TRUE(watch->waitForEnd());
}

TEST_F(WatchTest, FieldSelectorOnNameFiltersEvents) {
  createConfigMap("mine");
  createConfigMap("other");
  auto watch = client_.watch(
      "/api/v1/namespaces/default/configmaps?fieldSelector=metadata.name%3Dmine&resourceVersion=0&watch=true");
  auto initial = watch->next();
  ASSERT_TRUE(initial);
  EXPECT_EQ((*initial)["object"]["metadata"]["name"], "mine");
  client_.patch("/api/v1/namespaces/default/configmaps/other", {{"data", {{"x", "1"}}}});
  client_.patch("/api/v1/namespaces/default/configmaps/mine", {{"data", {{"x", "2"}}}});
  auto next = watch->next();
  ASSERT_TRUE(next);
  EXPECT_EQ((*next)["object"]["metadata"]["name"], "mine");
  EXPECT_EQ((*next)["type"], "MODIFIED");
}

TEST_F(WatchTest, LeavingALabelSelectorIsADeletedEvent) {
  std::string version = createConfigMap("cm", {{"app", "web"}});
  auto watch =
      client_.watch("/api/v1/namespaces/default/configmaps?labelSelector=app%3Dweb&watch=1&resourceVersion=" + version);
  client_.patch("/api/v1/namespaces/default/configmaps/cm", {{"metadata", {{"labels", {{"app", "db"}}}}}});
  client_.patch("/api/v1/namespaces/default/configmaps/cm", {{"metadata", {{"labels", {{"app", "web"}}}}}});
  auto left = watch->next();
  auto back = watch->next();
  ASSERT_TRUE(left && back);
  EXPECT_EQ((*left)["type"], "DELETED");
  EXPECT_EQ((*back)["type"], "ADDED");
}

TEST_F(WatchTest, TableWatchEventsCarryOneRow) {
  auto watch = client_.watch("/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=" +
                                 std::to_string(server_.store().currentResourceVersion()),
                             "application/json;as=Table;v=v1;g=meta.k8s.io,application/json");
  createConfigMap("t");
  auto event = watch->next();
  ASSERT_TRUE(event);
  EXPECT_EQ((*event)["object"]["kind"], "Table");
  EXPECT_EQ((*event)["object"]["rows"].size(), 1u);
  EXPECT_EQ((*event)["object"]["rows"][0]["cells"][0], "t");
}

TEST_F(WatchTest, SendInitialEventsEndsWithAnAnnotatedBookmark) {
  createConfigMap("one");
  auto watch = client_.watch(
      "/api/v1/namespaces/default/configmaps?watch=1&sendInitialEvents=true&allowWatchBookmarks=true"
      "&resourceVersionMatch=NotOlderThan");
  auto added = watch->next();
  auto bookmark = watch->next();
  ASSERT_TRUE(added && bookmark);
  EXPECT_EQ((*added)["type"], "ADDED");
  EXPECT_EQ((*bookmark)["type"], "BOOKMARK");
  EXPECT_EQ((*bookmark)["object"]["metadata"]["annotations"]["k8s.io/initial-events-end"], "true");
}

TEST_F(WatchTest, HundredWatchersAllSeeAWrite) {
  std::string version = std::to_string(server_.store().currentResourceVersion());
  std::vector<std::unique_ptr<WatchConnection>> watches;
  for (int i = 0; i < 100; ++i) {
    watches.push_back(client_.watch("/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=" + version));
    ASSERT_EQ(watches.back()->status(), 200);
  }
  EXPECT_TRUE(eventually([&] { return server_.store().watcherCount() == 100; }));
  createConfigMap("broadcast");
  for (auto& watch : watches) {
    auto event = watch->next(std::chrono::seconds(10));
    ASSERT_TRUE(event);
    EXPECT_EQ((*event)["object"]["metadata"]["name"], "broadcast");
  }
  watches.clear();
  EXPECT_TRUE(eventually([&] { return server_.store().watcherCount() == 0; }));
}

TEST_F(WatchTest, ClientDisconnectReleasesTheWatcher) {
  auto watch = client_.watch("/api/v1/namespaces/default/configmaps?watch=1");
  ASSERT_TRUE(eventually([&] { return server_.store().watcherCount() == 1; }));
  watch->close();
  EXPECT_TRUE(eventually([&] { return server_.store().watcherCount() == 0; }));
}

}  // namespace
}  // namespace flotilla::apiserver::testing
