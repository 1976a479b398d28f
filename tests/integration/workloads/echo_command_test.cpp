// `flotilla echo` as a process: announces its address, serves, honours its environment, exits on SIGTERM.
#include <gtest/gtest.h>

#include <csignal>

#include <nlohmann/json.hpp>

#include "apiserver/child_process.h"
#include "apiserver/http_call.h"

namespace flotilla::apiserver {
namespace {

using nlohmann::json;

struct StartedEcho {
  std::unique_ptr<ChildProcess> process;
  std::uint16_t port = 0;
};

StartedEcho startEcho(std::map<std::string, std::string> env, std::vector<std::string> flags) {
  ChildSpec spec;
  spec.argv = {FLOTILLA_BINARY, "echo", "--listen", "127.0.0.1:0"};
  spec.argv.insert(spec.argv.end(), flags.begin(), flags.end());
  spec.env = std::move(env);
  spec.captureStdout = true;
  std::string error;
  StartedEcho started;
  started.process = ChildProcess::spawn(spec, error);
  EXPECT_NE(started.process, nullptr) << error;
  if (!started.process) return started;
  auto line = started.process->readStdoutLine(std::chrono::seconds(20));
  EXPECT_TRUE(line.has_value());
  const std::string prefix = "listening on http://127.0.0.1:";
  if (line && line->rfind(prefix, 0) == 0)
    started.port = static_cast<std::uint16_t>(std::stoi(line->substr(prefix.size())));
  EXPECT_NE(started.port, 0) << line.value_or("<no line>");
  return started;
}

HttpOutcome get(std::uint16_t port, const std::string& target) {
  HttpCall call;
  call.port = port;
  call.target = target;
  call.timeout = std::chrono::seconds(5);
  return performHttpCall(call);
}

TEST(EchoCommand, ServesAndExitsCleanlyOnSigterm) {
  auto echo = startEcho({}, {"--service", "user-service", "--pod", "user-service-abc"});
  ASSERT_NE(echo.port, 0);
  auto outcome = get(echo.port, "/api/users/7");
  ASSERT_TRUE(outcome.ok()) << outcome.error;
  EXPECT_EQ(outcome.reply->status, 200);
  EXPECT_EQ(outcome.reply->headers["x-served-by"], "user-service-abc");
  auto body = json::parse(outcome.reply->body);
  EXPECT_EQ(body["service"], "user-service");
  EXPECT_EQ(body["path"], "/api/users/7");

  echo.process->signal(SIGTERM);
  auto exit = echo.process->waitFor(std::chrono::seconds(10));
  ASSERT_TRUE(exit.has_value());
  EXPECT_EQ(exit->signal, 0);
  EXPECT_EQ(exit->exitCode, 0);
}

TEST(EchoCommand, EnvironmentConfiguresIdentityAndFailures) {
  auto echo = startEcho({{"ECHO_SERVICE", "payment-service"},
                         {"POD_NAME", "payment-1"},
                         {"ECHO_FAILURE_RATE", "1"},
                         {"ECHO_FAIL_STATUS", "503"}},
                        {});
  ASSERT_NE(echo.port, 0);
  auto outcome = get(echo.port, "/pay");
  ASSERT_TRUE(outcome.ok());
  EXPECT_EQ(outcome.reply->status, 503);
  EXPECT_EQ(json::parse(outcome.reply->body)["service"], "payment-service");
  EXPECT_EQ(outcome.reply->headers["x-served-by"], "payment-1");
  EXPECT_EQ(get(echo.port, "/healthz").reply->status, 200);
}

TEST(EchoCommand, RejectsBadConfiguration) {
  ChildSpec spec;
  spec.argv = {FLOTILLA_BINARY, "echo", "--listen", "127.0.0.1:0"};
  spec.env = {{"ECHO_FAILURE_RATE", "2"}};
  spec.silenceOutput = true;
  std::string error;
  auto process = ChildProcess::spawn(spec, error);
  ASSERT_NE(process, nullptr) << error;
  auto exit = process->waitFor(std::chrono::seconds(10));
  ASSERT_TRUE(exit.has_value());
  EXPECT_EQ(exit->exitCode, 2);
}

}  // namespace
}  // namespace flotilla::apiserver
