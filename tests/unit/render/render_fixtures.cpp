#include "render_fixtures.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "api/parse.h"

namespace flotilla::render::testing {
namespace {

template <typename T>
T decodeOrFail(const api::Parsed<T>& parsed, const nlohmann::json& object) {
  std::string errors;
  for (const auto& error : parsed.errors) errors += error.toString() + "\n";
  EXPECT_TRUE(parsed.ok()) << "fixture does not parse: " << errors << object.dump();
  return parsed.value;
}

}  // namespace

api::Microservice microservice(const nlohmann::json& o) {
  return decodeOrFail(api::parseMicroservice(o), o);
}
api::Route route(const nlohmann::json& o) {
  return decodeOrFail(api::parseRoute(o), o);
}
api::BreakerPolicy breakerPolicy(const nlohmann::json& o) {
  return decodeOrFail(api::parseBreakerPolicy(o), o);
}
api::Gateway gateway(const nlohmann::json& o) {
  return decodeOrFail(api::parseGateway(o), o);
}

nlohmann::json microserviceJson(const std::string& ns, const std::string& name, int replicas) {
  return {{"apiVersion", "flotilla.io/v1alpha1"},
          {"kind", "Microservice"},
          {"metadata", {{"name", name}, {"namespace", ns}, {"uid", "uid-" + name}}},
          {"spec",
           {{"image", "ghcr.io/acme/" + name + ":1.0"},
            {"ports", nlohmann::json::array({{{"name", "http"}, {"port", 8080}}})},
            {"replicas", replicas}}}};
}

nlohmann::json routeJson(const std::string& ns, const std::string& name, const std::vector<nlohmann::json>& rules,
                         const std::vector<std::string>& hostnames, const std::string& creationTimestamp) {
  nlohmann::json metadata = {{"name", name}, {"namespace", ns}, {"uid", "uid-" + name}, {"generation", 1}};
  if (!creationTimestamp.empty()) metadata["creationTimestamp"] = creationTimestamp;
  return {{"apiVersion", "flotilla.io/v1alpha1"},
          {"kind", "Route"},
          {"metadata", metadata},
          {"spec",
           {{"gatewayRef", {{"name", "public"}, {"namespace", "shop"}}}, {"hostnames", hostnames}, {"rules", rules}}}};
}

nlohmann::json prefixRule(const std::string& prefix, const std::string& service) {
  return {{"matches", nlohmann::json::array({{{"path", {{"type", "PathPrefix"}, {"value", prefix}}}}})},
          {"backends", nlohmann::json::array({{{"service", service}}})}};
}

GatewayInputs shopInputs() {
  GatewayInputs inputs;
  inputs.gateway = gateway(R"({
    "apiVersion": "flotilla.io/v1alpha1", "kind": "Gateway",
    "metadata": {"name": "public", "namespace": "shop", "uid": "uid-public", "generation": 3},
    "spec": {"replicas": 2, "service": {"type": "LoadBalancer"},
             "listeners": [{"name": "http", "port": 80}],
             "defaults": {"timeout": "30s", "breakerPolicyRef": {"name": "default-breaker"}}}
  })"_json);
  inputs.breakerPolicies.push_back(breakerPolicy(R"({
    "apiVersion": "flotilla.io/v1alpha1", "kind": "BreakerPolicy",
    "metadata": {"name": "default-breaker", "namespace": "shop"},
    "spec": {"consecutiveFailures": 5, "openDuration": "60s"}
  })"_json));
  inputs.microservices.push_back(microservice(microserviceJson("shop", "user-service", 2)));
  inputs.microservices.push_back(microservice(microserviceJson("shop", "user-service-v2", 1)));
  auto orders = microserviceJson("shop", "order-service");
  orders["spec"].erase("replicas");
  orders["spec"]["autoscaling"] = {{"minReplicas", 2}, {"maxReplicas", 10}, {"targetCPUUtilization", 70}};
  inputs.microservices.push_back(microservice(orders));
  inputs.microservices.push_back(microservice(microserviceJson("shop", "payment-service", 2)));

  auto users = prefixRule("/api/users", "user-service");
  users["backends"] = {{{"service", "user-service"}, {"port", "http"}, {"weight", 90}},
                       {{"service", "user-service-v2"}, {"weight", 10}}};
  users["rewrite"] = {{"pathPrefix", "/"}};
  inputs.routes.push_back(route(routeJson("shop", "users", {users}, {"shop.example.com"})));
  inputs.routes.push_back(
      route(routeJson("shop", "orders", {prefixRule("/api/orders", "order-service")}, {"shop.example.com"})));
  auto payments = prefixRule("/api/payments", "payment-service");
  payments["retries"] = {{"attempts", 2}, {"retryOn", {"connect-failure", "5xx"}}};
  payments["timeout"] = {{"request", "2s"}};
  inputs.routes.push_back(route(routeJson("shop", "payments", {payments}, {"shop.example.com"})));
  return inputs;
}

ScratchDir::ScratchDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "flotilla-render-XXXXXX").string();
  char* made = mkdtemp(pattern.data());
  EXPECT_NE(made, nullptr);
  path_ = pattern;
}

ScratchDir::~ScratchDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string ScratchDir::write(const std::string& name, const std::string& content) const {
  const std::string file = path_ + "/" + name;
  std::ofstream(file, std::ios::binary) << content;
  return file;
}

CommandResult runCommand(const std::string& commandLine) {
  CommandResult result;
  FILE* pipe = popen(("(" + commandLine + ") 2>&1").c_str(), "r");
  if (!pipe) return result;
  std::array<char, 4096> buffer{};
  while (std::size_t n = fread(buffer.data(), 1, buffer.size(), pipe)) result.output.append(buffer.data(), n);
  const int status = pclose(pipe);
  result.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

CommandResult haproxyCheck(const std::string& config, const std::map<std::string, std::string>& environment) {
  ScratchDir dir;
  const std::string file = dir.write("haproxy.cfg", config);
  std::string command = "env";
  for (const auto& [name, value] : environment) command += " " + name + "='" + value + "'";
  // -dW turns warnings into errors: generated config must be warning-free too.
  command += " /usr/sbin/haproxy -c -dW -f '" + file + "'";
  return runCommand(command);
}

std::vector<std::string> routeDecisionOrder(const std::string& config) {
  std::vector<std::string> keys;
  std::istringstream lines(config);
  const std::string marker = "http-request set-var(txn.route) str(";
  for (std::string line; std::getline(lines, line);) {
    const auto at = line.find(marker);
    if (at == std::string::npos) continue;
    const auto start = at + marker.size();
    keys.push_back(line.substr(start, line.find(')', start) - start));
  }
  return keys;
}

}  // namespace flotilla::render::testing
