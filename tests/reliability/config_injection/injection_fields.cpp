#include "injection_fields.h"

#include "render_fixtures.h"

namespace flotilla::reliability {
namespace {

using nlohmann::json;
using render::testing::microserviceJson;
using render::testing::prefixRule;
using render::testing::routeJson;

std::string suffix(int index) {
  return std::to_string(index);
}

json& rule(CaseObjects& c) {
  return c.route["spec"]["rules"][0];
}
json& match(CaseObjects& c) {
  return rule(c)["matches"][0];
}
json& firstBackend(CaseObjects& c) {
  return rule(c)["backends"][0];
}

std::function<json(int)> constant(json value) {
  return [value](int) { return value; };
}

// Field constructors, by owner and value kind.
InjectionField routeString(std::string name, std::string shape, std::function<json(int)> clean,
                           std::function<void(CaseObjects&, const json&)> set) {
  return {std::move(name), FieldOwner::Route, false, std::move(shape), std::move(clean), std::move(set)};
}
InjectionField routeNumber(std::string name, json clean, std::function<void(CaseObjects&, const json&)> set) {
  return {std::move(name), FieldOwner::Route, true, "", [clean](int) { return clean; }, std::move(set)};
}
InjectionField policyField(std::string name, bool numeric, std::string shape, json clean, const char* key,
                           const char* nested = nullptr) {
  return {std::move(name),
          FieldOwner::BreakerPolicy,
          numeric,
          std::move(shape),
          [clean](int) { return clean; },
          [key, nested](CaseObjects& c, const json& v) {
            if (nested != nullptr) {
              (*c.policy)["spec"][key][nested] = v;
            } else {
              (*c.policy)["spec"][key] = v;
            }
          }};
}

std::vector<InjectionField> routeFields() {
  return {
      routeString(
          "Route metadata.name", "fz-", [](int i) { return json("fz-clean-" + suffix(i)); },
          [](CaseObjects& c, const json& v) { c.route["metadata"]["name"] = v; }),
      routeString(
          "Route spec.hostnames[]", "a.", [](int i) { return json("c" + suffix(i) + ".fuzz.test"); },
          [](CaseObjects& c, const json& v) { c.route["spec"]["hostnames"] = json::array({v}); }),
      routeString(
          "Route spec.rules[].name", "r", [](int) { return json("rule"); },
          [](CaseObjects& c, const json& v) { rule(c)["name"] = v; }),
      routeString(
          "Route matches[].path PathPrefix", "/", [](int i) { return json("/c" + suffix(i) + "/p"); },
          [](CaseObjects& c, const json& v) {
            match(c)["path"] = {{"type", "PathPrefix"}, {"value", v}};
          }),
      routeString(
          "Route matches[].path Exact", "/", [](int i) { return json("/c" + suffix(i) + "/exact"); },
          [](CaseObjects& c, const json& v) {
            match(c)["path"] = {{"type", "Exact"}, {"value", v}};
          }),
      routeString(
          "Route matches[].path RegularExpression", "/", [](int) { return json("/c[0-9]+/(a|b)"); },
          [](CaseObjects& c, const json& v) {
            match(c)["path"] = {{"type", "RegularExpression"}, {"value", v}};
            rule(c).erase("rewrite");
          }),
      routeString(
          "Route matches[].methods[]", "G", [](int) { return json("GET"); },
          [](CaseObjects& c, const json& v) { match(c)["methods"] = json::array({v}); }),
      routeString(
          "Route matches[].headers[].name", "x-", [](int) { return json("x-clean"); },
          [](CaseObjects& c, const json& v) {
            match(c)["headers"] = json::array({{{"name", v}, {"value", "1"}}});
          }),
      routeString(
          "Route matches[].headers[].value Exact", "", [](int) { return json("clean"); },
          [](CaseObjects& c, const json& v) {
            match(c)["headers"] = json::array({{{"name", "x-a"}, {"value", v}}});
          }),
      routeString(
          "Route matches[].headers[].value RegularExpression", "", [](int) { return json("v[0-9]+"); },
          [](CaseObjects& c, const json& v) {
            match(c)["headers"] = json::array({{{"name", "x-a"}, {"type", "RegularExpression"}, {"value", v}}});
          }),
      routeString(
          "Route requestHeaders.set[].name", "x-", [](int) { return json("x-clean"); },
          [](CaseObjects& c, const json& v) {
            rule(c)["requestHeaders"] = {{"set", json::array({{{"name", v}, {"value", "1"}}})}};
          }),
      routeString(
          "Route requestHeaders.set[].value", "", [](int) { return json("clean"); },
          [](CaseObjects& c, const json& v) {
            rule(c)["requestHeaders"] = {{"set", json::array({{{"name", "x-a"}, {"value", v}}})}};
          }),
      routeString(
          "Route requestHeaders.add[].value", "", [](int) { return json("clean"); },
          [](CaseObjects& c, const json& v) {
            rule(c)["requestHeaders"] = {{"add", json::array({{{"name", "x-a"}, {"value", v}}})}};
          }),
      routeString(
          "Route requestHeaders.remove[]", "x-", [](int) { return json("x-clean"); },
          [](CaseObjects& c, const json& v) {
            rule(c)["requestHeaders"] = {{"remove", json::array({v})}};
          }),
      routeString(
          "Route responseHeaders.set[].name", "x-", [](int) { return json("x-clean"); },
          [](CaseObjects& c, const json& v) {
            rule(c)["responseHeaders"] = {{"set", json::array({{{"name", v}, {"value", "1"}}})}};
          }),
      routeString(
          "Route responseHeaders.add[].value", "", [](int) { return json("clean"); },
          [](CaseObjects& c, const json& v) {
            rule(c)["responseHeaders"] = {{"add", json::array({{{"name", "x-a"}, {"value", v}}})}};
          }),
      routeString(
          "Route responseHeaders.remove[]", "x-", [](int) { return json("x-clean"); },
          [](CaseObjects& c, const json& v) {
            rule(c)["responseHeaders"] = {{"remove", json::array({v})}};
          }),
      routeString(
          "Route rewrite.pathPrefix", "/", [](int) { return json("/v2"); },
          [](CaseObjects& c, const json& v) {
            rule(c)["rewrite"] = {{"pathPrefix", v}};
          }),
      routeString(
          "Route rewrite.fullPath", "/", [](int) { return json("/v2/x"); },
          [](CaseObjects& c, const json& v) {
            rule(c)["rewrite"] = {{"fullPath", v}};
          }),
      routeString(
          "Route backends[].service", "user-", [](int) { return json("user-service"); },
          [](CaseObjects& c, const json& v) { firstBackend(c)["service"] = v; }),
      routeString(
          "Route backends[].port", "h", [](int) { return json("http"); },
          [](CaseObjects& c, const json& v) { firstBackend(c)["port"] = v; }),
      routeNumber("Route backends[].weight", 50,
                  [](CaseObjects& c, const json& v) {
                    rule(c)["backends"] = json::array({{{"service", "user-service"}, {"weight", v}},
                                                       {{"service", "user-service-v2"}, {"weight", 1}}});
                  }),
      routeString(
          "Route timeout.request", "1", [](int) { return json("5s"); },
          [](CaseObjects& c, const json& v) {
            rule(c)["timeout"] = {{"request", v}};
          }),
      routeString(
          "Route timeout.backendRequest", "1", [](int) { return json("1s"); },
          [](CaseObjects& c, const json& v) {
            rule(c)["timeout"] = {{"backendRequest", v}};
          }),
      routeString(
          "Route retries.perTryTimeout", "1", [](int) { return json("1s"); },
          [](CaseObjects& c, const json& v) {
            rule(c)["retries"] = {{"attempts", 1}, {"perTryTimeout", v}};
          }),
      routeString(
          "Route retries.retryOn[]", "5", [](int) { return json("5xx"); },
          [](CaseObjects& c, const json& v) {
            rule(c)["retries"] = {{"attempts", 1}, {"retryOn", json::array({v})}};
          }),
      routeNumber("Route retries.attempts", 2,
                  [](CaseObjects& c, const json& v) {
                    rule(c)["retries"] = {{"attempts", v}};
                  }),
      routeNumber("Route rateLimit.requestsPerSecond", 10,
                  [](CaseObjects& c, const json& v) {
                    rule(c)["rateLimit"] = {{"requestsPerSecond", v}};
                  }),
      routeNumber("Route rateLimit.burst", 20,
                  [](CaseObjects& c, const json& v) {
                    rule(c)["rateLimit"] = {{"requestsPerSecond", 10}, {"burst", v}};
                  }),
      routeString(
          "Route breakerPolicyRef.name", "default-", [](int) { return json("default-breaker"); },
          [](CaseObjects& c, const json& v) {
            rule(c)["breakerPolicyRef"] = {{"name", v}};
          }),
  };
}

std::vector<InjectionField> policyFields() {
  std::vector<InjectionField> fields = {
      policyField("BreakerPolicy fallback.body", false, "", "down", "fallback", "body"),
      policyField("BreakerPolicy fallback.service", false, "user-", "user-service-v2", "fallback", "service"),
      policyField("BreakerPolicy fallback.status", true, "", 503, "fallback", "status"),
      policyField("BreakerPolicy healthCheck.path", false, "/", "/healthz", "healthCheck", "path"),
      policyField("BreakerPolicy openDuration", false, "1", "30s", "openDuration"),
      policyField("BreakerPolicy halfOpen.probeInterval", false, "1", "5s", "halfOpen", "probeInterval"),
      policyField("BreakerPolicy halfOpen.successesToClose", true, "", 2, "halfOpen", "successesToClose"),
      policyField("BreakerPolicy consecutiveFailures", true, "", 5, "consecutiveFailures"),
      policyField("BreakerPolicy maxConnections", true, "", 100, "maxConnections"),
      policyField("BreakerPolicy maxPendingRequests", true, "", 10, "maxPendingRequests"),
      policyField("BreakerPolicy maxRequestsPerConnection", true, "", 100, "maxRequestsPerConnection"),
      policyField("BreakerPolicy maxRetries", true, "", 3, "maxRetries"),
  };
  fields.push_back({"BreakerPolicy failureOn[]", FieldOwner::BreakerPolicy, false, "5", [](int) { return json("5xx"); },
                    [](CaseObjects& c, const json& v) { (*c.policy)["spec"]["failureOn"] = json::array({v}); }});
  fields.push_back({"BreakerPolicy metadata.name", FieldOwner::BreakerPolicy, false, "bp-",
                    [](int i) { return json("bp-" + suffix(i)); },
                    [](CaseObjects& c, const json& v) {
                      (*c.policy)["metadata"]["name"] = v;
                      rule(c)["breakerPolicyRef"] = {{"name", v}};
                    }});
  return fields;
}

std::vector<InjectionField> microserviceFields() {
  const auto port = [](CaseObjects& c) -> json& { return (*c.microservice)["spec"]["ports"][0]; };
  return {
      {"Microservice metadata.name (and the Route's backend)", FieldOwner::Microservice, false, "ms-",
       [](int i) { return json("ms-" + suffix(i)); },
       [](CaseObjects& c, const json& v) {
         (*c.microservice)["metadata"]["name"] = v;
         firstBackend(c)["service"] = v;
       }},
      {"Microservice spec.ports[].name", FieldOwner::Microservice, false, "h", constant("http"),
       [port](CaseObjects& c, const json& v) { port(c)["name"] = v; }},
      {"Microservice spec.ports[].port", FieldOwner::Microservice, true, "", constant(8080),
       [port](CaseObjects& c, const json& v) { port(c)["port"] = v; }},
      {"Microservice spec.ports[].targetPort", FieldOwner::Microservice, true, "", constant(9090),
       [port](CaseObjects& c, const json& v) { port(c)["targetPort"] = v; }},
      {"Microservice spec.replicas", FieldOwner::Microservice, true, "", constant(2),
       [](CaseObjects& c, const json& v) { (*c.microservice)["spec"]["replicas"] = v; }},
  };
}

std::vector<InjectionField> listenerFields() {
  return {
      {"Gateway spec.listeners[].name", FieldOwner::Listener, false, "l", [](int i) { return json("l" + suffix(i)); },
       [](CaseObjects& c, const json& v) { (*c.listener)["name"] = v; }},
      {"Gateway spec.listeners[].port", FieldOwner::Listener, true, "", [](int i) { return json(listenerPortFor(i)); },
       [](CaseObjects& c, const json& v) { (*c.listener)["port"] = v; }},
      {"Gateway spec.listeners[].protocol", FieldOwner::Listener, false, "HTTP", constant("HTTP"),
       [](CaseObjects& c, const json& v) { (*c.listener)["protocol"] = v; }},
      {"Gateway spec.listeners[].tls.secretRef.name", FieldOwner::Listener, false, "cert-",
       [](int i) { return json("cert-" + suffix(i)); },
       [](CaseObjects& c, const json& v) {
         (*c.listener)["protocol"] = "HTTPS";
         (*c.listener)["tls"] = {{"secretRef", {{"name", v}}}};
       }},
  };
}

}  // namespace

const std::vector<InjectionField>& injectionFields() {
  static const std::vector<InjectionField> fields = [] {
    std::vector<InjectionField> all = routeFields();
    for (auto* more : {&policyFields, &microserviceFields, &listenerFields}) {
      for (auto& field : (*more)()) all.push_back(std::move(field));
    }
    return all;
  }();
  return fields;
}

int listenerPortFor(int index) {
  return 10000 + index % 50000;
}

CaseObjects baseCase(int index, FieldOwner owner) {
  CaseObjects c;
  c.index = index;
  const std::string n = suffix(index);
  c.route = routeJson("shop", "fz-" + n, {prefixRule("/c" + n, "user-service")}, {"c" + n + ".fuzz.test"});
  switch (owner) {
    case FieldOwner::BreakerPolicy:
      c.policy = json{{"apiVersion", "flotilla.io/v1alpha1"},
                      {"kind", "BreakerPolicy"},
                      {"metadata", {{"name", "bp-" + n}, {"namespace", "shop"}}},
                      {"spec", json::object()}};
      rule(c)["breakerPolicyRef"] = {{"name", "bp-" + n}};
      break;
    case FieldOwner::Microservice:
      c.microservice = microserviceJson("shop", "ms-" + n, 1);
      firstBackend(c)["service"] = "ms-" + n;
      break;
    case FieldOwner::Listener:
      c.listener = json{{"name", "l" + n}, {"port", listenerPortFor(index)}};
      break;
    case FieldOwner::Route:
      break;
  }
  return c;
}

}  // namespace flotilla::reliability
