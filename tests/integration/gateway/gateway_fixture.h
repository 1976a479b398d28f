#pragma once
// A small world for the gateway agent: the in-process API emulator, real `flotilla echo` backends on their own
// loopback addresses with EndpointSlices naming them, the ConfigMap the operator would render (render::renderGateway
// of a Gateway + Routes + Microservices + BreakerPolicy), a Pod object for the agent to report on, and the real
// `flotilla gateway` process (which starts the real HAProxy). Every process is stopped in TearDown, HAProxy included.

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "apiserver/child_process.h"
#include "apiserver/http_call.h"
#include "apiserver/loopback_address_pool.h"
#include "apiserver/test_api_server.h"
#include "kube/client.h"
#include "render/gateway_render.h"

namespace flotilla::gateway::testing {

using namespace std::chrono_literals;

// Polls `condition` every 20 ms until it holds or `bound` passes.
bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds bound = 20s);

struct EchoBackend {
  std::string service;
  std::string pod;
  std::string address;
  std::unique_ptr<apiserver::ChildProcess> process;
};

class GatewayTest : public ::testing::Test {
 protected:
  static constexpr std::uint16_t kListenerPort = 8080;  // listener port 80 + the renderer's low-port offset
  static constexpr std::uint16_t kAgentPort = 8405;

  void SetUp() override;
  void TearDown() override;
  // The emulator's options; tests that need pods run for real override this.
  virtual apiserver::ApiServerOptions serverOptions() const { return apiserver::TestApiServer::defaultOptions(); }

  // --- the cluster side
  // Renders the shop (routes /api/users → users, /api/orders → orders) at `generation`; `mutate` may change the
  // inputs first (e.g. add a header so the text differs).
  render::GatewayRender render(std::int64_t generation,
                               const std::function<void(render::GatewayInputs&)>& mutate = {}) const;
  // Creates or replaces ConfigMap shop/public-config with `configMap` (as rendered, or edited).
  void putConfigMap(nlohmann::json configMap);
  // Starts `flotilla echo` for `service` on a fresh loopback address.
  EchoBackend& startEcho(const std::string& service, const std::string& pod);
  // Writes the EndpointSlice of `service` listing exactly these backends (ready unless listed in `terminating`).
  void putEndpointSlice(const std::string& service, const std::vector<const EchoBackend*>& backends,
                        const std::vector<const EchoBackend*>& terminating = {});
  std::map<std::string, std::string> podAnnotations();

  // --- the agent
  void startAgent();
  void stopAgent();  // SIGTERM and wait
  void killAgent();  // SIGKILL: HAProxy keeps running
  std::optional<pid_t> haproxyMasterPid() const;
  std::vector<pid_t> haproxyProcesses() const;  // every haproxy process using this test's runtime directory
  static std::vector<pid_t> haproxyProcessesIn(const std::string& runtimeDir);
  bool waitUntilLoaded(const std::string& hash, std::chrono::milliseconds bound = 30s);
  bool waitUntilReady(std::chrono::milliseconds bound = 30s);

  // --- traffic
  apiserver::HttpOutcome get(const std::string& target, std::chrono::milliseconds timeout = 3s) const;
  // The `pod` field of the echo answer, "" when the request failed.
  std::string podServing(const std::string& target) const;
  std::string agentMetrics() const;
  // A sample's value from the agent's /metrics ("name{labels}" exactly as exposed), nullopt when absent.
  std::optional<double> agentMetric(const std::string& series) const;
  double reloadsSucceeded() const;

  std::unique_ptr<apiserver::TestApiServer> server_;
  std::shared_ptr<kube::Client> client_;
  apiserver::LoopbackAddressPool addresses_{apiserver::LoopbackAddressPool::randomFirstAddress()};
  std::string gatewayAddress_;
  std::string runtimeDir_;
  std::vector<std::unique_ptr<EchoBackend>> echoes_;
  std::unique_ptr<apiserver::ChildProcess> agent_;
  static constexpr const char* kPodName = "public-gateway-0";
};

}  // namespace flotilla::gateway::testing
