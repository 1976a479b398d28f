#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "api/validate.h"
#include "validation_case.h"

namespace flotilla::api::testing {
namespace {

using nlohmann::json;

const json& baseRule() {
  static const json rule = R"({
    "name": "users",
    "matches": [{"path": {"type": "PathPrefix", "value": "/api/users"}, "methods": ["GET", "POST"],
                 "headers": [{"name": "x-canary", "value": "1"}]}],
    "rewrite": {"pathPrefix": "/"},
    "requestHeaders": {"set": [{"name": "X-Forwarded-Prefix", "value": "/api/users"}],
                       "add": [{"name": "X-Via", "value": "flotilla"}], "remove": ["X-Debug"]},
    "responseHeaders": {"set": [{"name": "Cache-Control", "value": "no-store"}]},
    "backends": [{"service": "user-service", "port": "http", "weight": 90},
                 {"service": "user-service-v2", "weight": 10}],
    "timeout": {"request": "5s", "backendRequest": "2s"},
    "retries": {"attempts": 2, "perTryTimeout": "1s", "retryOn": ["connect-failure", 503]},
    "breakerPolicyRef": {"name": "strict"},
    "rateLimit": {"requestsPerSecond": 100, "burst": 200}
  })"_json;
  return rule;
}

const json& base() {
  static const json object = [] {
    json o = R"({
      "apiVersion": "flotilla.io/v1alpha1", "kind": "Route",
      "metadata": {"name": "users", "namespace": "shop"},
      "spec": {"gatewayRef": {"name": "public", "namespace": "gateways"},
               "hostnames": ["shop.example.com", "*.example.org"]}
    })"_json;
    o["spec"]["rules"] = json::array({baseRule()});
    return o;
  }();
  return object;
}

// The base rule with `patch` merged in, as the Route's only rule.
json rule(const json& patch) {
  json r = baseRule();
  r.merge_patch(patch);
  return {{"spec", {{"rules", json::array({r})}}}};
}
// The base rule with one match replaced.
json match(const json& m) {
  return rule({{"matches", json::array({m})}});
}
json pathMatch(const std::string& type, const std::string& value) {
  return rule({{"matches", json::array({{{"path", {{"type", type}, {"value", value}}}}})}, {"rewrite", nullptr}});
}
json headerMatch(const json& header) {
  return match({{"headers", json::array({header})}});
}
json hostname(const std::string& host) {
  return {{"spec", {{"hostnames", {host}}}}};
}
json backends(const json& list) {
  return rule({{"backends", list}});
}
json setHeader(const std::string& name, const std::string& value) {
  return rule({{"requestHeaders", {{"set", {{{"name", name}, {"value", value}}}}}}});
}
json retryOn(const json& list) {
  return rule({{"retries", {{"retryOn", list}}}});
}

class RouteValidation : public ::testing::TestWithParam<ValidationCase> {};

TEST_P(RouteValidation, ReportsFieldPath) {
  expectCase(base(), GetParam());
}

TEST(RouteValidationBase, BaseIsValid) {
  const auto errors = errorsAfterPatch(base(), json::object());
  EXPECT_TRUE(errors.empty()) << describe(errors);
}

