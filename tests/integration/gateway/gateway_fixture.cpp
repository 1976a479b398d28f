#include "gateway_fixture.h"

#include <signal.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "api/parse.h"
#include "kube/connect.h"
#include "kube/kubeconfig.h"
#include "kube/well_known_resources.h"

namespace flotilla::gateway::testing {

using nlohmann::json;

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds bound) {
  const auto deadline = std::chrono::steady_clock::now() + bound;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(20ms);
  }
  return true;
}

namespace {

template <typename T>
T decoded(const api::Parsed<T>& parsed) {
  std::string errors;
  for (const auto& error : parsed.errors) errors += error.toString() + "\n";
  EXPECT_TRUE(parsed.ok()) << errors;
  return parsed.value;
}

json microservice(const std::string& name) {
  return {
      {"apiVersion", "flotilla.io/v1alpha1"},
      {"kind", "Microservice"},
      {"metadata", {{"name", name}, {"namespace", "shop"}, {"uid", "uid-" + name}}},
      {"spec",
       {{"image", "flotilla/echo:1"}, {"ports", json::array({{{"name", "http"}, {"port", 8080}}})}, {"replicas", 2}}}};
}

json route(const std::string& name, const std::string& prefix, const std::string& service) {
  return {{"apiVersion", "flotilla.io/v1alpha1"},
          {"kind", "Route"},
          {"metadata",
           {{"name", name},
            {"namespace", "shop"},
            {"uid", "uid-" + name},
            {"generation", 1},
            {"creationTimestamp", "2024-01-01T00:00:00Z"}}},
          {"spec",
           {{"gatewayRef", {{"name", "public"}}},
            {"rules", json::array({{{"matches", json::array({{{"path", {{"type", "PathPrefix"}, {"value", prefix}}}}})},
                                    {"backends", json::array({{{"service", service}, {"port", "http"}}})}}})}}}};
}

bool verbose() {
  const char* value = std::getenv("FLOTILLA_TEST_VERBOSE");
  return value && *value && std::string(value) != "0";
}

}  // namespace

void GatewayTest::SetUp() {
  server_ = std::make_unique<apiserver::TestApiServer>(serverOptions());
  ASSERT_TRUE(server_->started()) << server_->startError();
  auto config = kube::loadKubeconfigFile(server_->kubeconfigPath());
  ASSERT_TRUE(config.ok()) << config.error().toString();
  kube::ClientOptions options;
  options.qps = 1000;
  options.burst = 1000;
  auto client = kube::connect(*config, options);
  ASSERT_TRUE(client.ok()) << client.error().toString();
  client_ = *client;
  auto ns = client_->create(kube::resources::kNamespaces, {{"metadata", {{"name", "shop"}}}});
  ASSERT_TRUE(ns.ok()) << ns.error().toString();
  auto pod = client_->create(
      kube::resources::kPods,
      {{"metadata", {{"name", kPodName}, {"namespace", "shop"}}},
       {"spec", {{"containers", json::array({{{"name", "gateway"}, {"image", "example.com/gateway-under-test"}}})}}}});
  ASSERT_TRUE(pod.ok()) << pod.error().toString();

  auto address = addresses_.allocate({kListenerPort, 8404, kAgentPort});
  ASSERT_TRUE(address);
  gatewayAddress_ = *address;
  std::string pattern = (std::filesystem::temp_directory_path() / "flotilla-gw-test-XXXXXX").string();
  ASSERT_NE(mkdtemp(pattern.data()), nullptr);
  runtimeDir_ = pattern;
}

void GatewayTest::TearDown() {
  if (agent_) {
    stopAgent();
    // SIGTERM soft-stops HAProxy before the agent exits: nothing of this test may be left running.
    EXPECT_TRUE(eventually([&] { return haproxyProcesses().empty(); }, 10s)) << "HAProxy survived the agent's stop";
  }
  for (pid_t pid : haproxyProcesses()) kill(pid, SIGKILL);
  for (auto& echo : echoes_) {
    if (echo->process) echo->process->terminate(2000ms);
  }
  echoes_.clear();
  if (!runtimeDir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(runtimeDir_, ec);
  }
  server_.reset();
}

