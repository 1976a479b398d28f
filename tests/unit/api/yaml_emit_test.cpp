#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "api/yaml.h"

namespace flotilla::api {
namespace {

using nlohmann::json;

json roundTrip(const json& value) {
  const std::string text = toYaml(value);
  const auto result = loadYamlDocuments(text);
  for (const auto& e : result.errors) ADD_FAILURE() << e.toString() << "\nin:\n" << text;
  if (result.documents.size() != 1) {
    ADD_FAILURE() << "expected one document in:\n" << text;
    return nullptr;
  }
  return result.documents[0].value;
}

TEST(YamlEmit, WritesKubectlStyleBlocks) {
  const json manifest = json::parse(R"({
    "kind": "ConfigMap", "apiVersion": "v1",
    "metadata": {"name": "gw", "labels": {"app.kubernetes.io/name": "gw"}},
    "data": {"haproxy.cfg": "global\n  maxconn 100\n\ndefaults\n  mode http\n"},
    "list": [{"name": "a", "ports": [1, 2]}, [], {}, "x", [3, [4]]],
    "empty": {}
  })");
  EXPECT_EQ(toYaml(manifest),
            "apiVersion: v1\n"
            "data:\n"
            "  haproxy.cfg: |\n"
            "    global\n"
            "      maxconn 100\n"
            "\n"
            "    defaults\n"
            "      mode http\n"
            "empty: {}\n"
            "kind: ConfigMap\n"
            "list:\n"
            "- name: a\n"
            "  ports:\n"
            "  - 1\n"
            "  - 2\n"
            "- []\n"
            "- {}\n"
            "- x\n"
            "- - 3\n"
            "  - - 4\n"
            "metadata:\n"
            "  labels:\n"
            "    app.kubernetes.io/name: gw\n"
            "  name: gw\n");
  EXPECT_EQ(roundTrip(manifest), manifest);
}

TEST(YamlEmit, QuotesStringsThatWouldBeRetyped) {
  for (const char* s :
       {"yes", "No", "on", "OFF",    "y",    "n",   "true", "null",  "Null", "~",     "",       "1",          "1.0",
        "-1",  "+1", ".5", "0x1F",   "0o17", "017", "1e3",  "1_000", ".inf", "-.inf", ".nan",   "2001-12-14", "1:20",
        "<<",  "=",  "-",  "- item", "? q",  ": x", "a: b", "a #b",  "#c",   "&a",    "*a",     "!tag",       "|",
        ">",   "'",  "\"", "%x",     "@x",   "`x",  "[a]",  "{a}",   ",",    " lead", "trail ", "tab\there"}) {
    const std::string text = toYaml(json{{"v", s}});
    EXPECT_EQ(roundTrip(json{{"v", s}}), json({{"v", s}})) << "emitted:\n" << text;
    EXPECT_NE(text, std::string("v: ") + s + "\n") << s << " must be quoted";
  }
  EXPECT_EQ(toYaml(json{{"v", "yes"}}), "v: \"yes\"\n");
  EXPECT_EQ(toYaml(json{{"v", "1.0"}}), "v: \"1.0\"\n");
  EXPECT_EQ(toYaml(json{{"v", "null"}}), "v: \"null\"\n");
  EXPECT_EQ(toYaml(json{{"image", "ghcr.io/acme/user-service:1.4.2"}}), "image: ghcr.io/acme/user-service:1.4.2\n");
  EXPECT_EQ(toYaml(json{{"body", "service unavailable"}}), "body: service unavailable\n");
}

TEST(YamlEmit, EscapesControlCharactersAndKeepsUnicode) {
  const json value = {{"ctrl", std::string("a\x01\x7f"
                                           "b\r\n",
                                           6)},
                      {"utf8", "caf\xC3\xA9"},
                      {"quote", "say \"hi\" \\ bye"},
                      {"lead space multiline", " a\nb"},
                      {"nl", "\n"}};
  EXPECT_EQ(roundTrip(value), value) << toYaml(value);
  EXPECT_THAT(toYaml(value), ::testing::HasSubstr("ctrl: \"a\\x01\\x7fb\\r\\n\""));
}

TEST(YamlEmit, LiteralBlocksKeepTrailingNewlines) {
  for (const char* s : {"a\nb", "a\nb\n", "a\nb\n\n\n", "a\n\n  indented\nlast", "x\n\ty\n", "a  \nb"}) {
    const json value = {{"k", s}, {"list", {s}}};
    EXPECT_EQ(roundTrip(value), value) << toYaml(value);
  }
  EXPECT_EQ(toYaml(json{{"k", "a\nb"}}), "k: |-\n  a\n  b\n");
  EXPECT_EQ(toYaml(json{{"k", "a\n\n"}}), "k: |+\n  a\n\n");
}

TEST(YamlEmit, QuotesKeysWhenNeeded) {
  const json value = {{"yes", 1}, {"a:b", 2}, {"app.kubernetes.io/name", 3}, {"1", 4}, {"", 5}, {"#", 6}};
  EXPECT_EQ(roundTrip(value), value) << toYaml(value);
  EXPECT_THAT(toYaml(value), ::testing::HasSubstr("\"yes\": 1\n"));
  EXPECT_THAT(toYaml(value), ::testing::HasSubstr("app.kubernetes.io/name: 3\n"));
}

TEST(YamlEmit, WritesNumbersBooleansAndNull) {
  const json value = {
      {"i", -3},           {"u", 18446744073709551615ULL}, {"f", 1.5}, {"tiny", 1e-7}, {"big", 1e300}, {"t", true},
      {"nothing", nullptr}};
  EXPECT_EQ(roundTrip(value), value) << toYaml(value);
  EXPECT_EQ(toYaml(json(2.5)), "2.5\n");
  EXPECT_EQ(toYaml(json("yes")), "\"yes\"\n");
  EXPECT_EQ(toYaml(json()), "null\n");
  EXPECT_EQ(toYaml(json::array()), "[]\n");
}

TEST(YamlEmit, IsDeterministic) {
  const json a = json::parse(R"({"b": 1, "a": {"d": [1, 2], "c": "x"}})");
  const json b = json::parse(R"({"a": {"c": "x", "d": [1, 2]}, "b": 1})");
  EXPECT_EQ(toYaml(a), toYaml(b));
  EXPECT_EQ(toYaml(a), toYaml(a));
}

TEST(YamlEmit, StreamsSeparateDocuments) {
  const std::string text = toYamlStream({json{{"a", 1}}, json{{"b", "on"}}});
  EXPECT_EQ(text, "a: 1\n---\nb: \"on\"\n");
  const auto result = loadYamlDocuments(text);
  ASSERT_EQ(result.documents.size(), 2u);
  EXPECT_EQ(result.documents[1].value, json({{"b", "on"}}));
  EXPECT_EQ(toYamlStream({}), "");
}

}  // namespace
}  // namespace flotilla::api
