// Lists: label and field selectors, pagination with consistent continue tokens, resourceVersion semantics and
// server-side printing (Table) as `kubectl get` asks for it.
#include "test_support.h"

namespace flotilla::apiserver::testing {
namespace {

class ListTest : public ApiServerTest {
 protected:
  void SetUp() override {
    ApiServerTest::SetUp();
    const std::pair<const char*, json> objects[] = {
        {"a", {{"app", "web"}, {"tier", "front"}}},
        {"b", {{"app", "web"}, {"tier", "back"}}},
        {"c", {{"app", "db"}}},
        {"d", json::object()},
    };
    for (const auto& [name, labels] : objects) {
      ASSERT_EQ(client_.post("/api/v1/namespaces/default/configmaps", configMap(name, {{"k", "v"}}, labels)).status,
                201);
    }
  }

  std::vector<std::string> names(const std::string& query) {
    auto result = client_.get("/api/v1/namespaces/default/configmaps?" + query);
    EXPECT_EQ(result.status, 200) << query << ": " << result.body;
    std::vector<std::string> out;
    json list = result.json();
    for (const auto& item : list["items"]) out.push_back(item["metadata"]["name"]);
    return out;
  }
};

using Names = std::vector<std::string>;

TEST_F(ListTest, ListIsAKindListWithAResourceVersion) {
  auto list = client_.get("/api/v1/namespaces/default/configmaps").json();
  EXPECT_EQ(list["kind"], "ConfigMapList");
  EXPECT_EQ(list["apiVersion"], "v1");
  EXPECT_EQ(list["metadata"]["resourceVersion"], std::to_string(server_.store().currentResourceVersion()));
  EXPECT_EQ(list["items"].size(), 4u);
}

TEST_F(ListTest, LabelSelectorsSupportEqualityAndSets) {
  EXPECT_EQ(names("labelSelector=app%3Dweb"), (Names{"a", "b"}));
  EXPECT_EQ(names("labelSelector=app%3D%3Dweb,tier!%3Dback"), (Names{"a"}));
  EXPECT_EQ(names("labelSelector=app%20in%20(web,db)"), (Names{"a", "b", "c"}));
  EXPECT_EQ(names("labelSelector=app%20notin%20(web)"), (Names{"c", "d"}));
  EXPECT_EQ(names("labelSelector=tier"), (Names{"a", "b"}));
  EXPECT_EQ(names("labelSelector=!app"), (Names{"d"}));
  EXPECT_EQ(client_.get("/api/v1/namespaces/default/configmaps?labelSelector=app%20in%20(web").status, 400);
}

TEST_F(ListTest, FieldSelectorsOnNameAndNamespace) {
  EXPECT_EQ(names("fieldSelector=metadata.name%3Db"), (Names{"b"}));
  EXPECT_EQ(names("fieldSelector=metadata.name!%3Db"), (Names{"a", "c", "d"}));
  auto all = client_.get("/api/v1/configmaps?fieldSelector=metadata.namespace%3Ddefault").json();
  EXPECT_EQ(all["items"].size(), 4u);
  auto unsupported = client_.get("/api/v1/namespaces/default/configmaps?fieldSelector=data.k%3Dv");
  EXPECT_EQ(unsupported.status, 400);
  EXPECT_EQ(unsupported.json()["message"], "field label not supported: data.k");
}

TEST_F(ListTest, PaginationIsConsistentAcrossPages) {
  auto first = client_.get("/api/v1/namespaces/default/configmaps?limit=2").json();
  ASSERT_EQ(first["items"].size(), 2u);
  std::string token = first["metadata"]["continue"];
  EXPECT_EQ(first["metadata"]["remainingItemCount"], 2);
  // Changes after the first page do not show in the next one: it is served at the first page's version.
  client_.post("/api/v1/namespaces/default/configmaps", configMap("bb"));
  client_.del("/api/v1/namespaces/default/configmaps/c");
  auto second = client_.get("/api/v1/namespaces/default/configmaps?limit=2&continue=" + token).json();
  EXPECT_EQ(second["metadata"]["resourceVersion"], first["metadata"]["resourceVersion"]);
  Names rest;
  for (const auto& item : second["items"]) rest.push_back(item["metadata"]["name"]);
  EXPECT_EQ(rest, (Names{"c", "d"}));
  EXPECT_FALSE(second["metadata"].contains("continue"));
}

TEST_F(ListTest, ExpiredContinueTokenIsGone) {
  auto first = client_.get("/api/v1/namespaces/default/configmaps?limit=1").json();
  client_.post("/api/v1/namespaces/default/configmaps", configMap("later"));
  server_.server().compactHistory();
  auto next = client_.get("/api/v1/namespaces/default/configmaps?limit=1&continue=" +
                          first["metadata"]["continue"].get<std::string>());
  EXPECT_EQ(next.status, 410);
  EXPECT_EQ(next.json()["reason"], "Expired");
}

TEST_F(ListTest, ResourceVersionSemantics) {
  std::uint64_t before = server_.store().currentResourceVersion();
  client_.del("/api/v1/namespaces/default/configmaps/a");
  EXPECT_EQ(names("resourceVersion=0").size(), 3u);
  EXPECT_EQ(names("resourceVersion=" + std::to_string(before) + "&resourceVersionMatch=Exact"),
            (Names{"a", "b", "c", "d"}));
  auto future = client_.get("/api/v1/namespaces/default/configmaps?resourceVersion=999999");
  EXPECT_EQ(future.status, 504);
}

TEST_F(ListTest, TableOutputForKubectlGet) {
  const std::string accept =
      "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";
  auto table = client_.get("/api/v1/namespaces/default/configmaps?limit=500", accept).json();
  EXPECT_EQ(table["kind"], "Table");
  EXPECT_EQ(table["apiVersion"], "meta.k8s.io/v1");
  ASSERT_EQ(table["columnDefinitions"].size(), 3u);
  EXPECT_EQ(table["columnDefinitions"][0]["name"], "Name");
  EXPECT_EQ(table["columnDefinitions"][0]["format"], "name");
  EXPECT_EQ(table["columnDefinitions"][1]["name"], "Data");
  ASSERT_EQ(table["rows"].size(), 4u);
  EXPECT_EQ(table["rows"][0]["cells"][0], "a");
  EXPECT_EQ(table["rows"][0]["cells"][1], 1);
  std::string age = table["rows"][0]["cells"][2];
  EXPECT_EQ(age.back(), 's');  // rendered by the server ("0s"), not a timestamp
  EXPECT_EQ(table["rows"][0]["object"]["kind"], "PartialObjectMetadata");
  EXPECT_EQ(table["rows"][0]["object"]["metadata"]["labels"]["tier"], "front");

  auto full = client_.get("/api/v1/namespaces/default/configmaps?includeObject=Object", accept).json();
  EXPECT_EQ(full["rows"][0]["object"]["data"]["k"], "v");
  auto one = client_.get("/api/v1/namespaces/default/configmaps/b", accept).json();
  EXPECT_EQ(one["rows"].size(), 1u);
}

TEST_F(ListTest, DeploymentTableHasWideColumns) {
  client_.post("/apis/apps/v1/namespaces/default/deployments", deployment("web", 3));
  auto table =
      client_.get("/apis/apps/v1/namespaces/default/deployments", "application/json;as=Table;v=v1;g=meta.k8s.io")
          .json();
  std::vector<std::string> columns;
  std::vector<int> priorities;
  for (const auto& c : table["columnDefinitions"]) {
    columns.push_back(c["name"]);
    priorities.push_back(c["priority"]);
  }
  EXPECT_EQ(columns, (Names{"Name", "Ready", "Up-to-date", "Available", "Age", "Containers", "Images", "Selector"}));
  EXPECT_EQ(priorities, (std::vector<int>{0, 0, 0, 0, 0, 1, 1, 1}));
  EXPECT_EQ(table["rows"][0]["cells"][1], "0/3");
  EXPECT_EQ(table["rows"][0]["cells"][6], "nginx:1.27");
  EXPECT_EQ(table["rows"][0]["cells"][7], "app=web");
}

TEST_F(ListTest, PartialObjectMetadataList) {
  auto list = client_
                  .get("/api/v1/namespaces/default/configmaps",
                       "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1")
                  .json();
  EXPECT_EQ(list["kind"], "PartialObjectMetadataList");
  EXPECT_FALSE(list["items"][0].contains("data"));
  EXPECT_EQ(list["items"][0]["metadata"]["name"], "a");
}

}  // namespace
}  // namespace flotilla::apiserver::testing