INSTANTIATE_TEST_SUITE_P(
    Rules, RouteValidation,
    ::testing::Values(
        // metadata and gateway reference
        ValidationCase{"name bad", {{"metadata", {{"name", "Users"}}}}, "metadata.name", "DNS-1123 label"},
        ValidationCase{"name with dot", {{"metadata", {{"name", "a.b"}}}}, "metadata.name", "DNS-1123 label"},
        ValidationCase{"gateway name required",
                       {{"spec", {{"gatewayRef", {{"name", nullptr}}}}}},
                       "spec.gatewayRef.name",
                       "required"},
        ValidationCase{"gateway name bad",
                       {{"spec", {{"gatewayRef", {{"name", "9public"}}}}}},
                       "spec.gatewayRef.name",
                       "DNS-1035"},
        ValidationCase{"gateway namespace bad",
                       {{"spec", {{"gatewayRef", {{"namespace", "Gateways"}}}}}},
                       "spec.gatewayRef.namespace",
                       "DNS-1123 label"},
        ValidationCase{"gateway same namespace ok", {{"spec", {{"gatewayRef", {{"namespace", nullptr}}}}}}, "", ""},
        // hostnames
        ValidationCase{"hostname uppercase", hostname("Shop.example.com"), "spec.hostnames[0]", "RFC 1123"},
        ValidationCase{"hostname with port", hostname("shop.example.com:80"), "spec.hostnames[0]", "RFC 1123"},
        ValidationCase{"hostname ip", hostname("10.0.0.1"), "spec.hostnames[0]", "IP address"},
        ValidationCase{"hostname bare wildcard", hostname("*"), "spec.hostnames[0]", "RFC 1123"},
        ValidationCase{"hostname inner wildcard", hostname("shop.*.com"), "spec.hostnames[0]", "RFC 1123"},
        ValidationCase{"hostname too long", hostname(std::string(250, 'a') + ".com"), "spec.hostnames[0]", "RFC 1123"},
        ValidationCase{"hostname duplicate",
                       {{"spec", {{"hostnames", {"a.example.com", "a.example.com"}}}}},
                       "spec.hostnames[1]",
                       "duplicate value"},
        ValidationCase{"hostnames too many",
                       {{"spec", {{"hostnames", json(std::vector<std::string>(17, "x.io"))}}}},
                       "spec.hostnames",
                       "at most 16"},
        ValidationCase{"hostname wildcard ok", hostname("*.shop.example.com"), "", ""},
        ValidationCase{"hostnames empty ok", {{"spec", {{"hostnames", nullptr}}}}, "", ""},
        // rules
        ValidationCase{"rules empty", {{"spec", {{"rules", json::array()}}}}, "spec.rules", "at least 1 item"},
        ValidationCase{"rules too many",
                       {{"spec", {{"rules", json(std::vector<json>(33, {{"backends", {{{"service", "a"}}}}}))}}}},
                       "spec.rules",
                       "at most 32"},
        ValidationCase{"rule name bad", rule({{"name", "Users"}}), "spec.rules[0].name", "DNS-1123 label"},
        ValidationCase{"rule names duplicate",
                       {{"spec",
                         {{"rules",
                           {{{"name", "a"}, {"backends", {{{"service", "svc"}}}}},
                            {{"name", "a"}, {"backends", {{{"service", "svc"}}}}}}}}}},
                       "spec.rules[1].name",
                       "duplicate value"},
        ValidationCase{"minimal rule ok", {{"spec", {{"rules", {{{"backends", {{{"service", "svc"}}}}}}}}}}, "", ""},
        ValidationCase{"matches too many",
                       rule({{"matches", json(std::vector<json>(17, json::object()))}, {"rewrite", nullptr}}),
                       "spec.rules[0].matches", "at most 16"},
        // paths
        ValidationCase{"path relative", pathMatch("PathPrefix", "api"), "spec.rules[0].matches[0].path.value",
                       "absolute path"},
        ValidationCase{"path with space", pathMatch("Exact", "/a b"), "spec.rules[0].matches[0].path.value",
                       "absolute path"},
        ValidationCase{"path with query", pathMatch("Exact", "/a?b=1"), "spec.rules[0].matches[0].path.value",
                       "absolute path"},
        ValidationCase{"path bad escape", pathMatch("Exact", "/a%zz"), "spec.rules[0].matches[0].path.value", "%XX"},
        ValidationCase{"path truncated escape", pathMatch("Exact", "/a%4"), "spec.rules[0].matches[0].path.value",
                       "%XX"},
        ValidationCase{"path double slash", pathMatch("PathPrefix", "/api//users"),
                       "spec.rules[0].matches[0].path.value", "'//'"},
        ValidationCase{"path dot segment", pathMatch("PathPrefix", "/api/../admin"),
                       "spec.rules[0].matches[0].path.value", "'/../'"},
        ValidationCase{"path trailing dot", pathMatch("PathPrefix", "/api/."), "spec.rules[0].matches[0].path.value",
                       "'/.'"},
        ValidationCase{"path encoded slash", pathMatch("PathPrefix", "/api%2Fusers"),
                       "spec.rules[0].matches[0].path.value", "%2F"},
        ValidationCase{"path too long", pathMatch("Exact", "/" + std::string(1024, 'a')),
                       "spec.rules[0].matches[0].path.value", "1024"},
        ValidationCase{"path ok", pathMatch("Exact", "/api/v1.2/users_~-%41"), "", ""},
        ValidationCase{"regex invalid", pathMatch("RegularExpression", "^/api/(users"),
                       "spec.rules[0].matches[0].path.value", "valid regular expression"},
        ValidationCase{"regex with space", pathMatch("RegularExpression", "^/a b$"),
                       "spec.rules[0].matches[0].path.value", "valid regular expression"},
        ValidationCase{"regex too long", pathMatch("RegularExpression", "/" + std::string(1024, 'a')),
                       "spec.rules[0].matches[0].path.value", "valid regular expression"},
        ValidationCase{"regex ok", pathMatch("RegularExpression", "^/api/users/[0-9]+(/.*)?$"), "", ""},
        // methods and headers
        ValidationCase{"method unknown", match({{"methods", {"FETCH"}}}), "spec.rules[0].matches[0].methods[0]",
                       "unsupported value \"FETCH\""},
        ValidationCase{"method lowercase", match({{"methods", {"get"}}}), "spec.rules[0].matches[0].methods[0]",
                       "unsupported value"},
        ValidationCase{"method duplicate", match({{"methods", {"GET", "GET"}}}), "spec.rules[0].matches[0].methods[1]",
                       "duplicate value"},
        ValidationCase{"methods ok", match({{"methods", {"PATCH", "DELETE", "OPTIONS"}}}), "", ""},
        ValidationCase{"header name bad", headerMatch({{"name", "x canary"}, {"value", "1"}}),
                       "spec.rules[0].matches[0].headers[0].name", "header name"},
        ValidationCase{"header name duplicate",
                       match({{"headers", {{{"name", "X-A"}, {"value", "1"}}, {{"name", "x-a"}, {"value", "2"}}}}}),
                       "spec.rules[0].matches[0].headers[1].name", "duplicate value"},
        ValidationCase{"header value control", headerMatch({{"name", "x-a"}, {"value", "a\tb"}}),
                       "spec.rules[0].matches[0].headers[0].value", "printable"},
        ValidationCase{"header value too long", headerMatch({{"name", "x-a"}, {"value", std::string(4097, 'a')}}),
                       "spec.rules[0].matches[0].headers[0].value", "4096"},
        ValidationCase{"header regex invalid",
                       headerMatch({{"type", "RegularExpression"}, {"name", "x-a"}, {"value", "(a"}}),
                       "spec.rules[0].matches[0].headers[0].value", "valid regular expression"},
        ValidationCase{
            "header regex ok",
            headerMatch({{"type", "RegularExpression"}, {"name", "user-agent"}, {"value", "^Mozilla/5\\.0 .*"}}), "",
            ""},
        ValidationCase{"headers too many",
                       match({{"headers", json(std::vector<json>(17, {{"name", "x"}, {"value", "1"}}))}}),
                       "spec.rules[0].matches[0].headers", "at most 16"},
        // rewrite
        ValidationCase{"rewrite both", rule({{"rewrite", {{"fullPath", "/x"}}}}), "spec.rules[0].rewrite",
                       "exactly one of pathPrefix or fullPath"},
        ValidationCase{"rewrite neither", rule({{"rewrite", {{"pathPrefix", nullptr}}}}), "spec.rules[0].rewrite",
                       "exactly one of pathPrefix or fullPath"},
        ValidationCase{"rewrite prefix bad", rule({{"rewrite", {{"pathPrefix", "v2"}}}}),
                       "spec.rules[0].rewrite.pathPrefix", "absolute path"},
        ValidationCase{"rewrite full bad", rule({{"rewrite", {{"pathPrefix", nullptr}, {"fullPath", "/a#b"}}}}),
                       "spec.rules[0].rewrite.fullPath", "absolute path"},
        ValidationCase{"rewrite prefix with exact match",
                       rule({{"matches", {{{"path", {{"type", "Exact"}, {"value", "/a"}}}}}}}),
                       "spec.rules[0].rewrite.pathPrefix", "PathPrefix match"},
        ValidationCase{"rewrite full with exact match ok",
                       rule({{"matches", {{{"path", {{"type", "Exact"}, {"value", "/a"}}}}}},
                             {"rewrite", {{"pathPrefix", nullptr}, {"fullPath", "/b"}}}}),
                       "", ""},
        // header modifiers
        ValidationCase{"set header name bad", setHeader("X Bad", "v"), "spec.rules[0].requestHeaders.set[0].name",
                       "header name"},
        ValidationCase{"set header value bad", setHeader("X-Ok", "a\"b"), "spec.rules[0].requestHeaders.set[0].value",
                       "quotes"},
        ValidationCase{"add header duplicate",
                       rule({{"responseHeaders",
                              {{"add", {{{"name", "X-A"}, {"value", "1"}}, {{"name", "x-a"}, {"value", "2"}}}}}}}),
                       "spec.rules[0].responseHeaders.add[1].name", "duplicate value"},
        ValidationCase{"remove header bad", rule({{"requestHeaders", {{"remove", {"X-A", "-f"}}}}}),
                       "spec.rules[0].requestHeaders.remove[1]", "header name"},
        ValidationCase{"remove header duplicate", rule({{"requestHeaders", {{"remove", {"X-A", "x-a"}}}}}),
                       "spec.rules[0].requestHeaders.remove[1]", "duplicate value"},
        ValidationCase{
            "set headers too many",
            rule({{"requestHeaders", {{"set", json(std::vector<json>(17, {{"name", "x"}, {"value", "1"}}))}}}}),
            "spec.rules[0].requestHeaders.set", "at most 16"},
        // HAProxy drops an empty '' word, so `set-header X-Empty ''` would fail the whole config (Gateway API
        // requires a value too).
        ValidationCase{"header empty value", setHeader("X-Empty", ""), "spec.rules[0].requestHeaders.set[0].value",
                       "must not be empty"},
        // backends
        ValidationCase{"backends empty", backends(json::array()), "spec.rules[0].backends", "at least 1 item"},
        ValidationCase{"backends too many", backends(json(std::vector<json>(17, {{"service", "a"}}))),
                       "spec.rules[0].backends", "at most 16"},
        ValidationCase{"backend service required", backends({{{"weight", 1}}}), "spec.rules[0].backends[0].service",
                       "required"},
        ValidationCase{"backend service bad", backends({{{"service", "User_Service"}}}),
                       "spec.rules[0].backends[0].service", "DNS-1035"},
        ValidationCase{"backend port name bad", backends({{{"service", "a"}, {"port", "HTTP"}}}),
                       "spec.rules[0].backends[0].port", "IANA"},
        ValidationCase{"backend port number bad", backends({{{"service", "a"}, {"port", 0}}}),
                       "spec.rules[0].backends[0].port", "must be 1..65535"},
        ValidationCase{"backend weight too big",
                       backends({{{"service", "a"}}, {{"service", "b"}, {"weight", 1000001}}}),
                       "spec.rules[0].backends[1].weight", "must be 0..1000000"},
        ValidationCase{"backend weight negative", backends({{{"service", "a"}}, {{"service", "b"}, {"weight", -1}}}),
                       "spec.rules[0].backends[1].weight", "must be 0..1000000"},
        ValidationCase{"backend weights all zero",
                       backends({{{"service", "a"}, {"weight", 0}}, {{"service", "b"}, {"weight", 0}}}),
                       "spec.rules[0].backends", "weight greater than 0"},
        ValidationCase{"backend one zero weight ok",
                       backends({{{"service", "a"}, {"weight", 0}}, {{"service", "b"}, {"port", 8080}}}), "", ""},
        // timeouts
        ValidationCase{"request timeout zero", rule({{"timeout", {{"request", "0s"}, {"backendRequest", nullptr}}}}),
                       "spec.rules[0].timeout.request", "greater than 0"},
        ValidationCase{"request timeout negative",
                       rule({{"timeout", {{"request", "-1s"}, {"backendRequest", nullptr}}}}),
                       "spec.rules[0].timeout.request", "greater than 0"},
        ValidationCase{"request timeout too long", rule({{"timeout", {{"request", "25h"}}}}),
                       "spec.rules[0].timeout.request", "at most 24h"},
        ValidationCase{"backend timeout above request",
                       rule({{"timeout", {{"request", "1s"}, {"backendRequest", "2s"}}}}),
                       "spec.rules[0].timeout.backendRequest", "request (1s)"},
        ValidationCase{"backend timeout zero", rule({{"timeout", {{"backendRequest", "0ms"}}}}),
                       "spec.rules[0].timeout.backendRequest", "greater than 0"},
        ValidationCase{"timeouts equal ok", rule({{"timeout", {{"request", "2s"}, {"backendRequest", "2000ms"}}}}), "",
                       ""},
        // retries
        ValidationCase{"retry attempts too many", rule({{"retries", {{"attempts", 11}}}}),
                       "spec.rules[0].retries.attempts", "must be 0..10"},
        ValidationCase{"retry attempts negative", rule({{"retries", {{"attempts", -1}}}}),
                       "spec.rules[0].retries.attempts", "must be 0..10"},
        ValidationCase{"per try timeout zero", rule({{"retries", {{"perTryTimeout", "0s"}}}}),
                       "spec.rules[0].retries.perTryTimeout", "greater than 0"},
        ValidationCase{"retry on unknown", retryOn({"connect-failure", "sometimes"}),
                       "spec.rules[0].retries.retryOn[1]", "unsupported value \"sometimes\""},
        ValidationCase{"retry on status haproxy cannot", retryOn({429}), "spec.rules[0].retries.retryOn[0]",
                       "unsupported value \"429\""},
        ValidationCase{"retry on duplicate", retryOn({"5xx", "5xx"}), "spec.rules[0].retries.retryOn[1]",
                       "duplicate value"},
        ValidationCase{"retry on ok", retryOn({"connect-failure", "5xx", "reset", "timeout", 504, "404"}), "", ""},
        // breaker reference and rate limit
        ValidationCase{"breaker ref bad", rule({{"breakerPolicyRef", {{"name", "Strict"}}}}),
                       "spec.rules[0].breakerPolicyRef.name", "DNS-1123 label"},
        ValidationCase{"rate zero", rule({{"rateLimit", {{"requestsPerSecond", 0}}}}),
                       "spec.rules[0].rateLimit.requestsPerSecond", "must be 1..1000000"},
        ValidationCase{"rate burst negative", rule({{"rateLimit", {{"burst", -1}}}}), "spec.rules[0].rateLimit.burst",
                       "must be 0..1000000"},
        ValidationCase{"rate burst zero ok", rule({{"rateLimit", {{"requestsPerSecond", 1}, {"burst", 0}}}}), "", ""}),
    caseName);

