// The rendered config must pass the real `haproxy -c -dW` (HAProxy 2.6 at /usr/sbin/haproxy), warnings included.

#include <gtest/gtest.h>

#include "render/gateway_render.h"
#include "render_fixtures.h"

namespace flotilla::render::testing {
namespace {

using nlohmann::json;

void expectValid(const std::string& config, const std::map<std::string, std::string>& environment = {}) {
  const auto check = haproxyCheck(config, environment);
  EXPECT_EQ(check.exitCode, 0) << check.output << "\n" << config;
}

TEST(HaproxyCheck, ShopConfigIsValid) {
  const auto rendered = renderGateway(shopInputs());
  ASSERT_EQ(rendered.attachedRoutes, 3);
  expectValid(rendered.haproxyConfig);
}

TEST(HaproxyCheck, ShopWithEndpointsIsValid) {
  auto inputs = shopInputs();
  inputs.endpoints[{"shop", "user-service"}] = {{"10.0.0.1", 8080, "http", true, true, false, "u-1"},
                                                {"fd00::7", 8080, "http", true, true, false, "u-2"}};
  const auto rendered = renderGateway(inputs);
  EXPECT_NE(rendered.haproxyConfig.find("server ep2 ipv6@fd00::7:8080"), std::string::npos);
  expectValid(rendered.haproxyConfig);
}

TEST(HaproxyCheck, EmptyGatewayIsValid) {
  auto inputs = shopInputs();
  inputs.routes.clear();
  expectValid(renderGateway(inputs).haproxyConfig);
  inputs.gateway.spec.listeners.clear();
  expectValid(renderGateway(inputs).haproxyConfig);
}

// 200 Routes using every feature the renderer knows, in two namespaces.
GatewayInputs generatedInputs(int routes) {
  auto inputs = shopInputs();
  inputs.routes.clear();
  inputs.gateway.spec.allowedRoutes.from = api::RouteNamespacesFrom::All;
  for (const char* ns : {"shop", "team-x"}) {
    for (int s = 0; s < 10; ++s)
      inputs.microservices.push_back(microservice(microserviceJson(ns, "svc-" + std::to_string(s), 1 + s % 3)));
    auto strict = inputs.breakerPolicies[0];
    strict.metadata.name = "strict";
    strict.metadata.namespace_ = ns;
    strict.spec.consecutiveFailures = 2;
    strict.spec.failureOn = {"connect-failure"};
    strict.spec.maxRequestsPerConnection = 100;
    strict.spec.fallback.service = "svc-9";
    inputs.breakerPolicies.push_back(strict);
  }
  for (int i = 0; i < routes; ++i) {
    const std::string ns = i % 2 ? "team-x" : "shop";
    const std::string base = "/r" + std::to_string(i);
    std::vector<std::string> hosts;
    if (i % 4 == 1 || i % 4 == 3) hosts.push_back("h" + std::to_string(i) + ".example.com");
    if (i % 4 >= 2) hosts.push_back("*.w" + std::to_string(i) + ".example.com");
    json prefixRuleJson = prefixRule(base + "/p", "svc-" + std::to_string(i % 10));
    prefixRuleJson["rewrite"] = {{"pathPrefix", i % 3 ? "/v2" : "/"}};
    prefixRuleJson["requestHeaders"] = {
        {"set", json::array({{{"name", "X-Route"}, {"value", "r" + std::to_string(i)}}})},
        {"add", json::array({{{"name", "X-Via"}, {"value", "flotilla 100%"}}})},
        {"remove", json::array({"X-Debug"})}};
    prefixRuleJson["responseHeaders"] = {{"set", json::array({{{"name", "Cache-Control"}, {"value", "no-store"}}})}};
    if (i % 5 == 0) prefixRuleJson["rateLimit"] = {{"requestsPerSecond", 10 + i}, {"burst", i % 10 ? 40 + i : 0}};
    if (i % 7 == 0) prefixRuleJson["breakerPolicyRef"] = {{"name", "strict"}};
    json second = {
        {"matches",
         json::array(
             {{{"path", {{"type", "Exact"}, {"value", base + "/exact"}}}, {"methods", json::array({"GET", "HEAD"})}},
              {{"path", {{"type", "RegularExpression"}, {"value", base + "/[0-9]+(/.*)?"}}},
               {"headers",
                json::array({{{"name", "x-tenant"}, {"value", "t-" + std::to_string(i)}},
                             {{"name", "x-version"}, {"type", "RegularExpression"}, {"value", "2\\.[0-9]+"}}})}}})},
        {"backends", json::array({{{"service", "svc-" + std::to_string((i + 1) % 10)}, {"weight", 80}},
                                  {{"service", "svc-" + std::to_string((i + 2) % 10)}, {"weight", 20}}})},
        {"timeout", {{"request", "5s"}, {"backendRequest", "1500ms"}}},
        {"retries",
         {{"attempts", 2}, {"perTryTimeout", "1s"}, {"retryOn", json::array({"connect-failure", "503", "reset"})}}}};
    inputs.routes.push_back(route(routeJson(ns, "route-" + std::to_string(i), {prefixRuleJson, second}, hosts)));
  }
  return inputs;
}

TEST(HaproxyCheck, TwoHundredGeneratedRoutesAreValid) {
  const auto rendered = renderGateway(generatedInputs(200));
  ASSERT_EQ(rendered.routeVerdicts.size(), 200u);
  for (const auto& verdict : rendered.routeVerdicts) {
    ASSERT_TRUE(verdict.rendered) << verdict.route.str() << ": " << verdict.accepted.message << " / "
                                  << verdict.resolvedRefs.message;
  }
  expectValid(rendered.haproxyConfig);
}

TEST(HaproxyCheck, TlsListenerWithARealCertificateIsValid) {
  ScratchDir certs;
  const auto openssl = runCommand(
      "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=shop.example.com "
      "-keyout '" +
      certs.path() + "/key.pem' -out '" + certs.path() + "/cert.pem' && cat '" + certs.path() + "/cert.pem' '" +
      certs.path() + "/key.pem' > '" + certs.path() + "/shop-tls.pem'");
  ASSERT_EQ(openssl.exitCode, 0) << openssl.output;
  auto inputs = shopInputs();
  inputs.gateway.spec.listeners = {{"http", 80, "HTTP", std::nullopt, true},
                                   {"https", 443, "HTTPS", api::ListenerTls{{"shop-tls"}}, false}};
  const auto rendered = renderGateway(inputs);
  ASSERT_TRUE(rendered.gatewayErrors.empty());
  expectValid(rendered.haproxyConfig, {{"FLOTILLA_CERT_DIR", certs.path()}});
  // Without the certificate the config must fail: the check really reads the crt path.
  EXPECT_NE(haproxyCheck(rendered.haproxyConfig, {{"FLOTILLA_CERT_DIR", certs.path() + "/missing"}}).exitCode, 0);
}

}  // namespace
}  // namespace flotilla::render::testing
