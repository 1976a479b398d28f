#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "api/parse.h"
#include "validation_case.h"

namespace flotilla::api {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<std::string> strings(const FieldErrors& errors) {
  std::vector<std::string> out;
  for (const auto& e : errors) out.push_back(e.toString());
  return out;
}

json object(const char* kind, json spec) {
  return {{"apiVersion", "flotilla.io/v1alpha1"},
          {"kind", kind},
          {"metadata", {{"name", "x"}, {"namespace", "shop"}}},
          {"spec", std::move(spec)}};
}

TEST(ParseMicroservice, ReadsEveryField) {
  const auto parsed = parseMicroservice(R"({
    "apiVersion": "flotilla.io/v1alpha1", "kind": "Microservice",
    "metadata": {"name": "user-service", "namespace": "shop", "uid": "u-1", "resourceVersion": "42",
                 "creationTimestamp": "2024-01-02T03:04:05Z", "generation": 3, "labels": {"a": "b"},
                 "annotations": {"c": "d"}, "finalizers": ["x"], "managedFields": []},
    "spec": {
      "image": "ghcr.io/acme/user-service:1.4.2", "imagePullPolicy": "Always",
      "command": ["/app"], "args": ["--v=2"],
      "ports": [{"name": "http", "port": 8080, "targetPort": 9090, "protocol": "TCP", "appProtocol": "http"}],
      "env": [{"name": "A", "value": "1"}], "envFrom": [{"secretRef": {"name": "s"}}],
      "resources": {"requests": {"cpu": "100m"}},
      "autoscaling": {"minReplicas": 2, "maxReplicas": 10, "targetCPUUtilization": 70,
                      "targetMemoryUtilization": 80, "behavior": {"scaleDown": {"stabilizationWindowSeconds": 300}}},
      "probes": {"readiness": {"httpGet": {"path": "/healthz", "port": "http"}}},
      "disruptionBudget": {"minAvailable": "50%"},
      "strategy": {"maxSurge": 1, "maxUnavailable": "10%"},
      "breakerPolicyRef": {"name": "default-breaker"},
      "serviceAccountName": "users",
      "podTemplate": {"labels": {"tier": "api"}, "annotations": {"note": "x"}},
      "rolloutOnConfigChange": true
    },
    "status": {"readyReplicas": 3}
  })"_json);
  ASSERT_THAT(strings(parsed.errors), IsEmpty());
  const auto& ms = parsed.value;
  EXPECT_EQ(ms.metadata.name, "user-service");
  EXPECT_EQ(ms.metadata.namespace_, "shop");
  EXPECT_EQ(ms.metadata.uid, "u-1");
  EXPECT_EQ(ms.metadata.resourceVersion, "42");
  EXPECT_EQ(ms.metadata.creationTimestamp, "2024-01-02T03:04:05Z");
  EXPECT_EQ(ms.metadata.generation, 3);
  EXPECT_EQ(ms.metadata.labels.at("a"), "b");
  EXPECT_EQ(ms.metadata.annotations.at("c"), "d");
  EXPECT_FALSE(ms.metadata.deleting);
  EXPECT_EQ(ms.spec.image, "ghcr.io/acme/user-service:1.4.2");
  EXPECT_EQ(ms.spec.imagePullPolicy, "Always");
  EXPECT_THAT(ms.spec.command, ElementsAre("/app"));
  EXPECT_THAT(ms.spec.args, ElementsAre("--v=2"));
  ASSERT_EQ(ms.spec.ports.size(), 1u);
  EXPECT_EQ(ms.spec.ports[0].name, "http");
  EXPECT_EQ(ms.spec.ports[0].port, 8080);
  EXPECT_EQ(ms.spec.ports[0].targetPort, 9090);
  EXPECT_EQ(ms.spec.ports[0].appProtocol, "http");
  EXPECT_EQ(ms.spec.env, json::parse(R"([{"name": "A", "value": "1"}])"));
  EXPECT_EQ(ms.spec.envFrom[0]["secretRef"]["name"], "s");
  EXPECT_EQ(ms.spec.resources["requests"]["cpu"], "100m");
  EXPECT_FALSE(ms.spec.replicas.has_value());  // autoscaling owns the count
  ASSERT_TRUE(ms.spec.autoscaling.has_value());
  EXPECT_EQ(ms.spec.autoscaling->minReplicas, 2);
  EXPECT_EQ(ms.spec.autoscaling->maxReplicas, 10);
  EXPECT_EQ(ms.spec.autoscaling->targetCPUUtilization, 70);
  EXPECT_EQ(ms.spec.autoscaling->targetMemoryUtilization, 80);
  EXPECT_EQ(ms.spec.autoscaling->behavior["scaleDown"]["stabilizationWindowSeconds"], 300);
  EXPECT_EQ(ms.spec.probes["readiness"]["httpGet"]["port"], "http");
  ASSERT_TRUE(ms.spec.disruptionBudget.has_value());
  EXPECT_EQ(ms.spec.disruptionBudget->minAvailable->stringValue, "50%");
  EXPECT_FALSE(ms.spec.disruptionBudget->maxUnavailable.has_value());
  EXPECT_EQ(ms.spec.strategy.maxSurge.intValue, 1);
  EXPECT_EQ(ms.spec.strategy.maxUnavailable.stringValue, "10%");
  EXPECT_EQ(ms.spec.breakerPolicyRef->name, "default-breaker");
  EXPECT_EQ(ms.spec.serviceAccountName, "users");
  EXPECT_EQ(ms.spec.podTemplate.labels.at("tier"), "api");
  EXPECT_EQ(ms.spec.podTemplate.annotations.at("note"), "x");
  EXPECT_TRUE(ms.spec.rolloutOnConfigChange);
  EXPECT_EQ(ms.status["readyReplicas"], 3);
}