// Strings that would inject text into haproxy.cfg (haproxy-gateway.md §12) must be refused with a field error.
struct Injection {
  std::string name;
  std::string value;
  bool harmlessInQuotedValue = false;  // plain text that only injects when written unquoted
};
std::ostream& operator<<(std::ostream& out, const Injection& i) {
  return out << i.name;
}

const std::vector<Injection>& injections() {
  static const std::vector<Injection> list{
      {"newline", "a\nb"},
      {"carriage return", "a\rb"},
      {"escaped newline", "a\\nX-B: x"},
      {"hash comment", "a#b"},
      {"double quote", "a\"b"},
      {"single quote", "a'b"},
      {"sample fetch", "%[env(SECRET)]"},
      {"env expansion", "${SECRET}"},
      {"leading dash flag", "-f /etc/passwd"},
      {"nul byte", std::string("a\0b", 3)},
      {"condition", "x if { path_beg /a }", true},
      {"backquote", "a`b"},
      {"non ascii", "caf\xC3\xA9"},
  };
  return list;
}

std::string injectionName(const ::testing::TestParamInfo<Injection>& info) {
  std::string out;
  for (char c : info.param.name) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return out;
}

class RouteInjection : public ::testing::TestWithParam<Injection> {};

TEST_P(RouteInjection, HostnameRejected) {
  expectCase(base(), {"hostname", hostname("shop.example.com" + GetParam().value), "spec.hostnames[0]", ""});
  expectCase(base(), {"hostname prefix", hostname(GetParam().value + ".example.com"), "spec.hostnames[0]", ""});
}

