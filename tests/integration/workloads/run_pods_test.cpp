// --run-pods: Deployments of flotilla/echo become real processes on loopback addresses, published in pod IPs and
// EndpointSlices, probed, restarted and stopped like a kubelet would.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <map>
#include <set>

#include "apiserver/http_call.h"
#include "apiserver/pod_launch.h"
#include "apiserver/pod_logs.h"
#include "apiserver/sim_objects.h"
#include "emulated_cluster.h"

namespace flotilla::apiserver {
namespace {

using nlohmann::json;
using testing::deploymentOf;
using testing::EmulatedCluster;
using testing::serviceOf;

WorkloadSimulatorOptions runPods() {
  WorkloadSimulatorOptions options;
  options.runPods = true;
  options.podRunner.probeInterval = std::chrono::milliseconds(100);
  options.podRunner.restartBackoff = std::chrono::milliseconds(300);
  return options;
}

class RunPods : public ::testing::Test {
 protected:
  // Endpoint address → (pod name, ready) over the Service's slices.
  std::map<std::string, std::pair<std::string, bool>> endpoints(const std::string& service) {
    std::map<std::string, std::pair<std::string, bool>> out;
    for (const auto& slice : cluster.list(sim::kEndpointSlices)) {
      if (sim::labelValue(slice, "kubernetes.io/service-name") != service) continue;
      for (const auto& endpoint : slice["endpoints"]) {
        out[endpoint["addresses"][0]] = {endpoint["targetRef"]["name"], endpoint["conditions"]["ready"]};
      }
    }
    return out;
  }

  std::size_t readyEndpoints(const std::string& service) {
    std::size_t n = 0;
    for (const auto& [address, endpoint] : endpoints(service)) n += endpoint.second;
    return n;
  }

  static std::optional<HttpReply> get(const std::string& address, const std::string& target) {
    HttpCall call;
    call.host = address;
    call.port = 8080;
    call.target = target;
    call.timeout = std::chrono::seconds(5);
    auto outcome = performHttpCall(call);
    return outcome.reply;
  }

  json pod(const std::string& name) { return cluster.get(sim::kPods, name).value_or(json()); }

