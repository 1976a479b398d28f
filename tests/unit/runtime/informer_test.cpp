#include "runtime/informer.h"

#include <gtest/gtest.h>

#include <future>

#include "cache_storages.h"
#include "fake_lister_watcher.h"
#include "runtime/fake_clock.h"
#include "runtime/in_memory_metrics.h"

namespace flotilla::runtime {
namespace {

using namespace std::chrono_literals;
using testing::eventually;
using testing::FakeListerWatcher;

// Records every notification as "add ns/name@rv", "update ns/name@rv->rv", "delete ns/name".
class Recorder {
 public:
  EventHandler handler() {
    return {[this](const nlohmann::json& o) { record("add " + objectKey(o) + "@" + resourceVersionOf(o)); },
            [this](const nlohmann::json& o, const nlohmann::json& n) {
              record("update " + objectKey(n) + "@" + resourceVersionOf(o) + "->" + resourceVersionOf(n));
            },
            [this](const nlohmann::json& o) { record("delete " + objectKey(o)); }};
  }
  std::vector<std::string> events() const {
    std::lock_guard lock(mutex_);
    return events_;
  }
  std::size_t size() const { return events().size(); }
  int count(const std::string& prefix) const {
    int n = 0;
    for (const auto& e : events()) n += e.rfind(prefix, 0) == 0 ? 1 : 0;
    return n;
  }

 private:
  void record(std::string event) {
    std::lock_guard lock(mutex_);
    events_.push_back(std::move(event));
  }
  mutable std::mutex mutex_;
  std::vector<std::string> events_;
};

// Waits until the reflector has begun its `n`-th backoff sleep on the fake clock.
bool waitForSleep(const FakeClock& clock, std::size_t n) {
  return eventually([&] { return clock.sleeps().size() >= n && clock.sleepers() == 1; });
}

kube::Error serverError(int code, std::optional<std::chrono::seconds> retryAfter = {}) {
  return kube::errorFromResponse(code, R"({"kind":"Status","code":)" + std::to_string(code) + "}", retryAfter);
}

class InformerTest : public ::testing::Test {
 protected:
  std::unique_ptr<Informer> makeInformer(const Clock& clock = realClock(), InformerOptions options = {}) {
    if (options.resource.empty()) options.resource = "configmaps";
    auto informer = std::make_unique<Informer>(server_, options, clock, metrics_);
    informer->addEventHandler(recorder_.handler());
    return informer;
  }

