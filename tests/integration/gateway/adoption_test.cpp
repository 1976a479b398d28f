// HAProxy outlives the agent: a restarted agent adopts the running master instead of starting a second one; a dead
// HAProxy is started again from the last good config, which also survives on local disk.

#include <signal.h>

#include "gateway/master_cli.h"
#include "gateway_fixture.h"
#include "kube/well_known_resources.h"

namespace flotilla::gateway::testing {
namespace {

class AdoptionTest : public GatewayTest {
 protected:
  void SetUp() override {
    GatewayTest::SetUp();
    auto& users = startEcho("users", "users-1");
    putEndpointSlice("users", {&users});
    initial_ = render(1);
    putConfigMap(initial_.objects.configMap);
    startAgent();
    ASSERT_TRUE(waitUntilLoaded(initial_.configHash));
    ASSERT_TRUE(eventually([&] { return podServing("/api/users") == "users-1"; }));
  }
  render::GatewayRender initial_;
};

TEST_F(AdoptionTest, RestartedAgentAdoptsTheRunningHaproxy) {
  const auto master = haproxyMasterPid();
  ASSERT_TRUE(master);
  const auto processes = haproxyProcesses();
  ASSERT_EQ(processes.size(), 2u) << "master + one worker";

  killAgent();
  // HAProxy keeps serving without its agent.
  EXPECT_EQ(podServing("/api/users"), "users-1");
  EXPECT_EQ(haproxyProcesses(), processes);

  startAgent();
  ASSERT_TRUE(waitUntilReady());
  EXPECT_EQ(haproxyMasterPid(), master);
  EXPECT_EQ(haproxyProcesses(), processes) << "a second HAProxy was started (or the adopted one reloaded)";
  EXPECT_EQ(reloadsSucceeded(), 0) << "the adopted config needed no load";
  EXPECT_EQ(podServing("/api/users"), "users-1");

  // The adopted master takes reloads like its own.
  const auto changed = render(
      2, [](render::GatewayInputs& inputs) { inputs.gateway.spec.defaults.timeout = api::Duration::seconds(9); });
  putConfigMap(changed.objects.configMap);
  ASSERT_TRUE(waitUntilLoaded(changed.configHash));
  EXPECT_EQ(haproxyMasterPid(), master);
  EXPECT_EQ(reloadsSucceeded(), 1);
  EXPECT_TRUE(eventually([&] { return podServing("/api/users") == "users-1"; }));
}

TEST_F(AdoptionTest, DeadHaproxyIsStartedAgain) {
  const auto master = haproxyMasterPid();
  ASSERT_TRUE(master);
  MasterCli cli(runtimeDir_ + "/master.sock");
  std::string error;
  auto status = cli.showProc(error);
  ASSERT_TRUE(status) << error;
  ASSERT_FALSE(status->workers.empty());
  // A crashing worker takes the master with it (exit-on-failure); the agent starts HAProxy again.
  kill(status->workers.front().pid, SIGKILL);
  ASSERT_TRUE(eventually([&] {
    auto now = haproxyMasterPid();
    return now && *now != *master && podServing("/api/users") == "users-1";
  })) << "traffic did not resume";
  EXPECT_EQ(haproxyProcesses().size(), 2u);
}

TEST_F(AdoptionTest, LastGoodConfigOnDiskServesWithoutTheConfigMap) {
  killAgent();
  for (pid_t pid : haproxyProcesses()) kill(pid, SIGKILL);
  ASSERT_TRUE(eventually([&] { return haproxyProcesses().empty(); }));
  auto removed = client_->remove(kube::resources::kConfigMaps, "shop", "public-config");
  ASSERT_TRUE(removed.ok()) << removed.error().toString();

  startAgent();
  ASSERT_TRUE(waitUntilReady()) << "the last good config was not started from disk";
  EXPECT_TRUE(eventually([&] { return podServing("/api/users") == "users-1"; }));
  EXPECT_EQ(podAnnotations()["flotilla.io/loaded-config-hash"], initial_.configHash);
}

}  // namespace
}  // namespace flotilla::gateway::testing