render::GatewayRender GatewayTest::render(std::int64_t generation,
                                          const std::function<void(render::GatewayInputs&)>& mutate) const {
  render::GatewayInputs inputs;
  inputs.gateway = decoded(api::parseGateway(
      {{"apiVersion", "flotilla.io/v1alpha1"},
       {"kind", "Gateway"},
       {"metadata", {{"name", "public"}, {"namespace", "shop"}, {"uid", "uid-public"}, {"generation", generation}}},
       {"spec",
        {{"listeners", json::array({{{"name", "http"}, {"port", 80}}})},
         {"defaults", {{"timeout", "5s"}, {"breakerPolicyRef", {{"name", "fast"}}}}}}}}));
  inputs.breakerPolicies.push_back(
      decoded(api::parseBreakerPolicy({{"apiVersion", "flotilla.io/v1alpha1"},
                                       {"kind", "BreakerPolicy"},
                                       {"metadata", {{"name", "fast"}, {"namespace", "shop"}}},
                                       {"spec",
                                        {{"consecutiveFailures", 3},
                                         {"openDuration", "2s"},
                                         {"halfOpen", {{"probeInterval", "200ms"}, {"successesToClose", 1}}}}}})));
  for (const char* name : {"users", "orders"})
    inputs.microservices.push_back(decoded(api::parseMicroservice(microservice(name))));
  inputs.routes.push_back(decoded(api::parseRoute(route("users", "/api/users", "users"))));
  inputs.routes.push_back(decoded(api::parseRoute(route("orders", "/api/orders", "orders"))));
  if (mutate) mutate(inputs);
  auto rendered = render::renderGateway(inputs);
  EXPECT_EQ(rendered.attachedRoutes, static_cast<std::int32_t>(inputs.routes.size()));
  return rendered;
}

void GatewayTest::putConfigMap(json configMap) {
  // The owner (the Gateway CR) does not exist here; the garbage collector would delete an orphan.
  configMap["metadata"].erase("ownerReferences");
  auto existing = client_->get(kube::resources::kConfigMaps, "shop", "public-config");
  if (existing.ok()) {
    configMap["metadata"]["resourceVersion"] = (*existing)["metadata"]["resourceVersion"];
    auto updated = client_->update(kube::resources::kConfigMaps, configMap);
    ASSERT_TRUE(updated.ok()) << updated.error().toString();
  } else {
    auto created = client_->create(kube::resources::kConfigMaps, configMap);
    ASSERT_TRUE(created.ok()) << created.error().toString();
  }
}

EchoBackend& GatewayTest::startEcho(const std::string& service, const std::string& pod) {
  auto echo = std::make_unique<EchoBackend>();
  echo->service = service;
  echo->pod = pod;
  auto address = addresses_.allocate({8080});
  EXPECT_TRUE(address);
  echo->address = address.value_or("127.0.0.1");
  apiserver::ChildSpec spec;
  spec.argv = {FLOTILLA_BINARY, "echo", "--listen", echo->address + ":8080", "--service", service, "--pod", pod};
  spec.silenceOutput = true;
  std::string error;
  echo->process = apiserver::ChildProcess::spawn(spec, error);
  EXPECT_TRUE(echo->process) << error;
  const std::string address8080 = echo->address;
  EXPECT_TRUE(eventually([&] { return apiserver::tcpConnects(address8080, 8080, 200ms); }, 10s));
  echoes_.push_back(std::move(echo));
  return *echoes_.back();
}

void GatewayTest::putEndpointSlice(const std::string& service, const std::vector<const EchoBackend*>& backends,
                                   const std::vector<const EchoBackend*>& terminating) {
  json endpoints = json::array();
  auto add = [&](const EchoBackend* backend, bool ending) {
    endpoints.push_back({{"addresses", {backend->address}},
                         {"conditions", {{"ready", !ending}, {"serving", true}, {"terminating", ending}}},
                         {"targetRef", {{"kind", "Pod"}, {"namespace", "shop"}, {"name", backend->pod}}}});
  };
  for (const auto* backend : backends) add(backend, false);
  for (const auto* backend : terminating) add(backend, true);
  json slice = {
      {"apiVersion", "discovery.k8s.io/v1"},
      {"kind", "EndpointSlice"},
      {"metadata",
       {{"name", service + "-slice"}, {"namespace", "shop"}, {"labels", {{"kubernetes.io/service-name", service}}}}},
      {"addressType", "IPv4"},
      {"ports", json::array({{{"name", "http"}, {"port", 8080}, {"protocol", "TCP"}}})},
      {"endpoints", endpoints}};
  auto existing = client_->get(kube::resources::kEndpointSlices, "shop", service + "-slice");
  if (existing.ok()) {
    slice["metadata"]["resourceVersion"] = (*existing)["metadata"]["resourceVersion"];
    auto updated = client_->update(kube::resources::kEndpointSlices, slice);
    ASSERT_TRUE(updated.ok()) << updated.error().toString();
  } else {
    auto created = client_->create(kube::resources::kEndpointSlices, slice);
    ASSERT_TRUE(created.ok()) << created.error().toString();
  }
}

std::map<std::string, std::string> GatewayTest::podAnnotations() {
  std::map<std::string, std::string> out;
  auto pod = client_->get(kube::resources::kPods, "shop", kPodName);
  if (!pod.ok()) return out;
  const auto annotations = (*pod)["metadata"].value("annotations", json::object());
  for (const auto& [key, value] : annotations.items()) {
    if (value.is_string()) out[key] = value.get<std::string>();
  }
  return out;
}

