// Same input -> byte-identical output, whatever the order of the input lists: unchanged input never reloads HAProxy.

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "render/gateway_render.h"
#include "render/sha256.h"
#include "render_fixtures.h"

namespace flotilla::render::testing {
namespace {

GatewayInputs richInputs() {
  auto inputs = shopInputs();
  inputs.endpoints[{"shop", "user-service"}] = {{"10.0.0.2", 8080, "http", true, true, false, "u-2"},
                                                {"10.0.0.1", 8080, "http", true, true, false, "u-1"},
                                                {"10.0.0.3", 8080, "http", false, false, false, "u-3"}};
  inputs.endpoints[{"shop", "order-service"}] = {{"10.0.1.1", 8080, "http", true, true, false, "o-1"}};
  inputs.routes.push_back(
      route(routeJson("shop", "extra", {prefixRule("/extra", "payment-service")}, {"*.example.com"})));
  inputs.routes.push_back(route(routeJson("shop", "ghost", {prefixRule("/ghost", "nobody")})));
  auto strict = inputs.breakerPolicies[0];
  strict.metadata.name = "strict";
  strict.spec.consecutiveFailures = 2;
  inputs.breakerPolicies.push_back(strict);
  return inputs;
}

std::string everything(const GatewayRender& r) {
  std::string text = r.haproxyConfig + r.configHash;
  for (const auto& object : r.objects.all()) text += object.dump();
  for (const auto& v : r.routeVerdicts) text += v.route.str() + v.accepted.message + v.resolvedRefs.message;
  return text;
}

TEST(Determinism, RenderingTwiceIsByteIdentical) {
  const auto a = renderGateway(richInputs());
  const auto b = renderGateway(richInputs());
  EXPECT_EQ(a.haproxyConfig, b.haproxyConfig);
  EXPECT_EQ(everything(a), everything(b));
}

TEST(Determinism, InputOrderDoesNotMatter) {
  const auto reference = everything(renderGateway(richInputs()));
  std::mt19937 random(42);
  for (int round = 0; round < 5; ++round) {
    auto inputs = richInputs();
    std::shuffle(inputs.routes.begin(), inputs.routes.end(), random);
    std::shuffle(inputs.microservices.begin(), inputs.microservices.end(), random);
    std::shuffle(inputs.breakerPolicies.begin(), inputs.breakerPolicies.end(), random);
    for (auto& [key, endpoints] : inputs.endpoints) std::shuffle(endpoints.begin(), endpoints.end(), random);
    EXPECT_EQ(everything(renderGateway(inputs)), reference) << "round " << round;
  }
}

TEST(Determinism, HashIsTheSha256OfTheText) {
  const auto r = renderGateway(richInputs());
  EXPECT_EQ(r.configHash, "sha256:" + sha256Hex(r.haproxyConfig));
  auto changed = richInputs();
  changed.routes[0].spec.rules[0].timeout.request = api::Duration::seconds(3);
  EXPECT_NE(renderGateway(changed).configHash, r.configHash);
}

TEST(Determinism, GatewayGenerationAloneDoesNotChangeTheConfig) {
  auto inputs = richInputs();
  const auto before = renderGateway(inputs);
  inputs.gateway.metadata.generation += 1;
  const auto after = renderGateway(inputs);
  EXPECT_EQ(before.haproxyConfig, after.haproxyConfig);
  EXPECT_NE(before.objects.configMap["metadata"]["annotations"], after.objects.configMap["metadata"]["annotations"]);
}

}  // namespace
}  // namespace flotilla::render::testing
