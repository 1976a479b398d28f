// pods/log (`kubectl logs`): which container's output is read, and tailLines / limitBytes.
#include "apiserver/pod_logs.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "apiserver/pod_launch.h"

namespace flotilla::apiserver {
namespace {

using nlohmann::json;

json podWith(const std::string& uid, std::vector<std::string> containers) {
  json pod = {{"metadata", {{"name", "web-1"}, {"namespace", "shop"}, {"uid", uid}}},
              {"spec", {{"containers", json::array()}}}};
  for (const auto& name : containers) pod["spec"]["containers"].push_back({{"name", name}, {"image", "flotilla/echo"}});
  return pod;
}

HttpRequest query(std::map<std::string, std::string> params) {
  HttpRequest request;
  request.method = "GET";
  request.query = std::move(params);
  return request;
}

// A log file where the pod runner would keep it, removed again at the end of the test.
class PodLogFile : public ::testing::Test {
 protected:
  void write(const std::string& container, const std::string& text) {
    const std::string path = containerLogPath(uid_, container);
    ASSERT_FALSE(path.empty());
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    std::ofstream(path, std::ios::binary) << text;
  }
  void TearDown() override { std::filesystem::remove_all(podScratchDirectory(uid_)); }

  const std::string uid_ = "pod-logs-test-" + std::to_string(std::random_device{}());
};

TEST(SelectLogText, TailLinesAndLimitBytes) {
  const std::string text = "one\ntwo\nthree\n";
  EXPECT_EQ(selectLogText(text, std::nullopt, std::nullopt), text);
  EXPECT_EQ(selectLogText(text, 1, std::nullopt), "three\n");
  EXPECT_EQ(selectLogText(text, 2, std::nullopt), "two\nthree\n");
  EXPECT_EQ(selectLogText(text, 10, std::nullopt), text);
  EXPECT_EQ(selectLogText(text, 0, std::nullopt), "");
  EXPECT_EQ(selectLogText("one\ntwo", 1, std::nullopt), "two");  // a last line without its newline yet
  EXPECT_EQ(selectLogText(text, std::nullopt, 5), "one\nt");
  EXPECT_EQ(selectLogText(text, 2, 3), "two");
  EXPECT_EQ(selectLogText("", 3, std::nullopt), "");
}

TEST(ContainerLogPath, OnlyPlainContainerNames) {
  EXPECT_EQ(containerLogPath("u1", "main"), podScratchDirectory("u1") + "/logs/main.log");
  EXPECT_EQ(containerLogPath("", "main"), "");
  EXPECT_EQ(containerLogPath("u1", "../x"), "");
  EXPECT_EQ(containerLogPath("u1", ".."), "");
  EXPECT_EQ(containerLogPath("u1", ""), "");
}

TEST_F(PodLogFile, ReadsTheOnlyContainerOrTheNamedOne) {
  write("main", "started\nserving\n");
  auto log = podLog(podWith(uid_, {"main"}), query({}));
  ASSERT_TRUE(log.ok()) << log.error().message;
  EXPECT_EQ(*log, "started\nserving\n");
  log = podLog(podWith(uid_, {"main"}), query({{"container", "main"}, {"tailLines", "1"}}));
  ASSERT_TRUE(log.ok());
  EXPECT_EQ(*log, "serving\n");
}

TEST_F(PodLogFile, AContainerThatWroteNothingHasAnEmptyLog) {
  auto log = podLog(podWith(uid_, {"main"}), query({}));
  ASSERT_TRUE(log.ok());
  EXPECT_EQ(*log, "");
}

TEST(PodLog, BadRequestsAreRejected) {
  const json twoContainers = podWith("u2", {"app", "sidecar"});
  auto log = podLog(twoContainers, query({}));
  ASSERT_FALSE(log.ok());
  EXPECT_EQ(log.error().code, 400);
  EXPECT_NE(log.error().message.find("choose one of: [app sidecar]"), std::string::npos) << log.error().message;

  log = podLog(twoContainers, query({{"container", "nope"}}));
  ASSERT_FALSE(log.ok());
  EXPECT_EQ(log.error().message, "container nope is not valid for pod web-1");

  for (const char* bad : {"-1", "x", "1.5", ""}) {
    log = podLog(twoContainers, query({{"container", "app"}, {"tailLines", bad}}));
    ASSERT_FALSE(log.ok()) << bad;
    EXPECT_EQ(log.error().code, 400);
  }
}

}  // namespace
}  // namespace flotilla::apiserver
