#include "runtime/manager.h"

#include <gtest/gtest.h>

#include <csignal>
#include <future>

#include "../observability/http_get.h"
#include "fake_lease_store.h"
#include "fake_lister_watcher.h"
#include "runtime/shutdown_signal.h"

namespace flotilla::runtime {
namespace {

using namespace std::chrono_literals;
using observability::testing::httpGet;
using testing::eventually;
using testing::FakeLeaseServer;
using testing::FakeLeaseStore;
using testing::FakeListerWatcher;

const kube::ResourceRef kMicroservices{"flotilla.io", "v1alpha1", "microservices", "Microservice", true};

class NullEventSink final : public EventSink {
 public:
  kube::Result<nlohmann::json> create(const nlohmann::json& event) override { return event; }
  kube::Result<nlohmann::json> patch(const std::string&, const std::string&, const nlohmann::json& p) override {
    return p;
  }
};

// One fake API server shared by every manager of a test: one FakeListerWatcher per resource, one Lease.
class FakeCluster final : public ClusterAccess {
 public:
  std::shared_ptr<ListerWatcher> listerWatcher(const kube::ResourceRef& resource, const std::string&) override {
    return server(resource);
  }
  std::unique_ptr<LeaseStore> leaseStore(const std::string&, const std::string&) override {
    auto store = std::make_unique<FakeLeaseStore>(leases);
    stores.push_back(store.get());
    return store;
  }
  std::unique_ptr<EventSink> eventSink() override { return std::make_unique<NullEventSink>(); }

  std::shared_ptr<FakeListerWatcher> server(const kube::ResourceRef& resource) {
    std::lock_guard lock(mutex_);
    auto& slot = servers_[resource.toString()];
    if (!slot) slot = std::make_shared<FakeListerWatcher>();
    return slot;
  }

  FakeLeaseServer leases;
  std::vector<FakeLeaseStore*> stores;  // in creation order: stores[i] belongs to the i-th manager that ran

 private:
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<FakeListerWatcher>> servers_;
};

// Servers are off unless a test scrapes them: stopping an embedded civetweb takes about 2 s.
ManagerOptions fastOptions(std::string identity) {
  ManagerOptions options;
  options.metricsBindAddress = "0";
  options.healthProbeBindAddress = "0";
  options.identity = std::move(identity);
  options.leaseDuration = 1s;
  options.renewDeadline = 600ms;
  options.retryPeriod = 100ms;
  options.gracefulShutdownTimeout = 10s;
  return options;
}

// A manager with one Microservice controller counting reconciles, running on its own thread.
struct RunningManager {
  RunningManager(std::shared_ptr<FakeCluster> cluster, ManagerOptions options)
      : manager(cluster, std::move(options), registry) {
    auto& informer = manager.informer(kMicroservices);
    manager
        .addController("microservice",
                       [this](const Request&) {
                         ++reconciles;
                         return Result::done();
                       })
        .watchPrimary(informer);
    exit = std::async(std::launch::async, [this] { return manager.run(stop.get_token()); });
  }
  ~RunningManager() {
    stop.request_stop();
    if (exit.valid()) exit.wait();
  }
  int stopAndWait() {
    stop.request_stop();
    return exit.get();
  }

