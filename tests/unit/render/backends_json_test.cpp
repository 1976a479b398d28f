// backends.json is written by hand for speed (backends_json.h); the agent reads it with nlohmann. These pin that the
// text is byte for byte what nlohmann's dump(2) of toJson() would be, including strings that need escaping.
#include "render/backends_json.h"

#include <gtest/gtest.h>

namespace flotilla::render::testing {
namespace {

std::string viaNlohmann(const std::vector<BackendSlots>& backends) {
  nlohmann::json array = nlohmann::json::array();
  for (const auto& backend : backends) array.push_back(toJson(backend));
  return array.dump(2) + "\n";
}

BackendSlots backend(const std::string& name) {
  BackendSlots b;
  b.backend = name;
  b.microservice = {"shop", "users"};
  b.portName = "http";
  b.targetPort = 8080;
  b.slots = 4;
  b.serverOptions = "check inter 5s fastinter 5s downinter 5s rise 2 fall 3";
  b.maxConnections = 1024;
  b.scaleLimitsWithReplicas = true;
  b.currentReplicas = 2;
  b.route = "shop/users";
  b.rule = 1;
  b.breakerPolicy = "shop/default-breaker";
  b.openDurationMs = 60000;
  b.successesToClose = 2;
  return b;
}

TEST(BackendsJson, SameBytesAsNlohmann) {
  EXPECT_EQ(backendsJsonText({}), viaNlohmann({}));
  EXPECT_EQ(backendsJsonText({backend("be_a")}), viaNlohmann({backend("be_a")}));
  auto other = backend("be_b");
  other.breakerPolicy = "";
  other.scaleLimitsWithReplicas = false;
  other.maxConnections = 0;
  other.openDurationMs = 9007199254740993;  // beyond a double's exact integers
  EXPECT_EQ(backendsJsonText({backend("be_a"), other}), viaNlohmann({backend("be_a"), other}));
}

TEST(BackendsJson, EscapesLikeNlohmann) {
  // Names are whitelisted before they get here; the writer must still never produce different JSON if one is not.
  auto odd = backend("be_\"quoted\"\\and\ttab");
  odd.route = "caf\xc3\xa9/\x01route";
  odd.portName = "\x7f";
  EXPECT_EQ(backendsJsonText({odd}), viaNlohmann({odd}));
  EXPECT_EQ(backendSlotsFromJson(nlohmann::json::parse(backendsJsonText({odd}))[0]), odd);
}

}  // namespace
}  // namespace flotilla::render::testing
