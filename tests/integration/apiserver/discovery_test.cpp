// Discovery, OpenAPI and the fixed endpoints, as kubectl 1.32 reads them (shared/notes/kubectl-wire.md §0-2, 12).
#include "test_support.h"

namespace flotilla::apiserver::testing {
namespace {

class DiscoveryTest : public ApiServerTest {};

TEST_F(DiscoveryTest, VersionIsOneThirtyTwoAndNotCached) {
  auto result = client_.get("/version?timeout=5s");
  ASSERT_EQ(result.status, 200);
  EXPECT_EQ(result.json()["minor"], "32");
  EXPECT_EQ(result.json()["major"], "1");
  EXPECT_EQ(result.json()["gitVersion"].get<std::string>().rfind("v1.32.", 0), 0u);
  EXPECT_EQ(result.header("Cache-Control"), "no-cache, private");
}

TEST_F(DiscoveryTest, HealthEndpointsAnswerOk) {
  for (const char* path : {"/healthz", "/readyz", "/livez", "/readyz?verbose="}) {
    auto result = client_.get(path, "*/*");
    EXPECT_EQ(result.status, 200) << path;
    EXPECT_EQ(result.body, "ok") << path;
  }
}

TEST_F(DiscoveryTest, AggregatedDiscoveryUsesTheExactContentType) {
  const std::string accept =
      "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;"
      "v=v2beta1;as=APIGroupDiscoveryList,application/json";
  auto core = client_.get("/api?timeout=32s", accept);
  ASSERT_EQ(core.status, 200);
  EXPECT_EQ(core.header("Content-Type"), "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
  json coreBody = core.json();
  ASSERT_EQ(coreBody["items"].size(), 1u);
  EXPECT_EQ(coreBody["items"][0]["metadata"]["name"], "");

  auto groups = client_.get("/apis?timeout=32s", accept).json();
  json deployments;
  for (const auto& group : groups["items"]) {
    if (group["metadata"]["name"] != "apps") continue;
    for (const auto& r : group["versions"][0]["resources"]) {
      if (r["resource"] == "deployments") deployments = r;
    }
  }
  ASSERT_FALSE(deployments.is_null());
  EXPECT_EQ(deployments["scope"], "Namespaced");
  EXPECT_EQ(deployments["shortNames"], json::array({"deploy"}));
  EXPECT_EQ(deployments["singularResource"], "deployment");
  EXPECT_NE(std::find(deployments["verbs"].begin(), deployments["verbs"].end(), "watch"), deployments["verbs"].end());
  json scale;
  for (const auto& s : deployments["subresources"]) {
    if (s["subresource"] == "scale") scale = s;
  }
  EXPECT_EQ(scale["responseKind"], (json{{"group", "autoscaling"}, {"version", "v1"}, {"kind", "Scale"}}));
}

TEST_F(DiscoveryTest, LegacyDiscoveryListsGroupsAndResources) {
  auto versions = client_.get("/api").json();
  EXPECT_EQ(versions["kind"], "APIVersions");
  EXPECT_EQ(versions["versions"], json::array({"v1"}));
  auto groups = client_.get("/apis").json();
  EXPECT_EQ(groups["kind"], "APIGroupList");
  bool rbac = false;
  for (const auto& g : groups["groups"]) rbac = rbac || g["name"] == "rbac.authorization.k8s.io";
  EXPECT_TRUE(rbac);
  auto core = client_.get("/api/v1").json();
  EXPECT_EQ(core["kind"], "APIResourceList");
  bool namespacesClusterScoped = false;
  for (const auto& r : core["resources"]) {
    if (r["name"] == "namespaces") namespacesClusterScoped = r["namespaced"] == false;
  }
  EXPECT_TRUE(namespacesClusterScoped);
  auto apps = client_.get("/apis/apps/v1").json();
  bool scale = false;
  for (const auto& r : apps["resources"])
    scale = scale || (r["name"] == "deployments/scale" && r["group"] == "autoscaling");
  EXPECT_TRUE(scale);
  EXPECT_EQ(client_.get("/apis/nothere.io/v1").status, 404);
}

TEST_F(DiscoveryTest, OpenApiV2IsAbsentAndV3ServesPatchOperations) {
  auto v2 = client_.get("/openapi/v2?timeout=32s", "application/com.github.proto-openapi.spec.v2@v1.0+protobuf");
  EXPECT_EQ(v2.status, 404);
  EXPECT_EQ(v2.header("Content-Type").rfind("text/plain", 0), 0u);

  auto root = client_.get("/openapi/v3?timeout=32s").json();
  ASSERT_TRUE(root["paths"].contains("api/v1"));
  std::string url = root["paths"]["apis/apps/v1"]["serverRelativeURL"];
  auto document = client_.get(url + "&timeout=32s");
  ASSERT_EQ(document.status, 200);
  json patch = document.json()["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]["patch"];
  EXPECT_EQ(patch["x-kubernetes-group-version-kind"]["kind"], "Deployment");
  bool fieldValidation = false;
  for (const auto& p : patch["parameters"]) fieldValidation = fieldValidation || p["name"] == "fieldValidation";
  EXPECT_TRUE(fieldValidation);
  EXPECT_TRUE(patch["requestBody"]["content"].contains("application/strategic-merge-patch+json"));
  // Merge keys kubectl's client-side apply reads.
  json podSpec = document.json()["components"]["schemas"]["io.k8s.api.core.v1.PodSpec"];
  EXPECT_EQ(podSpec["properties"]["containers"]["x-kubernetes-patch-merge-key"], "name");
}

TEST_F(DiscoveryTest, CustomResourcesAppearInDiscoveryAndOpenApi) {
  installWidgetCrd();
  const std::string accept = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
  auto groups = client_.get("/apis", accept).json();
  json widgets;
  for (const auto& group : groups["items"]) {
    if (group["metadata"]["name"] == "example.com") widgets = group["versions"][0]["resources"][0];
  }
  ASSERT_FALSE(widgets.is_null());
  EXPECT_EQ(widgets["resource"], "widgets");
  EXPECT_EQ(widgets["shortNames"], json::array({"wg"}));
  EXPECT_EQ(widgets["subresources"].size(), 2u);

  auto root = client_.get("/openapi/v3").json();
  ASSERT_TRUE(root["paths"].contains("apis/example.com/v1"));
  auto document = client_.get(root["paths"]["apis/example.com/v1"]["serverRelativeURL"].get<std::string>()).json();
  json patch = document["paths"]["/apis/example.com/v1/namespaces/{namespace}/widgets/{name}"]["patch"];
  EXPECT_FALSE(patch["requestBody"]["content"].contains("application/strategic-merge-patch+json"));
  json schema = document["components"]["schemas"]["com.example.v1.Widget"];
  EXPECT_EQ(schema["properties"]["spec"]["properties"]["size"]["maximum"], 10);
  EXPECT_EQ(schema["properties"]["metadata"]["allOf"][0]["$ref"],
            "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
}

TEST_F(DiscoveryTest, UnknownPathsArePlainTextNotFound) {
  auto result = client_.get("/nothing/here");
  EXPECT_EQ(result.status, 404);
  EXPECT_EQ(result.body, "404 page not found\n");
  auto resource = client_.get("/api/v1/nothings");
  EXPECT_EQ(resource.status, 404);
  EXPECT_EQ(resource.json()["reason"], "NotFound");
}

}  // namespace
}  // namespace flotilla::apiserver::testing
