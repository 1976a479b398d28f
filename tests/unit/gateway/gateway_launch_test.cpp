// How `flotilla apiserver --run-pods` starts a pod of image flotilla/gateway: the container's own `flotilla gateway`
// command with what a cluster would give it, on the pod's loopback address.

#include <gtest/gtest.h>

#include "apiserver/pod_launch.h"

namespace flotilla::apiserver {
namespace {

using nlohmann::json;

json gatewayPod() {
  return {
      {"metadata", {{"name", "public-gateway-abc"}, {"namespace", "shop"}, {"uid", "uid-42"}}},
      {"spec",
       {{"containers",
         json::array({{{"name", "gateway"},
                       {"image", "flotilla/gateway:latest"},
                       {"command", json::array({"flotilla"})},
                       {"args", json::array({"gateway", "--config-map", "shop/public-config", "--namespace", "shop"})},
                       {"env", json::array({{{"name", "FLOTILLA_RUNTIME_DIR"}, {"value", "/var/run/flotilla"}},
                                            {{"name", "FLOTILLA_AGENT_PORT"}, {"value", "8405"}},
                                            {{"name", "POD_NAME"},
                                             {"valueFrom", {{"fieldRef", {{"fieldPath", "metadata.name"}}}}}}})}}})}}}};
}

TEST(GatewayLaunch, RunsTheAgentWithThePodsEnvironment) {
  json pod = gatewayPod();
  LaunchContext context{pod,     pod["spec"]["containers"][0], "127.0.0.9", "/opt/flotilla",
                        nullptr, "/tmp/emulator/kubeconfig"};
  std::string error;
  auto launch = gatewayLaunch(context, error);
  ASSERT_TRUE(launch) << error;
  EXPECT_EQ(launch->argv, (std::vector<std::string>{"/opt/flotilla", "gateway", "--config-map", "shop/public-config",
                                                    "--namespace", "shop", "--stop-grace-seconds=2"}));
  const std::string scratch = podScratchDirectory("uid-42");
  EXPECT_FALSE(scratch.empty());
  EXPECT_EQ(launch->env["FLOTILLA_RUNTIME_DIR"], scratch + "/gateway");  // not the image's /var/run/flotilla
  EXPECT_EQ(launch->env["FLOTILLA_CERT_DIR"], scratch + "/gateway/certs");
  EXPECT_EQ(launch->env["FLOTILLA_BIND_ADDRESS"], "127.0.0.9");
  EXPECT_EQ(launch->env["FLOTILLA_AGENT_PORT"], "8405");
  EXPECT_EQ(launch->env["POD_NAME"], "public-gateway-abc");
  EXPECT_EQ(launch->env["POD_NAMESPACE"], "shop");
  EXPECT_EQ(launch->env["KUBECONFIG"], "/tmp/emulator/kubeconfig");
}

TEST(GatewayLaunch, RefusesContainersThatDoNotRunTheAgent) {
  json pod = gatewayPod();
  pod["spec"]["containers"][0]["args"] = json::array({"echo", "--listen", ":80"});
  LaunchContext context{pod, pod["spec"]["containers"][0], "127.0.0.9", "/opt/flotilla", nullptr, ""};
  std::string error;
  EXPECT_FALSE(gatewayLaunch(context, error));
  EXPECT_NE(error.find("flotilla gateway"), std::string::npos);
}

}  // namespace
}  // namespace flotilla::apiserver