TEST_P(RouteInjection, PathRejected) {
  for (const char* type : {"Exact", "PathPrefix", "RegularExpression"}) {
    expectCase(base(), {type, pathMatch(type, "/api" + GetParam().value), "spec.rules[0].matches[0].path.value", ""});
  }
}

TEST_P(RouteInjection, RewriteRejected) {
  expectCase(base(), {"rewrite", rule({{"rewrite", {{"pathPrefix", "/v2" + GetParam().value}}}}),
                      "spec.rules[0].rewrite.pathPrefix", ""});
}

TEST_P(RouteInjection, HeaderNameRejected) {
  expectCase(base(), {"match", headerMatch({{"name", "x" + GetParam().value}, {"value", "1"}}),
                      "spec.rules[0].matches[0].headers[0].name", ""});
  expectCase(base(), {"set", setHeader(GetParam().value, "1"), "spec.rules[0].requestHeaders.set[0].name", ""});
}

TEST_P(RouteInjection, HeaderValueRejected) {
  if (GetParam().harmlessInQuotedValue) {
    // Header values may contain spaces; the renderer single-quotes them, so this one is accepted.
    expectCase(base(), {"quoted", setHeader("X-A", GetParam().value), "", ""});
    return;
  }
  expectCase(base(), {"match", headerMatch({{"name", "x-a"}, {"value", GetParam().value}}),
                      "spec.rules[0].matches[0].headers[0].value", ""});
  expectCase(base(), {"set", setHeader("X-A", GetParam().value), "spec.rules[0].requestHeaders.set[0].value", ""});
}

