#include "apiserver/merge_patch.h"

#include <gtest/gtest.h>

namespace flotilla::apiserver {
namespace {

using nlohmann::json;

struct MergeCase {
  const char* target;
  const char* patch;
  const char* expected;
};

class MergePatchRfcExamples : public ::testing::TestWithParam<MergeCase> {};

// The example table of RFC 7386, appendix A.
INSTANTIATE_TEST_SUITE_P(
    Rfc7386, MergePatchRfcExamples,
    ::testing::Values(MergeCase{R"({"a":"b"})", R"({"a":"c"})", R"({"a":"c"})"},
                      MergeCase{R"({"a":"b"})", R"({"b":"c"})", R"({"a":"b","b":"c"})"},
                      MergeCase{R"({"a":"b"})", R"({"a":null})", R"({})"},
                      MergeCase{R"({"a":"b","b":"c"})", R"({"a":null})", R"({"b":"c"})"},
                      MergeCase{R"({"a":["b"]})", R"({"a":"c"})", R"({"a":"c"})"},
                      MergeCase{R"({"a":"c"})", R"({"a":["b"]})", R"({"a":["b"]})"},
                      MergeCase{R"({"a":{"b":"c"}})", R"({"a":{"b":"d","c":null}})", R"({"a":{"b":"d"}})"},
                      MergeCase{R"({"a":[{"b":"c"}]})", R"({"a":[1]})", R"({"a":[1]})"},
                      MergeCase{R"(["a","b"])", R"(["c","d"])", R"(["c","d"])"},
                      MergeCase{R"({"a":"b"})", R"(["c"])", R"(["c"])"}, MergeCase{R"({"a":"foo"})", "null", "null"},
                      MergeCase{R"({"a":"foo"})", R"("bar")", R"("bar")"},
                      MergeCase{R"({"e":null})", R"({"a":1})", R"({"e":null,"a":1})"},
                      MergeCase{R"([1,2])", R"({"a":"b","c":null})", R"({"a":"b"})"},
                      MergeCase{R"({})", R"({"a":{"bb":{"ccc":null}}})", R"({"a":{"bb":{}}})"}));

TEST_P(MergePatchRfcExamples, ProducesTheRfcResult) {
  PatchResult result = applyMergePatch(json::parse(GetParam().target), json::parse(GetParam().patch));
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.object, json::parse(GetParam().expected));
}

TEST(JsonPatch, AppliesOperationsInOrder) {
  json target = json::parse(R"({"metadata":{"labels":{"a":"1"}},"spec":{"replicas":1,"ports":[80]}})");
  json patch = json::parse(R"([
    {"op":"test","path":"/spec/replicas","value":1},
    {"op":"replace","path":"/spec/replicas","value":3},
    {"op":"add","path":"/metadata/labels/b","value":"2"},
    {"op":"remove","path":"/metadata/labels/a"},
    {"op":"add","path":"/spec/ports/-","value":443},
    {"op":"copy","from":"/spec/replicas","path":"/spec/copied"},
    {"op":"move","from":"/spec/copied","path":"/spec/moved"}
  ])");
  PatchResult result = applyJsonPatch(target, patch);
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.object, json::parse(R"({"metadata":{"labels":{"b":"2"}},
                                          "spec":{"replicas":3,"ports":[80,443],"moved":3}})"));
}

TEST(JsonPatch, FailingTestOperationFailsTheWholePatch) {
  json target = json::parse(R"({"metadata":{"resourceVersion":"7"},"spec":{"replicas":1}})");
  json patch = json::parse(R"([
    {"op":"replace","path":"/spec/replicas","value":5},
    {"op":"test","path":"/metadata/resourceVersion","value":"6"}
  ])");
  PatchResult result = applyJsonPatch(target, patch);
  EXPECT_FALSE(result.ok());
  EXPECT_NE(result.error.find("test"), std::string::npos) << result.error;
  EXPECT_TRUE(result.object.is_null());
}

TEST(JsonPatch, MissingPathIsAnError) {
  PatchResult result = applyJsonPatch(json::parse(R"({"a":1})"), json::parse(R"([{"op":"remove","path":"/nope"}])"));
  EXPECT_FALSE(result.ok());
  EXPECT_NE(result.error.find("nope"), std::string::npos) << result.error;
}

TEST(JsonPatch, MalformedPatchesAreErrorsNotExceptions) {
  EXPECT_FALSE(applyJsonPatch(json::object(), json::parse(R"({"op":"add"})")).ok());
  EXPECT_FALSE(applyJsonPatch(json::object(), json::parse(R"([{"path":"/a"}])")).ok());
  EXPECT_FALSE(applyJsonPatch(json::object(), json::parse(R"([{"op":"add"}])")).ok());
  EXPECT_FALSE(applyJsonPatch(json::object(), json::parse(R"([{"op":"jump","path":"/a"}])")).ok());
}

}  // namespace
}  // namespace flotilla::apiserver