  observability::MetricsRegistry registry;
  Manager manager;
  std::atomic<int> reconciles{0};
  std::stop_source stop;
  std::future<int> exit;
};

TEST(Manager, LeadsReconcilesServesProbesAndStopsCleanly) {
  auto cluster = std::make_shared<FakeCluster>();
  cluster->server(kMicroservices)->create("shop", "users");
  ManagerOptions options = fastOptions("one");
  options.metricsBindAddress = "127.0.0.1:0";
  options.healthProbeBindAddress = "127.0.0.1:0";
  RunningManager running(cluster, options);
  ASSERT_TRUE(eventually([&] { return running.reconciles == 1; }));
  ASSERT_TRUE(eventually([&] { return running.manager.ready(); }));
  EXPECT_TRUE(running.manager.leading());

  const int healthPort = running.manager.healthPort();
  ASSERT_GT(healthPort, 0);
  EXPECT_EQ(httpGet(healthPort, "/readyz").status, 200);
  EXPECT_EQ(httpGet(healthPort, "/healthz").status, 200);
  const auto metrics = httpGet(running.manager.metricsPort(), "/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find(R"(controller_runtime_reconcile_total{controller="microservice",result="success"} 1)"),
            std::string::npos)
      << metrics.body;
  EXPECT_NE(metrics.body.find(R"(leader_election_master_status{name="flotilla-operator-leader"} 1)"),
            std::string::npos);
  EXPECT_NE(metrics.body.find(R"(workqueue_adds_total{name="microservice"} 1)"), std::string::npos);
  EXPECT_NE(metrics.body.find(R"(flotilla_informer_objects{resource="microservices.flotilla.io"} 1)"),
            std::string::npos);

  EXPECT_EQ(running.stopAndWait(), 0);
  ASSERT_TRUE(cluster->leases.current().has_value());
  EXPECT_EQ(cluster->leases.current()->record.holderIdentity, "") << "the lease is released on shutdown";
}

TEST(Manager, StandbyKeepsWarmCachesAndTakesOverWhenTheLeaderShutsDown) {
  auto cluster = std::make_shared<FakeCluster>();
  cluster->server(kMicroservices)->create("shop", "users");
  auto first = std::make_unique<RunningManager>(cluster, fastOptions("first"));
  ASSERT_TRUE(eventually([&] { return first->manager.leading(); }));
  RunningManager second(cluster, fastOptions("second"));
  ASSERT_TRUE(eventually([&] { return second.manager.ready(); })) << "a standby is ready: caches synced";
  EXPECT_FALSE(second.manager.leading());
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(second.reconciles, 0) << "a standby must not reconcile";

  const auto handover = std::chrono::steady_clock::now();
  EXPECT_EQ(first->stopAndWait(), 0);
  ASSERT_TRUE(eventually([&] { return second.manager.leading(); }));
  // Released, so no waiting out the 1 s lease: the standby's next retry (100-120 ms) takes it. Bounded loosely.
  EXPECT_LT(std::chrono::steady_clock::now() - handover, 5s);
  ASSERT_TRUE(eventually([&] { return second.reconciles == 1; }));
  EXPECT_EQ(cluster->leases.current()->record.holderIdentity, "second");
}

TEST(Manager, LosingTheLeaseStopsControllersAndExitsNonZero) {
  auto cluster = std::make_shared<FakeCluster>();
  RunningManager running(cluster, fastOptions("one"));
  ASSERT_TRUE(eventually([&] { return running.manager.leading(); }));
  ASSERT_EQ(cluster->stores.size(), 1u);
  cluster->stores[0]->partitioned = true;
  ASSERT_EQ(running.exit.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(running.exit.get(), 1);
  EXPECT_FALSE(running.manager.leading());
}

TEST(Manager, CachesThatNeverSyncFailReadinessAndTheRun) {
  auto cluster = std::make_shared<FakeCluster>();
  cluster->server(kMicroservices)->failNextLists(1000000, kube::errorFromResponse(403, ""));
  ManagerOptions options = fastOptions("one");
  options.cacheSyncTimeout = 300ms;
  RunningManager running(cluster, options);
  std::this_thread::sleep_for(100ms);
  EXPECT_FALSE(running.manager.ready());
  ASSERT_EQ(running.exit.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(running.exit.get(), 1);
  EXPECT_EQ(running.reconciles, 0);
}

TEST(Manager, WithoutLeaderElectionControllersRunAtOnce) {
  auto cluster = std::make_shared<FakeCluster>();
  cluster->server(kMicroservices)->create("shop", "users");
  ManagerOptions options = fastOptions("solo");
  options.leaderElection = false;
  RunningManager running(cluster, options);
  ASSERT_TRUE(eventually([&] { return running.reconciles == 1; }));
  EXPECT_EQ(running.manager.metricsPort(), 0) << "\"0\" switches the metrics server off";
  EXPECT_TRUE(cluster->stores.empty());
  EXPECT_EQ(running.stopAndWait(), 0);
}

TEST(Manager, NotReadyWhileTheApiServerIsUnreachableAndTheCacheIsKept) {
  auto cluster = std::make_shared<FakeCluster>();
  cluster->server(kMicroservices)->create("shop", "users");
  ManagerOptions options = fastOptions("solo");
  options.leaderElection = false;
  RunningManager running(cluster, options);
  ASSERT_TRUE(eventually([&] { return running.manager.ready(); }));

  // The connection goes: the open watch breaks and the next two attempts fail (the reflector backs off 0.8 s, 1.6 s).
  cluster->server(kMicroservices)->failNextWatches(2, kube::transportError("connection refused"));
  cluster->server(kMicroservices)->dropWatches();
  ASSERT_TRUE(eventually([&] { return !running.manager.ready(); }));
  EXPECT_EQ(running.manager.informer(kMicroservices).cache().list().size(), 1u) << "the cache outlives the outage";
  ASSERT_TRUE(eventually([&] { return running.manager.ready(); }, 60s)) << "ready again once a watch succeeds";
  EXPECT_EQ(running.stopAndWait(), 0);
}

TEST(Manager, SigtermShutsDownGracefullyAndReleasesTheLease) {
  auto cluster = std::make_shared<FakeCluster>();
  cluster->server(kMicroservices)->create("shop", "users");
  observability::MetricsRegistry registry;
  Manager manager(cluster, fastOptions("one"), registry);
  std::atomic<int> reconciles{0};
  manager
      .addController("microservice",
                     [&](const Request&) {
                       ++reconciles;
                       return Result::done();
                     })
      .watchPrimary(manager.informer(kMicroservices));
  ShutdownSignal signal;
  auto exit = std::async(std::launch::async, [&] { return manager.run(signal.token()); });
  ASSERT_TRUE(eventually([&] { return reconciles == 1; }));
  std::raise(SIGTERM);
  ASSERT_EQ(exit.wait_for(20s), std::future_status::ready);
  EXPECT_EQ(exit.get(), 0);
  EXPECT_EQ(cluster->leases.current()->record.holderIdentity, "");
}

TEST(Manager, InvalidLeaderElectionTimingsAreRejected) {
  auto cluster = std::make_shared<FakeCluster>();
  ManagerOptions options = fastOptions("one");
  options.renewDeadline = 5s;  // longer than the lease
  observability::MetricsRegistry registry;
  Manager manager(cluster, options, registry);
  std::stop_source stop;
  EXPECT_EQ(manager.run(stop.get_token()), 1);
}

}  // namespace
}  // namespace flotilla::runtime