TEST(ParseMicroservice, AppliesDefaults) {
  const auto parsed =
      parseMicroservice(object("Microservice", {{"image", "nginx"}, {"ports", {{{"name", "http"}, {"port", 80}}}}}));
  ASSERT_THAT(strings(parsed.errors), IsEmpty());
  const auto& spec = parsed.value.spec;
  EXPECT_EQ(spec.replicas, 1);
  EXPECT_EQ(spec.ports[0].protocol, "TCP");
  EXPECT_EQ(spec.ports[0].targetPort, 80);
  EXPECT_EQ(spec.strategy.maxSurge.stringValue, "25%");
  EXPECT_EQ(spec.strategy.maxUnavailable.stringValue, "25%");
  EXPECT_FALSE(spec.autoscaling.has_value());
  EXPECT_FALSE(spec.rolloutOnConfigChange);
  EXPECT_TRUE(spec.env.is_array() && spec.env.empty());

  const auto scaled =
      parseMicroservice(object("Microservice", {{"image", "nginx"}, {"autoscaling", {{"maxReplicas", 4}}}}));
  ASSERT_THAT(strings(scaled.errors), IsEmpty());
  EXPECT_FALSE(scaled.value.spec.replicas.has_value());
  EXPECT_EQ(scaled.value.spec.autoscaling->minReplicas, 1);
}

TEST(ParseMicroservice, ReportsTypeErrorsWithPaths) {
  const auto parsed = parseMicroservice(object(
      "Microservice", {{"image", 5},
                       {"replicas", "two"},
                       {"ports", {{{"name", "http"}, {"port", 8080.5}}, {{"name", "x"}, {"port", 3000000000LL}}}},
                       {"rolloutOnConfigChange", "yes"},
                       {"command", "run"},
                       {"strategy", {{"maxSurge", true}}},
                       {"podTemplate", {{"labels", {{"a", 1}}}}},
                       {"env", {{"name", "A"}}}}));
  EXPECT_THAT(
      strings(parsed.errors),
      ::testing::UnorderedElementsAre(
          "spec.image: must be a string", "spec.replicas: must be an integer", "spec.ports[0].port: must be an integer",
          "spec.ports[1].port: must fit in a 32-bit integer", "spec.rolloutOnConfigChange: must be a boolean",
          "spec.command: must be a list of strings", "spec.strategy.maxSurge: must be an integer or a string",
          "spec.podTemplate.labels[a]: must be a string", "spec.env: must be a list"));
}

TEST(ParseMicroservice, RejectsUnknownFieldsAtEveryLevel) {
  auto input = object("Microservice", {{"image", "nginx"},
                                       {"replica", 2},
                                       {"ports", {{{"name", "http"}, {"port", 80}, {"nmae", "x"}}}},
                                       {"autoscaling", {{"maxReplicas", 3}, {"targetCPU", 50}}}});
  input["metadata"]["nmae"] = "typo";
  input["extra"] = true;
  const auto parsed = parseMicroservice(input);
  EXPECT_THAT(strings(parsed.errors),
              ::testing::UnorderedElementsAre("spec.replica: unknown field", "spec.ports[0].nmae: unknown field",
                                              "spec.autoscaling.targetCPU: unknown field",
                                              "metadata.nmae: unknown field", "extra: unknown field"));
}

