#include <gtest/gtest.h>

#include "api/validate.h"
#include "validation_case.h"

namespace flotilla::api::testing {
namespace {

using nlohmann::json;

const json& base() {
  static const json object = R"({
    "apiVersion": "flotilla.io/v1alpha1", "kind": "Microservice",
    "metadata": {"name": "user-service", "namespace": "shop", "labels": {"app": "users"}},
    "spec": {
      "image": "ghcr.io/acme/user-service:1.4.2",
      "ports": [{"name": "http", "port": 8080}],
      "env": [{"name": "DB_URL", "valueFrom": {"secretKeyRef": {"name": "user-db", "key": "url"}}}],
      "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"memory": "256Mi"}},
      "replicas": 2,
      "probes": {"readiness": {"httpGet": {"path": "/healthz", "port": "http"}}},
      "disruptionBudget": {"minAvailable": 1},
      "strategy": {"maxSurge": "25%", "maxUnavailable": 0},
      "breakerPolicyRef": {"name": "default-breaker"},
      "serviceAccountName": "user-service"
    }
  })"_json;
  return object;
}

json spec(json patch) {
  return json{{"spec", std::move(patch)}};
}
json autoscaling(json patch) {
  json a = {{"minReplicas", 2}, {"maxReplicas", 10}, {"targetCPUUtilization", 70}};
  a.merge_patch(patch);
  return spec({{"replicas", nullptr}, {"autoscaling", a}});
}
json ports(std::size_t n) {
  json list = json::array();
  for (std::size_t i = 0; i < n; ++i) list.push_back({{"name", "p" + std::to_string(i)}, {"port", 1000 + i}});
  return spec({{"ports", list}, {"probes", nullptr}});
}

class MicroserviceValidation : public ::testing::TestWithParam<ValidationCase> {};

TEST_P(MicroserviceValidation, ReportsFieldPath) {
  expectCase(base(), GetParam());
}

TEST(MicroserviceValidationBase, BaseIsValid) {
  const auto errors = errorsAfterPatch(base(), json::object());
  EXPECT_TRUE(errors.empty()) << describe(errors);
}

