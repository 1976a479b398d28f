// HTTPS with the generated CA: bearer tokens, client certificates, 401 Status bodies.
#include "apiserver/tls_certificates.h"
#include "test_support.h"

namespace flotilla::apiserver::testing {
namespace {

ApiServerOptions tlsOptions(bool withToken) {
  ApiServerOptions options = TestApiServer::defaultOptions();
  options.tls = true;
  if (withToken) options.tokens["s3cret"] = "alice";
  return options;
}

class TlsTokenTest : public ApiServerTest {
 protected:
  TlsTokenTest() : ApiServerTest(tlsOptions(true)) {}
};

class TlsCertificateTest : public ApiServerTest {
 protected:
  TlsCertificateTest() : ApiServerTest(tlsOptions(false)) {}
};

TEST_F(TlsTokenTest, RequestsWithoutTheTokenAreUnauthorized) {
  EXPECT_EQ(server_.url().rfind("https://127.0.0.1:", 0), 0u);
  TestClient anonymous = client_;
  anonymous.config().clientCertPem.clear();
  anonymous.config().clientKeyPem.clear();
  auto refused = anonymous.get("/api/v1/namespaces");
  ASSERT_EQ(refused.status, 401);
  EXPECT_EQ(refused.json(), (json{{"kind", "Status"},
                                  {"apiVersion", "v1"},
                                  {"metadata", json::object()},
                                  {"status", "Failure"},
                                  {"message", "Unauthorized"},
                                  {"reason", "Unauthorized"},
                                  {"code", 401}}));
  anonymous.config().token = "wrong";
  EXPECT_EQ(anonymous.get("/api/v1/namespaces").status, 401);
  anonymous.config().token = "s3cret";
  EXPECT_EQ(anonymous.get("/api/v1/namespaces").status, 200);
  EXPECT_EQ(server_.requestLog().all().back().user, "alice");
  // Health and version stay reachable, as kube-apiserver's public-info role allows.
  anonymous.config().token.clear();
  EXPECT_EQ(anonymous.get("/healthz").status, 200);
}

TEST_F(TlsTokenTest, KubeconfigCarriesTheCaAndToken) {
  KubeconfigSpec spec = server_.server().kubeconfig();
  EXPECT_EQ(spec.token, "s3cret");
  EXPECT_FALSE(spec.certificateAuthorityPem.empty());
  std::string text = renderKubeconfig(spec);
  EXPECT_NE(text.find("certificate-authority-data"), std::string::npos);
  EXPECT_NE(text.find("token: s3cret"), std::string::npos);
}

TEST_F(TlsCertificateTest, ClientCertificateNamesTheUser) {
  ASSERT_EQ(client_.get("/api/v1/namespaces").status, 200);
  EXPECT_EQ(server_.requestLog().all().back().user, "flotilla-admin");
  std::string error;
  auto other = issueClientCertificate(*server_.server().certificates(), "bob", {"devs"}, error);
  ASSERT_TRUE(other) << error;
  TestClient bob = client_;
  bob.config().clientCertPem = other->first;
  bob.config().clientKeyPem = other->second;
  EXPECT_EQ(bob.get("/api/v1/namespaces").status, 200);
  EXPECT_EQ(server_.requestLog().all().back().user, "bob");
}

TEST_F(TlsCertificateTest, WithoutTokensAnonymousIsAllowed) {
  TestClient anonymous = client_;
  anonymous.config().clientCertPem.clear();
  anonymous.config().clientKeyPem.clear();
  EXPECT_EQ(anonymous.get("/api/v1/namespaces").status, 200);
  EXPECT_EQ(server_.requestLog().all().back().user, "system:anonymous");
}

TEST_F(TlsCertificateTest, WatchesWorkOverTls) {
  auto watch = client_.watch("/api/v1/namespaces/default/configmaps?watch=1");
  ASSERT_EQ(watch->status(), 200);
  client_.post("/api/v1/namespaces/default/configmaps", configMap("secure"));
  auto event = watch->next();
  ASSERT_TRUE(event);
  EXPECT_EQ((*event)["object"]["metadata"]["name"], "secure");
}

TEST(TlsHandshakeTest, ServerCertificateIsNotTrustedWithoutTheCa) {
  TestApiServer server(tlsOptions(false));
  ASSERT_TRUE(server.started()) << server.startError();
  TestClient client = TestClient::forServer(server);
  std::string error;
  auto otherCa = generateCertificates({"127.0.0.1"}, error);
  ASSERT_TRUE(otherCa);
  client.config().caPem = otherCa->caCertPem;
  auto result = client.get("/healthz");
  EXPECT_EQ(result.status, 0);
  EXPECT_FALSE(result.error.empty());
}

}  // namespace
}  // namespace flotilla::apiserver::testing