  EmulatedCluster cluster{runPods()};
};

TEST_F(RunPods, EchoDeploymentServesFromThreeReachableEndpoints) {
  cluster.create(cluster.resource(sim::kDeployments), deploymentOf("orders", 3, "flotilla/echo:latest"));
  cluster.create(cluster.resource(sim::kServices), serviceOf("orders"));
  ASSERT_TRUE(EmulatedCluster::eventually([&] { return readyEndpoints("orders") == 3; }))
      << "endpoints: " << endpoints("orders").size();

  std::set<std::string> addresses;
  for (const auto& [address, endpoint] : endpoints("orders")) {
    EXPECT_EQ(address.rfind("127.", 0), 0u) << address;
    addresses.insert(address);
    auto reply = get(address, "/api/orders/1");
    ASSERT_TRUE(reply.has_value()) << address;
    EXPECT_EQ(reply->status, 200);
    auto body = json::parse(reply->body);
    EXPECT_EQ(body["pod"], endpoint.first);
    EXPECT_EQ(body["service"], "orders");
    EXPECT_EQ(body["path"], "/api/orders/1");
    EXPECT_EQ(reply->headers["x-served-by"], endpoint.first);
    EXPECT_EQ(pod(endpoint.first)["status"]["podIP"], address);
  }
  EXPECT_EQ(addresses.size(), 3u);  // one address each

  auto deployment = cluster.get(sim::kDeployments, "orders");
  ASSERT_TRUE(deployment.has_value());
  EXPECT_TRUE(EmulatedCluster::eventually([&] {
    auto d = cluster.get(sim::kDeployments, "orders");
    return d && sim::intAt(*d, "status.availableReplicas", 0) == 3;
  }));
}

TEST_F(RunPods, DeletedPodStopsServingLeavesTheSliceAndIsReplaced) {
  cluster.create(cluster.resource(sim::kDeployments), deploymentOf("orders", 2, "flotilla/echo:1.0"));
  cluster.create(cluster.resource(sim::kServices), serviceOf("orders"));
  ASSERT_TRUE(EmulatedCluster::eventually([&] { return readyEndpoints("orders") == 2; }));

  auto before = endpoints("orders");
  auto [victimAddress, victim] = *before.begin();
  cluster.remove(sim::kPods, victim.first);

  // Its address is freed, and may well go to the replacement: what must stop is the deleted pod answering.
  EXPECT_TRUE(EmulatedCluster::eventually([&] {
    auto reply = get(victimAddress, "/");
    return !reply || json::parse(reply->body)["pod"] != victim.first;
  })) << "the deleted pod's process still answers";
  EXPECT_TRUE(EmulatedCluster::eventually([&] {
    auto now = endpoints("orders");
    for (const auto& [address, endpoint] : now) {
      if (endpoint.first == victim.first) return false;
    }
    return readyEndpoints("orders") == 2;
  })) << "the slice still lists the deleted pod or lacks its replacement";
  for (const auto& [address, endpoint] : endpoints("orders")) {
    auto reply = get(address, "/");
    ASSERT_TRUE(reply.has_value());
    EXPECT_EQ(json::parse(reply->body)["pod"], endpoint.first);
  }
}

TEST_F(RunPods, ReadinessFollowsTheProbe) {
  cluster.create(cluster.resource(sim::kDeployments), deploymentOf("orders", 1, "flotilla/echo"));
  cluster.create(cluster.resource(sim::kServices), serviceOf("orders"));
  ASSERT_TRUE(EmulatedCluster::eventually([&] { return readyEndpoints("orders") == 1; }));
  std::string address = endpoints("orders").begin()->first;

  HttpCall control;
  control.host = address;
  control.port = 8080;
  control.method = "POST";
  control.target = "/control";
  control.body = R"({"healthy":false})";
  ASSERT_TRUE(performHttpCall(control).ok());
  EXPECT_TRUE(EmulatedCluster::eventually([&] {
    auto all = endpoints("orders");
    return all.size() == 1 && !all.begin()->second.second;
  })) << "an unhealthy pod stays ready";
  EXPECT_FALSE(sim::podIsReady(pod(endpoints("orders").begin()->second.first)));

  control.body = R"({"healthy":true})";
  ASSERT_TRUE(performHttpCall(control).ok());
  EXPECT_TRUE(EmulatedCluster::eventually([&] { return readyEndpoints("orders") == 1; }));
}

TEST_F(RunPods, DeadProcessIsReportedAndRestarted) {
  cluster.create(cluster.resource(sim::kDeployments), deploymentOf("orders", 1, "flotilla/echo"));
  ASSERT_TRUE(EmulatedCluster::eventually([&] {
    auto pods = cluster.list(sim::kPods);
    return pods.size() == 1 && sim::podIsReady(pods[0]);
  }));
  json running = cluster.list(sim::kPods)[0];
  std::string name = running["metadata"]["name"];
  pid_t pid = cluster.simulator().podRunner()->pidOf(running["metadata"]["uid"], "main");
  ASSERT_GT(pid, 0);
  ::kill(pid, SIGKILL);

  ASSERT_TRUE(EmulatedCluster::eventually([&] {
    json p = pod(name);
    return p["status"].contains("containerStatuses") &&
           p["status"]["containerStatuses"][0].value("restartCount", 0) >= 1 && sim::podIsReady(p);
  })) << pod(name)["status"].dump();
  json restarted = pod(name);
  const json& status = restarted["status"]["containerStatuses"][0];
  EXPECT_EQ(status["lastState"]["terminated"]["exitCode"], 128 + SIGKILL);
  EXPECT_EQ(status["lastState"]["terminated"]["reason"], "Error");
  EXPECT_TRUE(get(restarted["status"]["podIP"], "/").has_value());
}

TEST_F(RunPods, ContainerOutputIsKeptForKubectlLogsAcrossRestarts) {
  cluster.create(cluster.resource(sim::kDeployments), deploymentOf("orders", 1, "flotilla/echo"));
  ASSERT_TRUE(EmulatedCluster::eventually([&] {
    auto pods = cluster.list(sim::kPods);
    return pods.size() == 1 && sim::podIsReady(pods[0]);
  }));
  const json running = cluster.list(sim::kPods)[0];
  const std::string uid = running["metadata"]["uid"];
  const std::string listening = "listening on http://" + running["status"]["podIP"].get<std::string>() + ":8080\n";
  HttpRequest request;
  auto log = podLog(running, request);
  ASSERT_TRUE(log.ok()) << log.error().message;
  EXPECT_EQ(*log, listening);

  // A restarted container appends to the same log, as a kubelet's `kubectl logs` shows one stream.
  ::kill(cluster.simulator().podRunner()->pidOf(uid, "main"), SIGKILL);
  ASSERT_TRUE(EmulatedCluster::eventually([&] {
    auto again = podLog(running, request);
    return again.ok() && *again == listening + listening;
  })) << *podLog(running, request);

  // The log goes with the pod.
  cluster.remove(sim::kDeployments, "orders");
  EXPECT_TRUE(EmulatedCluster::eventually([&] { return !std::filesystem::exists(containerLogPath(uid, "main")); }));
}

TEST_F(RunPods, DeletingTheDeploymentStopsEveryProcess) {
  cluster.create(cluster.resource(sim::kDeployments), deploymentOf("orders", 2, "flotilla/echo"));
  ASSERT_TRUE(EmulatedCluster::eventually([&] {
    std::size_t ready = 0;
    for (const auto& p : cluster.list(sim::kPods)) ready += sim::podIsReady(p);
    return ready == 2;
  }));
  std::vector<std::string> addresses;
  for (const auto& p : cluster.list(sim::kPods)) addresses.push_back(p["status"]["podIP"]);
  cluster.remove(sim::kDeployments, "orders");
  EXPECT_TRUE(EmulatedCluster::eventually([&] { return cluster.list(sim::kPods).empty(); }));
  for (const auto& address : addresses) {
    EXPECT_TRUE(EmulatedCluster::eventually([&] { return !get(address, "/").has_value(); })) << address;
  }
}

}  // namespace
}  // namespace flotilla::apiserver
