#include "bad_input_case.h"
#include "render_fixtures.h"

namespace flotilla::reliability {

using nlohmann::json;

namespace {

json baseRule() {
  json rule = render::testing::prefixRule("/probe", "user-service");
  rule["name"] = "probe";
  return rule;
}

}  // namespace

json baseObject(const std::string& kind) {
  if (kind == "Microservice") return render::testing::microserviceJson("shop", "probe-svc", 2);
  if (kind == "Route") {
    // Newer than the shop's Routes, so that it is the one a conflict leaves out.
    return render::testing::routeJson("shop", "probe", {baseRule()}, {"probe.example.com"}, "2024-06-01T00:00:00Z");
  }
  if (kind == "BreakerPolicy") {
    return {{"apiVersion", "flotilla.io/v1alpha1"},
            {"kind", "BreakerPolicy"},
            {"metadata", {{"name", "probe-policy"}, {"namespace", "shop"}}},
            {"spec", {{"consecutiveFailures", 5}, {"openDuration", "30s"}}}};
  }
  if (kind == "Gateway") {
    return {{"apiVersion", "flotilla.io/v1alpha1"},
            {"kind", "Gateway"},
            {"metadata", {{"name", "public"}, {"namespace", "shop"}, {"uid", "uid-public"}, {"generation", 3}}},
            {"spec",
             {{"replicas", 2},
              {"listeners", json::array({{{"name", "http"}, {"port", 80}}})},
              {"defaults", {{"timeout", "30s"}, {"breakerPolicyRef", {{"name", "default-breaker"}}}}}}}};
  }
  throw std::invalid_argument("no base object of kind " + kind);
}

json routeRule(const json& patch) {
  json rule = baseRule();
  rule.merge_patch(patch);
  return {{"spec", {{"rules", json::array({rule})}}}};
}

std::string repeated(const std::string& unit, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += unit;
  return out;
}

}  // namespace flotilla::reliability
