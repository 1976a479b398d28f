#include "apiserver/pod_launch.h"

#include <gtest/gtest.h>

namespace flotilla::apiserver {
namespace {

using nlohmann::json;

json echoPod() {
  return json{
      {"metadata",
       {{"name", "orders-7d9f-x2k4p"},
        {"namespace", "shop"},
        {"uid", "u-1"},
        {"labels", {{"app.kubernetes.io/name", "order-service"}, {"app", "orders"}}}}},
      {"spec",
       {{"containers",
         json::array(
             {{{"name", "main"},
               {"image", "ghcr.io/acme/flotilla/echo:1.2"},
               {"ports", json::array({{{"name", "http"}, {"containerPort", 9090}}})},
               {"env",
                json::array(
                    {{{"name", "ECHO_LATENCY_MS"}, {"value", "5"}},
                     {{"name", "MY_POD"}, {"valueFrom", {{"fieldRef", {{"fieldPath", "metadata.name"}}}}}},
                     {{"name", "MY_IP"}, {"valueFrom", {{"fieldRef", {{"fieldPath", "status.podIP"}}}}}},
                     {{"name", "TEAM"}, {"valueFrom", {{"fieldRef", {{"fieldPath", "metadata.labels['app']"}}}}}},
                     {{"name", "DB_URL"},
                      {"valueFrom", {{"secretKeyRef", {{"name", "db"}, {"key", "url"}}}}}}})}}})}}}};
}

TEST(LaunchTable, MatchesRepositoriesWhateverTheTagOrRegistry) {
  LaunchTable table = defaultLaunchTable();
  EXPECT_NE(table.find("flotilla/echo"), nullptr);
  EXPECT_NE(table.find("flotilla/echo:latest"), nullptr);
  EXPECT_NE(table.find("docker.io/flotilla/echo:0.1@sha256:abc"), nullptr);
  EXPECT_EQ(table.find("flotilla/echoes"), nullptr);
  EXPECT_EQ(table.find("notflotilla/echo"), nullptr);
  EXPECT_NE(table.find("flotilla/gateway:1"), nullptr);
  EXPECT_EQ(table.find("flotilla/gateways"), nullptr);
  EXPECT_EQ(imageRepository("localhost:5000/flotilla/echo:1"), "localhost:5000/flotilla/echo");
}

TEST(EchoLaunch, BuildsTheCommandAndEnvironment) {
  json pod = echoPod();
  EnvSourceLookup secrets = [](const std::string& kind, const std::string& ns, const std::string& name,
                               const std::string& key) -> std::optional<std::string> {
    if (kind == "Secret" && ns == "shop" && name == "db" && key == "url") return "postgres://db";
    return std::nullopt;
  };
  LaunchContext context{pod, pod["spec"]["containers"][0], "127.0.0.9", "/usr/bin/flotilla", &secrets, ""};
  std::string error;
  auto launch = echoLaunch(context, error);
  ASSERT_TRUE(launch.has_value()) << error;
  EXPECT_EQ(launch->argv, (std::vector<std::string>{"/usr/bin/flotilla", "echo", "--listen", "127.0.0.9:9090",
                                                    "--service", "order-service", "--pod", "orders-7d9f-x2k4p"}));
  EXPECT_EQ(launch->env["ECHO_LATENCY_MS"], "5");
  EXPECT_EQ(launch->env["MY_POD"], "orders-7d9f-x2k4p");
  EXPECT_EQ(launch->env["MY_IP"], "127.0.0.9");
  EXPECT_EQ(launch->env["TEAM"], "orders");
  EXPECT_EQ(launch->env["DB_URL"], "postgres://db");
  EXPECT_EQ(launch->env["POD_NAME"], "orders-7d9f-x2k4p");
}

TEST(EchoLaunch, MissingSecretKeepsTheContainerFromStarting) {
  json pod = echoPod();
  LaunchContext context{pod, pod["spec"]["containers"][0], "127.0.0.9", "/usr/bin/flotilla", nullptr, ""};
  std::string error;
  EXPECT_FALSE(echoLaunch(context, error).has_value());
  EXPECT_NE(error.find("db"), std::string::npos) << error;
}

}  // namespace
}  // namespace flotilla::apiserver
