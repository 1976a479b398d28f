// The informer (reflector + cache) against the in-process API emulator, including its fault switches.
#include <gtest/gtest.h>

#include "apiserver/fault_injector.h"
#include "emulator_fixture.h"
#include "runtime/informer.h"
#include "runtime/kube_adapters.h"
#include "runtime/wall_time.h"

namespace flotilla::runtime::testing {
namespace {

using namespace std::chrono_literals;

class InformerEmulatorTest : public EmulatorTest {
 protected:
  std::unique_ptr<Informer> startInformer(const std::string& ns, std::shared_ptr<kube::Client> client = nullptr) {
    if (!client) client = connectClient();
    InformerOptions options;
    options.resource = "configmaps";
    auto informer = std::make_unique<Informer>(
        std::make_shared<KubeListerWatcher>(client, kube::resources::kConfigMaps, ns), options);
    informer->addEventHandler(log_.handler());
    informer->start();
    return informer;
  }

  // Seconds between two request-log entries.
  static double secondsBetween(const apiserver::RequestRecord& a, const apiserver::RequestRecord& b) {
    auto first = parseTime(a.time);
    auto second = parseTime(b.time);
    EXPECT_TRUE(first && second) << a.time << " " << b.time;
    if (!first || !second) return 0;
    return std::chrono::duration<double>(*second - *first).count();
  }

  void addFault(int code, int count, const std::string& verb, int retryAfterSeconds = 1) {
    apiserver::ErrorFault fault;
    fault.code = code;
    fault.remaining = count;
    fault.retryAfterSeconds = retryAfterSeconds;
    fault.match.verb = verb;
    fault.match.resource = "configmaps";
    server_->faults().addError(fault);
  }

