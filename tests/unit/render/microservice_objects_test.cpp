#include <gtest/gtest.h>

#include "render/microservice_objects.h"
#include "render_fixtures.h"

namespace flotilla::render::testing {
namespace {

using nlohmann::json;

json fullMicroservice() {
  json ms = microserviceJson("shop", "user-service", 3);
  ms["metadata"]["labels"] = {{"app.kubernetes.io/part-of", "shop"}, {"team", "users"}};
  auto& spec = ms["spec"];
  spec["ports"] = {{{"name", "http"}, {"port", 80}, {"targetPort", 8080}},
                   {{"name", "grpc"}, {"port", 9090}, {"appProtocol", "grpc"}}};
  spec["env"] = {{{"name", "DB_URL"}, {"valueFrom", {{"secretKeyRef", {{"name", "user-db"}, {"key", "url"}}}}}},
                 {{"name", "MODE"}, {"value", "fast"}}};
  spec["envFrom"] = json::array({{{"configMapRef", {{"name", "user-config"}}}}});
  spec["resources"] = {{"requests", {{"cpu", "100m"}, {"memory", "128Mi"}}}, {"limits", {{"memory", "256Mi"}}}};
  spec["probes"] = {{"readiness", {{"httpGet", {{"path", "/healthz"}, {"port", "http"}}}}},
                    {"liveness", {{"httpGet", {{"path", "/livez"}, {"port", "http"}}}}}};
  spec["strategy"] = {{"maxSurge", 1}, {"maxUnavailable", "10%"}};
  spec["serviceAccountName"] = "users";
  spec["podTemplate"] = {{"labels", {{"app.kubernetes.io/name", "hijack"}, {"tier", "backend"}}},
                         {"annotations", {{"prometheus.io/scrape", "true"}}}};
  return ms;
}

const json kOwner = {{"apiVersion", "flotilla.io/v1alpha1"},
                     {"kind", "Microservice"},
                     {"name", "user-service"},
                     {"uid", "uid-user-service"},
                     {"controller", true},
                     {"blockOwnerDeletion", true}};

TEST(MicroserviceObjects, DeploymentCarriesTheSpec) {
  const auto objects = renderMicroservice(microservice(fullMicroservice()));
  const json& d = objects.deployment;
  EXPECT_EQ(d["apiVersion"], "apps/v1");
  EXPECT_EQ(d["kind"], "Deployment");
  EXPECT_EQ(d["metadata"]["name"], "user-service");
  EXPECT_EQ(d["metadata"]["namespace"], "shop");
  EXPECT_EQ(d["metadata"]["ownerReferences"], json::array({kOwner}));
  EXPECT_EQ(d["metadata"]["labels"], (json{{"app.kubernetes.io/name", "user-service"},
                                           {"app.kubernetes.io/managed-by", "flotilla"},
                                           {"app.kubernetes.io/part-of", "shop"},
                                           {"flotilla.io/microservice", "user-service"}}));
  EXPECT_FALSE(d.contains("status"));
  const json& spec = d["spec"];
  EXPECT_EQ(spec["replicas"], 3);
  EXPECT_EQ(spec["selector"]["matchLabels"],
            (json{{"app.kubernetes.io/name", "user-service"}, {"flotilla.io/microservice", "user-service"}}));
  EXPECT_EQ(spec["strategy"],
            (json{{"type", "RollingUpdate"}, {"rollingUpdate", {{"maxSurge", 1}, {"maxUnavailable", "10%"}}}}));
  const json& pod = spec["template"]["spec"];
  EXPECT_EQ(pod["serviceAccountName"], "users");
  ASSERT_EQ(pod["containers"].size(), 1u);
  const json& c = pod["containers"][0];
  EXPECT_EQ(c["name"], "user-service");
  EXPECT_EQ(c["image"], "ghcr.io/acme/user-service:1.0");
  EXPECT_EQ(c["ports"], (json{{{"containerPort", 8080}, {"name", "http"}, {"protocol", "TCP"}},
                              {{"containerPort", 9090}, {"name", "grpc"}, {"protocol", "TCP"}}}));
  EXPECT_EQ(c["env"], fullMicroservice()["spec"]["env"]);
  EXPECT_EQ(c["envFrom"], fullMicroservice()["spec"]["envFrom"]);
  EXPECT_EQ(c["resources"], fullMicroservice()["spec"]["resources"]);
  EXPECT_EQ(c["readinessProbe"], fullMicroservice()["spec"]["probes"]["readiness"]);
  EXPECT_EQ(c["livenessProbe"], fullMicroservice()["spec"]["probes"]["liveness"]);
  EXPECT_FALSE(c.contains("startupProbe"));
}

TEST(MicroserviceObjects, PodLabelsMergeButSelectorLabelsWin) {
  const auto d = renderMicroservice(microservice(fullMicroservice())).deployment;
  const json& metadata = d["spec"]["template"]["metadata"];
  EXPECT_EQ(metadata["labels"]["app.kubernetes.io/name"], "user-service");
  EXPECT_EQ(metadata["labels"]["flotilla.io/microservice"], "user-service");
  EXPECT_EQ(metadata["labels"]["tier"], "backend");
  EXPECT_EQ(metadata["annotations"]["prometheus.io/scrape"], "true");
  EXPECT_FALSE(metadata["annotations"].contains("flotilla.io/config-hash"));
}

TEST(MicroserviceObjects, ServiceMapsPorts) {
  const auto s = renderMicroservice(microservice(fullMicroservice())).service;
  EXPECT_EQ(s["apiVersion"], "v1");
  EXPECT_EQ(s["kind"], "Service");
  EXPECT_EQ(s["metadata"]["ownerReferences"], json::array({kOwner}));
  EXPECT_EQ(s["spec"]["type"], "ClusterIP");
  EXPECT_EQ(s["spec"]["selector"],
            (json{{"app.kubernetes.io/name", "user-service"}, {"flotilla.io/microservice", "user-service"}}));
  EXPECT_EQ(
      s["spec"]["ports"],
      (json{{{"name", "http"}, {"port", 80}, {"targetPort", 8080}, {"protocol", "TCP"}},
            {{"name", "grpc"}, {"port", 9090}, {"targetPort", 9090}, {"protocol", "TCP"}, {"appProtocol", "grpc"}}}));
}

TEST(MicroserviceObjects, NoHpaNorPdbUnlessAsked) {
  const auto objects = renderMicroservice(microservice(microserviceJson("shop", "plain", 1)));
  EXPECT_FALSE(objects.horizontalPodAutoscaler);
  EXPECT_FALSE(objects.podDisruptionBudget);
  EXPECT_EQ(objects.deployment["spec"]["replicas"], 1);
  EXPECT_EQ(objects.all().size(), 2u);
}

TEST(MicroserviceObjects, ReplicasDefaultToOne) {
  json ms = microserviceJson("shop", "plain");
  ms["spec"].erase("replicas");
  EXPECT_EQ(renderMicroservice(microservice(ms)).deployment["spec"]["replicas"], 1);
}

TEST(MicroserviceObjects, AutoscalingGivesHpaAndNoReplicas) {
  json ms = microserviceJson("shop", "orders");
  ms["spec"].erase("replicas");
  ms["spec"]["autoscaling"] = {{"minReplicas", 2},
                               {"maxReplicas", 10},
                               {"targetCPUUtilization", 70},
                               {"targetMemoryUtilization", 80},
                               {"behavior", {{"scaleDown", {{"stabilizationWindowSeconds", 300}}}}}};
  const auto objects = renderMicroservice(microservice(ms));
  EXPECT_FALSE(objects.deployment["spec"].contains("replicas"));
  ASSERT_TRUE(objects.horizontalPodAutoscaler);
  const json& hpa = *objects.horizontalPodAutoscaler;
  EXPECT_EQ(hpa["apiVersion"], "autoscaling/v2");
  EXPECT_EQ(hpa["kind"], "HorizontalPodAutoscaler");
  EXPECT_EQ(hpa["metadata"]["name"], "orders");
  EXPECT_EQ(hpa["metadata"]["ownerReferences"][0]["name"], "orders");
  EXPECT_EQ(hpa["spec"]["scaleTargetRef"],
            (json{{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", "orders"}}));
  EXPECT_EQ(hpa["spec"]["minReplicas"], 2);
  EXPECT_EQ(hpa["spec"]["maxReplicas"], 10);
  EXPECT_EQ(
      hpa["spec"]["metrics"],
      (json{{{"type", "Resource"},
             {"resource", {{"name", "cpu"}, {"target", {{"type", "Utilization"}, {"averageUtilization", 70}}}}}},
            {{"type", "Resource"},
             {"resource", {{"name", "memory"}, {"target", {{"type", "Utilization"}, {"averageUtilization", 80}}}}}}}));
  EXPECT_EQ(hpa["spec"]["behavior"], ms["spec"]["autoscaling"]["behavior"]);
  EXPECT_FALSE(hpa.contains("status"));
}

TEST(MicroserviceObjects, DisruptionBudgetGivesPdb) {
  json ms = microserviceJson("shop", "users");
  ms["spec"]["disruptionBudget"] = {{"minAvailable", 1}};
  const auto objects = renderMicroservice(microservice(ms));
  ASSERT_TRUE(objects.podDisruptionBudget);
  const json& pdb = *objects.podDisruptionBudget;
  EXPECT_EQ(pdb["apiVersion"], "policy/v1");
  EXPECT_EQ(pdb["kind"], "PodDisruptionBudget");
  EXPECT_EQ(pdb["spec"],
            (json{{"minAvailable", 1},
                  {"selector",
                   {{"matchLabels", {{"app.kubernetes.io/name", "users"}, {"flotilla.io/microservice", "users"}}}}}}));
  EXPECT_EQ(pdb["metadata"]["ownerReferences"][0]["kind"], "Microservice");
}

TEST(MicroserviceObjects, PodTemplateHashIsStableAndFollowsTheTemplate) {
  const auto ms = microservice(fullMicroservice());
  const auto hash = [](const api::Microservice& m) {
    return renderMicroservice(m).deployment["metadata"]["annotations"]["flotilla.io/pod-template-hash"];
  };
  EXPECT_EQ(hash(ms), hash(ms));
  EXPECT_EQ(hash(ms).get<std::string>().size(), 16u);
  auto newImage = ms;
  newImage.spec.image = "ghcr.io/acme/user-service:2.0";
  EXPECT_NE(hash(ms), hash(newImage));
  auto scaled = ms;  // replicas are not part of the pod template
  scaled.spec.replicas = 7;
  EXPECT_EQ(hash(ms), hash(scaled));
}

TEST(MicroserviceObjects, ConfigHashFollowsReferencedVersions) {
  auto ms = microservice(fullMicroservice());
  EXPECT_EQ(referencedConfigSources(ms),
            (std::vector<ConfigSourceRef>{{"ConfigMap", "user-config"}, {"Secret", "user-db"}}));
  ms.spec.rolloutOnConfigChange = true;
  const auto configHash = [&](const ConfigVersions& versions) {
    return renderMicroservice(ms, versions)
        .deployment["spec"]["template"]["metadata"]["annotations"]["flotilla.io/config-hash"]
        .get<std::string>();
  };
  const ConfigVersions v1{{{"ConfigMap", "user-config"}, "10"}, {{"Secret", "user-db"}, "20"}};
  const ConfigVersions v2{{{"ConfigMap", "user-config"}, "11"}, {{"Secret", "user-db"}, "20"}};
  const ConfigVersions unrelated{
      {{"ConfigMap", "user-config"}, "10"}, {{"Secret", "user-db"}, "20"}, {{"ConfigMap", "other"}, "99"}};
  EXPECT_EQ(configHash(v1), configHash(v1));
  EXPECT_NE(configHash(v1), configHash(v2));
  EXPECT_EQ(configHash(v1), configHash(unrelated));
  EXPECT_NE(configHash(v1), configHash({}));
  // A config change changes the pod template, hence the pod-template hash too.
  EXPECT_NE(renderMicroservice(ms, v1).deployment["metadata"]["annotations"],
            renderMicroservice(ms, v2).deployment["metadata"]["annotations"]);
}

TEST(MicroserviceObjects, ClusterUrl) {
  EXPECT_EQ(microserviceUrl(microservice(microserviceJson("shop", "users"))),
            "http://users.shop.svc.cluster.local:8080");
  EXPECT_EQ(microserviceUrl(microservice(fullMicroservice())), "http://user-service.shop.svc.cluster.local");
}

TEST(MicroserviceObjects, RenderingIsDeterministic) {
  const auto a = renderMicroservice(microservice(fullMicroservice()));
  const auto b = renderMicroservice(microservice(fullMicroservice()));
  ASSERT_EQ(a.all().size(), b.all().size());
  for (std::size_t i = 0; i < a.all().size(); ++i) EXPECT_EQ(a.all()[i].dump(), b.all()[i].dump());
}

}  // namespace
}  // namespace flotilla::render::testing
