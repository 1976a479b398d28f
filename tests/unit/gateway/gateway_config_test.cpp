#include <gtest/gtest.h>

#include "gateway/certificates.h"
#include "gateway/gateway_config.h"
#include "gateway/status_reporter.h"
#include "kube/base64.h"

namespace flotilla::gateway {
namespace {

using nlohmann::json;

json configMap(const std::string& backends) {
  return {{"metadata",
           {{"name", "public-config"},
            {"namespace", "shop"},
            {"labels", {{"flotilla.io/gateway", "public"}}},
            {"annotations", {{"flotilla.io/config-hash", "sha256:abc"}, {"flotilla.io/gateway-generation", "4"}}}}},
          {"data", {{"haproxy.cfg", "global\n"}, {"backends.json", backends}}}};
}

TEST(GatewayConfig, ReadsTheOperatorsConfigMap) {
  render::BackendSlots slots;
  slots.backend = "be_shop_users_r0_users";
  slots.microservice = {"shop", "users"};
  slots.slots = 4;
  slots.openDurationMs = 60000;
  std::string error;
  auto config = configFromConfigMap(configMap(json::array({render::toJson(slots)}).dump()), error);
  ASSERT_TRUE(config) << error;
  EXPECT_EQ(config->text, "global\n");
  EXPECT_EQ(config->hash, "sha256:abc");
  EXPECT_EQ(config->generation, "4");
  EXPECT_EQ(config->gateway, "shop/public");
  ASSERT_EQ(config->backends.size(), 1u);
  EXPECT_EQ(config->backends[0], slots);
  EXPECT_EQ(backendNamespaces(*config), std::vector<std::string>{"shop"});
  // And back from the local copy.
  auto again = gatewayConfigFromJson(toJson(*config));
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, *config);
}

TEST(GatewayConfig, HashesTheTextWhenTheAnnotationIsMissing) {
  auto cm = configMap("[]");
  cm["metadata"].erase("annotations");
  std::string error;
  auto config = configFromConfigMap(cm, error);
  ASSERT_TRUE(config);
  EXPECT_TRUE(config->hash.starts_with("sha256:"));
  EXPECT_EQ(config->hash.size(), 7u + 64u);
  EXPECT_EQ(config->generation, "");
}

TEST(GatewayConfig, RejectsUnusableConfigMaps) {
  std::string error;
  EXPECT_FALSE(configFromConfigMap(json{{"data", json::object()}}, error));
  EXPECT_NE(error.find("haproxy.cfg"), std::string::npos);
  EXPECT_FALSE(configFromConfigMap(configMap("{not json"), error));
  EXPECT_NE(error.find("backends.json"), std::string::npos);
  EXPECT_FALSE(configFromConfigMap(configMap(R"([{"slots": 3}])"), error));
}

TEST(StatusPatch, SetsLoadedStateAndRemovesAStaleError) {
  auto patch = statusPatch({"sha256:abc", "4", "", ""});
  const auto& annotations = patch["metadata"]["annotations"];
  EXPECT_EQ(annotations["flotilla.io/loaded-config-hash"], "sha256:abc");
  EXPECT_EQ(annotations["flotilla.io/loaded-gateway-generation"], "4");
  EXPECT_TRUE(annotations["flotilla.io/config-error"].is_null());  // merge patch: null removes the key
  EXPECT_TRUE(annotations["flotilla.io/config-error-hash"].is_null());
  auto failed = statusPatch({"sha256:abc", "4", "[ALERT] parsing ...", "sha256:def"});
  EXPECT_EQ(failed["metadata"]["annotations"]["flotilla.io/config-error"], "[ALERT] parsing ...");
  EXPECT_EQ(failed["metadata"]["annotations"]["flotilla.io/config-error-hash"], "sha256:def");
}

TEST(Certificates, FindsTheSecretsTheConfigNames) {
  const std::string config =
      "    bind \"${FLOTILLA_BIND_ADDRESS}:8443\" name https ssl crt \"${FLOTILLA_CERT_DIR-/var/run/flotilla/certs}"
      "/shop-tls.pem\" alpn h2,http/1.1\n"
      "    bind \"${FLOTILLA_BIND_ADDRESS}:9443\" name b ssl crt \"${FLOTILLA_CERT_DIR-/x}/other.pem\"\n"
      "    bind \"${FLOTILLA_BIND_ADDRESS}:9444\" name c ssl crt \"${FLOTILLA_CERT_DIR-/x}/shop-tls.pem\"\n";
  EXPECT_EQ(referencedCertificates(config), (std::vector<std::string>{"other", "shop-tls"}));
  EXPECT_TRUE(referencedCertificates("global\n").empty());
}

TEST(Certificates, BuildsThePemFromATlsSecret) {
  json secret = {{"data", {{"tls.crt", kube::base64Encode("CERT")}, {"tls.key", kube::base64Encode("KEY\n")}}}};
  std::string error;
  EXPECT_EQ(pemFromSecret(secret, error), "CERT\nKEY\n");
  secret["data"].erase("tls.key");
  EXPECT_EQ(pemFromSecret(secret, error), "");
  EXPECT_NE(error.find("tls.key"), std::string::npos);
}

}  // namespace
}  // namespace flotilla::gateway
