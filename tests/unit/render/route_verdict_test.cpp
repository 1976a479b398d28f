// Cross-checks: the verdict the renderer gives each Route (what the Route controller writes to status).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "render/breaker_resolution.h"
#include "render/gateway_render.h"
#include "render_fixtures.h"

namespace flotilla::render::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

const RouteVerdict& verdictOf(const std::vector<RouteVerdict>& verdicts, const std::string& name) {
  for (const auto& verdict : verdicts) {
    if (verdict.route.name == name) return verdict;
  }
  ADD_FAILURE() << "no verdict for " << name;
  static const RouteVerdict none;
  return none;
}

RouteVerdict verdictWith(GatewayInputs inputs, const json& routeObject) {
  inputs.routes.push_back(route(routeObject));
  return verdictOf(computeRouteVerdicts(inputs), routeObject["metadata"]["name"]);
}

bool hasErrorAt(const RouteVerdict& verdict, const std::string& path) {
  for (const auto& error : verdict.errors) {
    if (error.path == path) return true;
  }
  return false;
}

TEST(RouteVerdicts, ShopRoutesAreAcceptedAndResolved) {
  const auto verdicts = computeRouteVerdicts(shopInputs());
  ASSERT_EQ(verdicts.size(), 3u);
  EXPECT_EQ(verdicts[0].route.str(), "shop/orders");  // sorted by namespace/name
  for (const auto& verdict : verdicts) {
    EXPECT_TRUE(verdict.rendered) << verdict.route.str();
    EXPECT_EQ(verdict.accepted,
              (RouteCondition{"Accepted", true, "Accepted", "Route is accepted by Gateway shop/public"}));
    EXPECT_EQ(verdict.resolvedRefs, (RouteCondition{"ResolvedRefs", true, "ResolvedRefs", "All references resolved"}));
    EXPECT_EQ(verdict.gateway.str(), "shop/public");
    EXPECT_EQ(verdict.generation, 1);
  }
  EXPECT_EQ(renderGateway(shopInputs()).attachedRoutes, 3);
}

TEST(RouteVerdicts, UnknownMicroserviceIsBackendNotFound) {
  const auto v = verdictWith(shopInputs(), routeJson("shop", "ghost", {prefixRule("/ghost", "ghost-service")}));
  EXPECT_TRUE(v.accepted.status);
  EXPECT_FALSE(v.resolvedRefs.status);
  EXPECT_EQ(v.resolvedRefs.reason, "BackendNotFound");
  EXPECT_THAT(v.resolvedRefs.message, HasSubstr("spec.rules[0].backends[0].service: Microservice shop/ghost-service"));
  EXPECT_FALSE(v.rendered);
}

TEST(RouteVerdicts, UnknownPortIsBackendNotFound) {
  auto rule = prefixRule("/x", "user-service");
  rule["backends"][0]["port"] = "grpc";
  const auto v = verdictWith(shopInputs(), routeJson("shop", "badport", {rule}));
  EXPECT_EQ(v.resolvedRefs.reason, "BackendNotFound");
  EXPECT_THAT(v.resolvedRefs.message, HasSubstr("spec.rules[0].backends[0].port"));
  EXPECT_THAT(v.resolvedRefs.message, HasSubstr("has no port grpc"));
  rule["backends"][0]["port"] = 8080;  // by number works
  EXPECT_TRUE(verdictWith(shopInputs(), routeJson("shop", "numport", {rule})).rendered);
}

TEST(RouteVerdicts, BackendInAnotherNamespaceIsRefNotPermitted) {
  auto inputs = shopInputs();
  auto r = route(routeJson("shop", "cross", {prefixRule("/x", "user-service")}));
  r.spec.rules[0].backends[0].service = "billing/invoice-service";
  inputs.routes.push_back(r);
  const auto v = verdictOf(computeRouteVerdicts(inputs), "cross");
  EXPECT_EQ(v.resolvedRefs.reason, "RefNotPermitted");
  EXPECT_FALSE(v.rendered);
}

TEST(RouteVerdicts, MissingRulePolicyIsBreakerPolicyNotFound) {
  auto rule = prefixRule("/x", "user-service");
  rule["breakerPolicyRef"] = {{"name", "strict"}};
  const auto v = verdictWith(shopInputs(), routeJson("shop", "strict", {rule}));
  EXPECT_EQ(v.resolvedRefs.reason, "BreakerPolicyNotFound");
  EXPECT_THAT(v.resolvedRefs.message, HasSubstr("spec.rules[0].breakerPolicyRef: BreakerPolicy shop/strict not found"));
  EXPECT_FALSE(v.rendered);
}

