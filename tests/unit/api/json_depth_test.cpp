// How deeply a value nests: values within the limit pass (the common case, asked on every decode), deeper ones
// are refused with the path of the field holding the too-deep part. (Values nested thousands of levels deep, which
// nlohmann::json cannot even destroy without recursion, are covered by tests/reliability/parser_robustness.)
#include "api/json_depth.h"

#include <gtest/gtest.h>

namespace flotilla::api {
namespace {

// {"a": {"a": ... {"a": 1}}} with `levels` objects.
nlohmann::json nestedObjects(std::size_t levels) {
  nlohmann::json value = 1;
  for (std::size_t i = 0; i < levels; ++i) value = nlohmann::json{{"a", value}};
  return value;
}

TEST(FieldNestedDeeperThan, ValuesWithinTheLimitPass) {
  EXPECT_EQ(fieldNestedDeeperThan(nlohmann::json(1), 0), std::nullopt) << "a scalar nests 0 levels";
  EXPECT_EQ(fieldNestedDeeperThan(nestedObjects(5), 5), std::nullopt);
  EXPECT_EQ(fieldNestedDeeperThan(nlohmann::json::array({nlohmann::json::array({1, 2}), 3}), 2), std::nullopt);
}

TEST(FieldNestedDeeperThan, DeeperValuesNameTheirField) {
  EXPECT_EQ(fieldNestedDeeperThan(nestedObjects(6), 5), "a.a.a.a") << "paths are spelled out four levels down";
  nlohmann::json spec = {{"spec", {{"env", nlohmann::json::array({{{"name", "x"}}, {{"value", {{"deep", {1}}}}}})}}}};
  EXPECT_EQ(fieldNestedDeeperThan(spec, 4), "spec.env[1].value");
  EXPECT_EQ(fieldNestedDeeperThan(spec, 5), "spec.env[1].value") << "deeper than four: the ancestor's path";
  EXPECT_EQ(fieldNestedDeeperThan(spec, 6), std::nullopt) << "root, spec, env, env[1], value, deep: six levels";
}

}  // namespace
}  // namespace flotilla::api