INSTANTIATE_TEST_SUITE_P(Strings, RouteInjection, ::testing::ValuesIn(injections()), injectionName);

TEST(RouteInjectionRegex, HeaderRegexRejectsInjection) {
  for (const std::string& value :
       std::vector<std::string>{"a\nb", "a#b", "a'b", "%[env(X)]", "${X}", std::string("a\0b", 3)}) {
    expectCase(base(), {"regex", headerMatch({{"type", "RegularExpression"}, {"name", "x-a"}, {"value", value}}),
                        "spec.rules[0].matches[0].headers[0].value", ""});
  }
}

TEST(RouteValidationAll, ReportsEveryErrorNotJustTheFirst) {
  json patch = rule({{"backends", {{{"service", "a"}, {"weight", -1}}, {{"service", "B"}, {"weight", 2000000}}}},
                     {"retries", {{"attempts", 20}}}});
  patch["spec"]["hostnames"] = {"Bad Host"};
  const auto errors = errorsAfterPatch(base(), patch);
  std::vector<std::string> paths;
  for (const auto& e : errors) paths.push_back(e.toString());
  EXPECT_THAT(paths, ::testing::IsSupersetOf({"spec.rules[0].backends[1].weight: must be 0..1000000",
                                              "spec.rules[0].backends[0].weight: must be 0..1000000",
                                              "spec.rules[0].retries.attempts: must be 0..10"}));
  EXPECT_EQ(errors.size(), 5u) << describe(errors);  // + hostnames[0] and backends[1].service
}

}  // namespace
}  // namespace flotilla::api::testing