TEST(RouteVerdicts, TimeoutRetriesThatDoNotFitTheRequestTimeoutAreAWarning) {
  auto rule = prefixRule("/x", "user-service");
  rule["timeout"] = {{"request", "2s"}};
  rule["retries"] = {{"attempts", 2}, {"perTryTimeout", "1500ms"}, {"retryOn", json::array({"timeout"})}};
  auto v = verdictWith(shopInputs(), routeJson("shop", "slow", {rule}));
  EXPECT_TRUE(v.rendered);
  ASSERT_EQ(v.warnings.size(), 1u);
  EXPECT_EQ(v.warnings[0],
            "spec.rules[0].retries: timeouts are not retried: no second attempt fits within timeout.request 2s (each "
            "attempt may take 1500ms)");
  EXPECT_THAT(v.resolvedRefs.message, HasSubstr("warning: spec.rules[0].retries: timeouts are not retried"));

  rule["timeout"] = {{"request", "3s"}};
  rule["retries"]["attempts"] = 3;
  rule["retries"]["perTryTimeout"] = "1s";
  v = verdictWith(shopInputs(), routeJson("shop", "slow", {rule}));
  ASSERT_EQ(v.warnings.size(), 1u);
  EXPECT_THAT(v.warnings[0], HasSubstr("timeouts are retried at most 2 time(s)"));

  rule["retries"]["attempts"] = 2;  // fits: no warning
  EXPECT_TRUE(verdictWith(shopInputs(), routeJson("shop", "slow", {rule})).warnings.empty());
}

TEST(RouteVerdicts, MissingMicroserviceDefaultPolicyOnlyWarns) {
  auto inputs = shopInputs();
  inputs.microservices[0].spec.breakerPolicyRef = api::LocalObjectRef{"gone"};  // user-service
  const auto v = verdictOf(computeRouteVerdicts(inputs), "users");
  EXPECT_TRUE(v.rendered);
  ASSERT_EQ(v.warnings.size(), 1u);
  EXPECT_THAT(v.warnings[0], HasSubstr("BreakerPolicy shop/gone"));
  EXPECT_THAT(v.resolvedRefs.message, HasSubstr("warning:"));
}

TEST(RouteVerdicts, InvalidSpecListsFieldPaths) {
  auto rule = prefixRule("/x", "user-service");
  rule["matches"][0]["path"]["value"] = "/x y";
  rule["backends"][0]["weight"] = 0;
  const auto v = verdictWith(shopInputs(), routeJson("shop", "broken", {rule}, {"Bad_Host"}));
  EXPECT_FALSE(v.accepted.status);
  EXPECT_EQ(v.accepted.reason, "InvalidSpec");
  EXPECT_TRUE(hasErrorAt(v, "spec.hostnames[0]"));
  EXPECT_TRUE(hasErrorAt(v, "spec.rules[0].matches[0].path.value"));
  EXPECT_TRUE(hasErrorAt(v, "spec.rules[0].backends"));  // all weights are 0
  EXPECT_THAT(v.accepted.message, HasSubstr("spec.rules[0].matches[0].path.value: "));
  EXPECT_FALSE(v.rendered);
}

TEST(RouteVerdicts, RegexThatPcreRejectsIsInvalidSpec) {
  auto rule = prefixRule("/x", "user-service");
  rule["matches"][0]["path"] = {{"type", "RegularExpression"}, {"value", "/a)(b"}};
  const auto v = verdictWith(shopInputs(), routeJson("shop", "regex", {rule}));
  EXPECT_EQ(v.accepted.reason, "InvalidSpec");
  EXPECT_TRUE(hasErrorAt(v, "spec.rules[0].matches[0].path.value"));
}

TEST(RouteVerdicts, InvalidBreakerPolicyMakesItsRoutesInvalid) {
  auto inputs = shopInputs();
  inputs.breakerPolicies[0].spec.healthCheck.path = "/health z";
  const auto v = verdictOf(computeRouteVerdicts(inputs), "users");
  EXPECT_EQ(v.accepted.reason, "InvalidSpec");
  EXPECT_THAT(v.accepted.message, HasSubstr("BreakerPolicy shop/default-breaker: spec.healthCheck.path"));
}

