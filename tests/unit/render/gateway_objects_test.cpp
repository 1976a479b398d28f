#include <gtest/gtest.h>

#include "render/gateway_render.h"
#include "render_fixtures.h"

namespace flotilla::render::testing {
namespace {

using nlohmann::json;

const json kOwner = {{"apiVersion", "flotilla.io/v1alpha1"},
                     {"kind", "Gateway"},
                     {"name", "public"},
                     {"uid", "uid-public"},
                     {"controller", true},
                     {"blockOwnerDeletion", true}};

GatewayInputs tlsInputs() {
  auto inputs = shopInputs();
  inputs.gateway.spec.listeners = {{"http", 80, "HTTP", std::nullopt, true},
                                   {"https", 443, "HTTPS", api::ListenerTls{{"shop-tls"}}, false},
                                   {"admin", 9443, "HTTPS", api::ListenerTls{{"admin-tls"}}, false}};
  inputs.gateway.spec.service.annotations = {{"lb.example.com/internal", "false"}};
  inputs.gateway.spec.resources = {{"requests", {{"cpu", "100m"}}}};
  return inputs;
}

TEST(GatewayObjects, EveryObjectIsOwnedByTheGatewayAndLabelled) {
  const auto objects = renderGateway(tlsInputs()).objects;
  const auto all = objects.all();
  ASSERT_EQ(all.size(), 6u);  // SA, Role, RoleBinding, ConfigMap, Service, Deployment
  for (const auto& object : all) {
    EXPECT_EQ(object["metadata"]["namespace"], "shop") << object.dump();
    EXPECT_EQ(object["metadata"]["ownerReferences"], json::array({kOwner})) << object["kind"];
    EXPECT_EQ(object["metadata"]["labels"]["app.kubernetes.io/managed-by"], "flotilla");
    EXPECT_EQ(object["metadata"]["labels"]["app.kubernetes.io/name"], "public");
    EXPECT_FALSE(object.contains("status"));
  }
  EXPECT_EQ(objects.deployment["metadata"]["name"], "public-gateway");
  EXPECT_EQ(objects.configMap["metadata"]["name"], "public-config");
}

TEST(GatewayObjects, DeploymentRunsTheAgentRestricted) {
  const auto d = renderGateway(tlsInputs()).objects.deployment;
  EXPECT_EQ(d["spec"]["replicas"], 2);
  EXPECT_EQ(d["spec"]["selector"]["matchLabels"],
            (json{{"app.kubernetes.io/name", "public"}, {"flotilla.io/gateway", "public"}}));
  const json& pod = d["spec"]["template"]["spec"];
  EXPECT_EQ(pod["serviceAccountName"], "public-gateway");
  EXPECT_EQ(pod["securityContext"]["runAsNonRoot"], true);
  EXPECT_EQ(pod["securityContext"]["seccompProfile"]["type"], "RuntimeDefault");
  ASSERT_EQ(pod["containers"].size(), 1u);
  const json& c = pod["containers"][0];
  EXPECT_EQ(c["image"], "flotilla/gateway:latest");
  EXPECT_EQ(c["command"], json::array({"flotilla"}));
  EXPECT_EQ(c["args"], (json{"gateway", "--config-map", "shop/public-config", "--namespace", "shop"}));
  EXPECT_EQ(c["securityContext"], (json{{"allowPrivilegeEscalation", false},
                                        {"readOnlyRootFilesystem", true},
                                        {"runAsNonRoot", true},
                                        {"capabilities", {{"drop", json::array({"ALL"})}}},
                                        {"seccompProfile", {{"type", "RuntimeDefault"}}}}));
  EXPECT_EQ(c["ports"], (json{{{"containerPort", 8080}, {"name", "http"}, {"protocol", "TCP"}},
                              {{"containerPort", 8443}, {"name", "https"}, {"protocol", "TCP"}},
                              {{"containerPort", 9443}, {"name", "admin"}, {"protocol", "TCP"}},
                              {{"containerPort", 8404}, {"name", "stats"}, {"protocol", "TCP"}},
                              {{"containerPort", 8405}, {"name", "agent"}, {"protocol", "TCP"}}}));
  EXPECT_EQ(c["resources"], (json{{"requests", {{"cpu", "100m"}}}}));
  EXPECT_EQ(c["volumeMounts"][0]["mountPath"], "/var/run/flotilla");
  EXPECT_EQ(pod["volumes"][0], (json{{"name", "run"}, {"emptyDir", json::object()}}));
}

TEST(GatewayObjects, AutoscalingGivesHpaAndNoReplicas) {
  auto inputs = shopInputs();
  inputs.gateway.spec.replicas.reset();
  inputs.gateway.spec.autoscaling = api::Autoscaling{2, 6, 75, std::nullopt, json::object()};
  const auto objects = renderGateway(inputs).objects;
  EXPECT_FALSE(objects.deployment["spec"].contains("replicas"));
  ASSERT_TRUE(objects.horizontalPodAutoscaler);
  EXPECT_EQ((*objects.horizontalPodAutoscaler)["spec"]["scaleTargetRef"]["name"], "public-gateway");
  EXPECT_EQ((*objects.horizontalPodAutoscaler)["spec"]["maxReplicas"], 6);
  EXPECT_EQ((*objects.horizontalPodAutoscaler)["metadata"]["ownerReferences"], json::array({kOwner}));
}

TEST(GatewayObjects, ServiceMapsListenerPortsToPodPorts) {
  const auto s = renderGateway(tlsInputs()).objects.service;
  EXPECT_EQ(s["metadata"]["name"], "public-gateway");
  EXPECT_EQ(s["metadata"]["annotations"], (json{{"lb.example.com/internal", "false"}}));
  EXPECT_EQ(s["spec"]["type"], "LoadBalancer");
  EXPECT_EQ(s["spec"]["ports"], (json{{{"name", "http"}, {"port", 80}, {"targetPort", 8080}, {"protocol", "TCP"}},
                                      {{"name", "https"}, {"port", 443}, {"targetPort", 8443}, {"protocol", "TCP"}},
                                      {{"name", "admin"}, {"port", 9443}, {"targetPort", 9443}, {"protocol", "TCP"}}}));
}

TEST(GatewayObjects, ConfigMapHoldsConfigHashAndGeneration) {
  const auto rendered = renderGateway(shopInputs());
  const json& cm = rendered.objects.configMap;
  EXPECT_EQ(cm["data"]["haproxy.cfg"], rendered.haproxyConfig);
  EXPECT_EQ(cm["metadata"]["annotations"]["flotilla.io/config-hash"], rendered.configHash);
  EXPECT_EQ(cm["metadata"]["annotations"]["flotilla.io/gateway-generation"], "3");
  const auto backends = json::parse(cm["data"]["backends.json"].get<std::string>());
  ASSERT_EQ(backends.size(), rendered.backends.size());
  EXPECT_EQ(backends[0]["backend"], rendered.backends[0].backend);
  EXPECT_EQ(backends[0]["openDurationMs"], 60000);
}

TEST(GatewayObjects, RoleGrantsExactlyWhatTheAgentReads) {
  const auto objects = renderGateway(tlsInputs()).objects;
  EXPECT_EQ(objects.role["rules"], (json{{{"apiGroups", json::array({""})},
                                          {"resources", json::array({"configmaps"})},
                                          {"resourceNames", json::array({"public-config"})},
                                          {"verbs", {"get", "list", "watch"}}},
                                         {{"apiGroups", json::array({"discovery.k8s.io"})},
                                          {"resources", json::array({"endpointslices"})},
                                          {"verbs", {"get", "list", "watch"}}},
                                         {{"apiGroups", json::array({""})},
                                          {"resources", json::array({"pods"})},
                                          {"verbs", json::array({"get", "patch"})}},
                                         {{"apiGroups", json::array({""})},
                                          {"resources", json::array({"secrets"})},
                                          {"resourceNames", {"admin-tls", "shop-tls"}},
                                          {"verbs", json::array({"get"})}}}));
  EXPECT_EQ(objects.roleBinding["roleRef"],
            (json{{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", "Role"}, {"name", "public-gateway"}}));
  EXPECT_EQ(objects.roleBinding["subjects"],
            json::array({{{"kind", "ServiceAccount"}, {"name", "public-gateway"}, {"namespace", "shop"}}}));
  // Without TLS listeners there is no Secret rule at all (an empty resourceNames would grant every Secret).
  EXPECT_EQ(renderGateway(shopInputs()).objects.role["rules"].size(), 3u);
}

TEST(GatewayObjects, CrossNamespaceBackendsGetEndpointSliceAccess) {
  auto inputs = shopInputs();
  inputs.gateway.spec.allowedRoutes.from = api::RouteNamespacesFrom::All;
  inputs.microservices.push_back(microservice(microserviceJson("team-a", "svc")));
  inputs.routes.push_back(route(routeJson("team-a", "a", {prefixRule("/a", "svc")})));
  const auto rbac = renderGateway(inputs).objects.crossNamespaceRbac;
  ASSERT_EQ(rbac.size(), 2u);
  EXPECT_EQ(rbac[0]["kind"], "Role");
  EXPECT_EQ(rbac[0]["metadata"]["namespace"], "team-a");
  EXPECT_EQ(rbac[0]["metadata"]["labels"]["flotilla.io/gateway"], "public");
  EXPECT_EQ(rbac[0]["metadata"]["labels"]["flotilla.io/gateway-namespace"], "shop");
  EXPECT_FALSE(rbac[0]["metadata"].contains("ownerReferences"));
  EXPECT_EQ(rbac[1]["kind"], "RoleBinding");
  EXPECT_EQ(rbac[1]["subjects"][0]["namespace"], "shop");
}

TEST(GatewayObjects, ListenerProblemsAreGatewayErrors) {
  auto inputs = shopInputs();
  inputs.gateway.spec.listeners = {{"http", 80, "HTTP", std::nullopt, true},        // no TLS listener to redirect to
                                   {"alt", 8080, "HTTP", std::nullopt, false},      // 8080 is where :80 is served
                                   {"secure", 443, "HTTPS", std::nullopt, false}};  // HTTPS without a Secret
  const auto rendered = renderGateway(inputs);
  std::vector<std::string> paths;
  for (const auto& error : rendered.gatewayErrors) paths.push_back(error.path);
  EXPECT_EQ(paths, (std::vector<std::string>{"spec.listeners[1].port", "spec.listeners[2].tls",
                                             "spec.listeners[0].redirectToHttps"}));
  EXPECT_EQ(rendered.objects.service["spec"]["ports"].size(), 1u);
  EXPECT_EQ(rendered.haproxyConfig.find("redirect"), std::string::npos);
}

}  // namespace
}  // namespace flotilla::render::testing
