// Deeply nested JSON that does not come through the YAML loader: the kube client hands the operator objects parsed
// by a JSON parser without yaml-cpp's depth limit (kube-apiserver allows 10,000 levels). The typed decoders must
// refuse such an object with an error, before anything copies it (copies recurse per level: 100,000 levels used to
// overflow the stack in parseMicroservice).

#include <gtest/gtest.h>

#include "api/parse.h"
#include "render/microservice_objects.h"
#include "render_fixtures.h"

namespace flotilla::reliability {
namespace {

using nlohmann::json;

// `levels` nested arrays, parsed by nlohmann (iteratively) as the kube client does with a response body.
json deepArray(int levels) {
  return json::parse(std::string(static_cast<std::size_t>(levels), '[') +
                     std::string(static_cast<std::size_t>(levels), ']'));
}

struct Placement {
  const char* where;
  void (*place)(json& microservice, json deep);
};

const Placement kPlacements[] = {
    {"spec.env[0].valueFrom",
     [](json& m, json deep) {
       m["spec"]["env"] = json::array({{{"name", "A"}, {"valueFrom", {{"deep", std::move(deep)}}}}});
     }},
    {"spec.probes.readiness.exec.command",
     [](json& m, json deep) {
       m["spec"]["probes"] = {{"readiness", {{"exec", {{"command", std::move(deep)}}}}}};
     }},
    {"spec.autoscaling.behavior",
     [](json& m, json deep) {
       m["spec"].erase("replicas");
       m["spec"]["autoscaling"] = {{"minReplicas", 1},
                                   {"maxReplicas", 2},
                                   {"targetCPUUtilization", 50},
                                   {"behavior", {{"scaleUp", std::move(deep)}}}};
     }},
    {"spec.colour (unknown)", [](json& m, json deep) { m["spec"]["colour"] = std::move(deep); }},
    {"metadata.annotations",
     [](json& m, json deep) {
       m["metadata"]["annotations"] = {{"a", std::move(deep)}};
     }},
};

TEST(DeepJson, TenThousandLevelsAnywhereInAMicroserviceAreRefused) {
  for (const int levels : {101, 10'000, 100'000}) {
    for (const auto& placement : kPlacements) {
      json object = render::testing::microserviceJson("shop", "deep", 1);
      placement.place(object, deepArray(levels));
      const std::string what = std::string(placement.where) + " at " + std::to_string(levels) + " levels";
      const auto loaded = api::loadResource(object);
      EXPECT_FALSE(loaded.ok()) << what << " was accepted";
      bool named = false;
      for (const auto& error : loaded.errors) named = named || error.message.find("nested") != std::string::npos;
      EXPECT_TRUE(named) << what << ": no error says it is nested too deeply";
    }
  }
}

TEST(DeepJson, ModerateNestingStillDecodes) {
  json object = render::testing::microserviceJson("shop", "ok", 1);
  json value = "x";
  for (int i = 0; i < 20; ++i) value = json::object({{"k", value}});
  object["spec"]["env"] =
      json::array({{{"name", "A"}, {"valueFrom", {{"configMapKeyRef", {{"name", "c"}, {"key", "k"}}}}}}});
  object["spec"]["autoscaling"] = {{"minReplicas", 1}, {"maxReplicas", 2}, {"targetCPUUtilization", 50}};
  object["spec"].erase("replicas");
  const auto loaded = api::loadResource(object);
  EXPECT_TRUE(loaded.ok()) << (loaded.errors.empty() ? "" : loaded.errors.front().toString());
}

}  // namespace
}  // namespace flotilla::reliability
