#include <map>

#include <gtest/gtest.h>

#include "kube/kubeconfig.h"
#include "temp_dir.h"

namespace flotilla::kube {
namespace {

using testing::TempDir;

EnvLookup serviceEnv(std::string host, std::string port = "443") {
  return [host, port](const std::string& name) -> std::optional<std::string> {
    if (name == "KUBERNETES_SERVICE_HOST") return host;
    if (name == "KUBERNETES_SERVICE_PORT") return port;
    return std::nullopt;
  };
}

struct ServiceAccountDir {
  TempDir dir;
  ServiceAccountDir() {
    dir.write("token", "token-1\n");
    dir.write("ca.crt", "-----BEGIN CERTIFICATE-----\nY2E=\n-----END CERTIFICATE-----\n");
    dir.write("namespace", "flotilla-system\n");
  }
};

TEST(InClusterConfig, ReadsServiceAccountAndEnvironment) {
  ServiceAccountDir sa;
  InClusterOptions options;
  options.serviceAccountDir = sa.dir.path().string();
  options.env = serviceEnv("10.96.0.1");
  auto config = loadInClusterConfig(options);
  ASSERT_TRUE(config.ok()) << config.error().toString();
  EXPECT_EQ(config->server, "https://10.96.0.1:443");
  EXPECT_EQ(config->namespace_, "flotilla-system");
  EXPECT_NE(config->caPem.find("BEGIN CERTIFICATE"), std::string::npos);
  EXPECT_EQ(config->token->token().value(), "token-1");
  EXPECT_FALSE(config->insecureSkipTlsVerify);
}

TEST(InClusterConfig, RotatedTokenIsPickedUpAfterRefreshInterval) {
  ServiceAccountDir sa;
  auto clock = std::make_shared<FakeClock>();
  InClusterOptions options;
  options.serviceAccountDir = sa.dir.path().string();
  options.env = serviceEnv("10.96.0.1");
  options.clock = clock;
  auto config = loadInClusterConfig(options);
  ASSERT_TRUE(config.ok()) << config.error().toString();
  EXPECT_EQ(config->token->token().value(), "token-1");

  sa.dir.write("token", "token-2\n");  // the kubelet rotates the projected token
  clock->advance(std::chrono::seconds(30));
  EXPECT_EQ(config->token->token().value(), "token-1");
  clock->advance(std::chrono::seconds(31));  // past the one-minute refresh
  EXPECT_EQ(config->token->token().value(), "token-2");
}

TEST(InClusterConfig, Ipv6HostIsBracketed) {
  ServiceAccountDir sa;
  InClusterOptions options;
  options.serviceAccountDir = sa.dir.path().string();
  options.env = serviceEnv("fd00::1", "6443");
  EXPECT_EQ(loadInClusterConfig(options)->server, "https://[fd00::1]:6443");
}

TEST(InClusterConfig, NamespaceDefaultsWhenFileMissing) {
  ServiceAccountDir sa;
  std::filesystem::remove(sa.dir.path() / "namespace");
  InClusterOptions options;
  options.serviceAccountDir = sa.dir.path().string();
  options.env = serviceEnv("h");
  EXPECT_EQ(loadInClusterConfig(options)->namespace_, "default");
}

TEST(InClusterConfig, ClearErrors) {
  ServiceAccountDir sa;
  InClusterOptions options;
  options.serviceAccountDir = sa.dir.path().string();
  options.env = [](const std::string&) { return std::optional<std::string>(); };
  auto noEnv = loadInClusterConfig(options);
  ASSERT_TRUE(noEnv.is(ErrorKind::Config));
  EXPECT_NE(noEnv.error().message.find("KUBERNETES_SERVICE_HOST"), std::string::npos);

  options.env = serviceEnv("h");
  std::filesystem::remove(sa.dir.path() / "ca.crt");
  auto noCa = loadInClusterConfig(options);
  ASSERT_TRUE(noCa.is(ErrorKind::Config));
  EXPECT_NE(noCa.error().message.find("ca.crt: cannot be read"), std::string::npos) << noCa.error().message;

  std::filesystem::remove(sa.dir.path() / "token");
  auto noToken = loadInClusterConfig(options);
  ASSERT_TRUE(noToken.is(ErrorKind::Config));
  EXPECT_NE(noToken.error().message.find("token: cannot be read"), std::string::npos) << noToken.error().message;
}

}  // namespace
}  // namespace flotilla::kube
