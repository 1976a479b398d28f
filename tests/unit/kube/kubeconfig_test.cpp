#include "kube/kubeconfig.h"

#include <map>

#include <gtest/gtest.h>

#include "kube/base64.h"
#include "temp_dir.h"

namespace flotilla::kube {
namespace {

using testing::TempDir;

// The loader checks PEM framing, not the DER inside (the transport parses it); these stand in for real files.
const std::string kCaPem = "-----BEGIN CERTIFICATE-----\nQ0EgY2VydA==\n-----END CERTIFICATE-----\n";
const std::string kCertPem = "-----BEGIN CERTIFICATE-----\nY2xpZW50IGNlcnQ=\n-----END CERTIFICATE-----\n";
const std::string kKeyPem = "-----BEGIN PRIVATE KEY-----\na2V5\n-----END PRIVATE KEY-----\n";

std::string twoContexts() {
  return R"(apiVersion: v1
kind: Config
current-context: dev
clusters:
- name: dev-cluster
  cluster:
    server: https://dev.example.com:6443/
    certificate-authority-data: )" +
         base64Encode(kCaPem) + R"(
- name: prod-cluster
  cluster:
    server: https://prod.example.com
    insecure-skip-tls-verify: true
users:
- name: dev-user
  user:
    token: dev-token
- name: prod-user
  user:
    client-certificate-data: )" +
         base64Encode(kCertPem) + R"(
    client-key-data: )" +
         base64Encode(kKeyPem) + R"(
contexts:
- name: dev
  context: {cluster: dev-cluster, user: dev-user, namespace: shop}
- name: prod
  context: {cluster: prod-cluster, user: prod-user}
)";
}

TEST(Kubeconfig, CurrentContextWithTokenCaDataAndNamespace) {
  TempDir dir;
  auto config = loadKubeconfigFile(dir.write("config", twoContexts()));
  ASSERT_TRUE(config.ok()) << config.error().toString();
  EXPECT_EQ(config->server, "https://dev.example.com:6443");  // trailing slash dropped
  EXPECT_EQ(config->host(), "dev.example.com:6443");
  EXPECT_EQ(config->caPem, kCaPem);
  EXPECT_FALSE(config->insecureSkipTlsVerify);
  ASSERT_TRUE(config->token);
  EXPECT_EQ(config->token->token().value(), "dev-token");
  EXPECT_EQ(config->namespace_, "shop");
  EXPECT_TRUE(config->clientCertPem.empty());
  EXPECT_NE(config->source.find("context \"dev\""), std::string::npos);
}

TEST(Kubeconfig, ContextOverrideWithClientCertDataAndInsecure) {
  TempDir dir;
  auto config = loadKubeconfigFile(dir.write("config", twoContexts()), "prod");
  ASSERT_TRUE(config.ok()) << config.error().toString();
  EXPECT_EQ(config->server, "https://prod.example.com");
  EXPECT_TRUE(config->insecureSkipTlsVerify);
  EXPECT_TRUE(config->caPem.empty());
  EXPECT_EQ(config->clientCertPem, kCertPem);
  EXPECT_EQ(config->clientKeyPem, kKeyPem);
  EXPECT_FALSE(config->token);
  EXPECT_EQ(config->namespace_, "default");
}

TEST(Kubeconfig, RelativeFilesResolveAgainstTheKubeconfigDirectory) {
  TempDir dir;
  dir.write("kube/pki/ca.crt", kCaPem);
  dir.write("kube/pki/client.crt", kCertPem);
  dir.write("kube/pki/client.key", kKeyPem);
  dir.write("kube/token", "file-token\n");
  const auto path = dir.write("kube/config", R"(
current-context: c
clusters: [{name: k, cluster: {server: "https://127.0.0.1:6443", certificate-authority: pki/ca.crt}}]
users: [{name: u, user: {tokenFile: token, client-certificate: pki/client.crt, client-key: ./pki/client.key}}]
contexts: [{name: c, context: {cluster: k, user: u}}]
)");
  auto config = loadKubeconfigFile(path);
  ASSERT_TRUE(config.ok()) << config.error().toString();
  EXPECT_EQ(config->caPem, kCaPem);
  EXPECT_EQ(config->clientCertPem, kCertPem);
  EXPECT_EQ(config->clientKeyPem, kKeyPem);
  ASSERT_TRUE(config->token);
  EXPECT_EQ(config->token->token().value(), "file-token");
}

TEST(Kubeconfig, TokenFileIsReReadAfterInvalidate) {
  TempDir dir;
  dir.write("token", "one");
  const auto path = dir.write("config", R"(
current-context: c
clusters: [{name: k, cluster: {server: "https://h"}}]
users: [{name: u, user: {tokenFile: token}}]
contexts: [{name: c, context: {cluster: k, user: u}}]
)");
  auto config = loadKubeconfigFile(path);
  ASSERT_TRUE(config.ok()) << config.error().toString();
  EXPECT_EQ(config->token->token().value(), "one");
  dir.write("token", "two");
  config->token->invalidate();  // what a 401 does
  EXPECT_EQ(config->token->token().value(), "two");
}

