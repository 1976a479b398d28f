// `flotilla render` on damaged and hostile files, as a separate process: it must end with exit code 0 (rendered)
// or 1 (errors, each printed as "error: file:document: ..."), never by a signal, and within a bounded address
// space. Covers what only the binary does: reading files, printing diagnostics and writing the YAML stream.

#include <gtest/gtest.h>

#include <iostream>

#include "fuzz_support.h"
#include "manifest_pipeline.h"
#include "mutator.h"
#include "render_fixtures.h"

namespace flotilla::reliability {
namespace {

using render::testing::runCommand;
using render::testing::ScratchDir;

constexpr int kCiCases = 12;
// 2 GiB of address space: generous for a render, fatal for a runaway allocation.
constexpr const char* kMemoryLimitKb = "2097152";

struct Run {
  int exitCode = -1;
  std::string output;
};

Run renderFile(const std::string& file) {
  const auto result = runCommand(std::string("ulimit -v ") + kMemoryLimitKb + "; '" + FLOTILLA_BINARY +
                                 "' render -f '" + file + "' >/dev/null");
  return {result.exitCode, result.output};
}

void expectCleanExit(const Run& run, const std::string& what) {
  EXPECT_TRUE(run.exitCode == 0 || run.exitCode == 1)
      << what << ": exit code " << run.exitCode << " (a signal or an unexpected code)\n"
      << run.output.substr(0, 2000);
  if (run.exitCode == 1) {
    EXPECT_NE(run.output.find("error: "), std::string::npos) << what << ": failed without saying why\n"
                                                             << run.output.substr(0, 2000);
  }
}

TEST(RenderCliFuzz, MutatedManifestsExitCleanly) {
  const std::uint64_t seed = fuzzSeed();
  const int count = fuzzCases(kCiCases, 0.02);
  const auto seeds = exampleManifests();
  ScratchDir dir;
  int failed = 0;
  for (int i = 0; i < count; ++i) {
    Rng rng(seed, i);
    // Several documents per file, one of them damaged, as when a whole directory is rendered.
    std::string text = rng.pick(seeds) + "\n---\n" + mutateManifest(rng, rng.pick(seeds)) + "\n---\n" + rng.pick(seeds);
    const auto run = renderFile(dir.write("case-" + std::to_string(i) + (rng.chance(0.5) ? ".yaml" : ".json"), text));
    failed += run.exitCode == 1 ? 1 : 0;
    expectCleanExit(run, "mutated manifest " + replayHint(seed, i));
  }
  std::cout << "render CLI fuzz: seed " << seed << ", " << count << " files, " << failed << " refused with errors\n";
}

TEST(RenderCliFuzz, HostileFilesExitWithAClearError) {
  ScratchDir dir;
  const std::vector<std::pair<std::string, std::string>> files = {
      {"deep.json", "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\"},\"data\":" +
                        nestedDocument(Nesting::FlowSequence, 10000) + "}"},
      {"deep.yaml", nestedDocument(Nesting::BlockSequence, 10000)},
      {"truncated.yaml", "apiVersion: flotilla.io/v1alpha1\nkind: Route\nmetadata:\n  name: \"users\n  namespa"},
      {"invalid-utf8.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {x: \"\xff\xfe\"}\n"},
      {"huge-number.yaml",
       "apiVersion: flotilla.io/v1alpha1\nkind: Microservice\nmetadata: {name: a}\nspec: "
       "{image: x, ports: [{name: http, port: 8080}], replicas: 1e400}\n"},
      {"nul.yaml", std::string("apiVersion: v1\nkind: ConfigMap\n\0metadata: {name: a}\n", 50)},
      {"endless-documents.json", "{\n\"kind\": \"Gateway\",: \"public\",\n  },\n  \"spec\": {\n}\n"},
  };
  for (const auto& [name, text] : files) {
    const auto run = renderFile(dir.write(name, text));
    EXPECT_EQ(run.exitCode, 1) << name << "\n" << run.output.substr(0, 2000);
    EXPECT_NE(run.output.find("error: " + dir.path() + "/" + name), std::string::npos)
        << name << ": the error does not name the file\n"
        << run.output.substr(0, 2000);
  }
}

}  // namespace
}  // namespace flotilla::reliability
