// The Route status (route_status.h): the renderer's verdict as Accepted/ResolvedRefs, and Programmed from whether
// the Gateway's pods run a configuration that holds the Route.
#include "controllers/route_status.h"

#include <gtest/gtest.h>

namespace flotilla::controllers {
namespace {

using nlohmann::json;

constexpr const char* kT1 = "2024-05-01T12:00:00Z";
constexpr const char* kT2 = "2024-05-01T12:05:00Z";

render::RouteVerdict acceptedVerdict() {
  render::RouteVerdict verdict;
  verdict.route = {"shop", "users"};
  verdict.gateway = {"shop", "public"};
  verdict.generation = 2;
  verdict.accepted = {"Accepted", true, "Accepted", "Route is accepted by Gateway shop/public"};
  verdict.resolvedRefs = {"ResolvedRefs", true, "ResolvedRefs", "All references resolved"};
  verdict.rendered = true;
  return verdict;
}

RouteParentInputs inputsWith(render::RouteVerdict verdict, bool loaded) {
  RouteParentInputs inputs;
  inputs.gatewayKey = "shop/public";
  inputs.generation = 2;
  inputs.verdict = std::move(verdict);
  inputs.dataPlaneLoaded = loaded;
  return inputs;
}

std::map<std::string, Condition> byType(const std::vector<Condition>& conditions) {
  std::map<std::string, Condition> out;
  for (const auto& c : conditions) out[c.type] = c;
  return out;
}

TEST(RouteStatus, ProgrammedOnceTheDataPlaneLoadedIt) {
  auto loaded = byType(routeParentConditions(inputsWith(acceptedVerdict(), true)));
  EXPECT_EQ(loaded["Accepted"].status, "True");
  EXPECT_EQ(loaded["ResolvedRefs"].reason, "ResolvedRefs");
  EXPECT_EQ(loaded["Programmed"].status, "True");
  EXPECT_EQ(loaded["Programmed"].reason, "Programmed");
  EXPECT_EQ(loaded["Programmed"].observedGeneration, 2);

  auto waiting = byType(routeParentConditions(inputsWith(acceptedVerdict(), false)));
  EXPECT_EQ(waiting["Programmed"].status, "False");
  EXPECT_EQ(waiting["Programmed"].reason, "Pending");
}

TEST(RouteStatus, RejectedConfigIsExplainedByTheGateway) {
  auto inputs = inputsWith(acceptedVerdict(), false);
  inputs.gatewayProgrammed = Condition{"Programmed", "False", "Invalid", "gateway pod p rejected configuration x: y"};
  auto conditions = byType(routeParentConditions(inputs));
  EXPECT_EQ(conditions["Programmed"].reason, "Invalid");
  EXPECT_EQ(conditions["Programmed"].message, "gateway pod p rejected configuration x: y");
}

TEST(RouteStatus, LeftOutRoutesCarryTheReasonInProgrammed) {
  auto conflicted = acceptedVerdict();
  conflicted.accepted = {"Accepted", false, "Conflicted", "same hostname and match as shop/older"};
  conflicted.rendered = false;
  auto conditions = byType(routeParentConditions(inputsWith(conflicted, true)));
  EXPECT_EQ(conditions["Accepted"].status, "False");
  EXPECT_EQ(conditions["Accepted"].reason, "Conflicted");
  EXPECT_EQ(conditions["Programmed"].status, "False");
  EXPECT_EQ(conditions["Programmed"].reason, "Conflicted");

  auto unresolved = acceptedVerdict();
  unresolved.resolvedRefs = {"ResolvedRefs", false, "BackendNotFound", "Microservice shop/nope not found"};
  unresolved.rendered = false;
  conditions = byType(routeParentConditions(inputsWith(unresolved, false)));
  EXPECT_EQ(conditions["Accepted"].status, "True");
  EXPECT_EQ(conditions["Programmed"].reason, "BackendNotFound");
}

TEST(RouteStatus, WithoutAVerdictEverythingSaysWhy) {
  RouteParentInputs inputs;
  inputs.gatewayKey = "shop/missing";
  inputs.generation = 1;
  inputs.unresolved = {"Accepted", "False", "NoMatchingParent", "Gateway shop/missing not found"};
  auto conditions = byType(routeParentConditions(inputs));
  EXPECT_EQ(conditions["Accepted"].reason, "NoMatchingParent");
  EXPECT_EQ(conditions["Accepted"].message, "Gateway shop/missing not found");
  EXPECT_EQ(conditions["ResolvedRefs"].status, "Unknown");
  EXPECT_EQ(conditions["Programmed"].reason, "NoMatchingParent");
}

TEST(RouteStatus, OneParentEntryAndStableJson) {
  auto inputs = inputsWith(acceptedVerdict(), true);
  auto status = routeStatus(inputs, json::object(), kT1);
  EXPECT_EQ(status["observedGeneration"], 2);
  ASSERT_EQ(status["parents"].size(), 1u);
  EXPECT_EQ(status["parents"][0]["gateway"], "shop/public");
  EXPECT_EQ(status["parents"][0]["conditions"].size(), 3u);
  EXPECT_EQ(routeStatus(inputs, status, kT2), status);
  EXPECT_EQ(parentConditions(status, "shop/public"), status["parents"][0]["conditions"]);
  EXPECT_EQ(parentConditions(status, "shop/other"), json::array());

  // A Route moved to another Gateway: the old parent entry is gone, the new one starts fresh.
  inputs.gatewayKey = "shop/internal";
  auto moved = routeStatus(inputs, status, kT2);
  ASSERT_EQ(moved["parents"].size(), 1u);
  EXPECT_EQ(moved["parents"][0]["gateway"], "shop/internal");
  EXPECT_EQ(moved["parents"][0]["conditions"][0]["lastTransitionTime"], kT2);
}

}  // namespace
}  // namespace flotilla::controllers
