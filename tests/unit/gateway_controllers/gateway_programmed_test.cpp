// Programmed from what the gateway pods report (gateway_programmed.h): True only when every ready pod runs the
// current config hash and Gateway generation; Invalid when HAProxy refused the new config; Pending otherwise.
#include "controllers/gateway_programmed.h"

#include <gtest/gtest.h>

#include "gateway_fixtures.h"

namespace flotilla::controllers {
namespace {

using testing::gatewayPodJson;

constexpr const char* kHash = "sha256:aaa";
constexpr const char* kOldHash = "sha256:old";

GatewayPodReport pod(const std::string& name, bool ready, const std::string& hash, const std::string& generation,
                     const std::string& error = "") {
  return gatewayPodReport(gatewayPodJson("shop", "public", name, ready, hash, generation, error));
}

TEST(GatewayPodReport, ReadsReadinessAddressAndAgentAnnotations) {
  auto report = pod("public-gateway-1", true, kHash, "3", "bad config");
  EXPECT_EQ(report.name, "public-gateway-1");
  EXPECT_TRUE(report.ready);
  EXPECT_FALSE(report.terminating);
  EXPECT_EQ(report.podIP, "10.0.0.7");
  EXPECT_EQ(report.loadedHash, kHash);
  EXPECT_EQ(report.loadedGeneration, 3);
  EXPECT_EQ(report.configError, "bad config");
}

TEST(GatewayPodReport, TerminatingPodIsNotReadyAndGarbledGenerationIsUnknown) {
  auto object = gatewayPodJson("shop", "public", "p", true, kHash, "3x");
  object["metadata"]["deletionTimestamp"] = "2024-01-01T00:00:00Z";
  auto report = gatewayPodReport(object);
  EXPECT_TRUE(report.terminating);
  EXPECT_FALSE(report.ready);
  EXPECT_FALSE(report.loadedGeneration.has_value());
  EXPECT_FALSE(gatewayPodReport(gatewayPodJson("shop", "public", "q", true)).loadedGeneration.has_value());
}

TEST(ProgrammedState, TrueWhenEveryReadyPodLoadedTheCurrentHashAndGeneration) {
  auto state =
      programmedState({pod("a", true, kHash, "3"), pod("b", true, kHash, "3"), pod("c", false, "", "")}, kHash, 3);
  EXPECT_EQ(state.condition.type, "Programmed");
  EXPECT_EQ(state.condition.status, "True");
  EXPECT_EQ(state.condition.reason, "Programmed");
  EXPECT_NE(state.condition.message.find("2 ready gateway pod(s) loaded configuration sha256:aaa"), std::string::npos)
      << state.condition.message;
  EXPECT_EQ(state.loadedHash, kHash);
  EXPECT_EQ(state.loadedGeneration, 3);
}

TEST(ProgrammedState, PendingWhileOneReadyPodIsBehind) {
  auto state = programmedState({pod("a", true, kHash, "3"), pod("b", true, kOldHash, "2")}, kHash, 3);
  EXPECT_EQ(state.condition.status, "False");
  EXPECT_EQ(state.condition.reason, "Pending");
  EXPECT_NE(state.condition.message.find("1 of 2 ready gateway pods"), std::string::npos) << state.condition.message;
  EXPECT_FALSE(state.loadedHash.has_value());  // the pods disagree
}

TEST(ProgrammedState, SameHashOfAnOlderGenerationIsNotEnough) {
  auto state = programmedState({pod("a", true, kHash, "2")}, kHash, 3);
  EXPECT_EQ(state.condition.reason, "Pending");
  EXPECT_EQ(state.loadedHash, kHash);
  EXPECT_EQ(state.loadedGeneration, 2);
}

TEST(ProgrammedState, PendingWithoutReadyPods) {
  EXPECT_EQ(programmedState({}, kHash, 1).condition.reason, "Pending");
  auto state = programmedState({pod("a", false, kHash, "1")}, kHash, 1);
  EXPECT_EQ(state.condition.status, "False");
  EXPECT_EQ(state.condition.reason, "Pending");
  EXPECT_NE(state.condition.message.find("no gateway pod is ready"), std::string::npos);
}

TEST(ProgrammedState, InvalidWhenAPodRejectedTheNewConfig) {
  auto state = programmedState(
      {pod("a", true, kOldHash, "2", "parsing [haproxy.cfg:12] : unknown keyword 'bogus'"), pod("b", true, kHash, "3")},
      kHash, 3);
  EXPECT_EQ(state.condition.status, "False");
  EXPECT_EQ(state.condition.reason, "Invalid");
  EXPECT_NE(state.condition.message.find("gateway pod a rejected configuration sha256:aaa"), std::string::npos)
      << state.condition.message;
  EXPECT_NE(state.condition.message.find("unknown keyword 'bogus'"), std::string::npos);
}

TEST(ProgrammedState, ErrorOfAPodNotReadyYetStillCounts) {
  EXPECT_EQ(programmedState({pod("a", false, "", "", "refused")}, kHash, 1).condition.reason, "Invalid");
}

TEST(ProgrammedState, ErrorNextToTheCurrentHashIsStale) {
  auto state = programmedState({pod("a", true, kHash, "3", "an older attempt failed")}, kHash, 3);
  EXPECT_EQ(state.condition.status, "True");
}

TEST(ProgrammedState, ErrorAboutAnotherConfigIsStale) {
  auto object = gatewayPodJson("shop", "public", "a", true, kOldHash, "2", "refused");
  object["metadata"]["annotations"]["flotilla.io/config-error-hash"] = "sha256:superseded";
  auto report = gatewayPodReport(object);
  EXPECT_EQ(report.configErrorHash, "sha256:superseded");
  EXPECT_EQ(programmedState({report}, kHash, 3).condition.reason, "Pending");
  object["metadata"]["annotations"]["flotilla.io/config-error-hash"] = kHash;
  EXPECT_EQ(programmedState({gatewayPodReport(object)}, kHash, 3).condition.reason, "Invalid");
}

TEST(ProgrammedState, PodOrderDoesNotMatter) {
  auto a = programmedState({pod("x", true, kOldHash, "1", "e1"), pod("y", true, kOldHash, "1", "e2")}, kHash, 2);
  auto b = programmedState({pod("y", true, kOldHash, "1", "e2"), pod("x", true, kOldHash, "1", "e1")}, kHash, 2);
  EXPECT_EQ(a.condition.message, b.condition.message);
}

}  // namespace
}  // namespace flotilla::controllers
