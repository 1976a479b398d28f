// `flotilla apiserver --run-pods` runs a pod of image flotilla/gateway as the real agent + HAProxy on the pod's
// loopback address: the Deployment the operator renders becomes a serving gateway, and the pod reports what it
// loaded on its own annotations.

#include "apiserver/pod_launch.h"
#include "gateway_fixture.h"
#include "kube/well_known_resources.h"

namespace flotilla::gateway::testing {
namespace {

using nlohmann::json;

class RunPodsTest : public GatewayTest {
 protected:
  apiserver::ApiServerOptions serverOptions() const override {
    auto options = apiserver::TestApiServer::defaultOptions();
    options.simulateWorkloads = true;
    options.workloads.runPods = true;
    options.workloads.podRunner.flotillaBinary = FLOTILLA_BINARY;
    options.workloads.podRunner.firstAddress = apiserver::LoopbackAddressPool::randomFirstAddress();
    return options;
  }

  // The gateway pod, once it exists.
  std::optional<json> gatewayPod() {
    kube::ListOptions options;
    options.labelSelector = "flotilla.io/gateway=public";
    auto pods = client_->list(kube::resources::kPods, "shop", options);
    if (!pods.ok() || pods->items.empty()) return std::nullopt;
    return pods->items.front();
  }
};

TEST_F(RunPodsTest, GatewayPodRunsTheAgentOnItsOwnAddress) {
  auto& users = startEcho("users", "users-1");
  putEndpointSlice("users", {&users});
  const auto rendered = render(1);
  putConfigMap(rendered.objects.configMap);
  json deployment = rendered.objects.deployment;
  deployment["metadata"].erase("ownerReferences");
  auto created = client_->create(kube::resources::kDeployments, deployment);
  ASSERT_TRUE(created.ok()) << created.error().toString();

  std::optional<json> pod;
  ASSERT_TRUE(eventually(
      [&] {
        pod = gatewayPod();
        if (!pod) return false;
        const auto annotations = (*pod)["metadata"].value("annotations", json::object());
        return annotations.value("flotilla.io/loaded-config-hash", "") == rendered.configHash &&
               !(*pod)["status"].value("podIP", "").empty();
      },
      60s))
      << "the gateway pod never reported its config: " << (pod ? pod->dump() : "no pod");
  const std::string address = (*pod)["status"]["podIP"];
  const std::string uid = (*pod)["metadata"]["uid"];

  // Served on the pod's address: the listener (container port 8080) and the agent's readiness.
  ASSERT_TRUE(eventually([&] {
    apiserver::HttpCall call;
    call.host = address;
    call.port = kListenerPort;
    call.target = "/api/users/1";
    auto outcome = apiserver::performHttpCall(call);
    return outcome.ok() && outcome.reply->status == 200 && outcome.reply->body.find("users-1") != std::string::npos;
  })) << "no traffic through the pod at "
      << address;
  EXPECT_TRUE(eventually([&] {
    auto current = gatewayPod();
    if (!current) return false;
    for (const auto& condition : (*current)["status"].value("conditions", json::array())) {
      if (condition.value("type", "") == "Ready") return condition.value("status", "") == "True";
    }
    return false;
  })) << "the pod's readiness probe (/readyz on the agent port) never passed";

  // Deleting the emulator stops the pod: the agent stops HAProxy, nothing is left behind.
  const std::string podRuntimeDir = apiserver::podScratchDirectory(uid);
  EXPECT_FALSE(haproxyProcessesIn(podRuntimeDir).empty());
  server_.reset();
  EXPECT_TRUE(eventually([&] { return haproxyProcessesIn(podRuntimeDir).empty(); }, 10s));
}

}  // namespace
}  // namespace flotilla::gateway::testing
