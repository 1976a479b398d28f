// Invalid Routes: syntax the schema refuses, values validation refuses, and references only the renderer can judge
// (unknown or cross-namespace objects, a namespace the Gateway does not allow, a match an older Route owns).
#include "bad_input_case.h"

namespace flotilla::reliability {

using nlohmann::json;

namespace {

constexpr unsigned kDecodes = kSemantic | kRender;  // decodes, so the renderer sees it and must refuse it too
constexpr unsigned kEverywhere = kSchema | kDecodes;
constexpr const char* kInvalid = "InvalidSpec";

const char* const kRule = "spec.rules[0]";

std::string at(const std::string& field) {
  return std::string(kRule) + "." + field;
}

json withHostnames(json patch, const json& hostnames) {
  patch["spec"]["hostnames"] = hostnames;
  return patch;
}

json seventeenHostnames() {
  json hosts = json::array();
  for (int i = 0; i < 17; ++i) hosts.push_back("h" + std::to_string(i) + ".example.com");
  return hosts;
}

json twoRulesNamed(const std::string& name) {
  json rules = json::array();
  for (const char* prefix : {"/a", "/b"}) {
    rules.push_back({{"name", name},
                     {"matches", json::array({{{"path", {{"type", "PathPrefix"}, {"value", prefix}}}}})},
                     {"backends", json::array({{{"service", "user-service"}}})}});
  }
  return {{"spec", {{"rules", rules}}}};
}

json match(const json& m) {
  return routeRule({{"matches", json::array({m})}});
}
json pathMatch(const std::string& type, const std::string& value) {
  return match({{"path", {{"type", type}, {"value", value}}}});
}
json headerMatch(const json& header) {
  return match({{"headers", json::array({header})}});
}
json backends(const json& list) {
  return routeRule({{"backends", list}});
}

}  // namespace

std::vector<BadInput> routeCases() {
  const std::string k = "Route";
  return {
      // References: only the renderer sees the other objects.
      {"unknown_backend", k, backends({{{"service", "nope"}}}), kRender, at("backends[0].service"), "",
       "BackendNotFound"},
      {"unknown_backend_port_name", k, backends({{{"service", "user-service"}, {"port", "grpc"}}}), kRender,
       at("backends[0].port"), "", "BackendNotFound"},
      {"unknown_backend_port_number", k, backends({{{"service", "user-service"}, {"port", 9999}}}), kRender,
       at("backends[0].port"), "", "BackendNotFound"},
      {"unknown_breaker_policy", k, routeRule({{"breakerPolicyRef", {{"name", "nope"}}}}), kRender,
       at("breakerPolicyRef"), "", "BreakerPolicyNotFound"},
      {"cross_namespace_backend", k, backends({{{"service", "other/user-service"}}}), kEverywhere,
       at("backends[0].service"), "DNS-1035", kInvalid},
      {"namespace_not_allowed_by_gateway",
       k,
       {{"metadata", {{"namespace", "team-x"}}}},
       kRender,
       "spec.gatewayRef",
       "",
       "NotAllowedByListeners"},
      {"conflicts_with_older_route", k, withHostnames(pathMatch("PathPrefix", "/api/users"), {"shop.example.com"}),
       kRender, at("matches[0]"), "", "Conflicted"},
      // Hostnames.
      {"duplicate_hostnames",
       k,
       {{"spec", {{"hostnames", {"a.example.com", "a.example.com"}}}}},
       kEverywhere,
       "spec.hostnames[1]",
       "duplicate value",
       kInvalid},
      {"hostname_is_an_ip_address",
       k,
       {{"spec", {{"hostnames", {"10.0.0.1"}}}}},
       kDecodes,
       "spec.hostnames[0]",
       "not an IP address",
       kInvalid},
      {"hostname_upper_case",
       k,
       {{"spec", {{"hostnames", {"Shop.Example.com"}}}}},
       kEverywhere,
       "spec.hostnames[0]",
       "lowercase",
       kInvalid},
      {"hostname_oversize",
       k,
       {{"spec", {{"hostnames", {repeated("a", 250) + ".example.com"}}}}},
       kEverywhere,
       "spec.hostnames[0]",
       "253",
       kInvalid},
      {"too_many_hostnames",
       k,
       {{"spec", {{"hostnames", seventeenHostnames()}}}},
       kEverywhere,
       "spec.hostnames",
       "at most 16",
       kInvalid},
      // Path matches.
      {"regex_does_not_compile", k, pathMatch("RegularExpression", "/a("), kDecodes, at("matches[0].path.value"),
       "valid regular expression", kInvalid},
      {"regex_escapes_its_anchors", k, pathMatch("RegularExpression", "/a)|(?:.*"), kDecodes,
       at("matches[0].path.value"), "", kInvalid},
      {"regex_with_a_space", k, pathMatch("RegularExpression", "/a b"), kEverywhere, at("matches[0].path.value"),
       "without spaces", kInvalid},
      {"path_without_leading_slash", k, pathMatch("PathPrefix", "api"), kEverywhere, at("matches[0].path.value"), "",
       kInvalid},
      {"path_with_a_space", k, pathMatch("Exact", "/a b"), kEverywhere, at("matches[0].path.value"), "", kInvalid},
      {"path_with_a_newline", k, pathMatch("PathPrefix", "/a\nbind :1"), kEverywhere, at("matches[0].path.value"), "",
       kInvalid},
      {"path_oversize", k, pathMatch("PathPrefix", "/" + repeated("a", 1100)), kEverywhere, at("matches[0].path.value"),
       "", kInvalid},
      {"path_type_unknown", k, pathMatch("Glob", "/a*"), kSchema | kSemantic, at("matches[0].path.type"),
       "unsupported value"},
      // Methods and headers.
      {"method_unknown", k, match({{"methods", {"FETCH"}}}), kEverywhere, at("matches[0].methods[0]"),
       "unsupported value", kInvalid},
      {"method_duplicate", k, match({{"methods", {"GET", "GET"}}}), kEverywhere, at("matches[0].methods[1]"),
       "duplicate value", kInvalid},
      {"header_name_with_space", k, headerMatch({{"name", "x a"}, {"value", "1"}}), kEverywhere,
       at("matches[0].headers[0].name"), "header name", kInvalid},
      {"header_value_with_newline", k, headerMatch({{"name", "x-a"}, {"value", "a\nb"}}), kEverywhere,
       at("matches[0].headers[0].value"), "printable ASCII", kInvalid},
      {"header_value_oversize", k, headerMatch({{"name", "x-a"}, {"value", repeated("v", 5000)}}), kEverywhere,
       at("matches[0].headers[0].value"), "4096", kInvalid},
      {"header_regex_does_not_compile", k,
       headerMatch({{"name", "x-a"}, {"type", "RegularExpression"}, {"value", "[z-a]"}}), kDecodes,
       at("matches[0].headers[0].value"), "valid regular expression", kInvalid},
      {"duplicate_header_matches", k,
       match({{"headers", {{{"name", "X-A"}, {"value", "1"}}, {{"name", "x-a"}, {"value", "2"}}}}}), kDecodes,
       at("matches[0].headers[1].name"), "duplicate value", kInvalid},
      {"set_header_value_empty", k, routeRule({{"requestHeaders", {{"set", {{{"name", "x-a"}, {"value", ""}}}}}}}),
       kDecodes, at("requestHeaders.set[0].value"), "must not be empty", kInvalid},
      {"set_header_value_closes_its_quote", k,
       routeRule({{"requestHeaders", {{"set", {{{"name", "x-a"}, {"value", "a' if TRUE '"}}}}}}}), kEverywhere,
       at("requestHeaders.set[0].value"), "without quotes", kInvalid},
      {"set_header_value_sample_fetch", k,
       routeRule({{"responseHeaders", {{"add", {{{"name", "x-a"}, {"value", "%[env(HOME)]"}}}}}}}), kDecodes,
       at("responseHeaders.add[0].value"), "'%['", kInvalid},
      {"removed_header_invalid", k, routeRule({{"requestHeaders", {{"remove", {"x a"}}}}}), kEverywhere,
       at("requestHeaders.remove[0]"), "header name", kInvalid},
      // Rewrites.
      {"rewrite_prefix_and_full_path", k, routeRule({{"rewrite", {{"pathPrefix", "/a"}, {"fullPath", "/b"}}}}),
       kEverywhere, at("rewrite"), "exactly one", kInvalid},
      {"rewrite_prefix_of_an_exact_match", k,
       routeRule(
           {{"matches", {{{"path", {{"type", "Exact"}, {"value", "/x"}}}}}}, {"rewrite", {{"pathPrefix", "/y"}}}}),
       kDecodes, at("rewrite.pathPrefix"), "PathPrefix", kInvalid},
      {"rewrite_with_sample_fetch", k, routeRule({{"rewrite", {{"fullPath", "/x%[env(HOME)]"}}}}), kEverywhere,
       at("rewrite.fullPath"), "", kInvalid},
      // Backends.
      {"weight_too_high", k, backends({{{"service", "user-service"}, {"weight", 1000001}}}), kEverywhere,
       at("backends[0].weight"), "0..1000000", kInvalid},
      {"weight_negative", k, backends({{{"service", "user-service"}, {"weight", -1}}}), kEverywhere,
       at("backends[0].weight"), "0..1000000", kInvalid},
      {"all_weights_zero", k, backends({{{"service", "user-service"}, {"weight", 0}}}), kEverywhere, at("backends"),
       "greater than 0", kInvalid},
      {"no_backends", k, backends(json::array()), kEverywhere, at("backends"), "at least 1", kInvalid},
      {"weight_wrong_type", k, backends({{{"service", "user-service"}, {"weight", "heavy"}}}), kSchema | kSemantic,
       at("backends[0].weight"), "integer"},
      {"backend_port_out_of_range", k, backends({{{"service", "user-service"}, {"port", 70000}}}), kEverywhere,
       at("backends[0].port"), "1..65535", kInvalid},
      // Timeouts, retries, rate limits.
      {"duration_unparsable", k, routeRule({{"timeout", {{"request", "5 seconds"}}}}), kSchema | kSemantic,
       at("timeout.request"), ""},
      {"duration_negative", k, routeRule({{"timeout", {{"request", "-5s"}}}}), kSchema | kSemantic,
       at("timeout.request"), ""},
      {"timeout_over_a_day", k, routeRule({{"timeout", {{"request", "25h"}}}}), kDecodes, at("timeout.request"), "",
       kInvalid},
      {"backend_timeout_over_request_timeout", k,
       routeRule({{"timeout", {{"request", "1s"}, {"backendRequest", "2s"}}}}), kDecodes, at("timeout.backendRequest"),
       "less than or equal to request", kInvalid},
      {"retries_too_many", k, routeRule({{"retries", {{"attempts", 11}}}}), kEverywhere, at("retries.attempts"),
       "0..10", kInvalid},
      {"retry_on_unknown_status", k, routeRule({{"retries", {{"attempts", 1}, {"retryOn", {"418"}}}}}), kDecodes,
       at("retries.retryOn[0]"), "unsupported value", kInvalid},
      {"retry_on_unknown_kind", k, routeRule({{"retries", {{"attempts", 1}, {"retryOn", {"sometimes"}}}}}), kEverywhere,
       at("retries.retryOn[0]"), "unsupported value", kInvalid},
      {"rate_limit_zero", k, routeRule({{"rateLimit", {{"requestsPerSecond", 0}}}}), kEverywhere,
       at("rateLimit.requestsPerSecond"), "", kInvalid},
      {"rate_limit_burst_negative", k, routeRule({{"rateLimit", {{"requestsPerSecond", 1}, {"burst", -1}}}}),
       kEverywhere, at("rateLimit.burst"), "", kInvalid},
      // Names and shape.
      {"no_rules", k, {{"spec", {{"rules", json::array()}}}}, kEverywhere, "spec.rules", "at least 1", kInvalid},
      {"duplicate_rule_names", k, twoRulesNamed("same"), kDecodes, "spec.rules[1].name", "duplicate value", kInvalid},
      {"rule_name_invalid", k, routeRule({{"name", "Probe_1"}}), kEverywhere, at("name"), "", kInvalid},
      {"breaker_policy_ref_invalid", k, routeRule({{"breakerPolicyRef", {{"name", "Bad_Name"}}}}), kEverywhere,
       at("breakerPolicyRef.name"), "", kInvalid},
      {"gateway_ref_without_name",
       k,
       {{"spec", {{"gatewayRef", {{"name", nullptr}}}}}},
       kSchema | kSemantic,
       "spec.gatewayRef.name",
       "required"},
      {"route_name_invalid", k, {{"metadata", {{"name", "Probe!"}}}}, kEverywhere, "metadata.name", "", kInvalid},
      {"unknown_field", k, routeRule({{"colour", "red"}}), kSchema | kSemantic, at("colour"), "unknown field"},
  };
}

}  // namespace flotilla::reliability
