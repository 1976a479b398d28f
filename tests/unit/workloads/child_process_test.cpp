#include "apiserver/child_process.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace flotilla::apiserver {
namespace {

std::unique_ptr<ChildProcess> shell(const std::string& script, std::map<std::string, std::string> env = {},
                                    bool inherit = true) {
  ChildSpec spec;
  spec.argv = {"/bin/sh", "-c", script};
  spec.env = std::move(env);
  spec.inheritEnvironment = inherit;
  spec.captureStdout = true;
  std::string error;
  auto child = ChildProcess::spawn(spec, error);
  EXPECT_NE(child, nullptr) << error;
  return child;
}

TEST(ChildProcess, CapturesOutputAndExitCodeWithItsEnvironment) {
  auto child = shell("echo \"hello $GREETING\"; echo second; exit 3", {{"GREETING", "world"}}, false);
  ASSERT_NE(child, nullptr);
  EXPECT_EQ(child->readStdoutLine(std::chrono::seconds(10)), "hello world");
  EXPECT_EQ(child->readStdoutLine(std::chrono::seconds(10)), "second");
  auto exit = child->waitFor(std::chrono::seconds(10));
  ASSERT_TRUE(exit.has_value());
  EXPECT_EQ(exit->exitCode, 3);
  EXPECT_EQ(exit->signal, 0);
  EXPECT_FALSE(child->readStdoutLine(std::chrono::milliseconds(100)).has_value());  // EOF
}

TEST(ChildProcess, TerminateEscalatesToSigkill) {
  auto child = shell("trap '' TERM; echo ready; while true; do sleep 1; done");
  ASSERT_NE(child, nullptr);
  ASSERT_EQ(child->readStdoutLine(std::chrono::seconds(10)), "ready");
  EXPECT_FALSE(child->poll().has_value());
  ChildExit exit = child->terminate(std::chrono::milliseconds(200));
  EXPECT_EQ(exit.signal, SIGKILL);
}

TEST(ChildProcess, AppendsStdoutAndStderrToTheOutputFile) {
  const auto path = std::filesystem::temp_directory_path() / ("child-output-" + std::to_string(::getpid()) + ".log");
  std::filesystem::remove(path);
  for (const char* word : {"first", "second"}) {
    ChildSpec spec;
    spec.argv = {"/bin/sh", "-c", std::string("echo out-") + word + "; echo err-" + word + " >&2"};
    spec.silenceOutput = true;  // the file wins over /dev/null
    spec.outputFile = path.string();
    std::string error;
    auto child = ChildProcess::spawn(spec, error);
    ASSERT_NE(child, nullptr) << error;
    ASSERT_TRUE(child->waitFor(std::chrono::seconds(10)).has_value());
  }
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  EXPECT_EQ(text.str(), "out-first\nerr-first\nout-second\nerr-second\n");
  EXPECT_EQ(std::filesystem::status(path).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  std::filesystem::remove(path);

  ChildSpec spec;
  spec.argv = {"/bin/true"};
  spec.outputFile = "/nonexistent-dir/x.log";
  std::string error;
  EXPECT_EQ(ChildProcess::spawn(spec, error), nullptr);
  EXPECT_NE(error.find("/nonexistent-dir/x.log"), std::string::npos) << error;
}

TEST(ChildProcess, ReportsAMissingExecutable) {
  ChildSpec spec;
  spec.argv = {"/nonexistent/flotilla-nothing"};
  std::string error;
  EXPECT_EQ(ChildProcess::spawn(spec, error), nullptr);
  EXPECT_NE(error.find("No such file"), std::string::npos) << error;
}

}  // namespace
}  // namespace flotilla::apiserver
