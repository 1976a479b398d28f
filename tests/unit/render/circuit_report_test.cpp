// render/circuit_report.h: the flotilla.io/open-circuits annotation the gateway agent writes and the operator reads.
#include "render/circuit_report.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace flotilla::render {
namespace {

ReportedCircuit circuit(const std::string& route, const std::string& endpoint) {
  return {route, "be_" + endpoint, {"shop", "users"}, "shop/strict", endpoint, "open", "2024-05-01T12:00:00Z"};
}

TEST(CircuitReport, RoundTripsSorted) {
  const auto text = encodeOpenCircuits({circuit("shop/users", "10.0.0.2:8080"), circuit("shop/orders", "10.0.0.9:80"),
                                        circuit("shop/users", "10.0.0.1:8080")});
  const auto decoded = decodeOpenCircuits(text);
  ASSERT_EQ(decoded.size(), 3u);
  EXPECT_EQ(decoded[0], circuit("shop/orders", "10.0.0.9:80"));
  EXPECT_EQ(decoded[1], circuit("shop/users", "10.0.0.1:8080"));
  EXPECT_EQ(decoded[2], circuit("shop/users", "10.0.0.2:8080"));
  // Compact: no whitespace between tokens.
  EXPECT_EQ(text.find(' '), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(text)[0]["breakerPolicy"], "shop/strict");
}

TEST(CircuitReport, NoCircuitsIsAnEmptyValue) {
  EXPECT_EQ(encodeOpenCircuits({}), "");
  EXPECT_TRUE(decodeOpenCircuits("").empty());
}

TEST(CircuitReport, SizeIsBounded) {
  std::vector<ReportedCircuit> many;
  for (int i = 0; i < 200; ++i) many.push_back(circuit("shop/users", "10.0." + std::to_string(i) + ".1:8080"));
  const auto text = encodeOpenCircuits(many);
  EXPECT_EQ(decodeOpenCircuits(text).size(), kMaxReportedCircuits);
  EXPECT_LT(text.size(), 16u * 1024u);
}

TEST(CircuitReport, DecodingToleratesHandEdits) {
  EXPECT_TRUE(decodeOpenCircuits("not json").empty());
  EXPECT_TRUE(decodeOpenCircuits(R"({"route":"shop/users"})").empty());
  const auto decoded =
      decodeOpenCircuits(R"([1, {"route":"shop/users"}, {"route":"shop/users","endpoint":"10.0.0.1:80","rule":3},
                             {"route":7,"endpoint":"10.0.0.2:80"}])");
  ASSERT_EQ(decoded.size(), 1u);
  EXPECT_EQ(decoded[0].endpoint, "10.0.0.1:80");
  EXPECT_EQ(decoded[0].breakerPolicy, "");
}

}  // namespace
}  // namespace flotilla::render
