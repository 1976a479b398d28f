#include <gtest/gtest.h>

#include "api/validate.h"
#include "validation_case.h"

namespace flotilla::api::testing {
namespace {

using nlohmann::json;

const json& base() {
  static const json object = R"({
    "apiVersion": "flotilla.io/v1alpha1", "kind": "Gateway",
    "metadata": {"name": "public", "namespace": "gateways"},
    "spec": {
      "replicas": 2,
      "service": {"type": "LoadBalancer", "annotations": {"service.beta.kubernetes.io/aws-load-balancer-type": "nlb"}},
      "listeners": [{"name": "http", "port": 80, "redirectToHttps": true},
                    {"name": "https", "port": 443, "protocol": "HTTPS", "tls": {"secretRef": {"name": "shop-tls"}}}],
      "allowedRoutes": {"namespaces": {"from": "Selector", "selector": {"matchLabels": {"shop": "true"}}}},
      "defaults": {"timeout": "30s", "breakerPolicyRef": {"name": "default-breaker"}}
    }
  })"_json;
  return object;
}

json spec(json patch) {
  return json{{"spec", std::move(patch)}};
}
json listeners(json list) {
  return spec({{"listeners", std::move(list)}});
}
json selector(json s) {
  return spec({{"allowedRoutes", {{"namespaces", {{"selector", std::move(s)}}}}}});
}

class GatewayValidation : public ::testing::TestWithParam<ValidationCase> {};

TEST_P(GatewayValidation, ReportsFieldPath) {
  expectCase(base(), GetParam());
}

TEST(GatewayValidationBase, BaseIsValid) {
  const auto errors = errorsAfterPatch(base(), json::object());
  EXPECT_TRUE(errors.empty()) << describe(errors);
}

