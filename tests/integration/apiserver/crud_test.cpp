// Create / read / update / delete over HTTP with kube-apiserver's metadata rules and Status errors.
#include "test_support.h"

namespace flotilla::apiserver::testing {
namespace {

class CrudTest : public ApiServerTest {};

TEST_F(CrudTest, CreateSetsServerMetadataAndGetReturnsIt) {
  auto created = client_.post("/api/v1/namespaces/default/configmaps", configMap("app", {{"k", "v"}}));
  ASSERT_EQ(created.status, 201) << created.body;
  json object = created.json();
  EXPECT_EQ(object["metadata"]["namespace"], "default");
  EXPECT_FALSE(object["metadata"]["uid"].get<std::string>().empty());
  EXPECT_FALSE(object["metadata"]["creationTimestamp"].get<std::string>().empty());
  EXPECT_FALSE(object["metadata"]["resourceVersion"].get<std::string>().empty());
  EXPECT_EQ(object["metadata"]["managedFields"][0]["manager"], "flotilla-tests");
  auto fetched = client_.get("/api/v1/namespaces/default/configmaps/app");
  ASSERT_EQ(fetched.status, 200);
  EXPECT_EQ(fetched.json(), object);
}

TEST_F(CrudTest, ResourceVersionsGrowMonotonically) {
  auto a = client_.post("/api/v1/namespaces/default/configmaps", configMap("a")).json();
  auto b = client_.post("/api/v1/namespaces/default/configmaps", configMap("b")).json();
  EXPECT_LT(std::stoull(a["metadata"]["resourceVersion"].get<std::string>()),
            std::stoull(b["metadata"]["resourceVersion"].get<std::string>()));
}

TEST_F(CrudTest, GenerateNameProducesAUniqueName) {
  json object = configMap("");
  object["metadata"].erase("name");
  object["metadata"]["generateName"] = "gen-";
  auto first = client_.post("/api/v1/namespaces/default/configmaps", object).json();
  auto second = client_.post("/api/v1/namespaces/default/configmaps", object).json();
  std::string name = first["metadata"]["name"];
  EXPECT_EQ(name.rfind("gen-", 0), 0u);
  EXPECT_EQ(name.size(), 9u);
  EXPECT_NE(name, second["metadata"]["name"]);
}

TEST_F(CrudTest, DuplicateCreateIsAlreadyExists) {
  ASSERT_EQ(client_.post("/apis/apps/v1/namespaces/default/deployments", deployment("web")).status, 201);
  auto again = client_.post("/apis/apps/v1/namespaces/default/deployments", deployment("web"));
  EXPECT_EQ(again.status, 409);
  json status = again.json();
  EXPECT_EQ(status["kind"], "Status");
  EXPECT_EQ(status["reason"], "AlreadyExists");
  EXPECT_EQ(status["message"], "deployments.apps \"web\" already exists");
  EXPECT_EQ(status["details"], (json{{"name", "web"}, {"group", "apps"}, {"kind", "deployments"}}));
}

TEST_F(CrudTest, MissingObjectIsNotFoundStatus) {
  auto result = client_.get("/api/v1/namespaces/default/configmaps/nope");
  EXPECT_EQ(result.status, 404);
  EXPECT_EQ(result.json()["message"], "configmaps \"nope\" not found");
  EXPECT_EQ(result.json()["details"], (json{{"name", "nope"}, {"kind", "configmaps"}}));
}

TEST_F(CrudTest, ObjectsNeedAnExistingNamespace) {
  auto result = client_.post("/api/v1/namespaces/missing/configmaps", configMap("x"));
  EXPECT_EQ(result.status, 404);
  EXPECT_EQ(result.json()["message"], "namespaces \"missing\" not found");
  auto mismatch = client_.post("/api/v1/namespaces/default/configmaps",
                               json{{"metadata", {{"name", "y"}, {"namespace", "kube-system"}}}});
  EXPECT_EQ(mismatch.status, 400);
}

TEST_F(CrudTest, InvalidNamesAreUnprocessable) {
  auto result = client_.post("/api/v1/namespaces/default/configmaps", configMap("Bad_Name"));
  ASSERT_EQ(result.status, 422);
  json status = result.json();
  EXPECT_EQ(status["reason"], "Invalid");
  EXPECT_EQ(status["details"]["causes"][0]["field"], "metadata.name");
  EXPECT_EQ(status["details"]["kind"], "ConfigMap");
  EXPECT_NE(
      status["message"].get<std::string>().find("ConfigMap \"Bad_Name\" is invalid: metadata.name: Invalid value"),
      std::string::npos);
}

TEST_F(CrudTest, PutWithStaleResourceVersionConflicts) {
  json created = client_.post("/api/v1/namespaces/default/configmaps", configMap("cm", {{"a", "1"}})).json();
  json first = created;
  first["data"]["a"] = "2";
  auto updated = client_.put("/api/v1/namespaces/default/configmaps/cm", first);
  ASSERT_EQ(updated.status, 200) << updated.body;
  json stale = created;
  stale["data"]["a"] = "3";
  auto conflict = client_.put("/api/v1/namespaces/default/configmaps/cm", stale);
  EXPECT_EQ(conflict.status, 409);
  EXPECT_EQ(conflict.json()["reason"], "Conflict");
  EXPECT_EQ(conflict.json()["message"],
            "Operation cannot be fulfilled on configmaps \"cm\": the object has been modified; please apply your "
            "changes to the latest version and try again");
}

TEST_F(CrudTest, PutWithoutContentTypeIsJson) {
  json created = client_.post("/api/v1/namespaces/default/configmaps", configMap("cm")).json();
  created["data"] = {{"x", "y"}};
  auto result = client_.request("PUT", "/api/v1/namespaces/default/configmaps/cm", created.dump());
  ASSERT_EQ(result.status, 200) << result.body;
  EXPECT_EQ(result.json()["data"]["x"], "y");
}

TEST_F(CrudTest, UnchangedUpdateKeepsTheResourceVersion) {
  json created = client_.post("/api/v1/namespaces/default/configmaps", configMap("cm", {{"a", "1"}})).json();
  auto same = client_.put("/api/v1/namespaces/default/configmaps/cm", created).json();
  EXPECT_EQ(same["metadata"]["resourceVersion"], created["metadata"]["resourceVersion"]);
}

TEST_F(CrudTest, DryRunWritesNothing) {
  auto dry = client_.post("/api/v1/namespaces/default/configmaps?dryRun=All", configMap("dry"));
  EXPECT_EQ(dry.status, 201);
  EXPECT_EQ(client_.get("/api/v1/namespaces/default/configmaps/dry").status, 404);
}

TEST_F(CrudTest, DeleteAnswersSuccessStatusAndHonoursPreconditions) {
  json created = client_.post("/api/v1/namespaces/default/configmaps", configMap("gone")).json();
  auto wrong = client_.del("/api/v1/namespaces/default/configmaps/gone", {{"preconditions", {{"uid", "not-the-uid"}}}});
  EXPECT_EQ(wrong.status, 409);
  auto deleted =
      client_.del("/api/v1/namespaces/default/configmaps/gone",
                  {{"propagationPolicy", "Background"}, {"preconditions", {{"uid", created["metadata"]["uid"]}}}});
  ASSERT_EQ(deleted.status, 200) << deleted.body;
  EXPECT_EQ(deleted.json()["status"], "Success");
  EXPECT_EQ(deleted.json()["details"]["uid"], created["metadata"]["uid"]);
  EXPECT_EQ(client_.get("/api/v1/namespaces/default/configmaps/gone").status, 404);
}

TEST_F(CrudTest, DefaultNamespacesAndServiceAccountsExist) {
  for (const char* ns : {"default", "kube-system", "kube-public"}) {
    EXPECT_EQ(client_.get(std::string("/api/v1/namespaces/") + ns).status, 200) << ns;
  }
  EXPECT_EQ(client_.get("/api/v1/namespaces/default/serviceaccounts/default").status, 200);
  ASSERT_EQ(client_.post("/api/v1/namespaces", namespaceObject("team")).status, 201);
  EXPECT_EQ(client_.get("/api/v1/namespaces/team/serviceaccounts/default").status, 200);
  EXPECT_EQ(client_.get("/api/v1/namespaces/team").json()["status"]["phase"], "Active");
}

TEST_F(CrudTest, BuiltinDefaultsAreFilledIn) {
  auto created = client_.post("/apis/apps/v1/namespaces/default/deployments", deployment("web")).json();
  EXPECT_EQ(created["spec"]["strategy"]["rollingUpdate"]["maxSurge"], "25%");
  EXPECT_EQ(created["spec"]["template"]["spec"]["restartPolicy"], "Always");
  EXPECT_EQ(created["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"], "IfNotPresent");
  json service = {{"apiVersion", "v1"},
                  {"kind", "Service"},
                  {"metadata", {{"name", "web"}}},
                  {"spec", {{"selector", {{"app", "web"}}}, {"ports", json::array({{{"port", 80}}})}}}};
  auto svc = client_.post("/api/v1/namespaces/default/services", service).json();
  EXPECT_EQ(svc["spec"]["type"], "ClusterIP");
  EXPECT_EQ(svc["spec"]["ports"][0]["targetPort"], 80);
  EXPECT_EQ(svc["spec"]["ports"][0]["protocol"], "TCP");
  EXPECT_FALSE(svc["spec"]["clusterIP"].get<std::string>().empty());
}

TEST_F(CrudTest, ClusterScopedResourcesIgnoreNamespaces) {
  json role = {{"apiVersion", "rbac.authorization.k8s.io/v1"},
               {"kind", "ClusterRole"},
               {"metadata", {{"name", "reader"}}},
               {"rules", json::array({{{"apiGroups", json::array({""})},
                                       {"resources", json::array({"pods"})},
                                       {"verbs", json::array({"get"})}}})}};
  auto created = client_.post("/apis/rbac.authorization.k8s.io/v1/clusterroles", role);
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_FALSE(created.json()["metadata"].contains("namespace"));
  EXPECT_EQ(client_.get("/apis/rbac.authorization.k8s.io/v1/namespaces/default/clusterroles/reader").status, 404);
}

TEST_F(CrudTest, WrongVerbForThePathIsMethodNotAllowed) {
  auto put = client_.put("/api/v1/namespaces/default/configmaps", configMap("x"));
  EXPECT_EQ(put.status, 405);
  EXPECT_EQ(put.json()["reason"], "MethodNotAllowed");
  EXPECT_EQ(client_.post("/api/v1/namespaces/default/configmaps/x", configMap("x")).status, 405);
  EXPECT_EQ(client_.del("/api/v1/namespaces").status, 405);  // namespaces have no deletecollection
}

TEST_F(CrudTest, DeleteCollectionHonoursSelectors) {
  client_.post("/api/v1/namespaces/default/configmaps", configMap("keep", {}, {{"tier", "a"}}));
  client_.post("/api/v1/namespaces/default/configmaps", configMap("drop1", {}, {{"tier", "b"}}));
  client_.post("/api/v1/namespaces/default/configmaps", configMap("drop2", {}, {{"tier", "b"}}));
  auto deleted = client_.del("/api/v1/namespaces/default/configmaps?labelSelector=tier%3Db");
  ASSERT_EQ(deleted.status, 200) << deleted.body;
  EXPECT_EQ(deleted.json()["items"].size(), 2u);
  auto left = client_.get("/api/v1/namespaces/default/configmaps").json();
  ASSERT_EQ(left["items"].size(), 1u);
  EXPECT_EQ(left["items"][0]["metadata"]["name"], "keep");
}

TEST_F(CrudTest, UnknownFieldsOfBuiltinsFollowFieldValidation) {
  json object = configMap("typo", {{"a", "b"}});
  object["datta"] = {{"x", "y"}};
  auto strict = client_.post("/api/v1/namespaces/default/configmaps?fieldValidation=Strict", object);
  EXPECT_EQ(strict.status, 400);
  EXPECT_EQ(strict.json()["message"],
            "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: strict decoding error: unknown field "
            "\"datta\"");
  auto warned = client_.post("/api/v1/namespaces/default/configmaps", object);
  ASSERT_EQ(warned.status, 201);
  EXPECT_EQ(warned.header("Warning"), "299 - \"unknown field \\\"datta\\\"\"");
  EXPECT_FALSE(warned.json().contains("datta"));
}

TEST_F(CrudTest, UnsupportedBodyTypeIsRejected) {
  auto result =
      client_.request("POST", "/api/v1/namespaces/default/configmaps", "<xml/>", {{"Content-Type", "application/xml"}});
  EXPECT_EQ(result.status, 415);
  EXPECT_EQ(result.json()["reason"], "UnsupportedMediaType");
}

}  // namespace
}  // namespace flotilla::apiserver::testing
