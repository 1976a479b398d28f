// Schema defaults are applied like the API server applies them, and they are the typed model's defaults.
#include <gtest/gtest.h>

#include "api/duration.h"
#include "api/types.h"
#include "schema_test_support.h"

namespace flotilla::api::testing {
namespace {

using nlohmann::json;

json minimal(const std::string& kind, json spec) {
  json object = {{"apiVersion", "flotilla.io/v1alpha1"}, {"kind", kind}, {"metadata", {{"name", "x"}}}};
  if (!spec.is_null()) object["spec"] = std::move(spec);
  return object;
}

Duration durationOf(const json& text) {
  return parseDuration(text.get<std::string>()).value_or(Duration{-1});
}

TEST(SchemaDefaults, BreakerPolicyDefaultsAreTheTypedModels) {
  json object = minimal("BreakerPolicy", nullptr);  // no spec at all: `spec: default {}` fills it in
  validatorFor("BreakerPolicy").applyDefaults(object);
  const json& spec = object["spec"];
  const BreakerPolicySpec typed;
  EXPECT_EQ(spec["consecutiveFailures"], typed.consecutiveFailures);
  EXPECT_EQ(durationOf(spec["openDuration"]), typed.openDuration);
  EXPECT_EQ(durationOf(spec["halfOpen"]["probeInterval"]), typed.halfOpen.probeInterval);
  EXPECT_EQ(spec["halfOpen"]["successesToClose"], typed.halfOpen.successesToClose);
  EXPECT_EQ(spec["failureOn"], json(typed.failureOn));
  EXPECT_EQ(spec["maxConnections"], typed.maxConnections);
  EXPECT_EQ(spec["maxPendingRequests"], typed.maxPendingRequests);
  EXPECT_EQ(spec["maxRequestsPerConnection"], typed.maxRequestsPerConnection);
  EXPECT_EQ(spec["maxRetries"], typed.maxRetries);
  EXPECT_EQ(spec["scaleLimitsWithReplicas"], typed.scaleLimitsWithReplicas);
  EXPECT_EQ(spec["fallback"], json({{"status", typed.fallback.status}, {"body", typed.fallback.body}}));
  EXPECT_EQ(spec["healthCheck"]["path"], typed.healthCheck.path);
  EXPECT_EQ(validatorFor("BreakerPolicy").validate(object), FieldErrors{});
}

TEST(SchemaDefaults, RouteDefaultsAreTheTypedModels) {
  json object = minimal("Route", json::parse(R"({"gatewayRef":{"name":"public"},"rules":[{
      "matches":[{"path":{},"headers":[{"name":"x-canary","value":"1"}]}],
      "backends":[{"service":"a"}],"retries":{},"rateLimit":{"requestsPerSecond":5}}]})"));
  validatorFor("Route").applyDefaults(object);
  const json& rule = object["spec"]["rules"][0];
  EXPECT_EQ(rule["matches"][0]["path"], json({{"type", "PathPrefix"}, {"value", PathMatch{}.value}}));
  EXPECT_EQ(PathMatch{}.type, PathMatchType::PathPrefix);
  EXPECT_EQ(rule["matches"][0]["headers"][0]["type"], "Exact");
  EXPECT_EQ(HeaderMatch{}.type, HeaderMatchType::Exact);
  EXPECT_EQ(rule["backends"][0]["weight"], BackendRef{}.weight);
  EXPECT_FALSE(rule["backends"][0].contains("port")) << "absent port means the first port";
  EXPECT_EQ(rule["retries"]["attempts"], RetryPolicy{}.attempts);
  EXPECT_EQ(rule["rateLimit"]["burst"], RateLimit{}.burst);
  EXPECT_FALSE(rule.contains("timeout"));
  EXPECT_EQ(validatorFor("Route").validate(object), FieldErrors{});
}

TEST(SchemaDefaults, MicroserviceDefaultsAreTheTypedModels) {
  json object = minimal("Microservice", json::parse(R"({"image":"a:1","ports":[{"name":"http","port":80}],
      "autoscaling":{"maxReplicas":3}})"));
  validatorFor("Microservice").applyDefaults(object);
  const json& spec = object["spec"];
  EXPECT_EQ(spec["ports"][0]["protocol"], ServicePort{}.protocol);
  EXPECT_FALSE(spec["ports"][0].contains("targetPort")) << "absent targetPort means port";
  EXPECT_EQ(spec["strategy"], json({{"maxSurge", RolloutStrategy{}.maxSurge.toJson()},
                                    {"maxUnavailable", RolloutStrategy{}.maxUnavailable.toJson()}}));
  EXPECT_EQ(spec["autoscaling"]["minReplicas"], Autoscaling{}.minReplicas);
  EXPECT_EQ(spec["rolloutOnConfigChange"], MicroserviceSpec{}.rolloutOnConfigChange);
  EXPECT_FALSE(spec.contains("replicas")) << "a replicas default would collide with autoscaling";
  EXPECT_EQ(validatorFor("Microservice").validate(object), FieldErrors{});
}

TEST(SchemaDefaults, GatewayDefaultsAreTheTypedModels) {
  json object = minimal("Gateway", json::parse(R"({"listeners":[{"name":"http","port":80}]})"));
  validatorFor("Gateway").applyDefaults(object);
  const json& spec = object["spec"];
  EXPECT_EQ(spec["image"], GatewaySpec{}.image);
  EXPECT_EQ(spec["service"], json({{"type", GatewayService{}.type}}));
  EXPECT_EQ(spec["listeners"][0]["protocol"], Listener{}.protocol);
  EXPECT_EQ(spec["listeners"][0]["redirectToHttps"], Listener{}.redirectToHttps);
  EXPECT_EQ(spec["allowedRoutes"], json::parse(R"({"namespaces":{"from":"Same"}})"));
  EXPECT_EQ(AllowedRoutes{}.from, RouteNamespacesFrom::Same);
  EXPECT_FALSE(spec.contains("replicas"));
  EXPECT_EQ(validatorFor("Gateway").validate(object), FieldErrors{});
}

TEST(SchemaDefaults, NullsAreDefaultedOrDropped) {
  json object = minimal("BreakerPolicy", json::parse(R"({"consecutiveFailures":null,"fallback":{"service":null}})"));
  validatorFor("BreakerPolicy").applyDefaults(object);
  EXPECT_EQ(object["spec"]["consecutiveFailures"], 5);
  EXPECT_FALSE(object["spec"]["fallback"].contains("service"));

  json service = minimal("Microservice", json::parse(R"({"image":"a:1","replicas":null,
      "podTemplate":{"labels":{"team":null}}})"));
  validatorFor("Microservice").applyDefaults(service);
  EXPECT_FALSE(service["spec"].contains("replicas"));
  EXPECT_EQ(service["spec"]["podTemplate"]["labels"], json::object());
}

TEST(SchemaDefaults, WrittenValuesWin) {
  json object = minimal("BreakerPolicy", json::parse(R"({"consecutiveFailures":3,"halfOpen":{"probeInterval":"1s"}})"));
  validatorFor("BreakerPolicy").applyDefaults(object);
  EXPECT_EQ(object["spec"]["consecutiveFailures"], 3);
  EXPECT_EQ(object["spec"]["halfOpen"], json({{"probeInterval", "1s"}, {"successesToClose", 2}}));
}

}  // namespace
}  // namespace flotilla::api::testing