TEST(ParseMicroservice, NullMeansAbsent) {
  const auto parsed =
      parseMicroservice(object("Microservice", {{"image", "nginx"}, {"replicas", nullptr}, {"autoscaling", nullptr}}));
  ASSERT_THAT(strings(parsed.errors), IsEmpty());
  EXPECT_EQ(parsed.value.spec.replicas, 1);
}

TEST(ParseMicroservice, ChecksKindAndApiVersion) {
  auto input = object("Route", {{"image", "nginx"}});
  input["apiVersion"] = "flotilla.io/v2";
  EXPECT_THAT(strings(parseMicroservice(input).errors),
              ::testing::UnorderedElementsAre(
                  "apiVersion: unsupported value \"flotilla.io/v2\": supported values: \"flotilla.io/v1alpha1\"",
                  "kind: unsupported value \"Route\": supported values: \"Microservice\""));
  EXPECT_THAT(strings(parseMicroservice(json::array()).errors), ElementsAre("must be an object"));
}

TEST(ParseObjectMeta, ReadsDeletionAndIgnoresStandardFields) {
  const auto parsed = parseObjectMeta(R"({"name": "a", "deletionTimestamp": "2024-01-01T00:00:00Z",
    "ownerReferences": [], "generateName": "a-", "generation": 9007199254740993, "deletionGracePeriodSeconds": 0,
    "selfLink": "/x"})"_json);
  ASSERT_THAT(strings(parsed.errors), IsEmpty());
  EXPECT_TRUE(parsed.value.deleting);
  EXPECT_EQ(parsed.value.generation, 9007199254740993LL);
  EXPECT_THAT(strings(parseObjectMeta(R"({"labels": ["a"], "generation": "1"})"_json).errors),
              ::testing::UnorderedElementsAre("metadata.labels: must be a map of strings",
                                              "metadata.generation: must be an integer"));
}

