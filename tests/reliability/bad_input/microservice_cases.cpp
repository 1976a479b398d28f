// Invalid Microservices. The renderer routes to Microservices it reads from the cache without validating them, so
// the one field that reaches haproxy.cfg verbatim (a port name) is refused there as well.
#include "bad_input_case.h"

namespace flotilla::reliability {

using nlohmann::json;

namespace {

constexpr unsigned kBoth = kSchema | kSemantic;

json spec(const json& patch) {
  return {{"spec", patch}};
}
json ports(const json& list) {
  return spec({{"ports", list}});
}
json autoscaling(const json& block) {
  return spec({{"replicas", nullptr}, {"autoscaling", block}});
}

}  // namespace

std::vector<BadInput> microserviceCases() {
  const std::string k = "Microservice";
  return {
      // Replicas and autoscaling.
      {"negative_replicas", k, spec({{"replicas", -1}}), kBoth, "spec.replicas", "0..10000"},
      {"replicas_too_many", k, spec({{"replicas", 10001}}), kBoth, "spec.replicas", "0..10000"},
      {"replicas_and_autoscaling", k, spec({{"autoscaling", {{"minReplicas", 1}, {"maxReplicas", 3}}}}), kBoth,
       "spec.replicas", "must not be set together with spec.autoscaling"},
      {"autoscaling_min_over_max", k, autoscaling({{"minReplicas", 5}, {"maxReplicas", 2}}), kBoth,
       "spec.autoscaling.maxReplicas", "minReplicas"},
      {"autoscaling_cpu_target_zero", k,
       autoscaling({{"minReplicas", 1}, {"maxReplicas", 3}, {"targetCPUUtilization", 0}}), kBoth,
       "spec.autoscaling.targetCPUUtilization", ""},
      {"autoscaling_without_max", k, autoscaling({{"minReplicas", 1}}), kBoth, "spec.autoscaling.maxReplicas", ""},
      {"replicas_wrong_type", k, spec({{"replicas", "two"}}), kBoth, "spec.replicas", "integer"},
      // Image.
      {"image_missing", k, spec({{"image", nullptr}}), kBoth, "spec.image", "required"},
      {"image_with_a_space", k, spec({{"image", "nginx latest"}}), kBoth, "spec.image", ""},
      {"image_oversize", k, spec({{"image", "ghcr.io/" + repeated("a", 1100)}}), kBoth, "spec.image", ""},
      {"pull_policy_unknown", k, spec({{"imagePullPolicy", "Sometimes"}}), kBoth, "spec.imagePullPolicy",
       "unsupported value"},
      // Ports.
      // The CRD schema has no minItems on ports: only the operator refuses this one.
      {"no_ports", k, ports(json::array()), kSemantic, "spec.ports", "at least 1"},
      {"port_zero", k, ports({{{"name", "http"}, {"port", 0}}}), kBoth, "spec.ports[0].port", "1..65535"},
      {"port_too_high", k, ports({{{"name", "http"}, {"port", 70000}}}), kBoth, "spec.ports[0].port", "1..65535"},
      {"port_name_invalid", k, ports({{{"name", "HTTP_Port"}, {"port", 8080}}}), kBoth | kRender, "spec.ports[0].name",
       "", "BackendNotFound"},
      {"port_name_with_a_newline", k, ports({{{"name", "http\nbind :1"}, {"port", 8080}}}), kBoth | kRender,
       "spec.ports[0].name", "", "BackendNotFound"},
      {"duplicate_port_names", k, ports({{{"name", "http"}, {"port", 8080}}, {{"name", "http"}, {"port", 8081}}}),
       kBoth, "spec.ports[1].name", "duplicate value", "", "spec.ports[1]"},
      {"protocol_unknown", k, ports({{{"name", "http"}, {"port", 8080}, {"protocol", "HTTP"}}}), kBoth,
       "spec.ports[0].protocol", "unsupported value"},
      // Pod details.
      {"env_without_name", k, spec({{"env", {{{"value", "x"}}}}}), kBoth, "spec.env[0].name", "required"},
      {"env_duplicate_names", k, spec({{"env", {{{"name", "A"}, {"value", "1"}}, {{"name", "A"}, {"value", "2"}}}}}),
       kBoth, "spec.env[1].name", "duplicate", "", "spec.env[1]"},
      {"requests_over_limits", k, spec({{"resources", {{"requests", {{"cpu", "2"}}}, {"limits", {{"cpu", "1"}}}}}}),
       kSemantic, "spec.resources.requests[cpu]", "less than or equal to the limit"},
      {"quantity_unparsable", k, spec({{"resources", {{"requests", {{"cpu", "1 cpu"}}}}}}), kBoth,
       "spec.resources.requests[cpu]", "quantity"},
      {"probe_with_two_handlers", k,
       spec({{"probes",
              {{"readiness", {{"httpGet", {{"path", "/"}, {"port", 8080}}}, {"tcpSocket", {{"port", 8080}}}}}}}}),
       kSemantic, "spec.probes.readiness", "exactly one"},
      {"probe_port_name_unknown", k,
       spec({{"probes", {{"liveness", {{"httpGet", {{"path", "/h"}, {"port", "admin"}}}}}}}}), kSemantic,
       "spec.probes.liveness.httpGet.port", "spec.ports"},
      {"budget_min_and_max", k, spec({{"disruptionBudget", {{"minAvailable", 1}, {"maxUnavailable", 1}}}}), kBoth,
       "spec.disruptionBudget", "exactly one"},
      {"rollout_cannot_progress", k, spec({{"strategy", {{"maxSurge", 0}, {"maxUnavailable", 0}}}}), kSemantic,
       "spec.strategy.maxUnavailable", "must not be 0"},
      {"max_unavailable_over_100_percent", k, spec({{"strategy", {{"maxUnavailable", "150%"}}}}), kSemantic,
       "spec.strategy.maxUnavailable", ""},
      {"breaker_policy_ref_invalid", k, spec({{"breakerPolicyRef", {{"name", "Bad_Name"}}}}), kBoth,
       "spec.breakerPolicyRef.name", ""},
      {"service_account_invalid", k, spec({{"serviceAccountName", "SA!"}}), kBoth, "spec.serviceAccountName", ""},
      {"pod_label_key_invalid", k, spec({{"podTemplate", {{"labels", {{"bad key", "x"}}}}}}), kSemantic,
       "spec.podTemplate.labels[bad key]", "qualified name"},
      {"unknown_field", k, spec({{"colour", "red"}}), kBoth, "spec.colour", "unknown field"},
      {"name_upper_case", k, {{"metadata", {{"name", "ProbeSvc"}}}}, kBoth, "metadata.name", "DNS-1035"},
  };
}

}  // namespace flotilla::reliability
