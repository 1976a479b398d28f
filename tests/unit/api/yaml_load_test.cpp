#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "api/yaml.h"

namespace flotilla::api {
namespace {

using nlohmann::json;

// The single document of `text`, failing the test on any error.
json load(const std::string& text) {
  const auto result = loadYamlDocuments(text);
  for (const auto& e : result.errors) ADD_FAILURE() << e.toString() << "\nin:\n" << text;
  if (result.documents.size() != 1) {
    ADD_FAILURE() << "expected one document, got " << result.documents.size() << "\nin:\n" << text;
    return nullptr;
  }
  return result.documents[0].value;
}

json valueOf(const std::string& scalar) {
  return load("v: " + scalar + "\n")["v"];
}

std::string firstError(const std::string& text) {
  const auto result = loadYamlDocuments(text);
  return result.errors.empty() ? "" : result.errors[0].toString();
}

struct ScalarCase {
  std::string yaml;
  json expected;
};

class YamlScalarTyping : public ::testing::TestWithParam<ScalarCase> {};

TEST_P(YamlScalarTyping, MatchesKubectl) {
  const json actual = valueOf(GetParam().yaml);
  EXPECT_EQ(actual.type(), GetParam().expected.type()) << GetParam().yaml << " -> " << actual.dump();
  EXPECT_EQ(actual, GetParam().expected) << GetParam().yaml << " -> " << actual.dump();
}

INSTANTIATE_TEST_SUITE_P(Booleans, YamlScalarTyping,
                         ::testing::Values(ScalarCase{"true", true}, ScalarCase{"True", true}, ScalarCase{"TRUE", true},
                                           ScalarCase{"yes", true}, ScalarCase{"Yes", true}, ScalarCase{"YES", true},
                                           ScalarCase{"on", true}, ScalarCase{"On", true}, ScalarCase{"ON", true},
                                           ScalarCase{"y", true}, ScalarCase{"Y", true}, ScalarCase{"false", false},
                                           ScalarCase{"no", false}, ScalarCase{"No", false}, ScalarCase{"NO", false},
                                           ScalarCase{"off", false}, ScalarCase{"OFF", false}, ScalarCase{"n", false},
                                           ScalarCase{"N", false},
                                           // Only go-yaml's exact spellings are booleans.
                                           ScalarCase{"yEs", "yEs"}, ScalarCase{"tRUE", "tRUE"}, ScalarCase{"oN", "oN"},
                                           ScalarCase{"yes!", "yes!"},
                                           // Quoted and block scalars stay strings.
                                           ScalarCase{"\"yes\"", "yes"}, ScalarCase{"'no'", "no"},
                                           ScalarCase{"\"true\"", "true"}, ScalarCase{"!!str on", "on"},
                                           ScalarCase{"!!bool yes", true}, ScalarCase{"!!bool \"off\"", false}));

INSTANTIATE_TEST_SUITE_P(Nulls, YamlScalarTyping,
                         ::testing::Values(ScalarCase{"", nullptr}, ScalarCase{"~", nullptr},
                                           ScalarCase{"null", nullptr}, ScalarCase{"Null", nullptr},
                                           ScalarCase{"NULL", nullptr}, ScalarCase{"nULL", "nULL"},
                                           ScalarCase{"\"null\"", "null"}, ScalarCase{"'~'", "~"},
                                           ScalarCase{"\"\"", ""}, ScalarCase{"!!null ''", nullptr}));

INSTANTIATE_TEST_SUITE_P(
    Integers, YamlScalarTyping,
    ::testing::Values(ScalarCase{"42", 42}, ScalarCase{"-7", -7}, ScalarCase{"+5", 5}, ScalarCase{"0", 0},
                      ScalarCase{"0x1F", 31}, ScalarCase{"0X1f", 31}, ScalarCase{"-0x10", -16}, ScalarCase{"0o17", 15},
                      ScalarCase{"017", 15}, ScalarCase{"-017", -15}, ScalarCase{"0b101", 5}, ScalarCase{"1_000", 1000},
                      ScalarCase{"0x_ff", 255},
                      ScalarCase{"9223372036854775807", std::numeric_limits<std::int64_t>::max()},
                      ScalarCase{"-9223372036854775808", std::numeric_limits<std::int64_t>::min()},
                      ScalarCase{"18446744073709551615", std::numeric_limits<std::uint64_t>::max()},
                      // Not valid octal, but a valid YAML-style float: go-yaml reads 8.
                      ScalarCase{"08", 8}, ScalarCase{"0x", "0x"}, ScalarCase{"0b2", "0b2"},
                      ScalarCase{"0xFFFFFFFFFFFFFFFFFF", "0xFFFFFFFFFFFFFFFFFF"}, ScalarCase{"\"42\"", "42"},
                      ScalarCase{"'0x1F'", "0x1F"}, ScalarCase{"!!str 42", "42"}, ScalarCase{"!!int \"42\"", 42},
                      ScalarCase{"!!int '0x10'", 16}));

INSTANTIATE_TEST_SUITE_P(Floats, YamlScalarTyping,
                         ::testing::Values(ScalarCase{"1.5", 1.5}, ScalarCase{"-0.25", -0.25}, ScalarCase{".5", 0.5},
                                           ScalarCase{"-.5", -0.5}, ScalarCase{"1.5e3", 1500}, ScalarCase{"1e3", 1000},
                                           ScalarCase{"1.0e+3", 1000}, ScalarCase{"2.0", 2}, ScalarCase{"1.", 1},
                                           ScalarCase{"1e-3", 0.001}, ScalarCase{"99999999999999999999", 1e20},
                                           ScalarCase{"1_000.5", 1000.5}, ScalarCase{"\"1.0\"", "1.0"},
                                           ScalarCase{"!!float 1", 1},
                                           // Overflowing floats and other near-misses are strings, as in go-yaml.
                                           ScalarCase{"1e400", "1e400"}, ScalarCase{"1.2.3", "1.2.3"},
                                           ScalarCase{"1e", "1e"}, ScalarCase{".", "."}, ScalarCase{"-x", "-x"},
                                           ScalarCase{".e5", ".e5"}, ScalarCase{"0x1p-2", "0x1p-2"}));

INSTANTIATE_TEST_SUITE_P(Strings, YamlScalarTyping,
                         ::testing::Values(ScalarCase{"hello world", "hello world"}, ScalarCase{"1.4.2", "1.4.2"},
                                           ScalarCase{"2001-12-14", "2001-12-14"},
                                           ScalarCase{"2001-12-14T21:59:43.10-05:00", "2001-12-14T21:59:43.10-05:00"},
                                           ScalarCase{"1:20", "1:20"}, ScalarCase{"128Mi", "128Mi"},
                                           ScalarCase{"100m", "100m"}, ScalarCase{"<<", "<<"}, ScalarCase{"=", "="},
                                           ScalarCase{"!custom 12", "12"},
                                           ScalarCase{"|\n  line one\n  line two\n", "line one\nline two\n"},
                                           ScalarCase{">-\n  folded\n  text\n", "folded text"},
                                           ScalarCase{"|\n  8080\n", "8080\n"}));

TEST(YamlLoad, InfinityAndNanCannotBecomeJson) {
  for (const char* special : {".inf", "-.Inf", "+.INF", ".nan", ".NaN"}) {
    const auto result = loadYamlDocuments(std::string("v: ") + special + "\n");
    EXPECT_TRUE(result.documents.empty()) << special;
    ASSERT_EQ(result.errors.size(), 1u) << special;
    EXPECT_THAT(result.errors[0].message, ::testing::HasSubstr("cannot be represented in JSON")) << special;
    EXPECT_EQ(result.errors[0].line, 1);
    EXPECT_EQ(result.errors[0].column, 4);
  }
  EXPECT_EQ(valueOf("\".inf\""), ".inf");
}

TEST(YamlLoad, ExplicitTagMismatchIsAnError) {
  EXPECT_THAT(firstError("a: 1\nb: !!int abc\n"), "line 2, column 4: cannot decode !!str `abc` as a !!int");
  EXPECT_THAT(firstError("b: !!bool 1\n"), ::testing::HasSubstr("cannot decode !!int `1` as a !!bool"));
  EXPECT_THAT(firstError("b: !!binary aGk=\n"), ::testing::HasSubstr("!!binary"));
}

TEST(YamlLoad, MapKeysBecomeStrings) {
  EXPECT_EQ(load("true: a\n1: b\n0x10: c\n1.5: d\n~x: f\n1e6: g\nno: h\n2.0: i\n"),
            json::parse(R"({"true": "a", "1": "b", "16": "c", "1.5": "d", "~x": "f", "1e+06": "g", "false": "h",
                            "2": "i"})"));
}

TEST(YamlLoad, RejectsDuplicateKeysNamingKeyAndLines) {
  const auto result = loadYamlDocuments("a: 1\nb:\n  c: 1\n  c: 2\n");
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0].toString(), "line 4, column 3: duplicate key \"c\" (first at line 3)");
  EXPECT_TRUE(result.documents.empty());
  // yes and true are the same key once typed.
  EXPECT_THAT(firstError("yes: 1\ntrue: 2\n"), ::testing::HasSubstr("duplicate key \"true\""));
  EXPECT_THAT(firstError("{a: 1, a: 1}\n"), ::testing::HasSubstr("duplicate key \"a\""));
}