INSTANTIATE_TEST_SUITE_P(
    Rules, MicroserviceValidation,
    ::testing::Values(
        // metadata
        ValidationCase{"name required", {{"metadata", {{"name", nullptr}}}}, "metadata.name", "required"},
        ValidationCase{"name uppercase", {{"metadata", {{"name", "User"}}}}, "metadata.name", "DNS-1035"},
        ValidationCase{"name leading digit", {{"metadata", {{"name", "1users"}}}}, "metadata.name", "DNS-1035"},
        ValidationCase{"name too long", {{"metadata", {{"name", std::string(64, 'a')}}}}, "metadata.name", "DNS-1035"},
        ValidationCase{"name ok", {{"metadata", {{"name", "a-b1"}}}}, "", ""},
        ValidationCase{"namespace bad", {{"metadata", {{"namespace", "Shop"}}}}, "metadata.namespace", "DNS-1123"},
        ValidationCase{"namespace ok", {{"metadata", {{"namespace", "shop-1"}}}}, "", ""},
        ValidationCase{"label key bad",
                       {{"metadata", {{"labels", {{"bad key!", "x"}}}}}},
                       "metadata.labels[bad key!]",
                       "qualified name"},
        ValidationCase{
            "label value bad", {{"metadata", {{"labels", {{"app", "-x"}}}}}}, "metadata.labels[app]", "label value"},
        ValidationCase{"label ok", {{"metadata", {{"labels", {{"app.kubernetes.io/name", "x_1.2"}}}}}}, "", ""},
        ValidationCase{"annotation key bad",
                       {{"metadata", {{"annotations", {{"-bad", "x"}}}}}},
                       "metadata.annotations[-bad]",
                       "qualified name"},
        ValidationCase{
            "annotation ok", {{"metadata", {{"annotations", {{"example.com/note", "any text: ok"}}}}}}, "", ""},
        // image
        ValidationCase{"image required", spec({{"image", nullptr}}), "spec.image", "required"},
        ValidationCase{"image space", spec({{"image", "bad image"}}), "spec.image", "whitespace"},
        ValidationCase{"image newline", spec({{"image", "nginx\n"}}), "spec.image", "control"},
        ValidationCase{"image too long", spec({{"image", std::string(1025, 'a')}}), "spec.image", "at most 1024"},
        ValidationCase{"image ok", spec({{"image", "nginx@sha256:abc"}}), "", ""},
        ValidationCase{"pull policy bad", spec({{"imagePullPolicy", "Sometimes"}}), "spec.imagePullPolicy",
                       "unsupported value"},
        ValidationCase{"pull policy ok", spec({{"imagePullPolicy", "IfNotPresent"}}), "", ""},
        ValidationCase{"command too long", spec({{"command", json(std::vector<std::string>(65, "x"))}}), "spec.command",
                       "at most 64"},
        ValidationCase{"args too long", spec({{"args", json(std::vector<std::string>(257, "x"))}}), "spec.args",
                       "at most 256"},
        ValidationCase{"args ok", spec({{"command", {"/bin/app"}}, {"args", {"--port", "8080"}}}), "", ""},
        // ports
        ValidationCase{"ports empty", spec({{"ports", json::array()}}), "spec.ports", "at least 1 item"},
        ValidationCase{"ports too many", ports(17), "spec.ports", "at most 16"},
        ValidationCase{"ports sixteen", ports(16), "", ""},
        ValidationCase{"port name required", spec({{"ports", {{{"port", 80}}}}}), "spec.ports[0].name", "required"},
        ValidationCase{"port name upper", spec({{"ports", {{{"name", "HTTP"}, {"port", 80}}}}}), "spec.ports[0].name",
                       "IANA"},
        ValidationCase{"port name 16 chars", spec({{"ports", {{{"name", "abcdefghijklmnop"}, {"port", 80}}}}}),
                       "spec.ports[0].name", "IANA"},
        ValidationCase{"port name digits only", spec({{"ports", {{{"name", "8080"}, {"port", 80}}}}}),
                       "spec.ports[0].name", "IANA"},
        ValidationCase{"port name double dash", spec({{"ports", {{{"name", "a--b"}, {"port", 80}}}}}),
                       "spec.ports[0].name", "IANA"},
        ValidationCase{"port zero", spec({{"ports", {{{"name", "http"}, {"port", 0}}}}}), "spec.ports[0].port",
                       "must be 1..65535"},
        ValidationCase{"port too big", spec({{"ports", {{{"name", "http"}, {"port", 65536}}}}}), "spec.ports[0].port",
                       "must be 1..65535"},
        ValidationCase{"target port zero", spec({{"ports", {{{"name", "http"}, {"port", 80}, {"targetPort", 0}}}}}),
                       "spec.ports[0].targetPort", "must be 1..65535"},
        ValidationCase{"protocol bad", spec({{"ports", {{{"name", "http"}, {"port", 80}, {"protocol", "HTTP"}}}}}),
                       "spec.ports[0].protocol", "unsupported value \"HTTP\""},
        ValidationCase{"app protocol bad",
                       spec({{"ports", {{{"name", "http"}, {"port", 80}, {"appProtocol", "h 2"}}}}}),
                       "spec.ports[0].appProtocol", "protocol name"},
        ValidationCase{"duplicate port name",
                       spec({{"ports", {{{"name", "http"}, {"port", 80}}, {{"name", "http"}, {"port", 81}}}}}),
                       "spec.ports[1].name", "duplicate value \"http\""},
        ValidationCase{"duplicate port number",
                       spec({{"ports", {{{"name", "http"}, {"port", 80}}, {{"name", "web"}, {"port", 80}}}}}),
                       "spec.ports[1].port", "duplicate value"},
        ValidationCase{
            "ports ok",
            spec({{"ports",
                   {{{"name", "http"}, {"port", 80}, {"targetPort", 8080}, {"appProtocol", "kubernetes.io/h2c"}},
                    {{"name", "dns"}, {"port", 80}, {"protocol", "UDP"}}}},
                  {"probes", nullptr}}),
            "", ""},
        // env
        ValidationCase{"env name required", spec({{"env", {{{"value", "x"}}}}}), "spec.env[0].name", "required"},
        ValidationCase{"env name with equals", spec({{"env", {{{"name", "A=B"}, {"value", "x"}}}}}), "spec.env[0].name",
                       "'='"},
        ValidationCase{"env duplicate", spec({{"env", {{{"name", "A"}}, {{"name", "A"}}}}}), "spec.env[1].name",
                       "duplicate value"},
        ValidationCase{"env value and valueFrom",
                       spec({{"env", {{{"name", "A"}, {"value", "x"}, {"valueFrom", json::object()}}}}}),
                       "spec.env[0].valueFrom", "together with value"},
        ValidationCase{"env item not object", spec({{"env", {"A=B"}}}), "spec.env[0]", "must be an object"},
        ValidationCase{"envFrom item not object", spec({{"envFrom", {"x"}}}), "spec.envFrom[0]", "must be an object"},
        ValidationCase{"env ok",
                       spec({{"env", {{{"name", "A"}, {"value", "1"}}, {{"name", "B"}}}},
                             {"envFrom", {{{"configMapRef", {{"name", "cfg"}}}}}}}),
                       "", ""},
        // resources
        ValidationCase{"quantity bad", spec({{"resources", {{"requests", {{"cpu", "abc"}}}}}}),
                       "spec.resources.requests[cpu]", "quantity"},
        ValidationCase{"quantity negative", spec({{"resources", {{"requests", {{"cpu", "-1"}}}}}}),
                       "spec.resources.requests[cpu]", "greater than or equal to 0"},
        ValidationCase{"requests above limits",
                       spec({{"resources", {{"requests", {{"memory", "512Mi"}}}, {"limits", {{"memory", "256Mi"}}}}}}),
                       "spec.resources.requests[memory]", "limit (256Mi)"},
        ValidationCase{"resources unknown key", spec({{"resources", {{"request", json::object()}}}}),
                       "spec.resources.request", "unknown field"},
        ValidationCase{"resource name bad", spec({{"resources", {{"limits", {{"bad name", "1"}}}}}}),
                       "spec.resources.limits[bad name]", "qualified name"},
        ValidationCase{"resources ok",
                       spec({{"resources",
                              {{"requests", {{"cpu", 0.5}, {"memory", "1Gi"}}},
                               {"limits", {{"cpu", 1}, {"memory", "1Gi"}, {"nvidia.com/gpu", "1"}}}}}}),
                       "", ""},
        // replicas and autoscaling
        ValidationCase{"replicas negative", spec({{"replicas", -1}}), "spec.replicas", "must be 0..10000"},
        ValidationCase{"replicas too many", spec({{"replicas", 10001}}), "spec.replicas", "must be 0..10000"},
        ValidationCase{"replicas zero ok", spec({{"replicas", 0}}), "", ""},
        ValidationCase{"replicas with autoscaling",
                       spec({{"autoscaling", {{"maxReplicas", 3}, {"targetCPUUtilization", 70}}}}), "spec.replicas",
                       "must not be set together with spec.autoscaling"},
        ValidationCase{"autoscaling ok", autoscaling(json::object()), "", ""},
        ValidationCase{"min replicas zero", autoscaling({{"minReplicas", 0}}), "spec.autoscaling.minReplicas",
                       "must be 1..10000"},
        ValidationCase{"max replicas missing", autoscaling({{"maxReplicas", nullptr}}), "spec.autoscaling.maxReplicas",
                       "required"},
        ValidationCase{"max below min", autoscaling({{"minReplicas", 5}, {"maxReplicas", 3}}),
                       "spec.autoscaling.maxReplicas", "must be >= minReplicas (5)"},
        ValidationCase{"max too big", autoscaling({{"maxReplicas", 10001}}), "spec.autoscaling.maxReplicas",
                       "must be 1..10000"},
        ValidationCase{"no target", autoscaling({{"targetCPUUtilization", nullptr}}), "spec.autoscaling",
                       "targetCPUUtilization or targetMemoryUtilization"},
        ValidationCase{"memory target only",
                       autoscaling({{"targetCPUUtilization", nullptr}, {"targetMemoryUtilization", 80}}), "", ""},
        ValidationCase{"cpu target zero", autoscaling({{"targetCPUUtilization", 0}}),
                       "spec.autoscaling.targetCPUUtilization", "must be 1..1000"},
        ValidationCase{"cpu target above 1000", autoscaling({{"targetCPUUtilization", 1001}}),
                       "spec.autoscaling.targetCPUUtilization", "must be 1..1000"},
        ValidationCase{"cpu target 150 ok", autoscaling({{"targetCPUUtilization", 150}}), "", ""},
        ValidationCase{"memory target zero", autoscaling({{"targetMemoryUtilization", 0}}),
                       "spec.autoscaling.targetMemoryUtilization", "must be 1..1000"},
        ValidationCase{"behavior unknown direction", autoscaling({{"behavior", {{"scaleSideways", json::object()}}}}),
                       "spec.autoscaling.behavior.scaleSideways", "unknown field"},
        ValidationCase{"behavior window too long",
                       autoscaling({{"behavior", {{"scaleDown", {{"stabilizationWindowSeconds", 3601}}}}}}),
                       "spec.autoscaling.behavior.scaleDown.stabilizationWindowSeconds", "must be 0..3600"},
        ValidationCase{"behavior select policy bad",
                       autoscaling({{"behavior", {{"scaleUp", {{"selectPolicy", "Avg"}}}}}}),
                       "spec.autoscaling.behavior.scaleUp.selectPolicy", "unsupported value"},
        ValidationCase{
            "behavior policy type bad",
            autoscaling({{"behavior",
                          {{"scaleUp", {{"policies", {{{"type", "Nodes"}, {"value", 1}, {"periodSeconds", 60}}}}}}}}}),
            "spec.autoscaling.behavior.scaleUp.policies[0].type", "unsupported value"},
        ValidationCase{
            "behavior policy value zero",
            autoscaling({{"behavior",
                          {{"scaleUp", {{"policies", {{{"type", "Pods"}, {"value", 0}, {"periodSeconds", 60}}}}}}}}}),
            "spec.autoscaling.behavior.scaleUp.policies[0].value", ">= 1"},
        ValidationCase{
            "behavior policy period too long",
            autoscaling({{"behavior",
                          {{"scaleUp", {{"policies", {{{"type", "Pods"}, {"value", 4}, {"periodSeconds", 1801}}}}}}}}}),
            "spec.autoscaling.behavior.scaleUp.policies[0].periodSeconds", "must be 1..1800"},
        ValidationCase{
            "behavior ok",
            autoscaling({{"behavior",
                          {{"scaleDown", {{"stabilizationWindowSeconds", 300}, {"selectPolicy", "Min"}}},
                           {"scaleUp",
                            {{"policies", {{{"type", "Percent"}, {"value", 100}, {"periodSeconds", 15}}}}}}}}}),
            "", ""},
        // probes
        ValidationCase{"probe kind unknown", spec({{"probes", {{"ready", {{"tcpSocket", {{"port", 80}}}}}}}}),
                       "spec.probes.ready", "unknown field"},
        ValidationCase{"probe without handler",
                       spec({{"probes", {{"readiness", {{"httpGet", nullptr}, {"periodSeconds", 5}}}}}}),
                       "spec.probes.readiness", "exactly one of httpGet"},
        ValidationCase{
            "probe with two handlers",
            spec({{"probes", {{"liveness", {{"tcpSocket", {{"port", 8080}}}, {"exec", {{"command", {"true"}}}}}}}}}),
            "spec.probes.liveness", "exactly one of httpGet"},
        ValidationCase{"probe port unknown name",
                       spec({{"probes", {{"readiness", {{"httpGet", {{"path", "/healthz"}, {"port", "metrics"}}}}}}}}),
                       "spec.probes.readiness.httpGet.port", "name of a port"},
        ValidationCase{"probe port number bad", spec({{"probes", {{"liveness", {{"tcpSocket", {{"port", 0}}}}}}}}),
                       "spec.probes.liveness.tcpSocket.port", "must be 1..65535"},
        ValidationCase{"probe path relative",
                       spec({{"probes", {{"readiness", {{"httpGet", {{"path", "healthz"}, {"port", 8080}}}}}}}}),
                       "spec.probes.readiness.httpGet.path", "absolute path"},
        ValidationCase{"probes ok",
                       spec({{"probes",
                              {{"liveness", {{"tcpSocket", {{"port", 8080}}}}},
                               {"startup", {{"exec", {{"command", {"true"}}}}}}}}}),
                       "", ""},
        // disruption budget
        ValidationCase{"budget empty", spec({{"disruptionBudget", {{"minAvailable", nullptr}}}}),
                       "spec.disruptionBudget", "exactly one of minAvailable or maxUnavailable"},
        ValidationCase{"budget both", spec({{"disruptionBudget", {{"maxUnavailable", 1}}}}), "spec.disruptionBudget",
                       "exactly one of minAvailable or maxUnavailable"},
        ValidationCase{"budget percent over 100", spec({{"disruptionBudget", {{"minAvailable", "150%"}}}}),
                       "spec.disruptionBudget.minAvailable", "at most 100%"},
        ValidationCase{"budget not a percentage", spec({{"disruptionBudget", {{"minAvailable", "half"}}}}),
                       "spec.disruptionBudget.minAvailable", "percentage"},
        ValidationCase{"budget negative", spec({{"disruptionBudget", {{"minAvailable", -1}}}}),
                       "spec.disruptionBudget.minAvailable", ">= 0"},
        ValidationCase{"budget ok",
                       spec({{"disruptionBudget", {{"minAvailable", nullptr}, {"maxUnavailable", "10%"}}}}), "", ""},
        // strategy
        ValidationCase{"strategy both zero", spec({{"strategy", {{"maxSurge", 0}, {"maxUnavailable", "0%"}}}}),
                       "spec.strategy.maxUnavailable", "must not be 0 when maxSurge is 0"},
        ValidationCase{"strategy surge bad", spec({{"strategy", {{"maxSurge", "x%"}}}}), "spec.strategy.maxSurge",
                       "percentage"},
        ValidationCase{"strategy surge negative", spec({{"strategy", {{"maxSurge", -1}}}}), "spec.strategy.maxSurge",
                       ">= 0"},
        ValidationCase{"strategy unavailable over 100", spec({{"strategy", {{"maxUnavailable", "101%"}}}}),
                       "spec.strategy.maxUnavailable", "at most 100%"},
        ValidationCase{"strategy surge 200 percent ok", spec({{"strategy", {{"maxSurge", "200%"}}}}), "", ""},
        // references and pod template
        ValidationCase{"breaker ref name required", spec({{"breakerPolicyRef", {{"name", nullptr}}}}),
                       "spec.breakerPolicyRef.name", "required"},
        ValidationCase{"breaker ref name bad", spec({{"breakerPolicyRef", {{"name", "Strict"}}}}),
                       "spec.breakerPolicyRef.name", "DNS-1123 label"},
        ValidationCase{"service account bad", spec({{"serviceAccountName", "Bad_SA"}}), "spec.serviceAccountName",
                       "DNS-1123 subdomain"},
        ValidationCase{"service account ok", spec({{"serviceAccountName", "sa.example"}}), "", ""},
        ValidationCase{"pod label key bad", spec({{"podTemplate", {{"labels", {{"a b", "x"}}}}}}),
                       "spec.podTemplate.labels[a b]", "qualified name"},
        ValidationCase{"pod label value bad", spec({{"podTemplate", {{"labels", {{"tier", "front end"}}}}}}),
                       "spec.podTemplate.labels[tier]", "label value"},
        ValidationCase{"pod annotation key bad", spec({{"podTemplate", {{"annotations", {{"/x", "y"}}}}}}),
                       "spec.podTemplate.annotations[/x]", "qualified name"},
        ValidationCase{"pod annotation value too long",
                       spec({{"podTemplate", {{"annotations", {{"note", std::string(4097, 'x')}}}}}}),
                       "spec.podTemplate.annotations[note]", "at most 4096"},
        ValidationCase{
            "pod template ok",
            spec({{"podTemplate",
                   {{"labels", {{"tier", "frontend"}}}, {"annotations", {{"prometheus.io/scrape", "true"}}}}}}),
            "", ""}),
    caseName);

}  // namespace
}  // namespace flotilla::api::testing