TEST(ParseRoute, ReadsRulesAndAppliesDefaults) {
  const auto parsed = parseRoute(object("Route", R"({
        "gatewayRef": {"name": "public", "namespace": "gateways"},
        "hostnames": ["shop.example.com"],
        "rules": [
          {"backends": [{"service": "a"}]},
          {"name": "users",
           "matches": [{"methods": ["GET"]},
                       {"path": {"type": "RegularExpression", "value": "^/u/[0-9]+$"},
                        "headers": [{"name": "x-canary", "value": "1"},
                                    {"type": "RegularExpression", "name": "x-v", "value": "^2"}]},
                       {"path": {"type": "Exact"}}],
           "rewrite": {"fullPath": "/v2"},
           "requestHeaders": {"set": [{"name": "X-A", "value": "1"}], "add": [{"name": "X-B", "value": "2"}],
                              "remove": ["X-C"]},
           "responseHeaders": {"remove": ["Server"]},
           "backends": [{"service": "user-service", "port": "http", "weight": 90}, {"service": "v2", "port": 8080}],
           "timeout": {"request": "5s", "backendRequest": "1.5s"},
           "retries": {"attempts": 2, "perTryTimeout": "500ms", "retryOn": ["connect-failure", 503]},
           "breakerPolicyRef": {"name": "strict"},
           "rateLimit": {"requestsPerSecond": 100}}
        ]})"_json));
  ASSERT_THAT(strings(parsed.errors), IsEmpty());
  const auto& spec = parsed.value.spec;
  EXPECT_EQ(spec.gatewayRef.name, "public");
  EXPECT_EQ(spec.gatewayRef.namespace_, "gateways");
  EXPECT_THAT(spec.hostnames, ElementsAre("shop.example.com"));
  ASSERT_EQ(spec.rules.size(), 2u);

  const auto& first = spec.rules[0];  // no matches: one PathPrefix "/" match
  ASSERT_EQ(first.matches.size(), 1u);
  ASSERT_TRUE(first.matches[0].path.has_value());
  EXPECT_EQ(first.matches[0].path->type, PathMatchType::PathPrefix);
  EXPECT_EQ(first.matches[0].path->value, "/");
  EXPECT_EQ(first.backends[0].weight, 1);
  EXPECT_FALSE(first.backends[0].port.has_value());
  EXPECT_FALSE(first.retries.has_value());
  EXPECT_FALSE(first.timeout.request.has_value());

  const auto& second = spec.rules[1];
  EXPECT_EQ(second.name, "users");
  ASSERT_EQ(second.matches.size(), 3u);
  EXPECT_EQ(second.matches[0].path->type, PathMatchType::PathPrefix);  // match without path
  EXPECT_EQ(second.matches[0].path->value, "/");
  EXPECT_THAT(second.matches[0].methods, ElementsAre("GET"));
  EXPECT_EQ(second.matches[1].path->type, PathMatchType::RegularExpression);
  EXPECT_EQ(second.matches[1].path->value, "^/u/[0-9]+$");
  ASSERT_EQ(second.matches[1].headers.size(), 2u);
  EXPECT_EQ(second.matches[1].headers[0].type, HeaderMatchType::Exact);
  EXPECT_EQ(second.matches[1].headers[1].type, HeaderMatchType::RegularExpression);
  EXPECT_EQ(second.matches[2].path->type, PathMatchType::Exact);
  EXPECT_EQ(second.matches[2].path->value, "/");  // value defaults like the CRD
  EXPECT_EQ(second.rewrite->fullPath, "/v2");
  EXPECT_FALSE(second.rewrite->pathPrefix.has_value());
  EXPECT_EQ(second.requestHeaders.set[0].name, "X-A");
  EXPECT_EQ(second.requestHeaders.add[0].value, "2");
  EXPECT_THAT(second.requestHeaders.remove, ElementsAre("X-C"));
  EXPECT_THAT(second.responseHeaders.remove, ElementsAre("Server"));
  EXPECT_EQ(second.backends[0].port->stringValue, "http");
  EXPECT_EQ(second.backends[1].port->intValue, 8080);
  EXPECT_EQ(second.backends[1].weight, 1);
  EXPECT_EQ(second.timeout.request, Duration::seconds(5));
  EXPECT_EQ(second.timeout.backendRequest, Duration::milliseconds(1500));
  EXPECT_EQ(second.retries->attempts, 2);
  EXPECT_EQ(second.retries->perTryTimeout, Duration::milliseconds(500));
  EXPECT_THAT(second.retries->retryOn, ElementsAre("connect-failure", "503"));
  EXPECT_EQ(second.breakerPolicyRef->name, "strict");
  EXPECT_EQ(second.rateLimit->requestsPerSecond, 100);
  EXPECT_EQ(second.rateLimit->burst, 0);
}

TEST(ParseRoute, ReportsNestedTypeErrorsWithFullPaths) {
  const auto parsed = parseRoute(object("Route", R"({"gatewayRef": {"name": "gw"},
        "rules": [{"backends": [{"service": "a"}, {"service": "b", "weight": "heavy", "port": 1.5}],
                   "matches": [{"path": {"type": "Prefix", "value": "/"}, "headers": [{"type": "Regex"}]}],
                   "timeout": {"request": "5 seconds", "backendRequest": 5},
                   "retries": {"retryOn": [true]}}]})"_json));
  EXPECT_THAT(strings(parsed.errors),
              ::testing::UnorderedElementsAre(
                  "spec.rules[0].backends[1].weight: must be an integer",
                  "spec.rules[0].backends[1].port: must be an integer or a string",
                  "spec.rules[0].matches[0].path.type: unsupported value \"Prefix\": supported values: \"Exact\", "
                  "\"PathPrefix\", \"RegularExpression\"",
                  "spec.rules[0].matches[0].headers[0].type: unsupported value \"Regex\": supported values: "
                  "\"Exact\", \"RegularExpression\"",
                  ::testing::StartsWith("spec.rules[0].timeout.request: invalid duration \"5 seconds\""),
                  "spec.rules[0].timeout.backendRequest: must be a duration string such as 5s, 1m30s or 250ms",
                  "spec.rules[0].retries.retryOn[0]: must be an integer or a string"));
}

