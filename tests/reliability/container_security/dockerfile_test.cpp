// The repository's Dockerfile, checked statically (dockerfile_check.h): Debian 12 slim base, HAProxy and every
// shared library the flotilla binary links installed, a numeric non-root USER, the exec-form ENTRYPOINT, no URL
// downloads. The library list is taken from the binary this build produced, so a new dependency that the
// Dockerfile misses fails here rather than in a cluster.

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "dockerfile_check.h"
#include "render_fixtures.h"

namespace flotilla::reliability {
namespace {

std::string readDockerfile() {
  std::ifstream in(std::string(FLOTILLA_SOURCE_DIR) + "/Dockerfile");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The Debian packages that provide the binary's shared libraries (ldd, then dpkg -S).
std::set<std::string> packagesOfBinaryLibraries() {
  const auto libraries =
      render::testing::runCommand("ldd '" + std::string(FLOTILLA_BINARY) + "' | awk '$3 ~ /^\\// {print $3}'");
  EXPECT_EQ(libraries.exitCode, 0) << libraries.output;
  std::set<std::string> packages;
  std::istringstream lines(libraries.output);
  for (std::string library; std::getline(lines, library);) {
    // dpkg knows the library under /lib or /usr/lib (merged /usr), so ask for both and the resolved path.
    const auto owner =
        render::testing::runCommand("for f in '" + library + "' \"$(readlink -f '" + library + "')\" '/usr" + library +
                                    "'; do dpkg -S \"$f\" 2>/dev/null && "
                                    "break; done | head -1 | cut -d: -f1");
    EXPECT_FALSE(owner.output.empty()) << "no Debian package provides " << library;
    if (!owner.output.empty()) packages.insert(owner.output.substr(0, owner.output.find_first_of("\n")));
  }
  return packages;
}

std::string listed(const std::vector<std::string>& problems) {
  std::string out;
  for (const auto& p : problems) out += "\n  " + p;
  return out;
}

TEST(Dockerfile, IsSafeAndInstallsWhatTheBinaryNeeds) {
  const std::string dockerfile = readDockerfile();
  ASSERT_FALSE(dockerfile.empty()) << "no Dockerfile at the repository root";
  const auto needed = packagesOfBinaryLibraries();
  EXPECT_TRUE(needed.contains("libyaml-cpp0.7")) << "ldd/dpkg found too little: the check would prove nothing";
  const auto problems = dockerfileProblems(dockerfile, needed);
  EXPECT_TRUE(problems.empty()) << listed(problems);
}

// The check must be able to fail.
TEST(Dockerfile, TheCheckCatchesUnsafeChanges) {
  const std::string good = readDockerfile();
  const auto replaced = [&](const std::string& from, const std::string& to) {
    std::string text = good;
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) text.replace(at, from.size(), to);
    return text;
  };
  const std::vector<std::pair<std::string, std::string>> cases = {
      {replaced("FROM debian:12-slim", "FROM ubuntu:latest"), "base image"},
      {replaced("USER 65532:65532", "USER root"), "USER must be"},
      {replaced("USER 65532:65532", "USER 0"), "USER must be"},
      {replaced("USER 65532:65532\n", ""), "no USER"},
      {good + "ADD https://example.com/tool /usr/local/bin/tool\n", "ADD fetches a URL"},
      {replaced("        haproxy \\\n", ""), "haproxy is not installed"},
      {replaced("        libyaml-cpp0.7 \\\n", ""), "libyaml-cpp0.7"},
      {replaced("ENTRYPOINT [\"/usr/local/bin/flotilla\"]", "ENTRYPOINT /usr/local/bin/flotilla"), "exec form"},
      {replaced(" --no-install-recommends", ""), "--no-install-recommends"},
      {good + "ENV GITHUB_TOKEN=abc\n", "looks like a secret"},
  };
  for (const auto& [text, expected] : cases) {
    const auto problems = dockerfileProblems(text, {"libyaml-cpp0.7", "libc6"});
    EXPECT_NE(listed(problems).find(expected), std::string::npos) << expected << " not reported:" << listed(problems);
  }
}

}  // namespace
}  // namespace flotilla::reliability
