// Runs the bad-input table (bad_input_case.h): each invalid object is refused by exactly the checks its row names,
// each naming the field path; and when the renderer is one of them, the object's Route is not rendered, its
// condition gives the reason and names the field, and haproxy.cfg for everything else stays byte-identical.

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "api/parse.h"
#include "bad_input_case.h"
#include "render/gateway_render.h"
#include "render_fixtures.h"
#include "schema_test_support.h"

namespace flotilla::reliability {
namespace {

using nlohmann::json;

std::vector<BadInput> allCases() {
  std::vector<BadInput> cases;
  for (auto* table : {&microserviceCases, &routeCases, &breakerPolicyCases, &gatewayCases}) {
    for (auto& c : (*table)()) cases.push_back(std::move(c));
  }
  return cases;
}

json patched(const BadInput& c) {
  json object = baseObject(c.kind);
  object.merge_patch(c.patch);
  return object;
}

std::string listed(const api::FieldErrors& errors, const std::vector<std::string>& unknownFields = {}) {
  std::string out;
  for (const auto& e : errors) out += "\n    " + e.toString();
  for (const auto& f : unknownFields) out += "\n    " + f + ": unknown field";
  return out.empty() ? " (none)" : out;
}

bool names(const api::FieldErrors& errors, const std::string& path, const std::string& message = "") {
  return std::any_of(errors.begin(), errors.end(), [&](const api::FieldError& e) {
    return e.path == path && e.message.find(message) != std::string::npos;
  });
}

template <typename T>
T decoded(const api::Parsed<T>& parsed) {
  EXPECT_TRUE(parsed.ok()) << "a Render row must decode:" << listed(parsed.errors);
  return parsed.value;
}

// The probe Route of the table, pointed at the case's BreakerPolicy or Microservice when that is what it tests.
api::Route probeRouteFor(const BadInput& c) {
  json route = baseObject("Route");
  json& rule = route["spec"]["rules"][0];
  if (c.kind == "BreakerPolicy") rule["breakerPolicyRef"] = {{"name", "probe-policy"}};
  if (c.kind == "Microservice") rule["backends"] = json::array({{{"service", "probe-svc"}}});
  return decoded(api::parseRoute(route));
}

void expectRouteRefused(const BadInput& c, const render::GatewayInputs& inputs, const render::ObjectKey& route,
                        const std::string& baseline) {
  const auto rendered = render::renderGateway(inputs);
  const auto verdict = std::find_if(rendered.routeVerdicts.begin(), rendered.routeVerdicts.end(),
                                    [&](const render::RouteVerdict& v) { return v.route == route; });
  ASSERT_NE(verdict, rendered.routeVerdicts.end()) << "no verdict for " << route.str();
  EXPECT_FALSE(verdict->rendered);
  const auto& failed = verdict->accepted.status ? verdict->resolvedRefs : verdict->accepted;
  EXPECT_FALSE(failed.status);
  EXPECT_EQ(failed.reason, c.reason) << failed.message;
  EXPECT_NE(failed.message.find(c.path), std::string::npos)
      << "the " << failed.type << " message does not name " << c.path << ": " << failed.message;
  // Compared as a bool: the configs are too long for a readable diff, and any difference is the failure.
  EXPECT_TRUE(rendered.haproxyConfig == baseline) << "the config of the other Routes changed";
}

void expectRendererRefuses(const BadInput& c, const json& object) {
  auto inputs = render::testing::shopInputs();
  const std::string baseline = render::renderGateway(inputs).haproxyConfig;
  if (c.kind == "Gateway") {
    inputs.gateway = decoded(api::parseGateway(object));
    const auto rendered = render::renderGateway(inputs);
    EXPECT_TRUE(names(rendered.gatewayErrors, c.path)) << "Gateway errors:" << listed(rendered.gatewayErrors);
    return;
  }
  if (c.kind == "Route") {
    const auto route = decoded(api::parseRoute(object));
    inputs.routes.push_back(route);
    expectRouteRefused(c, inputs, render::keyOf(route), baseline);
    return;
  }
  if (c.kind == "BreakerPolicy") inputs.breakerPolicies.push_back(decoded(api::parseBreakerPolicy(object)));
  if (c.kind == "Microservice") inputs.microservices.push_back(decoded(api::parseMicroservice(object)));
  const auto probe = probeRouteFor(c);
  inputs.routes.push_back(probe);
  expectRouteRefused(c, inputs, render::keyOf(probe), baseline);
}

class BadInputTable : public ::testing::TestWithParam<BadInput> {};

TEST_P(BadInputTable, IsRefusedByTheNamedChecksWithItsFieldPath) {
  const BadInput& c = GetParam();
  const json object = patched(c);

  // The CRD schema, as kube-apiserver applies it with strict field validation.
  json admitted = object;
  const auto admission = api::testing::validatorFor(c.kind).admit(admitted);
  const std::string schemaPath = c.schemaPath.empty() ? c.path : c.schemaPath;
  const bool schemaRefuses = !admission.ok() || !admission.unknownFields.empty();
  const auto& unknown = admission.unknownFields;
  if (c.layers & kSchema) {
    EXPECT_TRUE(names(admission.errors, schemaPath) ||
                std::find(unknown.begin(), unknown.end(), schemaPath) != unknown.end())
        << "the CRD schema should refuse it at " << schemaPath << "; it says:" << listed(admission.errors, unknown);
  } else {
    EXPECT_FALSE(schemaRefuses) << "the CRD schema refuses it as well (mark the row Schema):"
                                << listed(admission.errors, unknown);
  }

  // The typed decode and semantic validation of the operator.
  const auto loaded = api::loadResource(object);
  if (c.layers & kSemantic) {
    EXPECT_TRUE(names(loaded.errors, c.path, c.message))
        << "validation should say \"" << c.path << ": ..." << c.message << "...\"; it says:" << listed(loaded.errors);
  } else {
    EXPECT_TRUE(loaded.ok()) << "validation refuses it as well (mark the row Semantic):" << listed(loaded.errors);
  }

  if (c.layers & kRender) expectRendererRefuses(c, object);
}

INSTANTIATE_TEST_SUITE_P(Invalid, BadInputTable, ::testing::ValuesIn(allCases()),
                         [](const ::testing::TestParamInfo<BadInput>& info) {
                           return info.param.kind + "_" + info.param.name;
                         });

TEST(BadInputTableShape, AtLeastSixtyCasesOverTheFourKinds) {
  const auto cases = allCases();
  std::map<std::string, int> perKind;
  std::set<std::string> seen;
  for (const auto& c : cases) {
    ++perKind[c.kind];
    EXPECT_TRUE(seen.insert(c.kind + "/" + c.name).second) << "duplicate row " << c;
    EXPECT_NE(c.layers, 0u) << c << " names no check";
    EXPECT_EQ(!c.reason.empty(), (c.layers & kRender) != 0 && c.kind != "Gateway") << c << ": reason vs Render";
  }
  EXPECT_GE(cases.size(), 60u);
  for (const char* kind : {"Microservice", "Route", "BreakerPolicy", "Gateway"}) EXPECT_GE(perKind[kind], 10) << kind;
}

}  // namespace
}  // namespace flotilla::reliability
