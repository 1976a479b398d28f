// Invalid Gateways. Listener problems are also Gateway errors of the renderer (the listener is not served).
#include "bad_input_case.h"

namespace flotilla::reliability {

using nlohmann::json;

namespace {

constexpr unsigned kBoth = kSchema | kSemantic;
constexpr unsigned kEverywhere = kSchema | kSemantic | kRender;

json spec(const json& patch) {
  return {{"spec", patch}};
}
json listeners(const json& list) {
  return spec({{"listeners", list}});
}
json seventeenListeners() {
  json list = json::array();
  for (int i = 0; i < 17; ++i) list.push_back({{"name", "l" + std::to_string(i)}, {"port", 10000 + i}});
  return list;
}

}  // namespace

std::vector<BadInput> gatewayCases() {
  const std::string k = "Gateway";
  return {
      {"no_listeners", k, listeners(json::array()), kBoth, "spec.listeners", "at least 1"},
      {"too_many_listeners", k, listeners(seventeenListeners()), kBoth, "spec.listeners", "at most 16"},
      {"duplicate_listener_ports", k, listeners({{{"name", "http"}, {"port", 80}}, {{"name", "web"}, {"port", 80}}}),
       kEverywhere, "spec.listeners[1].port", "duplicate value", "", "spec.listeners"},
      {"duplicate_listener_names", k, listeners({{{"name", "http"}, {"port", 80}}, {{"name", "http"}, {"port", 81}}}),
       kEverywhere, "spec.listeners[1].name", "duplicate value", "", "spec.listeners[1]"},
      {"https_without_tls", k, listeners({{{"name", "https"}, {"port", 443}, {"protocol", "HTTPS"}}}), kEverywhere,
       "spec.listeners[0].tls", "required"},
      {"tls_on_http", k, listeners({{{"name", "http"}, {"port", 80}, {"tls", {{"secretRef", {{"name", "c"}}}}}}}),
       kSemantic, "spec.listeners[0].tls", "only allowed with protocol HTTPS"},
      {"listener_port_zero", k, listeners({{{"name", "http"}, {"port", 0}}}), kEverywhere, "spec.listeners[0].port",
       "1..65535"},
      {"listener_protocol_tcp", k, listeners({{{"name", "http"}, {"port", 80}, {"protocol", "TCP"}}}), kEverywhere,
       "spec.listeners[0].protocol", "unsupported value"},
      {"listener_name_invalid", k, listeners({{{"name", "Web"}, {"port", 80}}}), kEverywhere, "spec.listeners[0].name",
       ""},
      {"tls_secret_name_invalid", k,
       listeners({{{"name", "https"},
                   {"port", 443},
                   {"protocol", "HTTPS"},
                   {"tls", {{"secretRef", {{"name", "Bad/Secret"}}}}}}}),
       kEverywhere, "spec.listeners[0].tls.secretRef.name", ""},
      {"redirect_without_https_listener", k, listeners({{{"name", "http"}, {"port", 80}, {"redirectToHttps", true}}}),
       kSemantic | kRender, "spec.listeners[0].redirectToHttps", "requires an HTTPS listener"},
      // Validation cannot know the pod's ports: 404 is served on 8404, HAProxy's stats port.
      {"listener_port_taken_by_stats", k, listeners({{{"name", "http"}, {"port", 404}}}), kRender,
       "spec.listeners[0].port", ""},
      {"replicas_and_autoscaling", k, spec({{"autoscaling", {{"minReplicas", 1}, {"maxReplicas", 3}}}}), kBoth,
       "spec.replicas", "must not be set together with spec.autoscaling"},
      {"autoscaling_min_over_max", k,
       spec({{"replicas", nullptr}, {"autoscaling", {{"minReplicas", 5}, {"maxReplicas", 2}}}}), kBoth,
       "spec.autoscaling.maxReplicas", "minReplicas"},
      {"replicas_too_many", k, spec({{"replicas", 1001}}), kBoth, "spec.replicas", "0..1000"},
      {"negative_replicas", k, spec({{"replicas", -1}}), kBoth, "spec.replicas", ""},
      {"service_type_unknown", k, spec({{"service", {{"type", "External"}}}}), kBoth, "spec.service.type",
       "unsupported value"},
      {"selector_missing", k, spec({{"allowedRoutes", {{"namespaces", {{"from", "Selector"}}}}}}), kBoth,
       "spec.allowedRoutes.namespaces.selector", "required"},
      {"selector_operator_unknown", k,
       spec({{"allowedRoutes",
              {{"namespaces",
                {{"from", "Selector"},
                 {"selector", {{"matchExpressions", {{{"key", "a"}, {"operator", "Near"}, {"values", {"x"}}}}}}}}}}}}),
       kBoth, "spec.allowedRoutes.namespaces.selector.matchExpressions[0].operator", ""},
      {"default_timeout_zero", k, spec({{"defaults", {{"timeout", "0s"}}}}), kSemantic, "spec.defaults.timeout", ""},
      {"default_timeout_unparsable", k, spec({{"defaults", {{"timeout", "soon"}}}}), kBoth, "spec.defaults.timeout",
       ""},
      {"image_with_a_space", k, spec({{"image", "flotilla/gateway latest"}}), kBoth, "spec.image", ""},
      {"requests_over_limits", k,
       spec({{"resources", {{"requests", {{"memory", "2Gi"}}}, {"limits", {{"memory", "1Gi"}}}}}}), kSemantic,
       "spec.resources.requests[memory]", "less than or equal to the limit"},
      {"name_not_a_dns_1035_label", k, {{"metadata", {{"name", "1gw"}}}}, kBoth, "metadata.name", "DNS-1035"},
      {"unknown_field", k, spec({{"colour", "red"}}), kBoth, "spec.colour", "unknown field"},
  };
}

}  // namespace flotilla::reliability