TEST(YamlLoad, DuplicateKeyDropsOnlyItsDocument) {
  const auto result = loadYamlDocuments("a: 1\n---\nb: 1\nb: 2\n---\nc: 1\n");
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0].document, 1);
  EXPECT_EQ(result.errors[0].line, 4);
  ASSERT_EQ(result.documents.size(), 2u);
  EXPECT_EQ(result.documents[0].value, json({{"a", 1}}));
  EXPECT_EQ(result.documents[1].value, json({{"c", 1}}));
  EXPECT_EQ(result.documents[1].index, 2);
}

TEST(YamlLoad, RejectsNullAndComplexKeys) {
  EXPECT_THAT(firstError("~: a\n"), ::testing::HasSubstr("null map keys"));
  EXPECT_THAT(firstError("? [a, b]\n: c\n"), ::testing::HasSubstr("map keys must be scalars"));
}

TEST(YamlLoad, SkipsEmptyDocuments) {
  const auto result = loadYamlDocuments("---\n---\n# only a comment\n---\na: 1\n---\n---\nb: 2\n...\n---\n");
  ASSERT_TRUE(result.ok()) << result.errors[0].toString();
  ASSERT_EQ(result.documents.size(), 2u);
  EXPECT_EQ(result.documents[0].value, json({{"a", 1}}));
  EXPECT_EQ(result.documents[0].index, 2);
  EXPECT_EQ(result.documents[0].line, 5);
  EXPECT_EQ(result.documents[1].value, json({{"b", 2}}));
  EXPECT_EQ(result.documents[1].line, 8);
  EXPECT_TRUE(loadYamlDocuments("").documents.empty());
  EXPECT_TRUE(loadYamlDocuments("").ok());
  EXPECT_TRUE(loadYamlDocuments("# nothing\n").documents.empty());
  EXPECT_TRUE(loadYamlDocuments("---\nnull\n").documents.empty());
}

