// Config injection through the fields of the Gateway itself (its name and namespace reach the config's comments,
// its default timeout and replica count the directives). There is one Gateway per config, so each case is its own
// render; only the cases validation accepts need a `haproxy -c` run. Same contract as config_injection_test.cpp:
// refused with a field path, or rendered with only the directives (and line shapes) of a clean render.

#include <gtest/gtest.h>

#include <functional>
#include <iostream>

#include "adversarial_values.h"
#include "api/parse.h"
#include "fuzz_support.h"
#include "haproxy_directives.h"
#include "render/gateway_render.h"
#include "render_fixtures.h"

namespace flotilla::reliability {
namespace {

using nlohmann::json;

constexpr int kCiCases = 60;

struct GatewayField {
  std::string name;
  bool numeric = false;
  std::string shape;
  json clean;
  std::function<void(json& gateway, const json& value)> set;
};

const std::vector<GatewayField>& gatewayFields() {
  static const std::vector<GatewayField> fields = {
      {"Gateway metadata.name", false, "pub", "public", [](json& g, const json& v) { g["metadata"]["name"] = v; }},
      {"Gateway metadata.namespace", false, "sh", "shop",
       [](json& g, const json& v) { g["metadata"]["namespace"] = v; }},
      {"Gateway spec.defaults.timeout", false, "3", "30s",
       [](json& g, const json& v) { g["spec"]["defaults"]["timeout"] = v; }},
      {"Gateway spec.defaults.breakerPolicyRef.name", false, "default-", "default-breaker",
       [](json& g, const json& v) {
         g["spec"]["defaults"]["breakerPolicyRef"] = {{"name", v}};
       }},
      {"Gateway spec.replicas", true, "", 2, [](json& g, const json& v) { g["spec"]["replicas"] = v; }},
  };
  return fields;
}

// The shop fixture's Gateway, open to Routes from every namespace so that a fuzzed namespace still gets them.
json shopGateway() {
  return {{"apiVersion", "flotilla.io/v1alpha1"},
          {"kind", "Gateway"},
          {"metadata", {{"name", "public"}, {"namespace", "shop"}, {"uid", "uid-public"}, {"generation", 3}}},
          {"spec",
           {{"replicas", 2},
            {"listeners", json::array({{{"name", "http"}, {"port", 80}}})},
            {"allowedRoutes", {{"namespaces", {{"from", "All"}}}}},
            {"defaults", {{"timeout", "30s"}, {"breakerPolicyRef", {{"name", "default-breaker"}}}}}}}};
}

// The shop inputs around `gateway`; the shop's Routes are pointed at it (and it gets a rate-limited one, so that
// the replica count reaches the config).
render::GatewayInputs inputsFor(const api::Gateway& gateway) {
  auto inputs = render::testing::shopInputs();
  inputs.gateway = gateway;
  auto limited = render::testing::prefixRule("/limited", "user-service");
  limited["rateLimit"] = {{"requestsPerSecond", 100}, {"burst", 200}};
  inputs.routes.push_back(render::testing::route(render::testing::routeJson("shop", "limited", {limited})));
  for (auto& route : inputs.routes) route.spec.gatewayRef = {gateway.metadata.name, gateway.metadata.namespace_};
  return inputs;
}

TEST(ConfigInjection, GatewayFieldsAreRefusedWithTheirPathOrRenderedAsData) {
  const std::uint64_t seed = fuzzSeed();
  const int count = fuzzCases(kCiCases, 0.1);
  int refused = 0;
  int rendered = 0;
  for (int i = 0; i < count; ++i) {
    Rng rng(seed, i);
    const GatewayField& field = gatewayFields()[rng.below(gatewayFields().size())];
    json value;
    if (field.numeric != rng.chance(0.1)) {
      value = adversarialNumber(rng);
    } else if (field.clean.is_string() && rng.chance(0.3)) {
      value = mutatedValid(rng, field.clean.get<std::string>());
    } else {
      value = adversarialString(rng, field.shape);
    }
    const std::string what =
        field.name + " = " + value.dump(-1, ' ', true, json::error_handler_t::replace) + " " + replayHint(seed, i);
    json object = shopGateway();
    field.set(object, value);
    const auto loaded = api::loadResource(object);
    if (!loaded.ok()) {
      ++refused;
      const auto& path = loaded.errors.front().path;
      EXPECT_TRUE(path.starts_with("spec.") || path.starts_with("metadata.")) << what;
      continue;
    }
    ++rendered;
    const auto config = render::renderGateway(inputsFor(std::get<api::Gateway>(loaded.value))).haproxyConfig;
    json cleanObject = shopGateway();
    field.set(cleanObject, value.is_number() ? value : field.clean);
    const auto clean = render::renderGateway(inputsFor(render::testing::gateway(cleanObject))).haproxyConfig;
    EXPECT_EQ(unexpectedDirectives(summarizeDirectives(clean), summarizeDirectives(config)), "") << what;
    const auto check = render::testing::haproxyCheck(config);
    EXPECT_EQ(check.exitCode, 0) << what << "\n" << check.output;
  }
  std::cout << "gateway fields: seed " << seed << ", " << count << " cases: " << refused << " refused by validation, "
            << rendered << " rendered and checked with haproxy -c\n";
  EXPECT_GT(rendered, 0) << "no value reached the config [seed " << seed << "]";
}

}  // namespace
}  // namespace flotilla::reliability
