// The Gateway status (gateway_status.h): fields, conditions, and no change when nothing changed.
#include "controllers/gateway_status.h"

#include <gtest/gtest.h>

namespace flotilla::controllers {
namespace {

using nlohmann::json;

constexpr const char* kT1 = "2024-05-01T12:00:00Z";
constexpr const char* kT2 = "2024-05-01T12:05:00Z";

GatewayStatusInputs programmedInputs() {
  GatewayStatusInputs inputs;
  inputs.generation = 4;
  inputs.attachedRoutes = 3;
  inputs.accepted = gatewayAccepted({});
  inputs.programmed.condition = {"Programmed", "True", "Programmed", "1 ready gateway pod(s) loaded ..."};
  inputs.programmed.loadedHash = "sha256:abc";
  inputs.programmed.loadedGeneration = 4;
  inputs.addresses = json::array({{{"type", "IPAddress"}, {"value", "10.96.0.1"}}});
  return inputs;
}

const json& condition(const json& status, const std::string& type) {
  for (const auto& c : status["conditions"]) {
    if (c["type"] == type) return c;
  }
  static const json kNone;
  return kNone;
}

TEST(GatewayStatus, AllFields) {
  auto status = gatewayStatus(programmedInputs(), json::object(), kT1);
  EXPECT_EQ(status["observedGeneration"], 4);
  EXPECT_EQ(status["attachedRoutes"], 3);
  EXPECT_EQ(status["configHash"], "sha256:abc");
  EXPECT_EQ(status["loadedGeneration"], 4);
  EXPECT_EQ(status["addresses"][0]["value"], "10.96.0.1");
  ASSERT_EQ(status["conditions"].size(), 2u);
  EXPECT_EQ(status["conditions"][0]["type"], "Accepted");
  EXPECT_EQ(status["conditions"][1]["type"], "Programmed");
  EXPECT_EQ(condition(status, "Accepted")["status"], "True");
  EXPECT_EQ(condition(status, "Accepted")["observedGeneration"], 4);
  EXPECT_EQ(condition(status, "Programmed")["lastTransitionTime"], kT1);
}

TEST(GatewayStatus, RecomputingTheSameStateGivesTheSameJson) {
  auto first = gatewayStatus(programmedInputs(), json::object(), kT1);
  auto again = gatewayStatus(programmedInputs(), first, kT2);
  EXPECT_EQ(again, first);
}

TEST(GatewayStatus, TransitionTimeMovesOnlyWithTheStatus) {
  auto first = gatewayStatus(programmedInputs(), json::object(), kT1);
  auto inputs = programmedInputs();
  inputs.programmed.condition = {"Programmed", "False", "Pending", "0 of 1 ready gateway pods loaded ..."};
  inputs.programmed.loadedHash.reset();
  auto pending = gatewayStatus(inputs, first, kT2);
  EXPECT_EQ(condition(pending, "Programmed")["lastTransitionTime"], kT2);
  EXPECT_EQ(condition(pending, "Accepted")["lastTransitionTime"], kT1);
  // While the pods disagree, what they had all loaded before stays.
  EXPECT_EQ(pending["configHash"], "sha256:abc");
  EXPECT_EQ(pending["loadedGeneration"], 4);
}

TEST(GatewayStatus, AcceptedFalseListsEveryProblem) {
  auto accepted = gatewayAccepted({{"spec.listeners[1].port", "duplicate port 80"},
                                   {"spec.defaults.breakerPolicyRef", "BreakerPolicy shop/x not found"}});
  EXPECT_EQ(accepted.status, "False");
  EXPECT_EQ(accepted.reason, "Invalid");
  EXPECT_EQ(
      accepted.message,
      "spec.listeners[1].port: duplicate port 80; spec.defaults.breakerPolicyRef: BreakerPolicy shop/x not found");
  EXPECT_EQ(gatewayAccepted({}).reason, "Accepted");
}

TEST(GatewayStatus, NothingLoadedYet) {
  GatewayStatusInputs inputs;
  inputs.generation = 1;
  inputs.accepted = gatewayAccepted({});
  inputs.programmed.condition = {"Programmed", "False", "Pending", "no gateway pod is ready"};
  auto status = gatewayStatus(inputs, json(), kT1);
  EXPECT_EQ(status["configHash"], "");
  EXPECT_EQ(status["loadedGeneration"], 0);
  EXPECT_EQ(status["addresses"], json::array());
}

}  // namespace
}  // namespace flotilla::controllers