TEST(YamlLoad, ResolvesAnchorsAndAliases) {
  EXPECT_EQ(load("base: &b {x: 1, z: [a, b]}\ncopy: *b\nscalar: &s hello\nagain: *s\nlist: [*s, *s]\n"),
            json::parse(R"({"base": {"x": 1, "z": ["a", "b"]}, "copy": {"x": 1, "z": ["a", "b"]},
                            "scalar": "hello", "again": "hello", "list": ["hello", "hello"]})"));
  // An alias used as a key keeps its typing.
  EXPECT_EQ(load("k: &k 10\n*k : ten\n"), json::parse(R"({"k": 10, "10": "ten"})"));
}

TEST(YamlLoad, AppliesMergeKeys) {
  EXPECT_EQ(load("defaults: &d {image: nginx, replicas: 2}\nweb:\n  <<: *d\n  replicas: 3\n")["web"],
            json::parse(R"({"image": "nginx", "replicas": 3})"));
  // Explicit keys win even when written before the merge.
  EXPECT_EQ(load("d: &d {a: 1}\nx:\n  a: 2\n  <<: *d\n")["x"], json({{"a", 2}}));
  // With several sources the first one listed wins.
  EXPECT_EQ(load("a: &a {k: 1, a: 1}\nb: &b {k: 2, b: 2}\nx:\n  <<: [*a, *b]\n")["x"],
            json::parse(R"({"k": 1, "a": 1, "b": 2})"));
  EXPECT_EQ(load("x:\n  <<: {inline: true}\n")["x"], json({{"inline", true}}));
  EXPECT_EQ(load("x: <<\n")["x"], "<<");                         // only a key is a merge
  EXPECT_EQ(load("x:\n  \"<<\": 1\n")["x"], json({{"<<", 1}}));  // a quoted key is an ordinary key
  EXPECT_THAT(firstError("x:\n  <<: 5\n"), ::testing::HasSubstr("merge key << needs a mapping"));
}

TEST(YamlLoad, BoundsAliasExpansion) {
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (char level = 'b'; level <= 'h'; ++level) {
    const std::string prev(1, static_cast<char>(level - 1));
    bomb += std::string(1, level) + ": &" + std::string(1, level) + " [";
    for (int i = 0; i < 10; ++i) bomb += (i ? ", *" : "*") + prev;
    bomb += "]\n";
  }
  const auto result = loadYamlDocuments(bomb);
  EXPECT_TRUE(result.documents.empty());
  ASSERT_FALSE(result.errors.empty());
  EXPECT_THAT(result.errors[0].message, ::testing::HasSubstr("aliases expand to more than"));
}

