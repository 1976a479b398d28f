// conditions.h: lastTransitionTime moves only on a real status change, so recomputing the same state gives the
// same JSON (and no status write).
#include <gtest/gtest.h>

#include "controllers/conditions.h"

namespace flotilla::controllers {
namespace {

using nlohmann::json;

constexpr const char* kT0 = "2024-05-01T12:00:00Z";
constexpr const char* kT1 = "2024-05-01T12:05:00Z";

TEST(Conditions, NewConditionGetsNow) {
  json conditions;
  EXPECT_TRUE(setCondition(conditions, {"Ready", kConditionTrue, "Fine", "all good", 3}, kT0));
  ASSERT_EQ(conditions.size(), 1u);
  EXPECT_EQ(conditions[0]["lastTransitionTime"], kT0);
  EXPECT_EQ(conditions[0]["observedGeneration"], 3);
  EXPECT_EQ(conditions[0]["reason"], "Fine");
}

TEST(Conditions, SameStatusKeepsTransitionTimeEvenWhenReasonChanges) {
  json conditions;
  setCondition(conditions, {"Ready", kConditionFalse, "RolloutInProgress", "1 of 2", 1}, kT0);
  EXPECT_FALSE(setCondition(conditions, {"Ready", kConditionFalse, "Unavailable", "0 ready", 2}, kT1));
  EXPECT_EQ(conditions[0]["lastTransitionTime"], kT0);
  EXPECT_EQ(conditions[0]["reason"], "Unavailable");
  EXPECT_EQ(conditions[0]["observedGeneration"], 2);
}

TEST(Conditions, StatusChangeMovesTransitionTime) {
  json conditions;
  setCondition(conditions, {"Ready", kConditionFalse, "RolloutInProgress", "", 1}, kT0);
  EXPECT_TRUE(setCondition(conditions, {"Ready", kConditionTrue, "RolloutComplete", "", 1}, kT1));
  EXPECT_EQ(conditions[0]["lastTransitionTime"], kT1);
}

TEST(Conditions, MergeKeepsOrderAndTimesAndDropsUnwantedTypes) {
  json previous = json::array();
  setCondition(previous, {"Old", kConditionTrue, "X", "", 1}, kT0);
  setCondition(previous, {"Ready", kConditionTrue, "A", "", 1}, kT0);
  json merged = mergeConditions(
      previous, {{"Degraded", kConditionFalse, "AsExpected", "", 2}, {"Ready", kConditionTrue, "B", "", 2}}, kT1);
  ASSERT_EQ(merged.size(), 2u);
  EXPECT_EQ(merged[0]["type"], "Degraded");
  EXPECT_EQ(merged[0]["lastTransitionTime"], kT1);
  EXPECT_EQ(merged[1]["type"], "Ready");
  EXPECT_EQ(merged[1]["lastTransitionTime"], kT0);
  EXPECT_EQ(merged[1]["reason"], "B");
  // Recomputing the same state later gives identical JSON: the status write can be skipped.
  EXPECT_EQ(mergeConditions(merged,
                            {{"Degraded", kConditionFalse, "AsExpected", "", 2}, {"Ready", kConditionTrue, "B", "", 2}},
                            "2030-01-01T00:00:00Z"),
            merged);
}

TEST(Conditions, LookupsAndTransitions) {
  json before =
      mergeConditions(json(), {{"Ready", kConditionFalse, "A", "", 1}, {"Old", kConditionTrue, "A", "", 1}}, kT0);
  json after =
      mergeConditions(before, {{"Ready", kConditionTrue, "B", "", 1}, {"New", kConditionTrue, "C", "", 1}}, kT1);
  EXPECT_TRUE(isConditionTrue(after, "Ready"));
  EXPECT_FALSE(isConditionTrue(before, "Ready"));
  EXPECT_EQ(conditionStatus(after, "Missing"), "");
  EXPECT_EQ(findCondition(json::object(), "Ready"), nullptr);
  EXPECT_EQ(conditionTransitions(before, after), (std::vector<std::string>{"Ready", "New", "Old"}));
  EXPECT_TRUE(conditionTransitions(after, after).empty());
}

}  // namespace
}  // namespace flotilla::controllers