TEST(ParseBreakerPolicy, AppliesDefaultsAndReplacesLists) {
  const auto defaults = parseBreakerPolicy(object("BreakerPolicy", nullptr));
  ASSERT_THAT(strings(defaults.errors), IsEmpty());
  const auto& spec = defaults.value.spec;
  EXPECT_EQ(spec.consecutiveFailures, 5);
  EXPECT_EQ(spec.openDuration, Duration::seconds(60));
  EXPECT_EQ(spec.halfOpen.probeInterval, Duration::seconds(5));
  EXPECT_EQ(spec.halfOpen.successesToClose, 2);
  EXPECT_THAT(spec.failureOn, ElementsAre("5xx", "connect-failure", "timeout"));
  EXPECT_EQ(spec.maxConnections, 1024);
  EXPECT_EQ(spec.maxPendingRequests, 1024);
  EXPECT_EQ(spec.maxRequestsPerConnection, 0);
  EXPECT_EQ(spec.maxRetries, 3);
  EXPECT_TRUE(spec.scaleLimitsWithReplicas);
  EXPECT_EQ(spec.fallback.status, 503);
  EXPECT_EQ(spec.fallback.body, "service unavailable");
  EXPECT_EQ(spec.healthCheck.path, "/healthz");

  const auto custom = parseBreakerPolicy(object(
      "BreakerPolicy", R"({"consecutiveFailures": 3, "openDuration": "1m30s", "halfOpen": {"probeInterval": "250ms"},
        "failureOn": ["reset"], "scaleLimitsWithReplicas": false, "fallback": {"service": "static"},
        "healthCheck": {"path": "/ready"}})"_json));
  ASSERT_THAT(strings(custom.errors), IsEmpty());
  EXPECT_EQ(custom.value.spec.consecutiveFailures, 3);
  EXPECT_EQ(custom.value.spec.openDuration, Duration::seconds(90));
  EXPECT_EQ(custom.value.spec.halfOpen.probeInterval, Duration::milliseconds(250));
  EXPECT_EQ(custom.value.spec.halfOpen.successesToClose, 2);
  EXPECT_THAT(custom.value.spec.failureOn, ElementsAre("reset"));
  EXPECT_FALSE(custom.value.spec.scaleLimitsWithReplicas);
  EXPECT_EQ(custom.value.spec.fallback.service, "static");
  EXPECT_EQ(custom.value.spec.fallback.status, 503);
  EXPECT_EQ(custom.value.spec.healthCheck.path, "/ready");

  EXPECT_THAT(strings(parseBreakerPolicy(object("BreakerPolicy", {{"openDuration", "forever"}})).errors),
              ElementsAre(::testing::StartsWith("spec.openDuration: invalid duration \"forever\"")));
}

TEST(ParseGateway, ReadsListenersAndAppliesDefaults) {
  const auto parsed =
      parseGateway(object("Gateway", R"({"listeners": [{"name": "http", "port": 80, "redirectToHttps": true},
                                   {"name": "https", "port": 443, "protocol": "HTTPS", "tls": {"secretRef": {"name": "t"}}}],
                     "allowedRoutes": {"namespaces": {"from": "Selector", "selector": {"matchLabels": {"a": "b"}}}},
                     "service": {"type": "LoadBalancer", "annotations": {"x": "y"}},
                     "defaults": {"timeout": "30s", "breakerPolicyRef": {"name": "d"}},
                     "resources": {"limits": {"cpu": "1"}}})"_json));
  ASSERT_THAT(strings(parsed.errors), IsEmpty());
  const auto& spec = parsed.value.spec;
  EXPECT_EQ(spec.replicas, 1);
  EXPECT_EQ(spec.image, "flotilla/gateway:latest");
  ASSERT_EQ(spec.listeners.size(), 2u);
  EXPECT_EQ(spec.listeners[0].protocol, "HTTP");
  EXPECT_TRUE(spec.listeners[0].redirectToHttps);
  EXPECT_FALSE(spec.listeners[0].tls.has_value());
  EXPECT_EQ(spec.listeners[1].protocol, "HTTPS");
  EXPECT_EQ(spec.listeners[1].tls->secretRef.name, "t");
  EXPECT_EQ(spec.allowedRoutes.from, RouteNamespacesFrom::Selector);
  EXPECT_EQ(spec.allowedRoutes.selector["matchLabels"]["a"], "b");
  EXPECT_EQ(spec.service.type, "LoadBalancer");
  EXPECT_EQ(spec.service.annotations.at("x"), "y");
  EXPECT_EQ(spec.defaults.timeout, Duration::seconds(30));
  EXPECT_EQ(spec.defaults.breakerPolicyRef->name, "d");
  EXPECT_EQ(spec.resources["limits"]["cpu"], "1");

  const auto minimal = parseGateway(object("Gateway", {{"listeners", {{{"name", "web"}, {"port", 80}}}}}));
  ASSERT_THAT(strings(minimal.errors), IsEmpty());
  EXPECT_EQ(minimal.value.spec.allowedRoutes.from, RouteNamespacesFrom::Same);
  EXPECT_EQ(minimal.value.spec.service.type, "ClusterIP");
  EXPECT_FALSE(minimal.value.spec.defaults.timeout.has_value());

  EXPECT_THAT(
      strings(parseGateway(object("Gateway", {{"allowedRoutes", {{"namespaces", {{"from", "Some"}}}}}})).errors),
      ElementsAre("spec.allowedRoutes.namespaces.from: unsupported value \"Some\": supported values: \"Same\", "
                  "\"All\", \"Selector\""));
}