TEST(Kubeconfig, MissingFileNamesIt) {
  auto config = loadKubeconfigFile("/nonexistent/flotilla/config");
  ASSERT_TRUE(config.is(ErrorKind::Config));
  EXPECT_EQ(config.error().message,
            "kubeconfig /nonexistent/flotilla/config: cannot be read (No such file or directory)");
}

TEST(Kubeconfig, MissingContextNamesFileAndContext) {
  TempDir dir;
  const auto path = dir.write("config", twoContexts());
  auto config = loadKubeconfigFile(path, "foo");
  ASSERT_TRUE(config.is(ErrorKind::Config));
  EXPECT_EQ(config.error().message, "kubeconfig " + path + ": context \"foo\" not found");
}

TEST(Kubeconfig, BadBase64NamesFileAndField) {
  TempDir dir;
  const auto path = dir.write("config", R"(
current-context: c
clusters: [{name: k, cluster: {server: "https://h"}}]
users: [{name: u, user: {client-certificate-data: Zm9v, client-key-data: "not*base64"}}]
contexts: [{name: c, context: {cluster: k, user: u}}]
)");
  auto config = loadKubeconfigFile(path);
  ASSERT_TRUE(config.is(ErrorKind::Config));
  EXPECT_EQ(config.error().message, "kubeconfig " + path + ": users[0].user.client-key-data: not valid base64");
}

