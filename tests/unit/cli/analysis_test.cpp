// Every analysis check (cli/analysis.h) with an input that triggers it and one that must not.
#include "cli/analysis.h"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "cli_fixtures.h"

namespace flotilla::cli {
namespace {

using testing::kBase;
using testing::parseInputs;
using testing::route;

std::vector<std::string> codesOf(const std::vector<Finding>& findings) {
  std::vector<std::string> out;
  for (const auto& f : findings) out.push_back(f.code + " " + f.kind + " " + f.object.str());
  return out;
}

constexpr std::string_view kPolicy = R"(
---
apiVersion: flotilla.io/v1alpha1
kind: BreakerPolicy
metadata: {name: strict, namespace: shop}
spec: {consecutiveFailures: 3}
)";

TEST(UnusedBreakerPolicy, PolicyNamedByNothingIsReported) {
  const auto in = parseInputs(std::string(kBase) + std::string(kPolicy) + route("r", "/", "a"));
  EXPECT_EQ(codesOf(unusedBreakerPolicies(in)), std::vector<std::string>{"FLT001 BreakerPolicy shop/strict"});
}

TEST(UnusedBreakerPolicy, PolicyNamedByRuleMicroserviceOrGatewayIsUsed) {
  // Named by a Route rule.
  auto in = parseInputs(std::string(kBase) + std::string(kPolicy) + route("r", "/", "a"));
  in.routes[0].spec.rules[0].breakerPolicyRef = api::LocalObjectRef{"strict"};
  EXPECT_TRUE(unusedBreakerPolicies(in).empty());
  // Named by a Microservice.
  in.routes[0].spec.rules[0].breakerPolicyRef.reset();
  in.microservices[1].spec.breakerPolicyRef = api::LocalObjectRef{"strict"};
  EXPECT_TRUE(unusedBreakerPolicies(in).empty());
  // Named as the Gateway's default.
  in.microservices[1].spec.breakerPolicyRef.reset();
  in.gateways[0].spec.defaults.breakerPolicyRef = api::LocalObjectRef{"strict"};
  EXPECT_TRUE(unusedBreakerPolicies(in).empty());
  // A reference from another namespace does not count.
  in.gateways[0].metadata.namespace_ = "other";
  EXPECT_EQ(unusedBreakerPolicies(in).size(), 1u);
}

TEST(ShadowedRoute, OlderCatchAllShadowsRegexRouteOnSameHost) {
  // PathPrefix "/" ranks above every RegularExpression match and matches every path.
  const auto in = parseInputs(std::string(kBase) + route("all", "/", "a", "", "PathPrefix", "2026-01-01T00:00:00Z") +
                              route("regex", "/api/.*", "b", "", "RegularExpression"));
  const auto findings = shadowedRoutes(in);
  ASSERT_EQ(codesOf(findings), std::vector<std::string>{"FLT002 Route shop/regex"});
  EXPECT_NE(findings[0].message.find("Route shop/all"), std::string::npos) << findings[0].message;
}

TEST(ShadowedRoute, OlderRouteWithMoreMethodsShadowsSamePathWithFewer) {
  const auto in = parseInputs(std::string(kBase) +
                              route("old", "/api", "a", "methods: [GET, POST]", "PathPrefix", "2026-01-01T00:00:00Z") +
                              route("new", "/api/users", "b", "methods: [GET]", "Exact", "2026-02-01T00:00:00Z") +
                              route("new2", "/api", "b", "methods: [GET]", "PathPrefix", "2026-02-01T00:00:00Z"));
  // Exact /api/users ranks above any PathPrefix, so only the PathPrefix /api GET route is shadowed.
  EXPECT_EQ(codesOf(shadowedRoutes(in)), std::vector<std::string>{"FLT002 Route shop/new2"});
}

TEST(ShadowedRoute, PrecedenceOfTheDataPlaneDecides) {
  // A longer prefix, an Exact path, a method-restricted match, a header match and another host all win over or
  // escape from PathPrefix /api: nothing is shadowed.
  const auto in = parseInputs(
      std::string(kBase) + route("api", "/api", "a", "", "PathPrefix", "2026-01-01T00:00:00Z") +
      route("longer", "/api/users", "b") + route("exact", "/api", "b", "", "Exact") +
      route("get", "/api", "b", "methods: [GET]") +
      route("hdr", "/api", "b", "headers: [{name: x-canary, value: \"1\"}]") + route("apix", "/apix", "b") +
      "---\napiVersion: flotilla.io/v1alpha1\nkind: Route\nmetadata: {name: host, namespace: shop}\nspec:\n"
      "  gatewayRef: {name: public}\n  hostnames: [shop.example.com]\n  rules:\n    - backends: [{service: b}]\n");
  EXPECT_TRUE(shadowedRoutes(in).empty()) << codesOf(shadowedRoutes(in)).front();
}

TEST(MicroserviceWithoutRoute, UnroutedMicroserviceIsReportedAsInfo) {
  const auto in = parseInputs(std::string(kBase) + route("r", "/", "a"));
  const auto findings = microservicesWithoutRoute(in);
  ASSERT_EQ(codesOf(findings), std::vector<std::string>{"FLT003 Microservice shop/b"});
  EXPECT_EQ(findings[0].severity, Severity::Info);
}

TEST(MicroserviceWithoutRoute, BackendOrFallbackServiceCountsAsRouted) {
  auto in = parseInputs(std::string(kBase) + std::string(kPolicy) + route("r", "/", "a"));
  in.policies[0].spec.fallback.service = "b";
  EXPECT_TRUE(microservicesWithoutRoute(in).empty());
}

TEST(MaxReplicasBelowCurrent, ReportedOnlyWithLiveReplicasAboveMax) {
  auto in = parseInputs(std::string(kBase));
  in.microservices[0].spec.autoscaling = api::Autoscaling{1, 3, 70, std::nullopt, nullptr};
  EXPECT_TRUE(maxReplicasBelowCurrent(in).empty()) << "offline: no live replicas, no finding";
  in.currentReplicas[{"shop", "a"}] = 3;
  EXPECT_TRUE(maxReplicasBelowCurrent(in).empty()) << "3 replicas fit under maxReplicas 3";
  in.currentReplicas[{"shop", "a"}] = 5;
  in.currentReplicas[{"shop", "b"}] = 9;  // b does not autoscale: no finding
  const auto findings = maxReplicasBelowCurrent(in);
  ASSERT_EQ(codesOf(findings), std::vector<std::string>{"FLT004 Microservice shop/a"});
  EXPECT_NE(findings[0].message.find("maxReplicas 3 is below the 5"), std::string::npos) << findings[0].message;
}

TEST(RouteBackendNotFound, MissingMicroserviceIsAnError) {
  const auto in = parseInputs(std::string(kBase) + route("r", "/", "ghost") + route("ok", "/x", "a"));
  const auto findings = routeBackendsNotFound(in);
  ASSERT_EQ(codesOf(findings), std::vector<std::string>{"FLT005 Route shop/r"});
  EXPECT_EQ(findings[0].severity, Severity::Error);
  EXPECT_NE(findings[0].message.find("spec.rules[0].backends[0].service"), std::string::npos);
  EXPECT_TRUE(hasErrors(findings));
}

TEST(RouteGatewayNotFound, MissingGatewayIsReported) {
  auto in = parseInputs(std::string(kBase) + route("r", "/", "a") + route("s", "/s", "a"));
  EXPECT_TRUE(routeGatewaysNotFound(in).empty());
  in.routes[1].spec.gatewayRef = {"private", ""};
  in.routes[0].spec.gatewayRef = {"public", "elsewhere"};
  EXPECT_EQ(codesOf(routeGatewaysNotFound(in)),
            (std::vector<std::string>{"FLT006 Route shop/r", "FLT006 Route shop/s"}));
}

TEST(Analyze, TheShopExampleIsClean) {
  // examples/shop is the documented happy path: it must not trip any check (all of its Microservices are routed).
  std::string shop;
  for (const char* file : {"gateway.yaml", "breaker-policy.yaml", "routes.yaml", "user-service.yaml",
                           "user-service-v2.yaml", "order-service.yaml", "payment-service.yaml"}) {
    std::ifstream in(std::string(FLOTILLA_SOURCE_DIR) + "/examples/shop/" + file);
    std::stringstream text;
    text << in.rdbuf();
    shop += "---\n" + text.str();
  }
  const auto findings = analyze(parseInputs(shop));
  EXPECT_TRUE(findings.empty()) << findings.front().str();
}

}  // namespace
}  // namespace flotilla::cli