TEST(ParseResource, DispatchesOnKind) {
  for (const char* kind : {"Microservice", "Route", "BreakerPolicy", "Gateway"}) {
    const auto parsed = parseResource(object(kind, json::object()));
    EXPECT_THAT(strings(parsed.errors), IsEmpty()) << kind;
    EXPECT_EQ(kindOf(parsed.value), kind);
    EXPECT_EQ(metadataOf(parsed.value).name, "x");
  }
  EXPECT_TRUE(std::holds_alternative<Route>(parseResource(object("Route", json::object())).value));
}

TEST(ParseResource, KeepsOtherKubernetesObjectsVerbatim) {
  const json deployment = R"({"apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {"name": "web", "namespace": "shop", "labels": {"a": "b"}}, "spec": {"replicas": 3}})"_json;
  const auto parsed = parseResource(deployment);
  ASSERT_THAT(strings(parsed.errors), IsEmpty());
  const auto* other = std::get_if<OtherObject>(&parsed.value);
  ASSERT_NE(other, nullptr);
  EXPECT_EQ(other->apiVersion, "apps/v1");
  EXPECT_EQ(other->kind, "Deployment");
  EXPECT_EQ(other->metadata.name, "web");
  EXPECT_EQ(other->metadata.labels.at("a"), "b");
  EXPECT_EQ(other->object, deployment);
  EXPECT_EQ(kindOf(parsed.value), "Deployment");

  const auto configMap = parseResource(R"({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}})"_json);
  EXPECT_THAT(strings(configMap.errors), IsEmpty());
  EXPECT_TRUE(std::holds_alternative<OtherObject>(configMap.value));
}

TEST(ParseResource, RejectsUnknownFlotillaKindsAndMissingTypeInfo) {
  EXPECT_THAT(strings(parseResource(object("Service", json::object())).errors),
              ElementsAre("kind: unsupported value \"Service\": supported values: \"Microservice\", \"Route\", "
                          "\"BreakerPolicy\", \"Gateway\""));
  auto wrongVersion = object("Route", json::object());
  wrongVersion["apiVersion"] = "flotilla.io/v1";
  EXPECT_THAT(
      strings(parseResource(wrongVersion).errors),
      ElementsAre("apiVersion: unsupported value \"flotilla.io/v1\": supported values: \"flotilla.io/v1alpha1\""));
  EXPECT_THAT(strings(parseResource(R"({"metadata": {"name": "x"}})"_json).errors),
              ElementsAre("apiVersion: required", "kind: required"));
  EXPECT_THAT(strings(parseResource(R"({"apiVersion": 1, "kind": "X"})"_json).errors),
              ElementsAre("apiVersion: must be a string"));
  EXPECT_THAT(strings(parseResource("text").errors), ElementsAre("must be an object"));
}

TEST(LoadResource, ValidatesOnlyWhatDecoded) {
  // A decoding error is reported alone, not followed by "required" for the same field.
  EXPECT_THAT(
      strings(
          loadResource(object("Microservice", {{"image", 5}, {"ports", {{{"name", "http"}, {"port", 80}}}}})).errors),
      ElementsAre("spec.image: must be a string"));
  EXPECT_THAT(strings(loadResource(object("Microservice", {{"ports", {{{"name", "http"}, {"port", 80}}}}})).errors),
              ElementsAre("spec.image: required"));
  EXPECT_THAT(
      strings(loadResource(R"({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}})"_json).errors),
      IsEmpty());
}

}  // namespace
}  // namespace flotilla::api
