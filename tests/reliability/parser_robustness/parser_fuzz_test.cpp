// Parser robustness: mutated manifests (truncated, damaged, invalid UTF-8, huge numbers, alias bombs, deep nesting)
// go through the whole `flotilla render` pipeline in process. Every input either loads or fails with a message;
// nothing throws or crashes, and what loads survives the YAML writer unchanged.

#include <gtest/gtest.h>

#include <iostream>

#include "api/parse.h"
#include "api/yaml.h"
#include "fuzz_support.h"
#include "manifest_pipeline.h"
#include "mutator.h"

namespace flotilla::reliability {
namespace {

constexpr int kCiCases = 1000;

// The examples as YAML and, document by document, as JSON (which the loader reads as YAML flow syntax).
std::vector<std::string> seedTexts() {
  std::vector<std::string> seeds = exampleManifests();
  const std::size_t yamlSeeds = seeds.size();
  for (std::size_t i = 0; i < yamlSeeds; ++i) {
    for (const auto& document : api::loadYamlDocuments(seeds[i]).documents) seeds.push_back(document.value.dump(2));
  }
  return seeds;
}

TEST(ParserFuzz, MutatedManifestsLoadOrFailWithAMessage) {
  const std::uint64_t seed = fuzzSeed();
  const int count = fuzzCases(kCiCases);
  const auto seeds = seedTexts();
  ASSERT_GT(seeds.size(), 10u);
  int documents = 0;
  int rendered = 0;
  int failures = 0;
  for (int i = 0; i < count && failures < 10; ++i) {
    Rng rng(seed, i);
    const std::string text = mutateManifest(rng, rng.pick(seeds));
    try {
      const auto outcome = runManifestPipeline(text);
      documents += outcome.documents;
      rendered += outcome.rendered;
      for (const auto& problem : outcome.problems) {
        ADD_FAILURE() << problem << " " << replayHint(seed, i);
        ++failures;
      }
    } catch (const std::exception& e) {
      ADD_FAILURE() << "exception: " << e.what() << " " << replayHint(seed, i);
      ++failures;
    }
  }
  std::cout << "parser fuzz: seed " << seed << ", " << count << " mutated manifests: " << documents
            << " documents loaded, " << rendered << " valid enough to render\n";
  // The mutations must leave much intact, or the decoders and renderers behind the loader go untested.
  EXPECT_GT(rendered, count / 10) << "[seed " << seed << "]";
}

struct NestingCase {
  const char* name;
  Nesting syntax;
  int levels;
};

TEST(ParserRobustness, DeepNestingIsAnErrorNotAStackOverflow) {
  // Block maps indent one more column per level, so 2,000 levels are already 2 MB of text.
  for (const NestingCase& c :
       {NestingCase{"flow sequences", Nesting::FlowSequence, 10000}, NestingCase{"flow maps", Nesting::FlowMap, 10000},
        NestingCase{"block sequences", Nesting::BlockSequence, 10000},
        NestingCase{"block maps", Nesting::BlockMap, 2000}}) {
    const auto alone = api::loadYamlDocuments(nestedDocument(c.syntax, c.levels));
    ASSERT_EQ(alone.errors.size(), 1u) << c.name;
    EXPECT_NE(alone.errors.front().message.find("nested more than"), std::string::npos)
        << c.name << ": " << alone.errors.front().toString();
    EXPECT_TRUE(alone.documents.empty()) << c.name;
  }
  // Inside a manifest, after a valid document: that one is kept, the deep one is reported with its line.
  const std::string stream =
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n---\n"
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata:\n  x: " +
      nestedDocument(Nesting::FlowSequence, 10000) + "\n";
  const auto loaded = api::loadYamlDocuments(stream);
  ASSERT_EQ(loaded.documents.size(), 1u);
  ASSERT_EQ(loaded.errors.size(), 1u);
  EXPECT_EQ(loaded.errors.front().document, 1);
  EXPECT_EQ(loaded.errors.front().line, 9);
  // Moderate nesting is fine.
  EXPECT_TRUE(api::loadYamlDocuments(nestedDocument(Nesting::FlowSequence, 200)).ok());
}

TEST(ParserRobustness, HugeNumbersAreClearErrors) {
  const std::string manifest =
      "apiVersion: flotilla.io/v1alpha1\nkind: Microservice\nmetadata: {name: a, namespace: "
      "b}\nspec: {image: x, ports: [{name: http, port: 8080}], replicas: ";
  for (const std::string number : {"99999999999999999999999", "2147483648", "-2147483649", "9223372036854775808",
                                   "1e400", "1.5", "0x1_0000_0000"}) {
    const auto loaded = api::loadYamlDocuments(manifest + number + "}\n");
    std::string why;
    for (const auto& e : loaded.errors) why += e.toString() + "; ";
    for (const auto& document : loaded.documents) {
      for (const auto& e : api::loadResource(document.value).errors) why += e.path + ": " + e.message + "; ";
    }
    EXPECT_FALSE(why.empty()) << number << " was accepted as a replica count";
    EXPECT_TRUE(why.find("spec.replicas") != std::string::npos || why.find("line 4") != std::string::npos)
        << number << ": the error does not say where: " << why;
  }
}

TEST(ParserRobustness, InvalidUtf8IsRefusedWhereItIs) {
  for (const std::string& bad : {std::string("\xff"), std::string("\xc3\x28"), std::string("\xed\xa0\x80"),
                                 std::string("\xf4\x90\x80\x80"), std::string("\xc0\xaf"), std::string("a\xe2\x82")}) {
    const auto loaded = api::loadYamlDocuments("a: 1\nb: \"x" + bad + "\"\n");
    ASSERT_EQ(loaded.errors.size(), 1u) << "accepted: "
                                        << nlohmann::json(bad).dump(-1, ' ', true,
                                                                    nlohmann::json::error_handler_t::replace);
    EXPECT_EQ(loaded.errors.front().line, 2);
    EXPECT_NE(loaded.errors.front().message.find("UTF-8"), std::string::npos) << loaded.errors.front().message;
    EXPECT_TRUE(loaded.documents.empty());
  }
  // In a key as well, and through an escape that names a lone surrogate.
  EXPECT_FALSE(api::loadYamlDocuments("\"k\xff\": 1\n").ok());
  EXPECT_FALSE(api::loadYamlDocuments("k: \"\\ud800\"\n").ok());
  // Valid multi-byte text is data like any other.
  const auto fine = api::loadYamlDocuments("k: \"caf\xc3\xa9 \xf0\x9f\x9a\xa2\"\n");
  ASSERT_TRUE(fine.ok());
  EXPECT_EQ(fine.documents.front().value["k"], "caf\xc3\xa9 \xf0\x9f\x9a\xa2");
}

TEST(ParserRobustness, MapKeysLongerThanYamlAllowsImplicitlyRoundTrip) {
  // YAML caps "key: value" keys at 1024 characters; toYaml must switch to "? key" / ": value" (found by the fuzzer).
  for (const std::size_t length : {1000u, 1024u, 1025u, 5000u}) {
    const nlohmann::json document = {{"data", {{std::string(length, 'k'), "v"}, {"short", {1, 2}}}},
                                     {"list", {{{std::string(length, 'x'), {{"a", 1}}}}}}};
    const auto loaded = api::loadYamlDocuments(api::toYaml(document));
    ASSERT_TRUE(loaded.ok()) << length << ": " << loaded.errors.front().toString();
    EXPECT_EQ(loaded.documents.front().value, document) << length;
  }
}

TEST(ParserRobustness, AliasBombsAreRefused) {
  std::string bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i <= 9; ++i) {
    const std::string prev = "*a" + std::to_string(i - 1);
    bomb += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [" + prev;
    for (int k = 1; k < 10; ++k) bomb += ", " + prev;
    bomb += "]\n";
  }
  const auto loaded = api::loadYamlDocuments(bomb);
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.errors.front().message.find("aliases expand to more than"), std::string::npos);
}

}  // namespace
}  // namespace flotilla::reliability
