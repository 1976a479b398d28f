// Leader election between managers (and bare electors) through the emulator's coordination.k8s.io/v1 Lease API.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>

#include "emulator_fixture.h"
#include "runtime/kube_adapters.h"
#include "runtime/manager.h"

namespace flotilla::runtime::testing {
namespace {

using namespace std::chrono_literals;

ManagerOptions managerOptions(const std::string& identity) {
  ManagerOptions options;
  options.identity = identity;
  options.metricsBindAddress = "0";
  options.healthProbeBindAddress = "0";
  options.leaseDuration = 4s;
  options.renewDeadline = 2s;
  options.retryPeriod = 200ms;
  return options;
}

// A manager reconciling ConfigMaps, running on its own thread.
struct RunningManager {
  RunningManager(std::shared_ptr<kube::Client> client, const std::string& identity)
      : manager(std::make_shared<KubeClusterAccess>(std::move(client)), managerOptions(identity), registry) {
    manager
        .addController("configmaps",
                       [this](const Request&) {
                         ++reconciles;
                         return Result::done();
                       })
        .watchPrimary(manager.informer(kube::resources::kConfigMaps));
    exit = std::async(std::launch::async, [this] { return manager.run(stop.get_token()); });
  }
  ~RunningManager() {
    stop.request_stop();
    if (exit.valid()) exit.wait();
  }

  observability::MetricsRegistry registry;
  Manager manager;
  std::atomic<int> reconciles{0};
  std::stop_source stop;
  std::future<int> exit;
};

// Samples who leads as fast as it can, for the whole test: two leaders at any sample is a failure.
class OverlapMonitor {
 public:
  explicit OverlapMonitor(std::function<int()> leaders)
      : thread_([this, leaders = std::move(leaders)](std::stop_token stop) {
          while (!stop.stop_requested()) {
            if (leaders() > 1) ++overlaps_;
            ++samples_;
            std::this_thread::sleep_for(200us);
          }
        }) {}
  int overlaps() const { return overlaps_.load(); }
  long samples() const { return samples_.load(); }

 private:
  std::atomic<int> overlaps_{0};
  std::atomic<long> samples_{0};
  std::jthread thread_;
};

class LeaderElectionEmulatorTest : public EmulatorTest {
 protected:
  std::optional<LeaseRecord> lease(const std::string& name = "flotilla-operator-leader") {
    auto object = setup_->get(kube::resources::kLeases, "flotilla-system", name);
    if (!object.ok()) return std::nullopt;
    return leaseRecordFromJson(*object);
  }
};

TEST_F(LeaderElectionEmulatorTest, TwoManagersOneLeadsAndACleanShutdownHandsOverAtOnce) {
  createConfigMap("shop", "settings");
  auto first = std::make_unique<RunningManager>(connectClient(), "first");
  ASSERT_TRUE(eventually([&] { return first->manager.leading(); }));
  RunningManager second(connectClient(), "second");
  OverlapMonitor monitor([&] { return int(first && first->manager.leading()) + int(second.manager.leading()); });

  ASSERT_TRUE(eventually([&] { return first->reconciles == 1; }));
  ASSERT_TRUE(eventually([&] { return second.manager.ready(); }));
  std::this_thread::sleep_for(500ms);  // several renewals and standby retries
  EXPECT_FALSE(second.manager.leading());
  EXPECT_EQ(second.reconciles, 0);
  auto held = lease();
  ASSERT_TRUE(held.has_value());
  EXPECT_EQ(held->holderIdentity, "first");
  EXPECT_EQ(held->leaseDurationSeconds, 4);
  EXPECT_TRUE(held->renewTime.has_value());

  const auto handover = std::chrono::steady_clock::now();
  first->stop.request_stop();
  EXPECT_EQ(first->exit.get(), 0);
  const std::string holder = lease()->holderIdentity;
  EXPECT_TRUE(holder.empty() || holder == "second") << "released (and maybe taken already), not " << holder;
  ASSERT_TRUE(eventually([&] { return second.manager.leading(); }));
  EXPECT_LT(std::chrono::steady_clock::now() - handover, 4s) << "a released lease is not waited out";
  ASSERT_TRUE(eventually([&] { return second.reconciles == 1; }));
  EXPECT_EQ(lease()->holderIdentity, "second");
  EXPECT_GE(lease()->leaseTransitions, 1);
  first.reset();
  EXPECT_EQ(monitor.overlaps(), 0) << "over " << monitor.samples() << " samples";
}

TEST_F(LeaderElectionEmulatorTest, StandbyTakesOverWithinTheLeaseDurationWhenTheLeaderStopsRenewing) {
  LeaderElectionConfig config;
  config.name = "failover";
  config.leaseDuration = 2s;
  config.renewDeadline = 1s;
  config.retryPeriod = 100ms;
  config.releaseOnStop = false;  // the leader just vanishes, as a killed pod would

  KubeLeaseStore storeA(connectClient(), "flotilla-system", "failover");
  KubeLeaseStore storeB(connectClient(), "flotilla-system", "failover");
  config.identity = "a";
  LeaderElector a(storeA, config);
  config.identity = "b";
  LeaderElector b(storeB, config);
  OverlapMonitor monitor([&] { return int(a.isLeader()) + int(b.isLeader()); });

  auto runA = std::make_unique<std::jthread>([&](std::stop_token stop) { a.run(stop); });
  ASSERT_TRUE(eventually([&] { return a.isLeader(); }));
  std::jthread runB([&](std::stop_token stop) { b.run(stop); });
  std::this_thread::sleep_for(1s);
  EXPECT_FALSE(b.isLeader());

  runA.reset();  // stops renewing without releasing
  const auto vanished = std::chrono::steady_clock::now();
  EXPECT_EQ(lease("failover")->holderIdentity, "a");
  ASSERT_TRUE(eventually([&] { return b.isLeader(); }));
  const auto waited = std::chrono::steady_clock::now() - vanished;
  EXPECT_GE(waited, 800ms) << "the standby must wait for the lease to expire";
  EXPECT_LT(waited, 8s);
  EXPECT_EQ(lease("failover")->holderIdentity, "b");
  EXPECT_EQ(monitor.overlaps(), 0) << "over " << monitor.samples() << " samples";
}

}  // namespace
}  // namespace flotilla::runtime::testing