TEST(RouteVerdicts, NamespaceSameRejectsOtherNamespaces) {
  auto inputs = shopInputs();
  inputs.microservices.push_back(microservice(microserviceJson("team-a", "svc")));
  const auto v = verdictWith(inputs, routeJson("team-a", "a", {prefixRule("/a", "svc")}));
  EXPECT_FALSE(v.accepted.status);
  EXPECT_EQ(v.accepted.reason, "NotAllowedByListeners");
  EXPECT_THAT(v.accepted.message, HasSubstr("namespace team-a"));
  EXPECT_TRUE(v.resolvedRefs.status);  // references are still reported on their own
}

TEST(RouteVerdicts, NamespaceAllAndSelector) {
  auto inputs = shopInputs();
  inputs.microservices.push_back(microservice(microserviceJson("team-a", "svc")));
  inputs.microservices.push_back(microservice(microserviceJson("team-b", "svc")));
  inputs.routes.push_back(route(routeJson("team-a", "a", {prefixRule("/a", "svc")})));
  inputs.routes.push_back(route(routeJson("team-b", "b", {prefixRule("/b", "svc")})));
  inputs.gateway.spec.allowedRoutes.from = api::RouteNamespacesFrom::All;
  EXPECT_TRUE(verdictOf(computeRouteVerdicts(inputs), "a").rendered);
  EXPECT_TRUE(verdictOf(computeRouteVerdicts(inputs), "b").rendered);

  inputs.gateway.spec.allowedRoutes.from = api::RouteNamespacesFrom::Selector;
  inputs.gateway.spec.allowedRoutes.selector = {
      {"matchLabels", {{"gateway-access", "public"}}},
      {"matchExpressions", json::array({{{"key", "env"}, {"operator", "NotIn"}, {"values", json::array({"dev"})}}})}};
  inputs.namespaceLabels["team-a"] = {{"gateway-access", "public"}, {"env", "prod"}};
  inputs.namespaceLabels["team-b"] = {{"gateway-access", "public"}, {"env", "dev"}};
  inputs.namespaceLabels["shop"] = {{"gateway-access", "public"}};
  const auto verdicts = computeRouteVerdicts(inputs);
  EXPECT_TRUE(verdictOf(verdicts, "a").rendered);
  EXPECT_EQ(verdictOf(verdicts, "b").accepted.reason, "NotAllowedByListeners");
  EXPECT_TRUE(verdictOf(verdicts, "users").rendered);
}

TEST(RouteVerdicts, SameHostAndMatchConflictsAndTheOlderWins) {
  auto inputs = shopInputs();  // shop/orders was created 2024-01-01
  inputs.routes.push_back(route(routeJson("shop", "aaa-newer", {prefixRule("/api/orders/", "user-service")},
                                          {"shop.example.com"}, "2024-06-01T00:00:00Z")));
  auto verdicts = computeRouteVerdicts(inputs);
  const auto& newer = verdictOf(verdicts, "aaa-newer");
  EXPECT_FALSE(newer.accepted.status);
  EXPECT_EQ(newer.accepted.reason, "Conflicted");
  EXPECT_THAT(newer.accepted.message, HasSubstr("older Route shop/orders"));
  EXPECT_TRUE(verdictOf(verdicts, "orders").rendered);

  // Same creation time: namespace/name decides ("aaa-same" < "orders").
  inputs.routes.back().metadata.creationTimestamp = "2024-01-01T00:00:00Z";
  verdicts = computeRouteVerdicts(inputs);
  EXPECT_TRUE(verdictOf(verdicts, "aaa-newer").rendered);
  EXPECT_EQ(verdictOf(verdicts, "orders").accepted.reason, "Conflicted");
}

TEST(RouteVerdicts, DifferentHeadersOrHostsDoNotConflict) {
  auto inputs = shopInputs();
  auto canary = prefixRule("/api/orders", "user-service");
  canary["matches"][0]["headers"] = json::array({{{"name", "x-canary"}, {"value", "1"}}});
  inputs.routes.push_back(route(routeJson("shop", "canary", {canary}, {"shop.example.com"}, "2024-06-01T00:00:00Z")));
  inputs.routes.push_back(route(routeJson("shop", "other-host", {prefixRule("/api/orders", "user-service")},
                                          {"api.example.com"}, "2024-06-01T00:00:00Z")));
  const auto verdicts = computeRouteVerdicts(inputs);
  for (const auto& verdict : verdicts) EXPECT_TRUE(verdict.rendered) << verdict.route.str();
}

TEST(RouteVerdicts, RoutesOfOtherGatewaysAndDeletingRoutesAreIgnored) {
  auto inputs = shopInputs();
  auto other = route(routeJson("shop", "elsewhere", {prefixRule("/x", "user-service")}));
  other.spec.gatewayRef.name = "internal";
  inputs.routes.push_back(other);
  auto deleting = route(routeJson("shop", "going", {prefixRule("/y", "user-service")}));
  deleting.metadata.deleting = true;
  inputs.routes.push_back(deleting);
  const auto verdicts = computeRouteVerdicts(inputs);
  EXPECT_EQ(verdicts.size(), 3u);
}

