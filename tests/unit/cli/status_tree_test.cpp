// The `kubectl flotilla status` tree (cli/status_tree.h) from a snapshot: structure, conditions, endpoints and
// circuit states.
#include "cli/status_tree.h"

#include <gtest/gtest.h>

#include "cli_fixtures.h"

namespace flotilla::cli {
namespace {

StatusSnapshot shopSnapshot() {
  const auto in = testing::parseInputs(std::string(testing::kBase) + testing::route("users", "/api/users", "a") +
                                       testing::route("other-gw", "/x", "b"));
  StatusSnapshot s;
  auto gateway = in.gateways[0];
  gateway.status = {{"conditions",
                     {{{"type", "Accepted"}, {"status", "True"}, {"reason", "Accepted"}},
                      {{"type", "Programmed"}, {"status", "False"}, {"reason", "NoReadyPods"}}}}};
  nlohmann::json pod = {{"metadata", {{"name", "public-gateway-1"}, {"annotations", nlohmann::json::object()}}},
                        {"status", {{"conditions", {{{"type", "Ready"}, {"status", "True"}}}}}}};
  render::ReportedCircuit circuit{"shop/users", "be_shop_users_r0_a", {"shop", "a"}, "", "10.0.0.2:8080", "open", ""};
  pod["metadata"]["annotations"][render::kAnnotationOpenCircuits] = render::encodeOpenCircuits({circuit});
  s.gateways.push_back({gateway, {pod}});
  s.routes = in.routes;
  s.routes[1].spec.gatewayRef = {"private", ""};  // not on this gateway: not shown
  s.routes[0].status = {
      {"parents",
       {{{"gateway", "shop/public"},
         {"conditions",
          {{{"type", "Accepted"}, {"status", "True"}}, {{"type", "ResolvedRefs"}, {"status", "True"}}}}}}}};
  s.microservices = in.microservices;
  s.microservices[0].status = {{"conditions", {{{"type", "Ready"}, {"status", "True"}}}}};
  s.endpointSlices[{"shop", "a"}] = {
      {{"ports", {{{"name", "http"}, {"port", 8080}}}},
       {"endpoints",
        {{{"addresses", {"10.0.0.2"}}, {"conditions", {{"ready", true}}}, {"targetRef", {{"name", "a-1"}}}},
         {{"addresses", {"10.0.0.10"}}, {"conditions", {{"ready", false}}}, {"targetRef", {{"name", "a-2"}}}}}}}};
  return s;
}

TEST(StatusTree, GatewayRoutesBackendsEndpointsWithCircuits) {
  EXPECT_EQ(renderStatusTree(shopSnapshot()),
            "Gateway shop/public  Accepted=True  Programmed=False (NoReadyPods)  pods 1/1 ready\n"
            "└── Route shop/users /api/users/*  Accepted=True  ResolvedRefs=True\n"
            "    └── Microservice shop/a weight 1  Ready=True\n"
            "        ├── 10.0.0.2:8080 a-1  ready  circuit open\n"
            "        └── 10.0.0.10:8080 a-2  not-ready  circuit closed\n");
}

TEST(StatusTree, MissingBackendAndNoEndpointsAreSaid) {
  auto s = shopSnapshot();
  s.routes[0].spec.rules[0].backends.push_back({"ghost", std::nullopt, 1});
  s.endpointSlices.clear();
  const auto tree = renderStatusTree(s);
  EXPECT_NE(tree.find("    ├── Microservice shop/a weight 1  Ready=True\n    │   └── (no endpoints)\n"),
            std::string::npos)
      << tree;
  EXPECT_NE(tree.find("    └── Microservice shop/ghost weight 1  NOT FOUND\n"), std::string::npos) << tree;
}

TEST(ConditionSummary, UnknownTypesShowAQuestionMark) {
  EXPECT_EQ(conditionSummary(nlohmann::json::array(), {"Ready"}), "Ready=?");
}

}  // namespace
}  // namespace flotilla::cli