  std::shared_ptr<FakeListerWatcher> server_ = std::make_shared<FakeListerWatcher>();
  Recorder recorder_;
  InMemoryMetrics metrics_;
};

// Tests whose behaviour must not depend on how the cache stores objects.
class InformerStorageTest : public InformerTest, public ::testing::WithParamInterface<CacheStorage> {
 protected:
  std::unique_ptr<Informer> makeInformer(const Clock& clock = realClock()) {
    InformerOptions options;
    options.storage = GetParam();
    return InformerTest::makeInformer(clock, options);
  }
};
INSTANTIATE_TEST_SUITE_P(, InformerStorageTest, allCacheStorages(),
                         [](const auto& info) { return storageName(info.param); });

TEST_F(InformerTest, InitialListFollowsPagesOf500Over1200Objects) {
  for (int i = 0; i < 1200; ++i) server_->create("ns" + std::to_string(i % 3), "cm" + std::to_string(i));
  auto informer = makeInformer();
  informer->start();
  ASSERT_TRUE(informer->waitForSync(10s));

  EXPECT_EQ(informer->cache().size(), 1200u);
  EXPECT_EQ(recorder_.count("add "), 1200);
  const auto lists = server_->listOptions();
  ASSERT_EQ(lists.size(), 3u);
  for (const auto& options : lists) EXPECT_EQ(options.limit, 500);
  EXPECT_TRUE(lists[0].continueToken.empty());
  EXPECT_FALSE(lists[1].continueToken.empty());
  EXPECT_EQ(informer->cache().listNamespace("ns1").size(), 400u);
  EXPECT_EQ(metrics_.value("flotilla_informer_objects", {{"resource", "configmaps"}}), 1200);
  EXPECT_GT(metrics_.value("flotilla_informer_cache_bytes", {{"resource", "configmaps"}}), 1200 * 100);
}

TEST_F(InformerTest, WatchesWithBookmarksAndARandomisedTimeoutFromTheListVersion) {
  server_->create("ns", "a");
  auto informer = makeInformer();
  informer->start();
  ASSERT_TRUE(informer->waitForSync(10s));
  ASSERT_TRUE(eventually([&] { return server_->openWatches() == 1; }));
  const auto watch = server_->watchOptions().at(0);
  EXPECT_TRUE(watch.allowWatchBookmarks);
  ASSERT_TRUE(watch.timeoutSeconds.has_value());
  EXPECT_GE(*watch.timeoutSeconds, 300);
  EXPECT_LE(*watch.timeoutSeconds, 600);
  EXPECT_EQ(watch.resourceVersion, server_->currentResourceVersion());
}

TEST_P(InformerStorageTest, SeesAddsUpdatesAndDeletesInOrder) {
  server_->create("ns", "keep");
  auto informer = makeInformer();
  informer->start();
  ASSERT_TRUE(informer->waitForSync(10s));

  auto added = server_->create("ns", "new", {{"data", {{"k", "1"}}}});
  auto updated = server_->update("ns", "new", {{"data", {{"k", "2"}}}});
  server_->remove("ns", "keep");
  ASSERT_TRUE(eventually([&] { return recorder_.size() == 4; }));

  EXPECT_EQ(recorder_.events(), (std::vector<std::string>{"add ns/keep@101", "add ns/new@102", "update ns/new@102->103",
                                                          "delete ns/keep"}));
  EXPECT_EQ(informer->cache().get("ns", "new")->at("data").at("k"), "2");
  EXPECT_EQ(informer->cache().get("ns/keep"), nullptr);
  EXPECT_EQ(informer->lastSyncResourceVersion(), "104");
}

TEST_P(InformerStorageTest, DroppedWatchResumesFromLastVersionWithNothingLostOrRepeated) {
  server_->create("ns", "a");
  server_->create("ns", "c");
  auto informer = makeInformer();
  informer->start();
  ASSERT_TRUE(informer->waitForSync(10s));
  server_->create("ns", "b");
  ASSERT_TRUE(eventually([&] { return recorder_.size() == 3; }));

  // Each round drops the stream and writes while it reconnects. (Waiting for the write to arrive before the next
  // drop keeps every stream productive; a stream dropped before delivering anything would count as a failure.)
  for (int round = 0; round < 5; ++round) {
    server_->dropWatches();
    server_->update("ns", "a", {{"data", {{"round", std::to_string(round)}}}});
    ASSERT_TRUE(eventually([&] { return recorder_.count("update ns/a@") == round + 1; })) << round;
  }
  server_->remove("ns", "c");
  server_->create("ns", "d");
  ASSERT_TRUE(eventually([&] { return recorder_.size() == 10; })) << ::testing::PrintToString(recorder_.events());

  EXPECT_EQ(recorder_.count("update ns/a@"), 5);
  EXPECT_EQ(recorder_.count("delete ns/c"), 1);
  EXPECT_EQ(recorder_.count("add ns/d"), 1);
  EXPECT_EQ(server_->listCalls(), 1) << "a dropped watch resumes; it never relists";
  // Every re-watch started exactly where the previous stream left off.
  for (const auto& watch : server_->watchOptions()) EXPECT_FALSE(watch.resourceVersion.empty());
  EXPECT_EQ(informer->cache().size(), 3u);
  EXPECT_EQ(informer->cache().get("ns/a")->at("data").at("round"), "4");
}

TEST_P(InformerStorageTest, GoneWhileDisconnectedRelistsAndComputesDeletionsWithoutSpuriousUpdates) {
  FakeClock clock;
  server_->create("ns", "unchanged");
  server_->create("ns", "changed");
  server_->create("ns", "deleted");
  auto informer = makeInformer(clock);
  informer->start();
  ASSERT_TRUE(informer->waitForSync(10s));
  ASSERT_TRUE(eventually([&] { return server_->openWatches() == 1; }));

  // A watch dropped before delivering anything counts as a failure: the reflector backs off on the fake clock,
  // and meanwhile the server moves on and compacts.
  server_->dropWatches();
  ASSERT_TRUE(waitForSleep(clock, 1));
  server_->update("ns", "changed", {{"data", {{"x", "y"}}}});
  server_->remove("ns", "deleted");
  server_->create("ns", "created");
  server_->compact();
  clock.advance(1min);

  ASSERT_TRUE(eventually([&] { return recorder_.size() == 6; })) << ::testing::PrintToString(recorder_.events());
  EXPECT_EQ(server_->listCalls(), 2);
  EXPECT_EQ(recorder_.count("update ns/changed@"), 1);
  EXPECT_EQ(recorder_.count("delete ns/deleted"), 1);
  EXPECT_EQ(recorder_.count("add ns/created"), 1);
  EXPECT_EQ(recorder_.count("update ns/unchanged"), 0) << "unchanged objects must not produce updates";
  EXPECT_EQ(informer->cache().size(), 3u);
}

TEST_F(InformerTest, GoneErrorEventOnAnOpenWatchRelists) {
  server_->create("ns", "a");
  auto informer = makeInformer();
  informer->start();
  ASSERT_TRUE(informer->waitForSync(10s));
  ASSERT_TRUE(eventually([&] { return server_->openWatches() == 1; }));
  server_->expireWatches();
  ASSERT_TRUE(eventually([&] { return server_->listCalls() == 2 && server_->openWatches() == 1; }));
  server_->update("ns", "a", {{"data", {{"v", "2"}}}});
  ASSERT_TRUE(eventually([&] { return recorder_.size() == 2; }));
  EXPECT_EQ(recorder_.events(), (std::vector<std::string>{"add ns/a@101", "update ns/a@101->102"}))
      << "the relist of an unchanged object notifies nothing";
}

TEST_F(InformerTest, ListErrorsBackOffExponentiallyWithJitter) {
  FakeClock clock;
  server_->failNextLists(4, serverError(500));
  server_->create("ns", "a");
  auto informer = makeInformer(clock);
  informer->start();
  for (std::size_t attempt = 1; attempt <= 4; ++attempt) {
    ASSERT_TRUE(waitForSleep(clock, attempt)) << attempt;
    ASSERT_FALSE(informer->hasSynced());
    clock.advance(1min);
  }
  ASSERT_TRUE(informer->waitForSync(10s));
  const auto sleeps = clock.sleeps();
  ASSERT_GE(sleeps.size(), 4u);
  Duration base = 800ms;
  for (int i = 0; i < 4; ++i) {
    EXPECT_GE(sleeps[i], base) << i;
    EXPECT_LE(sleeps[i], 2 * base) << i;
    base *= 2;
  }
}

TEST_F(InformerTest, RetryAfterIsHonouredWhenLongerThanTheBackoff) {
  FakeClock clock;
  server_->failNextLists(1, serverError(429, std::chrono::seconds(7)));
  server_->create("ns", "a");
  auto informer = makeInformer(clock);
  informer->start();
  ASSERT_TRUE(eventually([&] { return clock.sleepers() == 1; }));
  clock.advance(6s);
  std::this_thread::sleep_for(20ms);
  EXPECT_FALSE(informer->hasSynced()) << "retried before Retry-After";
  clock.advance(1s);
  ASSERT_TRUE(informer->waitForSync(10s));
  EXPECT_EQ(clock.sleeps().at(0), 7s);
}

TEST_F(InformerTest, WatchErrorsBackOffAndResumeWithoutRelisting) {
  FakeClock clock;
  server_->create("ns", "a");
  auto informer = makeInformer(clock);
  informer->start();
  ASSERT_TRUE(informer->waitForSync(10s));
  ASSERT_TRUE(eventually([&] { return server_->openWatches() == 1; }));
  server_->failNextWatches(2, serverError(500));
  server_->dropWatches();
  for (std::size_t attempt = 1; attempt <= 3; ++attempt) {  // the empty dropped watch, then two failed watch calls
    ASSERT_TRUE(waitForSleep(clock, attempt)) << attempt;
    server_->update("ns", "a", {{"data", {{"attempt", std::to_string(attempt)}}}});
    clock.advance(1min);
  }
  ASSERT_TRUE(eventually([&] { return recorder_.size() == 4; })) << ::testing::PrintToString(recorder_.events());
  EXPECT_EQ(server_->listCalls(), 1);
  EXPECT_EQ(informer->cache().get("ns/a")->at("data").at("attempt"), "3");
}

TEST_F(InformerTest, BookmarksMoveTheResumeVersion) {
  server_->create("ns", "a");
  auto informer = makeInformer();
  informer->start();
  ASSERT_TRUE(informer->waitForSync(10s));
  ASSERT_TRUE(eventually([&] { return server_->openWatches() == 1; }));
  // Writes to other resources move the server's version; here: create then delete something we never see listed.
  server_->create("ns", "tmp");
  server_->remove("ns", "tmp");
  ASSERT_TRUE(eventually([&] { return recorder_.size() == 3; }));
  server_->bookmark();
  ASSERT_TRUE(eventually([&] { return informer->lastSyncResourceVersion() == server_->currentResourceVersion(); }));
}

TEST_F(InformerTest, StripsManagedFieldsAndLastAppliedAnnotation) {
  server_->create(
      "ns", "a",
      {{"metadata",
        {{"managedFields", nlohmann::json::array({{{"manager", "kubectl"}}})},
         {"annotations",
          {{"kubectl.kubernetes.io/last-applied-configuration", std::string(2000, 'x')}, {"keep", "me"}}}}}});
  auto informer = makeInformer();
  informer->start();
  ASSERT_TRUE(informer->waitForSync(10s));
  auto cached = informer->cache().get("ns/a");
  ASSERT_NE(cached, nullptr);
  EXPECT_FALSE(cached->at("metadata").contains("managedFields"));
  EXPECT_EQ(cached->at("metadata").at("annotations"), (nlohmann::json{{"keep", "me"}}));
  EXPECT_LT(informer->cache().approximateBytes(), 2048u);
}

TEST_F(InformerTest, HandlerAddedLateReceivesTheCurrentObjects) {
  server_->create("ns", "a");
  server_->create("ns", "b");
  auto informer = makeInformer();
  informer->start();
  ASSERT_TRUE(informer->waitForSync(10s));
  Recorder late;
  informer->addEventHandler(late.handler());
  EXPECT_EQ(late.count("add "), 2);
  server_->create("ns", "c");
  ASSERT_TRUE(eventually([&] { return late.size() == 3; }));
}

TEST_F(InformerTest, PeriodicResyncRedeliversUnchangedObjectsWhenEnabled) {
  FakeClock clock;
  server_->create("ns", "a");
  auto informer = makeInformer(clock, [] {
    InformerOptions options;
    options.resyncPeriod = 10min;
    return options;
  }());
  informer->start();
  ASSERT_TRUE(informer->waitForSync(10s));
  ASSERT_TRUE(eventually([&] { return clock.sleepers() == 1; }));  // the resync timer
  clock.advance(10min);
  ASSERT_TRUE(eventually([&] { return recorder_.count("update ns/a@101->101") == 1; }));
}

TEST_F(InformerTest, WaitForSyncTimesOutWhenTheServerNeverAnswers) {
  FakeClock clock;
  server_->failNextLists(1000, serverError(503));
  auto informer = makeInformer(clock);
  informer->start();
  const TimePoint started = clock.now();
  auto waiter = std::async(std::launch::async, [&] { return informer->waitForSync(30s); });
  // Move fake time along until the waiter gives up (it may start its wait at any point of this loop).
  for (int i = 0; i < 10000 && waiter.wait_for(1ms) != std::future_status::ready; ++i) clock.advance(1s);
  ASSERT_EQ(waiter.wait_for(0s), std::future_status::ready);
  EXPECT_FALSE(waiter.get());
  EXPECT_GE(clock.now() - started, 30s);
}

TEST_F(InformerTest, WaitForSyncReturnsAtOnceWhenAlreadyStopped) {
  server_->failNextLists(1000, serverError(503));
  auto informer = makeInformer();
  std::stop_source stop;
  stop.request_stop();
  auto waiter = std::async(std::launch::async, [&] { return informer->waitForSync(1h, stop.get_token()); });
  ASSERT_EQ(waiter.wait_for(10s), std::future_status::ready);
  EXPECT_FALSE(waiter.get());
}

TEST_F(InformerTest, StopInterruptsAnOpenWatch) {
  FakeClock clock;
  auto informer = makeInformer(clock);
  informer->start();
  ASSERT_TRUE(informer->waitForSync(10s));
  ASSERT_TRUE(eventually([&] { return server_->openWatches() == 1; }));
  informer->stop();
  EXPECT_EQ(server_->openWatches(), 0);
  EXPECT_FALSE(informer->running());
}

TEST_F(InformerTest, StopInterruptsABackoff) {
  FakeClock clock;
  server_->failNextLists(1, serverError(500));
  auto informer = makeInformer(clock);
  informer->start();
  ASSERT_TRUE(waitForSleep(clock, 1));
  auto stopped = std::async(std::launch::async, [&] { informer->stop(); });
  EXPECT_EQ(stopped.wait_for(10s), std::future_status::ready) << "stop waited out a backoff";
  EXPECT_EQ(server_->listCalls(), 1);
}

}  // namespace
}  // namespace flotilla::runtime