INSTANTIATE_TEST_SUITE_P(
    Rules, GatewayValidation,
    ::testing::Values(
        ValidationCase{"name bad", {{"metadata", {{"name", "public.gw"}}}}, "metadata.name", "DNS-1035"},
        ValidationCase{"replicas too many", spec({{"replicas", 1001}}), "spec.replicas", "must be 0..1000"},
        ValidationCase{"replicas with autoscaling",
                       spec({{"autoscaling", {{"maxReplicas", 5}, {"targetCPUUtilization", 60}}}}), "spec.replicas",
                       "must not be set together with spec.autoscaling"},
        ValidationCase{"autoscaling max below min",
                       spec({{"replicas", nullptr},
                             {"autoscaling", {{"minReplicas", 3}, {"maxReplicas", 2}, {"targetCPUUtilization", 60}}}}),
                       "spec.autoscaling.maxReplicas", "must be >= minReplicas (3)"},
        ValidationCase{
            "autoscaling ok",
            spec({{"replicas", nullptr}, {"autoscaling", {{"maxReplicas", 4}, {"targetCPUUtilization", 60}}}}), "", ""},
        ValidationCase{"image empty", spec({{"image", ""}}), "spec.image", "required"},
        ValidationCase{"image space", spec({{"image", "haproxy latest"}}), "spec.image", "whitespace"},
        ValidationCase{"resources bad", spec({{"resources", {{"limits", {{"memory", "lots"}}}}}}),
                       "spec.resources.limits[memory]", "quantity"},
        ValidationCase{"service type bad", spec({{"service", {{"type", "ExternalName"}}}}), "spec.service.type",
                       "unsupported value \"ExternalName\""},
        ValidationCase{"service annotation key bad", spec({{"service", {{"annotations", {{"bad key", "x"}}}}}}),
                       "spec.service.annotations[bad key]", "qualified name"},
        ValidationCase{"service node port ok", spec({{"service", {{"type", "NodePort"}}}}), "", ""},
        ValidationCase{"listeners empty", listeners(json::array()), "spec.listeners", "at least 1 item"},
        ValidationCase{"listeners too many", listeners([] {
                         json l = json::array();
                         for (int i = 0; i < 17; ++i)
                           l.push_back({{"name", "l" + std::to_string(i)}, {"port", 8000 + i}});
                         return l;
                       }()),
                       "spec.listeners", "at most 16"},
        ValidationCase{"listener name required", listeners({{{"port", 80}}}), "spec.listeners[0].name", "required"},
        ValidationCase{"listener name bad", listeners({{{"name", "Web"}, {"port", 80}}}), "spec.listeners[0].name",
                       "DNS-1123 label"},
        ValidationCase{"listener port zero", listeners({{{"name", "web"}, {"port", 0}}}), "spec.listeners[0].port",
                       "must be 1..65535"},
        ValidationCase{"listener names duplicate",
                       listeners({{{"name", "web"}, {"port", 80}}, {{"name", "web"}, {"port", 81}}}),
                       "spec.listeners[1].name", "duplicate value"},
        ValidationCase{"listener ports duplicate",
                       listeners({{{"name", "a"}, {"port", 80}}, {{"name", "b"}, {"port", 80}}}),
                       "spec.listeners[1].port", "duplicate value"},
        ValidationCase{"listener protocol bad", listeners({{{"name", "web"}, {"port", 80}, {"protocol", "TCP"}}}),
                       "spec.listeners[0].protocol", "unsupported value \"TCP\""},
        ValidationCase{"https without tls", listeners({{{"name", "web"}, {"port", 443}, {"protocol", "HTTPS"}}}),
                       "spec.listeners[0].tls", "required for protocol HTTPS"},
        ValidationCase{"tls on http",
                       listeners({{{"name", "web"}, {"port", 80}, {"tls", {{"secretRef", {{"name", "x"}}}}}}}),
                       "spec.listeners[0].tls", "only allowed with protocol HTTPS"},
        ValidationCase{
            "tls secret name missing",
            listeners(
                {{{"name", "web"}, {"port", 443}, {"protocol", "HTTPS"}, {"tls", {{"secretRef", json::object()}}}}}),
            "spec.listeners[0].tls.secretRef.name", "required"},
        ValidationCase{"tls secret name bad",
                       listeners({{{"name", "web"},
                                   {"port", 443},
                                   {"protocol", "HTTPS"},
                                   {"tls", {{"secretRef", {{"name", "Shop_TLS"}}}}}}}),
                       "spec.listeners[0].tls.secretRef.name", "DNS-1123 subdomain"},
        ValidationCase{"redirect without https listener",
                       listeners({{{"name", "web"}, {"port", 80}, {"redirectToHttps", true}}}),
                       "spec.listeners[0].redirectToHttps", "requires an HTTPS listener"},
        ValidationCase{"redirect on https listener",
                       listeners({{{"name", "web"},
                                   {"port", 443},
                                   {"protocol", "HTTPS"},
                                   {"redirectToHttps", true},
                                   {"tls", {{"secretRef", {{"name", "tls"}}}}}}}),
                       "spec.listeners[0].redirectToHttps", "only allowed on HTTP listeners"},
        ValidationCase{"single http listener ok", listeners({{{"name", "web"}, {"port", 8080}}}), "", ""},
        ValidationCase{"selector required",
                       spec({{"allowedRoutes", {{"namespaces", {{"from", "Selector"}, {"selector", nullptr}}}}}}),
                       "spec.allowedRoutes.namespaces.selector", "required when from is Selector"},
        ValidationCase{"selector without Selector", spec({{"allowedRoutes", {{"namespaces", {{"from", "All"}}}}}}),
                       "spec.allowedRoutes.namespaces.selector", "only allowed when from is Selector"},
        ValidationCase{"selector label value bad", selector({{"matchLabels", {{"shop", "yes please"}}}}),
                       "spec.allowedRoutes.namespaces.selector.matchLabels[shop]", "label value"},
        ValidationCase{"selector unknown key", selector({{"matchFields", json::object()}}),
                       "spec.allowedRoutes.namespaces.selector.matchFields", "unknown field"},
        ValidationCase{"selector operator bad",
                       selector({{"matchExpressions", {{{"key", "team"}, {"operator", "Like"}, {"values", {"a"}}}}}}),
                       "spec.allowedRoutes.namespaces.selector.matchExpressions[0].operator", "unsupported value"},
        ValidationCase{"selector In without values",
                       selector({{"matchExpressions", {{{"key", "team"}, {"operator", "In"}}}}}),
                       "spec.allowedRoutes.namespaces.selector.matchExpressions[0].values", "non-empty"},
        ValidationCase{"selector Exists with values",
                       selector({{"matchExpressions", {{{"key", "team"}, {"operator", "Exists"}, {"values", {"a"}}}}}}),
                       "spec.allowedRoutes.namespaces.selector.matchExpressions[0].values", "must be empty"},
        ValidationCase{"selector expressions ok",
                       selector({{"matchLabels", nullptr},
                                 {"matchExpressions",
                                  {{{"key", "team"}, {"operator", "In"}, {"values", {"a", "b"}}},
                                   {{"key", "env"}, {"operator", "DoesNotExist"}}}}}),
                       "", ""},
        ValidationCase{"from all ok",
                       spec({{"allowedRoutes", {{"namespaces", {{"from", "All"}, {"selector", nullptr}}}}}}), "", ""},
        ValidationCase{"default timeout zero", spec({{"defaults", {{"timeout", "0s"}}}}), "spec.defaults.timeout",
                       "greater than 0"},
        ValidationCase{"default breaker ref bad", spec({{"defaults", {{"breakerPolicyRef", {{"name", "Bad"}}}}}}),
                       "spec.defaults.breakerPolicyRef.name", "DNS-1123 label"}),
    caseName);

}  // namespace
}  // namespace flotilla::api::testing