void GatewayTest::startAgent() {
  apiserver::ChildSpec spec;
  spec.argv = {FLOTILLA_BINARY,      "gateway", "--config-map",         "shop/public-config",
               "--poll-interval-ms", "100",     "--stop-grace-seconds", "5",
               "--log-format",       "text",    "--log-level",          verbose() ? "debug" : "info"};
  spec.env = {{"KUBECONFIG", server_->kubeconfigPath()},
              {"FLOTILLA_BIND_ADDRESS", gatewayAddress_},
              {"FLOTILLA_RUNTIME_DIR", runtimeDir_},
              {"FLOTILLA_AGENT_PORT", std::to_string(kAgentPort)},
              {"POD_NAME", kPodName},
              {"POD_NAMESPACE", "shop"}};
  spec.silenceOutput = !verbose();
  std::string error;
  agent_ = apiserver::ChildProcess::spawn(spec, error);
  ASSERT_TRUE(agent_) << error;
}

void GatewayTest::stopAgent() {
  if (!agent_) return;
  const auto exit = agent_->terminate(15000ms);
  EXPECT_EQ(exit.signal, 0) << "agent did not exit on SIGTERM: " << exit.describe();
  EXPECT_EQ(exit.exitCode, 0) << exit.describe();
  agent_.reset();
}

void GatewayTest::killAgent() {
  if (!agent_) return;
  agent_->signal(SIGKILL);
  agent_->waitFor(5000ms);
  agent_.reset();
}

std::optional<pid_t> GatewayTest::haproxyMasterPid() const {
  std::ifstream in(runtimeDir_ + "/haproxy.pid");
  long pid = 0;
  if (in >> pid && pid > 0) return static_cast<pid_t>(pid);
  return std::nullopt;
}

std::vector<pid_t> GatewayTest::haproxyProcesses() const {
  return haproxyProcessesIn(runtimeDir_);
}

std::vector<pid_t> GatewayTest::haproxyProcessesIn(const std::string& runtimeDir) {
  std::vector<pid_t> out;
  if (runtimeDir.empty()) return out;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream cmdline(entry.path() / "cmdline");
    std::string text((std::istreambuf_iterator<char>(cmdline)), std::istreambuf_iterator<char>());
    if (text.find("haproxy") == std::string::npos || text.find(runtimeDir + "/") == std::string::npos) continue;
    std::ifstream stat(entry.path() / "stat");
    std::string line;
    std::getline(stat, line);
    const auto paren = line.rfind(')');
    if (paren != std::string::npos && paren + 2 < line.size() && line[paren + 2] == 'Z') continue;  // zombie
    out.push_back(static_cast<pid_t>(std::stol(name)));
  }
  return out;
}

bool GatewayTest::waitUntilLoaded(const std::string& hash, std::chrono::milliseconds bound) {
  return eventually(
      [&] {
        auto annotations = podAnnotations();
        return annotations["flotilla.io/loaded-config-hash"] == hash;
      },
      bound);
}

bool GatewayTest::waitUntilReady(std::chrono::milliseconds bound) {
  return eventually(
      [&] {
        apiserver::HttpCall call;
        call.host = gatewayAddress_;
        call.port = kAgentPort;
        call.target = "/readyz";
        auto outcome = apiserver::performHttpCall(call);
        return outcome.ok() && outcome.reply->status == 200;
      },
      bound);
}

apiserver::HttpOutcome GatewayTest::get(const std::string& target, std::chrono::milliseconds timeout) const {
  apiserver::HttpCall call;
  call.host = gatewayAddress_;
  call.port = kListenerPort;
  call.target = target;
  call.timeout = timeout;
  return apiserver::performHttpCall(call);
}

std::string GatewayTest::podServing(const std::string& target) const {
  auto outcome = get(target);
  if (!outcome.ok() || outcome.reply->status != 200) return {};
  auto body = json::parse(outcome.reply->body, nullptr, false);
  return body.is_object() ? body.value("pod", "") : "";
}

std::string GatewayTest::agentMetrics() const {
  apiserver::HttpCall call;
  call.host = gatewayAddress_;
  call.port = kAgentPort;
  call.target = "/metrics";
  auto outcome = apiserver::performHttpCall(call);
  return outcome.ok() ? outcome.reply->body : std::string();
}

std::optional<double> GatewayTest::agentMetric(const std::string& series) const {
  std::istringstream lines(agentMetrics());
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with(series + " ")) return std::stod(line.substr(series.size() + 1));
  }
  return std::nullopt;
}

double GatewayTest::reloadsSucceeded() const {
  return agentMetric("flotilla_gateway_config_reloads_total{result=\"success\"}").value_or(-1);
}

}  // namespace flotilla::gateway::testing