// Each broken kubeconfig and the field its error must name.
TEST(Kubeconfig, StructuralErrorsNameTheField) {
  const std::map<std::string, std::string> cases = {
      {"contexts[0].context.cluster: cluster \"gone\" not found", R"(
current-context: c
contexts: [{name: c, context: {cluster: gone}}])"},
      {"contexts[0].context.cluster: missing", R"(
current-context: c
contexts: [{name: c, context: {user: u}}])"},
      {"contexts[0].context.user: user \"nobody\" not found", R"(
current-context: c
clusters: [{name: k, cluster: {server: "https://h"}}]
contexts: [{name: c, context: {cluster: k, user: nobody}}])"},
      {"clusters[0].cluster.server: missing", R"(
current-context: c
clusters: [{name: k, cluster: {}}]
contexts: [{name: c, context: {cluster: k}}])"},
      {"clusters[0].cluster.server: must start with https:// or http://", R"(
current-context: c
clusters: [{name: k, cluster: {server: "ftp://h"}}]
contexts: [{name: c, context: {cluster: k}}])"},
      {"clusters[0].cluster.insecure-skip-tls-verify: cannot be combined", R"(
current-context: c
clusters: [{name: k, cluster: {server: "https://h", insecure-skip-tls-verify: true, certificate-authority-data: )" +
                                                                               base64Encode(kCaPem) + R"(}}]
contexts: [{name: c, context: {cluster: k}}])"},
      {"clusters[0].cluster.insecure-skip-tls-verify: must be true or false", R"(
current-context: c
clusters: [{name: k, cluster: {server: "https://h", insecure-skip-tls-verify: maybe}}]
contexts: [{name: c, context: {cluster: k}}])"},
      {"clusters[0].cluster.certificate-authority: does not contain a PEM certificate", R"(
current-context: c
clusters: [{name: k, cluster: {server: "https://h", certificate-authority-data: Zm9v}}]
contexts: [{name: c, context: {cluster: k}}])"},
      {"clusters[0].cluster.certificate-authority: ", R"(
current-context: c
clusters: [{name: k, cluster: {server: "https://h", certificate-authority: missing-ca.crt}}]
contexts: [{name: c, context: {cluster: k}}])"},
      {"users[0].user.client-key: missing", R"(
current-context: c
clusters: [{name: k, cluster: {server: "https://h"}}]
users: [{name: u, user: {client-certificate-data: )" +
                                                base64Encode(kCertPem) + R"(}}]
contexts: [{name: c, context: {cluster: k, user: u}}])"},
      {"users[0].user.exec: not supported", R"(
current-context: c
clusters: [{name: k, cluster: {server: "https://h"}}]
users: [{name: u, user: {exec: {command: aws}}}]
contexts: [{name: c, context: {cluster: k, user: u}}])"},
      {"users[0].user.tokenFile: ", R"(
current-context: c
clusters: [{name: k, cluster: {server: "https://h"}}]
users: [{name: u, user: {tokenFile: /nonexistent/token}}]
contexts: [{name: c, context: {cluster: k, user: u}}])"},
      {"clusters: must be a list", R"(
clusters: {name: k}
)"},
      {"contexts[0].name: missing", R"(
contexts: [{context: {cluster: k}}]
)"},
      {"no current-context is set", R"(
clusters: [{name: k, cluster: {server: "https://h"}}]
)"},
      {"invalid YAML at line ", "current-context: c\nclusters:\n  - name: [unclosed\n"},
      {"not a kubeconfig", "- just\n- a list\n"},
  };
  for (const auto& [expected, content] : cases) {
    TempDir dir;
    const auto path = dir.write("config", content);
    auto config = loadKubeconfigFile(path);
    ASSERT_TRUE(config.is(ErrorKind::Config)) << expected;
    const std::string& message = config.error().message;
    EXPECT_EQ(message.rfind("kubeconfig " + path + ": ", 0), 0u) << message;
    EXPECT_NE(message.find(expected), std::string::npos) << "expected \"" << expected << "\" in: " << message;
  }
}

TEST(Kubeconfig, MergesFilesFirstDefinitionWins) {
  TempDir dir;
  const auto first = dir.write("a", R"(
current-context: mine
contexts: [{name: mine, context: {cluster: shared, user: me, namespace: first}}]
clusters: [{name: shared, cluster: {server: "https://first"}}]
)");
  const auto second = dir.write("b", R"(
current-context: other
contexts: [{name: mine, context: {cluster: shared, namespace: second}}]
clusters: [{name: shared, cluster: {server: "https://second"}}]
users: [{name: me, user: {token: from-second}}]
)");
  auto config = loadKubeconfig({first, (dir.path() / "missing").string(), second});
  ASSERT_TRUE(config.ok()) << config.error().toString();
  EXPECT_EQ(config->server, "https://first");
  EXPECT_EQ(config->namespace_, "first");
  EXPECT_EQ(config->token->token().value(), "from-second");

  auto none = loadKubeconfig({(dir.path() / "x").string()});
  ASSERT_TRUE(none.is(ErrorKind::Config));
  EXPECT_NE(none.error().message.find("none of the files exist"), std::string::npos);
}

TEST(Kubeconfig, EmptyFileAloneHasNoContext) {
  TempDir dir;
  const auto path = dir.write("config", "");
  auto config = loadKubeconfigFile(path);
  ASSERT_TRUE(config.is(ErrorKind::Config));
  EXPECT_NE(config.error().message.find("no current-context"), std::string::npos);
}

EnvLookup envFrom(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

std::string minimal(const std::string& server) {
  return "current-context: c\nclusters: [{name: k, cluster: {server: \"" + server +
         "\"}}]\ncontexts: [{name: c, context: {cluster: k}}]\n";
}

TEST(LoadConfig, PrefersFlagThenKubeconfigEnvThenInClusterThenHome) {
  TempDir dir;
  const auto flag = dir.write("flag", minimal("https://flag"));
  const auto env = dir.write("env", minimal("https://env"));
  dir.write("home/.kube/config", minimal("https://home"));
  dir.write("sa/token", "t");
  dir.write("sa/ca.crt", kCaPem);
  ConfigOptions options;
  options.inCluster.serviceAccountDir = (dir.path() / "sa").string();
  const std::string home = (dir.path() / "home").string();

  options.kubeconfig = flag;
  options.env = envFrom({{"KUBECONFIG", env},
                         {"KUBERNETES_SERVICE_HOST", "10.0.0.1"},
                         {"KUBERNETES_SERVICE_PORT", "443"},
                         {"HOME", home}});
  EXPECT_EQ(loadConfig(options)->server, "https://flag");

  options.kubeconfig.clear();
  EXPECT_EQ(loadConfig(options)->server, "https://env");

  options.env = envFrom({{"KUBERNETES_SERVICE_HOST", "10.0.0.1"}, {"KUBERNETES_SERVICE_PORT", "443"}, {"HOME", home}});
  EXPECT_EQ(loadConfig(options)->server, "https://10.0.0.1:443");

  options.env = envFrom({{"HOME", home}});
  EXPECT_EQ(loadConfig(options)->server, "https://home");

  options.env = envFrom({{"HOME", (dir.path() / "nohome").string()}});
  auto nothing = loadConfig(options);
  ASSERT_TRUE(nothing.is(ErrorKind::Config));
  EXPECT_NE(nothing.error().message.find("no Kubernetes configuration found"), std::string::npos);
}

TEST(LoadConfig, KubeconfigEnvListIsMerged) {
  TempDir dir;
  const auto a = dir.write("a", "current-context: c\n");
  const auto b = dir.write("b", minimal("https://b"));
  ConfigOptions options;
  options.env = envFrom({{"KUBECONFIG", a + "::" + b}});
  auto config = loadConfig(options);
  ASSERT_TRUE(config.ok()) << config.error().toString();
  EXPECT_EQ(config->server, "https://b");
}

}  // namespace
}  // namespace flotilla::kube