  NotificationLog log_;
};

TEST_F(InformerEmulatorTest, InitialListPaginatesOver1200Objects) {
  for (int i = 0; i < 1200; ++i) {
    createConfigMap("shop", "cm-" + std::to_string(i));
    if (HasFatalFailure()) return;
  }
  auto informer = startInformer("shop");
  ASSERT_TRUE(informer->waitForSync(30s));
  EXPECT_EQ(informer->cache().size(), 1200u);
  EXPECT_EQ(log_.size(), 1200u);

  const auto lists = requests("list");
  ASSERT_EQ(lists.size(), 3u);
  for (const auto& list : lists) EXPECT_NE(list.query.find("limit=500"), std::string::npos) << list.query;
  EXPECT_EQ(lists[0].query.find("continue="), std::string::npos);
  EXPECT_NE(lists[1].query.find("continue="), std::string::npos);
  EXPECT_NE(lists[2].query.find("continue="), std::string::npos);
  EXPECT_LT(informer->cache().approximateBytes() / 1200, 2048u) << "memory per cached object";
}

TEST_F(InformerEmulatorTest, SeesAddsUpdatesAndDeletesAndWatchesWithBookmarks) {
  createConfigMap("shop", "before");
  auto informer = startInformer("shop");
  ASSERT_TRUE(informer->waitForSync(10s));
  createConfigMap("shop", "added");
  updateConfigMap("shop", "added", {{"k", "v"}});
  deleteConfigMap("shop", "before");
  ASSERT_TRUE(eventually([&] { return log_.size() == 4; })) << ::testing::PrintToString(log_.entries());
  EXPECT_EQ(log_.entries(),
            (std::vector<std::string>{"add shop/before", "add shop/added", "update shop/added", "delete shop/before"}));
  EXPECT_EQ(informer->cache().get("shop/added")->at("data").at("k"), "v");
  EXPECT_FALSE(informer->cache().get("shop/added")->at("metadata").contains("managedFields"));

  const auto watches = requests("watch");
  ASSERT_FALSE(watches.empty());
  EXPECT_NE(watches[0].query.find("allowWatchBookmarks=true"), std::string::npos) << watches[0].query;
  EXPECT_NE(watches[0].query.find("timeoutSeconds="), std::string::npos);
  EXPECT_NE(watches[0].query.find("resourceVersion="), std::string::npos);
}

TEST_F(InformerEmulatorTest, DroppedWatchesResumeWithNothingLostOrDuplicated) {
  createConfigMap("shop", "steady");
  auto informer = startInformer("shop");
  ASSERT_TRUE(informer->waitForSync(10s));
  ASSERT_TRUE(eventually([&] { return !requests("watch").empty(); }));

  for (int round = 0; round < 5; ++round) {
    server_->server().closeAllWatches();
    createConfigMap("shop", "round-" + std::to_string(round));
    updateConfigMap("shop", "steady", {{"round", std::to_string(round)}});
    ASSERT_TRUE(eventually([&] { return log_.count("update shop/steady") == round + 1; })) << round;
  }
  deleteConfigMap("shop", "round-0");
  ASSERT_TRUE(eventually([&] { return log_.count("delete shop/round-0") == 1; }));

  for (int round = 0; round < 5; ++round) EXPECT_EQ(log_.count("add shop/round-" + std::to_string(round)), 1);
  EXPECT_EQ(log_.count("update shop/steady"), 5);
  EXPECT_EQ(log_.count("add shop/steady"), 1);
  EXPECT_EQ(requests("list").size(), 1u) << "a dropped watch resumes without relisting";
  EXPECT_GE(requests("watch").size(), 6u);
  EXPECT_EQ(informer->cache().size(), 5u);
  EXPECT_EQ(informer->cache().get("shop/steady")->at("data").at("round"), "4");
}

TEST_F(InformerEmulatorTest, GoneAfterCompactionRelistsAndComputesDeletions) {
  createConfigMap("shop", "unchanged");
  createConfigMap("shop", "changed");
  createConfigMap("shop", "deleted");
  auto informer = startInformer("shop");
  ASSERT_TRUE(informer->waitForSync(10s));
  ASSERT_TRUE(eventually([&] { return requests("watch").size() == 1; }));

  // The next watch fails, so the reflector backs off (≥ 0.8 s) while the server moves on and compacts.
  addFault(500, 1, "watch");
  server_->server().closeAllWatches();
  ASSERT_TRUE(eventually([&] { return requests("watch").size() == 2; }));
  updateConfigMap("shop", "changed", {{"x", "y"}});
  deleteConfigMap("shop", "deleted");
  createConfigMap("shop", "created");
  server_->server().compactHistory();

  ASSERT_TRUE(eventually([&] { return requests("list").size() == 2; })) << "no relist after 410";
  ASSERT_TRUE(eventually([&] { return log_.size() == 6; })) << ::testing::PrintToString(log_.entries());
  EXPECT_EQ(log_.count("update shop/changed"), 1);
  EXPECT_EQ(log_.count("delete shop/deleted"), 1);
  EXPECT_EQ(log_.count("add shop/created"), 1);
  EXPECT_EQ(log_.count("update shop/unchanged"), 0) << "a relist must not produce spurious updates";
  EXPECT_EQ(informer->cache().size(), 3u);
}

TEST_F(InformerEmulatorTest, ListErrorsBackOffExponentially) {
  createConfigMap("shop", "a");
  addFault(500, 2, "list");
  auto informer = startInformer("shop");
  ASSERT_TRUE(informer->waitForSync(30s));
  const auto lists = requests("list");
  ASSERT_EQ(lists.size(), 3u);
  EXPECT_EQ(lists[0].code, 500);
  EXPECT_EQ(lists[1].code, 500);
  EXPECT_EQ(lists[2].code, 200);
  // 0.8 s → 1.6 s (each with up to 100 % jitter): lower bounds only; a slow machine may take longer.
  EXPECT_GE(secondsBetween(lists[0], lists[1]), 0.75);
  EXPECT_GE(secondsBetween(lists[1], lists[2]), 1.55);
}

TEST_F(InformerEmulatorTest, TooManyRequestsWaitsForRetryAfter) {
  createConfigMap("shop", "a");
  addFault(429, 1, "list", 3);
  // maxRetries 0: the client hands the 429 straight back, so the reflector is the one honouring Retry-After.
  auto informer = startInformer("shop", connectClient(20, 0));
  ASSERT_TRUE(informer->waitForSync(30s));
  const auto lists = requests("list");
  ASSERT_EQ(lists.size(), 2u);
  EXPECT_EQ(lists[0].code, 429);
  EXPECT_GE(secondsBetween(lists[0], lists[1]), 2.95) << "Retry-After: 3 beats the 0.8-1.6 s backoff";
}

}  // namespace
}  // namespace flotilla::runtime::testing
