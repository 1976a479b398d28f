// Deletion: finalizers and deletionTimestamp, ownerReference cascades (background, foreground with
// blockOwnerDeletion, orphan) and namespace deletion.
#include "test_support.h"

namespace flotilla::apiserver::testing {
namespace {

class GarbageCollectionTest : public ApiServerTest {
 protected:
  json createOwner() {
    auto created = client_.post("/apis/apps/v1/namespaces/default/deployments", deployment("owner"));
    EXPECT_EQ(created.status, 201) << created.body;
    return created.json();
  }
  void createDependent(const std::string& name, const json& owner, bool block) {
    json object = configMap(name);
    object["metadata"]["ownerReferences"] = json::array({{{"apiVersion", "apps/v1"},
                                                          {"kind", "Deployment"},
                                                          {"name", owner["metadata"]["name"]},
                                                          {"uid", owner["metadata"]["uid"]},
                                                          {"controller", true},
                                                          {"blockOwnerDeletion", block}}});
    auto created = client_.post("/api/v1/namespaces/default/configmaps", object);
    ASSERT_EQ(created.status, 201) << created.body;
  }
  int status(const std::string& name) { return client_.get("/api/v1/namespaces/default/configmaps/" + name).status; }
  const std::string owner_ = "/apis/apps/v1/namespaces/default/deployments/owner";
};

TEST_F(GarbageCollectionTest, FinalizersHoldTheObjectUntilRemoved) {
  json object = configMap("held");
  object["metadata"]["finalizers"] = json::array({"example.com/hold"});
  client_.post("/api/v1/namespaces/default/configmaps", object);
  auto deleted = client_.del("/api/v1/namespaces/default/configmaps/held");
  EXPECT_EQ(deleted.status, 202);
  json held = client_.get("/api/v1/namespaces/default/configmaps/held").json();
  EXPECT_TRUE(held["metadata"].contains("deletionTimestamp"));
  auto refused = client_.patch("/api/v1/namespaces/default/configmaps/held",
                               {{"metadata", {{"finalizers", json::array({"example.com/hold", "example.com/new"})}}}});
  EXPECT_EQ(refused.status, 422);
  auto released =
      client_.patch("/api/v1/namespaces/default/configmaps/held", {{"metadata", {{"finalizers", nullptr}}}});
  EXPECT_EQ(released.status, 200) << released.body;
  EXPECT_EQ(status("held"), 404);
}

TEST_F(GarbageCollectionTest, BackgroundDeletesDependentsAfterTheOwner) {
  json owner = createOwner();
  createDependent("dep", owner, false);
  auto deleted = client_.del(owner_, {{"propagationPolicy", "Background"}});
  EXPECT_EQ(deleted.status, 200);
  EXPECT_EQ(client_.get(owner_).status, 404);
  EXPECT_TRUE(eventually([&] { return status("dep") == 404; }));
}

TEST_F(GarbageCollectionTest, ForegroundDeletesBlockingDependentsFirst) {
  json owner = createOwner();
  createDependent("blocker", owner, true);
  json held = configMap("slow");
  held["metadata"]["finalizers"] = json::array({"example.com/hold"});
  held["metadata"]["ownerReferences"] = json::array({{{"apiVersion", "apps/v1"},
                                                      {"kind", "Deployment"},
                                                      {"name", "owner"},
                                                      {"uid", owner["metadata"]["uid"]},
                                                      {"blockOwnerDeletion", true}}});
  ASSERT_EQ(client_.post("/api/v1/namespaces/default/configmaps", held).status, 201);
  auto deleted = client_.del(owner_, {{"propagationPolicy", "Foreground"}});
  ASSERT_EQ(deleted.status, 202) << deleted.body;
  EXPECT_EQ(deleted.json()["metadata"]["finalizers"], json::array({"foregroundDeletion"}));
  EXPECT_TRUE(deleted.json()["metadata"].contains("deletionTimestamp"));
  EXPECT_TRUE(eventually([&] { return status("blocker") == 404; }));
  // The dependent with its own finalizer is terminating, and the owner waits for it.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(client_.get(owner_).status, 200);
  client_.patch("/api/v1/namespaces/default/configmaps/slow", {{"metadata", {{"finalizers", nullptr}}}});
  EXPECT_TRUE(eventually([&] { return client_.get(owner_).status == 404; }));
}

TEST_F(GarbageCollectionTest, OrphanKeepsDependentsWithoutTheReference) {
  json owner = createOwner();
  createDependent("kept", owner, true);
  auto deleted = client_.del(owner_ + "?propagationPolicy=Orphan");
  EXPECT_TRUE(deleted.status == 200 || deleted.status == 202);
  EXPECT_TRUE(eventually([&] { return client_.get(owner_).status == 404; }));
  ASSERT_TRUE(server_.waitForGarbageCollector());
  json kept = client_.get("/api/v1/namespaces/default/configmaps/kept").json();
  EXPECT_EQ(kept["metadata"]["name"], "kept");
  EXPECT_FALSE(kept["metadata"].contains("ownerReferences"));
}

TEST_F(GarbageCollectionTest, DependentsWithAnotherLiveOwnerSurvive) {
  json owner = createOwner();
  json other = client_.post("/api/v1/namespaces/default/configmaps", configMap("other-owner")).json();
  json object = configMap("shared");
  object["metadata"]["ownerReferences"] = json::array(
      {{{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", "owner"}, {"uid", owner["metadata"]["uid"]}},
       {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"name", "other-owner"}, {"uid", other["metadata"]["uid"]}}});
  client_.post("/api/v1/namespaces/default/configmaps", object);
  client_.del(owner_);
  ASSERT_TRUE(eventually([&] {
    json shared = client_.get("/api/v1/namespaces/default/configmaps/shared").json();
    return shared["metadata"]["ownerReferences"].size() == 1;
  }));
  EXPECT_EQ(status("shared"), 200);
}

TEST_F(GarbageCollectionTest, DeletingANamespaceDeletesItsObjects) {
  client_.post("/api/v1/namespaces", namespaceObject("doomed"));
  client_.post("/api/v1/namespaces/doomed/configmaps", configMap("a"));
  client_.post("/apis/apps/v1/namespaces/doomed/deployments", deployment("d"));
  json held = configMap("held");
  held["metadata"]["finalizers"] = json::array({"example.com/hold"});
  client_.post("/api/v1/namespaces/doomed/configmaps", held);
  auto deleted = client_.del("/api/v1/namespaces/doomed");
  EXPECT_EQ(deleted.status, 202);
  EXPECT_EQ(deleted.json()["status"]["phase"], "Terminating");
  EXPECT_TRUE(eventually([&] { return client_.get("/apis/apps/v1/namespaces/doomed/deployments/d").status == 404; }));
  // Content with a finalizer keeps the namespace terminating; nothing new may be created meanwhile.
  EXPECT_EQ(client_.get("/api/v1/namespaces/doomed").status, 200);
  EXPECT_EQ(client_.post("/api/v1/namespaces/doomed/configmaps", configMap("late")).status, 403);
  client_.patch("/api/v1/namespaces/doomed/configmaps/held", {{"metadata", {{"finalizers", nullptr}}}});
  EXPECT_TRUE(eventually([&] { return client_.get("/api/v1/namespaces/doomed").status == 404; }));
  EXPECT_TRUE(server_.store().listNamespace("doomed").empty());
}

TEST_F(GarbageCollectionTest, ScheduledPodsTerminateGracefully) {
  json pod = {{"apiVersion", "v1"},
              {"kind", "Pod"},
              {"metadata", {{"name", "p"}}},
              {"spec", {{"nodeName", "node-1"}, {"containers", json::array({{{"name", "c"}, {"image", "busybox"}}})}}}};
  ASSERT_EQ(client_.post("/api/v1/namespaces/default/pods", pod).status, 201);
  auto terminating = client_.del("/api/v1/namespaces/default/pods/p");
  ASSERT_EQ(terminating.status, 202) << terminating.body;
  EXPECT_EQ(terminating.json()["metadata"]["deletionGracePeriodSeconds"], 30);
  EXPECT_EQ(client_.get("/api/v1/namespaces/default/pods/p").status, 200);
  EXPECT_EQ(client_.del("/api/v1/namespaces/default/pods/p", {{"gracePeriodSeconds", 0}}).status, 200);
  EXPECT_EQ(client_.get("/api/v1/namespaces/default/pods/p").status, 404);

  pod["metadata"]["name"] = "unscheduled";
  pod["spec"].erase("nodeName");
  client_.post("/api/v1/namespaces/default/pods", pod);
  EXPECT_EQ(client_.del("/api/v1/namespaces/default/pods/unscheduled").status, 200);
  EXPECT_EQ(client_.get("/api/v1/namespaces/default/pods/unscheduled").status, 404);
}

TEST_F(GarbageCollectionTest, DanglingOwnerReferencesAreCollected) {
  json object = configMap("orphaned");
  object["metadata"]["ownerReferences"] = json::array({{{"apiVersion", "v1"},
                                                        {"kind", "ConfigMap"},
                                                        {"name", "ghost"},
                                                        {"uid", "00000000-0000-0000-0000-000000000000"}}});
  client_.post("/api/v1/namespaces/default/configmaps", object);
  EXPECT_TRUE(eventually([&] { return status("orphaned") == 404; }));
}

}  // namespace
}  // namespace flotilla::apiserver::testing
