// metadata.generation and the status subresource: spec changes bump the generation, metadata and status changes
// do not; the main resource ignores status and /status ignores everything else.
#include "test_support.h"

namespace flotilla::apiserver::testing {
namespace {

class GenerationStatusTest : public ApiServerTest {};

const char* kDeployment = "/apis/apps/v1/namespaces/default/deployments/web";

TEST_F(GenerationStatusTest, SpecChangesBumpGenerationMetadataChangesDoNot) {
  json created = client_.post("/apis/apps/v1/namespaces/default/deployments", deployment("web")).json();
  EXPECT_EQ(created["metadata"]["generation"], 1);
  auto labelled = client_.patch(kDeployment, {{"metadata", {{"labels", {{"tier", "web"}}}}}}).json();
  EXPECT_EQ(labelled["metadata"]["generation"], 1);
  EXPECT_NE(labelled["metadata"]["resourceVersion"], created["metadata"]["resourceVersion"]);
  auto scaled = client_.patch(kDeployment, {{"spec", {{"replicas", 3}}}}).json();
  EXPECT_EQ(scaled["metadata"]["generation"], 2);
}

TEST_F(GenerationStatusTest, StatusWritesIgnoreSpecAndKeepGeneration) {
  client_.post("/apis/apps/v1/namespaces/default/deployments", deployment("web"));
  json object = client_.get(kDeployment).json();
  object["spec"]["replicas"] = 7;
  object["status"] = {{"replicas", 2}, {"readyReplicas", 2}};
  auto result = client_.put(std::string(kDeployment) + "/status", object);
  ASSERT_EQ(result.status, 200) << result.body;
  EXPECT_EQ(result.json()["status"]["readyReplicas"], 2);
  EXPECT_EQ(result.json()["spec"]["replicas"], 1);
  EXPECT_EQ(result.json()["metadata"]["generation"], 1);
  auto patched = client_.patch(std::string(kDeployment) + "/status", {{"status", {{"readyReplicas", 1}}}}).json();
  EXPECT_EQ(patched["status"]["readyReplicas"], 1);
  EXPECT_EQ(client_.get(std::string(kDeployment) + "/status").json()["status"]["readyReplicas"], 1);
}

TEST_F(GenerationStatusTest, MainResourceWritesIgnoreStatus) {
  client_.post("/apis/apps/v1/namespaces/default/deployments", deployment("web"));
  client_.patch(std::string(kDeployment) + "/status", {{"status", {{"replicas", 1}}}});
  auto result = client_.patch(kDeployment, {{"status", {{"replicas", 9}}}, {"spec", {{"paused", true}}}}).json();
  EXPECT_EQ(result["status"]["replicas"], 1);
  EXPECT_EQ(result["spec"]["paused"], true);
}

TEST_F(GenerationStatusTest, CustomResourcesFollowTheSameRules) {
  installWidgetCrd();
  const std::string path = "/apis/example.com/v1/namespaces/default/widgets";
  json created = client_.post(path, widget("w", 2)).json();
  EXPECT_EQ(created["metadata"]["generation"], 1);
  EXPECT_FALSE(created.contains("status"));
  auto status = client_.patch(path + "/w/status", {{"status", {{"phase", "Ready"}}}, {"spec", {{"size", 9}}}}).json();
  EXPECT_EQ(status["metadata"]["generation"], 1);
  EXPECT_EQ(status["spec"]["size"], 2);
  EXPECT_EQ(status["status"]["phase"], "Ready");
  auto spec = client_.patch(path + "/w", {{"spec", {{"size", 3}}}, {"status", {{"phase", "Lost"}}}}).json();
  EXPECT_EQ(spec["metadata"]["generation"], 2);
  EXPECT_EQ(spec["status"]["phase"], "Ready");
  auto annotated = client_.patch(path + "/w", {{"metadata", {{"annotations", {{"a", "b"}}}}}}).json();
  EXPECT_EQ(annotated["metadata"]["generation"], 2);
}

TEST_F(GenerationStatusTest, ScaleSubresourceReadsAndWritesReplicas) {
  client_.post("/apis/apps/v1/namespaces/default/deployments", deployment("web", 2));
  auto scale = client_.get(std::string(kDeployment) + "/scale").json();
  EXPECT_EQ(scale["kind"], "Scale");
  EXPECT_EQ(scale["apiVersion"], "autoscaling/v1");
  EXPECT_EQ(scale["spec"]["replicas"], 2);
  EXPECT_EQ(scale["status"]["selector"], "app=web");
  auto patched = client_.patch(std::string(kDeployment) + "/scale", {{"spec", {{"replicas", 5}}}});
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(patched.json()["spec"]["replicas"], 5);
  json object = client_.get(kDeployment).json();
  EXPECT_EQ(object["spec"]["replicas"], 5);
  EXPECT_EQ(object["metadata"]["generation"], 2);
  // PUT of a whole Scale without a Content-Type, as `kubectl scale --current-replicas` sends it.
  json whole = client_.get(std::string(kDeployment) + "/scale").json();
  whole["spec"]["replicas"] = 4;
  auto put = client_.request("PUT", std::string(kDeployment) + "/scale", whole.dump());
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(client_.get(kDeployment).json()["spec"]["replicas"], 4);
  whole["spec"]["replicas"] = 3;  // stale resourceVersion
  EXPECT_EQ(client_.request("PUT", std::string(kDeployment) + "/scale", whole.dump()).status, 409);
}

TEST_F(GenerationStatusTest, UnknownSubresourceIsNotFound) {
  client_.post("/api/v1/namespaces/default/configmaps", configMap("cm"));
  EXPECT_EQ(client_.get("/api/v1/namespaces/default/configmaps/cm/status").status, 404);
}

}  // namespace
}  // namespace flotilla::apiserver::testing
