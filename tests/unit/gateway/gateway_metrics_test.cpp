// flotilla_circuit_state: a series for every endpoint a backend serves (closed ones too, so dashboards and the
// CircuitOpen alert's `== 1` see the whole set), updated on trips, and gone with the endpoint.
#include "gateway/gateway_metrics.h"

#include <gtest/gtest.h>

#include <string>

#include "observability/metrics.h"

namespace flotilla::gateway {
namespace {

std::string series(const std::string& endpoint, int value) {
  return "flotilla_circuit_state{backend=\"be_shop_users_0\",endpoint=\"" + endpoint +
         "\",gateway=\"shop/public\",route=\"shop/users\"} " + std::to_string(value);
}

TEST(GatewayMetrics, EveryServedEndpointHasACircuitSeriesUntilItGoes) {
  observability::MetricsRegistry registry;
  GatewayMetrics metrics(registry);
  const CircuitKey a{"be_shop_users_0", "10.0.0.1:8080"};
  const CircuitKey b{"be_shop_users_0", "10.0.0.2:8080"};

  metrics.circuits("shop/public", {{a, "shop/users", CircuitState::Closed}, {b, "shop/users", CircuitState::Closed}});
  std::string text = registry.serialize();
  EXPECT_NE(text.find(series(a.endpoint, 0)), std::string::npos) << text;
  EXPECT_NE(text.find(series(b.endpoint, 0)), std::string::npos) << text;

  metrics.circuit("shop/public", b, "shop/users", CircuitState::Open);
  text = registry.serialize();
  EXPECT_NE(text.find(series(b.endpoint, 1)), std::string::npos) << text;

  metrics.circuits("shop/public", {{b, "shop/users", CircuitState::Open}});
  text = registry.serialize();
  EXPECT_EQ(text.find(a.endpoint), std::string::npos) << "an endpoint no backend serves keeps no series:\n" << text;
  EXPECT_NE(text.find(series(b.endpoint, 1)), std::string::npos) << text;
}

}  // namespace
}  // namespace flotilla::gateway