TEST(RouteVerdicts, BadRoutesNeverChangeTheOthersConfig) {
  const auto baseline = renderGateway(shopInputs());
  auto inputs = shopInputs();
  auto bad = prefixRule("/api/users", "user-service");
  bad["matches"][0]["path"]["value"] = "/api/users\nbind :1";
  inputs.routes.push_back(route(routeJson("shop", "bad", {bad}, {"shop.example.com"})));
  inputs.routes.push_back(route(routeJson("shop", "ghost", {prefixRule("/ghost", "nobody")})));
  inputs.routes.push_back(route(routeJson("shop", "zz-conflict", {prefixRule("/api/users", "user-service")},
                                          {"shop.example.com"}, "2025-01-01T00:00:00Z")));
  const auto rendered = renderGateway(inputs);
  EXPECT_EQ(rendered.routeVerdicts.size(), 6u);
  EXPECT_EQ(rendered.attachedRoutes, 4);  // ghost is accepted but not rendered (unresolved backend)
  EXPECT_EQ(rendered.haproxyConfig, baseline.haproxyConfig);
  EXPECT_EQ(rendered.configHash, baseline.configHash);
}

// ---------------------------------------------------------------- breaker policy resolution

struct PolicyWorld {
  std::vector<api::BreakerPolicy> policies;
  api::Gateway gateway;
  api::Microservice ms;
  PolicyWorld() {
    for (const char* name : {"rule-policy", "ms-policy", "gw-policy"}) {
      api::BreakerPolicy p;
      p.metadata.name = name;
      p.metadata.namespace_ = std::string(name) == "gw-policy" ? "gateways" : "shop";
      policies.push_back(p);
    }
    gateway.metadata.name = "public";
    gateway.metadata.namespace_ = "gateways";
    gateway.spec.defaults.breakerPolicyRef = api::LocalObjectRef{"gw-policy"};
    ms.metadata.name = "users";
    ms.metadata.namespace_ = "shop";
    ms.spec.breakerPolicyRef = api::LocalObjectRef{"ms-policy"};
  }
};

TEST(BreakerResolution, RuleThenMicroserviceThenGatewayThenBuiltIn) {
  PolicyWorld w;
  const auto index = indexBreakerPolicies(w.policies);
  auto r = resolveBreakerPolicy(api::LocalObjectRef{"rule-policy"}, "shop", &w.ms, w.gateway, index);
  EXPECT_EQ(r.describe(), "BreakerPolicy shop/rule-policy (rule)");
  r = resolveBreakerPolicy(std::nullopt, "shop", &w.ms, w.gateway, index);
  EXPECT_EQ(r.describe(), "BreakerPolicy shop/ms-policy (Microservice default)");
  w.ms.spec.breakerPolicyRef.reset();
  r = resolveBreakerPolicy(std::nullopt, "shop", &w.ms, w.gateway, index);
  EXPECT_EQ(r.describe(), "BreakerPolicy gateways/gw-policy (Gateway default)");
  w.gateway.spec.defaults.breakerPolicyRef.reset();
  r = resolveBreakerPolicy(std::nullopt, "shop", &w.ms, w.gateway, index);
  EXPECT_EQ(r.describe(), "built-in defaults");
  EXPECT_EQ(r.spec.consecutiveFailures, 5);
  EXPECT_EQ(r.spec.openDuration, api::Duration::seconds(60));
}

TEST(BreakerResolution, MissingReferencesFallThrough) {
  PolicyWorld w;
  const auto index = indexBreakerPolicies(w.policies);
  w.ms.spec.breakerPolicyRef = api::LocalObjectRef{"nope"};
  const auto r = resolveBreakerPolicy(api::LocalObjectRef{"missing"}, "shop", &w.ms, w.gateway, index);
  EXPECT_TRUE(r.ruleRefMissing);
  EXPECT_EQ(r.origin, BreakerOrigin::Gateway);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_THAT(r.warnings[0], HasSubstr("shop/nope"));
  // The rule's reference is looked up in the Route's namespace, never the Gateway's.
  EXPECT_TRUE(resolveBreakerPolicy(api::LocalObjectRef{"gw-policy"}, "shop", nullptr, w.gateway, index).ruleRefMissing);
}

}  // namespace
}  // namespace flotilla::render::testing