TEST(YamlLoad, ReportsSyntaxErrorsWithPositionsAndKeepsEarlierDocuments) {
  const auto result = loadYamlDocuments("a: 1\n---\nb: [1, 2\nc: 3\n");
  ASSERT_EQ(result.documents.size(), 1u);
  EXPECT_EQ(result.documents[0].value, json({{"a", 1}}));
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0].document, 1);
  EXPECT_GT(result.errors[0].line, 0);
  EXPECT_GT(result.errors[0].column, 0);
  EXPECT_THAT(result.errors[0].toString(), ::testing::StartsWith("line "));

  for (const char* bad : {"a: b: c\n", "a: \"unterminated\n", "a:\n\t- b\n", "{a: 1\n", "[\n", "a: &x 1\nb: *y\n",
                          "a: !<tag:yaml.org,2002:int> z\n", "\"\\xZZ\"\n"}) {
    const auto r = loadYamlDocuments(bad);
    EXPECT_FALSE(r.ok()) << bad;
    EXPECT_TRUE(r.documents.empty()) << bad;
  }
}

TEST(YamlLoad, PlainYAndNKeysAreBooleansAsInKubectl) {
  // The go-yaml v2 gotcha users meet with kubectl: a plain y/n key is a boolean.
  EXPECT_EQ(load("y: 1\nn: 2\n\"y\": 3\n"), json::parse(R"({"true": 1, "false": 2, "y": 3})"));
}

TEST(YamlLoad, RequiresDocumentMarkersBetweenDocuments) {
  EXPECT_THAT(firstError("- a\nb: c\n"), ::testing::HasSubstr("must start with ---"));
  const auto ended = loadYamlDocuments("a: b\n...\nc: d\n");  // "..." ends a document; a bare one may follow
  ASSERT_TRUE(ended.ok()) << ended.errors[0].toString();
  EXPECT_EQ(ended.documents.size(), 2u);
  EXPECT_EQ(loadYamlDocuments("%YAML 1.1\n---\na: 1\n---\nb: 2\n").documents.size(), 2u);
}

TEST(YamlLoad, RejectsUnterminatedQuotes) {
  EXPECT_THAT(firstError("a: \"open\n"), ::testing::HasSubstr("unterminated quoted string"));
  EXPECT_THAT(firstError("a: 'open\n"), ::testing::HasSubstr("unterminated quoted string"));
  EXPECT_EQ(load("a: 'it''s'\nb: \"say \\\"hi\\\"\"\nc: \"caf\xC3\xA9\"\n"),
            json::parse(R"({"a": "it's", "b": "say \"hi\"", "c": "caf\u00e9"})"));
}

TEST(YamlLoad, IgnoresAByteOrderMark) {
  EXPECT_EQ(load("\xEF\xBB\xBF"
                 "a: \"x\"\n"),
            json({{"a", "x"}}));
}

TEST(YamlLoad, DeepNestingIsAnErrorNotACrash) {
  const auto result = loadYamlDocuments(std::string(100000, '['));
  EXPECT_FALSE(result.ok());
  EXPECT_TRUE(result.documents.empty());
}

TEST(YamlLoad, ReadsAKubernetesManifest) {
  const auto result = loadYamlDocuments(R"(# shop
apiVersion: flotilla.io/v1alpha1
kind: Microservice
metadata:
  name: user-service
  labels: {tier: "api", canary: "true"}
spec:
  image: ghcr.io/acme/user-service:1.4.2
  ports:
    - name: http
      port: 8080
  resources:
    requests: {cpu: 100m, memory: 128Mi}
  env:
    - name: FEATURE
      value: "on"
    - name: RATIO
      value: "0.5"
  replicas: 2
)");
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result.documents.size(), 1u);
  EXPECT_EQ(result.documents[0].line, 2);
  EXPECT_EQ(result.documents[0].value, json::parse(R"({
    "apiVersion": "flotilla.io/v1alpha1", "kind": "Microservice",
    "metadata": {"name": "user-service", "labels": {"tier": "api", "canary": "true"}},
    "spec": {"image": "ghcr.io/acme/user-service:1.4.2", "ports": [{"name": "http", "port": 8080}],
             "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}},
             "env": [{"name": "FEATURE", "value": "on"}, {"name": "RATIO", "value": "0.5"}], "replicas": 2}})"));
}

}  // namespace
}  // namespace flotilla::api
