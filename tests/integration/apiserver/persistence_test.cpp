// --data-dir: a restarted emulator keeps its objects, CRDs and monotonic resourceVersions.
#include <filesystem>

#include "test_support.h"

namespace flotilla::apiserver::testing {
namespace {

class PersistenceTest : public ::testing::Test {
 protected:
  PersistenceTest() {
    std::string pattern = (std::filesystem::temp_directory_path() / "flotilla-persist-XXXXXX").string();
    dataDir_ = ::mkdtemp(pattern.data());
  }
  ~PersistenceTest() override {
    std::error_code ec;
    std::filesystem::remove_all(dataDir_, ec);
  }
  ApiServerOptions options(bool tls = false) {
    ApiServerOptions o = TestApiServer::defaultOptions();
    o.dataDir = dataDir_;
    o.tls = tls;
    return o;
  }
  std::string dataDir_;
};

TEST_F(PersistenceTest, RestartKeepsObjectsAndVersions) {
  TestApiServer server(options());
  ASSERT_TRUE(server.started()) << server.startError();
  TestClient client = TestClient::forServer(server);
  ASSERT_EQ(client.post("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", widgetCrd()).status, 201);
  ASSERT_EQ(client.post("/apis/example.com/v1/namespaces/default/widgets", widget("kept", 4)).status, 201);
  json cm = client.post("/api/v1/namespaces/default/configmaps", configMap("cm", {{"a", "1"}})).json();
  std::uint64_t before = server.store().currentResourceVersion();
  std::uint16_t port = server.port();

  ASSERT_TRUE(server.restart()) << server.startError();
  EXPECT_EQ(server.port(), port);
  EXPECT_EQ(server.store().currentResourceVersion(), before);
  EXPECT_EQ(client.get("/api/v1/namespaces/default/configmaps/cm").json(), cm);
  auto widgetAfter = client.get("/apis/example.com/v1/namespaces/default/widgets/kept");
  ASSERT_EQ(widgetAfter.status, 200) << widgetAfter.body;
  EXPECT_EQ(widgetAfter.json()["spec"]["size"], 4);
  json next = client.post("/api/v1/namespaces/default/configmaps", configMap("after")).json();
  EXPECT_GT(std::stoull(next["metadata"]["resourceVersion"].get<std::string>()), before);
}

TEST_F(PersistenceTest, WatchesResumeAcrossARestartOnlyFromTheCurrentVersion) {
  TestApiServer server(options());
  ASSERT_TRUE(server.started());
  TestClient client = TestClient::forServer(server);
  std::string old =
      client.post("/api/v1/namespaces/default/configmaps", configMap("a")).json()["metadata"]["resourceVersion"];
  client.post("/api/v1/namespaces/default/configmaps", configMap("b"));
  std::string current = std::to_string(server.store().currentResourceVersion());
  ASSERT_TRUE(server.restart());
  auto gone = client.watch("/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=" + old);
  auto error = gone->next();
  ASSERT_TRUE(error);
  EXPECT_EQ((*error)["object"]["code"], 410);
  auto resumed = client.watch("/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=" + current);
  client.post("/api/v1/namespaces/default/configmaps", configMap("c"));
  auto event = resumed->next();
  ASSERT_TRUE(event);
  EXPECT_EQ((*event)["object"]["metadata"]["name"], "c");
}

TEST_F(PersistenceTest, TlsCertificatesSurviveARestart) {
  TestApiServer server(options(true));
  ASSERT_TRUE(server.started()) << server.startError();
  std::string ca = server.server().certificates()->caCertPem;
  ASSERT_TRUE(server.restart());
  EXPECT_EQ(server.server().certificates()->caCertPem, ca);
  EXPECT_EQ(TestClient::forServer(server).get("/api/v1/namespaces").status, 200);
}

}  // namespace
}  // namespace flotilla::apiserver::testing
