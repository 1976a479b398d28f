#include "apiserver/echo_handler.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace flotilla::apiserver {
namespace {

EchoRequest get(std::string target, std::map<std::string, std::string> headers = {}) {
  return EchoRequest{"GET", std::move(target), std::move(headers), ""};
}

double never() {
  return 0.999;
}
double always() {
  return 0.0;
}

TEST(EchoBehaviour, EchoesServicePodPathMethodHeadersAndHost) {
  EchoBehaviour echo("user-service", "user-service-abc-x1", {});
  auto response = echo.answer(get("/api/users/7?x=1", {{"host", "shop.example.com"}, {"x-request-id", "r1"}}), never);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body["service"], "user-service");
  EXPECT_EQ(response.body["pod"], "user-service-abc-x1");
  EXPECT_EQ(response.body["path"], "/api/users/7");
  EXPECT_EQ(response.body["query"], "x=1");
  EXPECT_EQ(response.body["method"], "GET");
  EXPECT_EQ(response.body["host"], "shop.example.com");
  EXPECT_EQ(response.body["headers"]["x-request-id"], "r1");
  EXPECT_EQ(response.delay.count(), 0);
}

TEST(EchoBehaviour, FailAnswersRequestedStatus) {
  EchoBehaviour echo("s", "p", {});
  EXPECT_EQ(echo.answer(get("/fail"), never).status, 500);
  EXPECT_EQ(echo.answer(get("/fail?status=503"), never).status, 503);
  EXPECT_EQ(echo.answer(get("/fail?status=abc"), never).status, 400);
  EXPECT_EQ(echo.answer(get("/fail?status=503"), never).body["pod"], "p");
}

TEST(EchoBehaviour, SlowDelaysByRequestedMillisecondsPlusLatency) {
  EchoBehaviour echo("s", "p", EchoSettings{0.0, 20, true, 500});
  auto response = echo.answer(get("/slow?ms=150"), never);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.delay.count(), 170);
  EXPECT_EQ(echo.answer(get("/other"), never).delay.count(), 20);
  EXPECT_EQ(echo.answer(get("/slow?ms=-1"), never).status, 400);
}

TEST(EchoBehaviour, FailureRateInjectsConfiguredStatusButSparesHealthAndControl) {
  EchoBehaviour echo("s", "p", EchoSettings{0.5, 0, true, 503});
  EXPECT_EQ(echo.answer(get("/x"), always).status, 503);
  EXPECT_EQ(echo.answer(get("/x"), never).status, 200);
  EXPECT_EQ(echo.answer(get("/healthz"), always).status, 200);
  EXPECT_EQ(echo.answer(get("/control"), always).status, 200);
}

TEST(EchoBehaviour, ControlSwitchesFailureModeAndHealth) {
  EchoBehaviour echo("s", "p", {});
  auto changed =
      echo.answer(EchoRequest{"POST", "/control", {}, R"({"failureRate":1,"healthy":false,"failStatus":502})"});
  ASSERT_EQ(changed.status, 200);
  EXPECT_EQ(changed.body["failureRate"], 1.0);
  EXPECT_EQ(echo.answer(get("/x")).status, 502);
  EXPECT_EQ(echo.answer(get("/healthz")).status, 503);

  EXPECT_EQ(echo.answer(EchoRequest{"POST", "/control", {}, R"({"failureRate":0,"healthy":true})"}).status, 200);
  EXPECT_EQ(echo.answer(get("/x")).status, 200);
  EXPECT_EQ(echo.answer(get("/healthz")).status, 200);
  EXPECT_EQ(echo.settings().failStatus, 502);  // fields absent from the body are kept
}

TEST(EchoBehaviour, CountsTheRequestsItServesButNotHealthOrControl) {
  EchoBehaviour echo("s", "p", EchoSettings{0.5, 0, true, 503});
  echo.answer(get("/x"), always);  // an injected failure still reached the endpoint
  echo.answer(get("/x"), never);
  echo.answer(get("/fail"), never);
  echo.answer(get("/healthz"), always);
  echo.answer(get("/control"), always);
  EXPECT_EQ(echo.requests(), 3u);
  EXPECT_EQ(echo.answer(get("/control"), never).body["requests"], 3);
}

TEST(EchoBehaviour, ControlRejectsBadInputWithoutChangingAnything) {
  EchoBehaviour echo("s", "p", {});
  EXPECT_EQ(echo.answer(EchoRequest{"POST", "/control", {}, "not json"}).status, 400);
  EXPECT_EQ(echo.answer(EchoRequest{"POST", "/control", {}, R"({"failureRate":2})"}).status, 400);
  EXPECT_EQ(echo.answer(EchoRequest{"POST", "/control", {}, R"({"latencyMs":5,"failStatus":99})"}).status, 400);
  EXPECT_EQ(echo.settings(), EchoSettings{});
  EXPECT_EQ(echo.answer(EchoRequest{"DELETE", "/control", {}, ""}).status, 405);
}

TEST(EchoSettings, ReadFromEnvironment) {
  std::map<std::string, std::string> env{
      {"ECHO_FAILURE_RATE", "0.25"}, {"ECHO_LATENCY_MS", "40"}, {"ECHO_FAIL_STATUS", "503"}};
  auto lookup = [&](const char* name) -> const char* {
    auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  };
  EchoSettings settings;
  ASSERT_FALSE(readEchoSettingsFromEnv(lookup, settings).has_value());
  EXPECT_EQ(settings, (EchoSettings{0.25, 40, true, 503}));

  env["ECHO_FAILURE_RATE"] = "lots";
  auto error = readEchoSettingsFromEnv(lookup, settings);
  ASSERT_TRUE(error.has_value());
  EXPECT_NE(error->find("ECHO_FAILURE_RATE"), std::string::npos);
  EXPECT_EQ(settings.failureRate, 0.25);
}

}  // namespace
}  // namespace flotilla::apiserver
