#include "runtime/cache.h"

#include <gtest/gtest.h>

#include "cache_storages.h"
#include "runtime/event_handler.h"

namespace flotilla::runtime {
namespace {

ObjectPtr object(const std::string& ns, const std::string& name, nlohmann::json extra = nlohmann::json::object()) {
  nlohmann::json o = {{"metadata", {{"namespace", ns}, {"name", name}, {"resourceVersion", "1"}}}};
  o.merge_patch(extra);
  return std::make_shared<const nlohmann::json>(std::move(o));
}

nlohmann::json ownedBy(const std::string& uid) {
  return {{"metadata", {{"ownerReferences", {{{"uid", uid}, {"kind", "Microservice"}, {"name", "x"}}}}}}};
}

// Every behaviour of the cache holds for both ways of storing objects.
class CacheStorages : public ::testing::TestWithParam<CacheStorage> {};
INSTANTIATE_TEST_SUITE_P(, CacheStorages, allCacheStorages(), [](const auto& info) { return storageName(info.param); });

TEST_P(CacheStorages, StoresByNamespaceAndName) {
  Cache cache(GetParam());
  EXPECT_EQ(cache.upsert(object("shop", "users")), nullptr);
  auto previous = cache.upsert(object("shop", "users", {{"data", 1}}));
  ASSERT_NE(previous, nullptr);
  EXPECT_FALSE(previous->contains("data"));
  EXPECT_EQ(cache.get("shop", "users")->at("data"), 1);
  EXPECT_EQ(*cache.get("shop/users"), *cache.get("shop", "users"));
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_NE(cache.remove("shop/users"), nullptr);
  EXPECT_EQ(cache.remove("shop/users"), nullptr);
  EXPECT_EQ(cache.size(), 0u);
}

TEST_P(CacheStorages, NamespaceIndexFollowsUpdatesAndDeletes) {
  Cache cache(GetParam());
  cache.upsert(object("a", "x"));
  cache.upsert(object("a", "y"));
  cache.upsert(object("b", "x"));
  EXPECT_EQ(cache.listNamespace("a").size(), 2u);
  EXPECT_EQ(cache.indexKeys(kNamespaceIndex, "b"), (std::vector<std::string>{"b/x"}));
  cache.remove("a/x");
  EXPECT_EQ(cache.indexKeys(kNamespaceIndex, "a"), (std::vector<std::string>{"a/y"}));
  EXPECT_TRUE(cache.byIndex("no-such-index", "a").empty());
}

TEST_P(CacheStorages, CustomIndexMovesWhenTheIndexedValueChanges) {
  Cache cache(GetParam());
  cache.addIndexer(kOwnerUidIndex, indexByOwnerUid);
  cache.upsert(object("shop", "deploy", ownedBy("u1")));
  EXPECT_EQ(cache.indexKeys(kOwnerUidIndex, "u1"), (std::vector<std::string>{"shop/deploy"}));
  cache.upsert(object("shop", "deploy", ownedBy("u2")));
  EXPECT_TRUE(cache.indexKeys(kOwnerUidIndex, "u1").empty()) << "stale index entry left behind";
  EXPECT_EQ(cache.indexKeys(kOwnerUidIndex, "u2"), (std::vector<std::string>{"shop/deploy"}));
}

TEST_P(CacheStorages, IndexAddedLaterCoversExistingObjects) {
  Cache cache(GetParam());
  cache.upsert(object("shop", "a", ownedBy("u1")));
  cache.upsert(object("shop", "b", ownedBy("u1")));
  cache.addIndexer(kOwnerUidIndex, indexByOwnerUid);
  EXPECT_EQ(cache.byIndex(kOwnerUidIndex, "u1").size(), 2u);
  EXPECT_TRUE(cache.hasIndexer(kOwnerUidIndex));
}

TEST_P(CacheStorages, TracksApproximateBytes) {
  Cache cache(GetParam());
  cache.upsert(object("shop", "small"));
  const std::size_t small = cache.approximateBytes();
  EXPECT_GT(small, 0u);
  cache.upsert(object("shop", "big", {{"data", {{"blob", std::string(10000, 'x')}}}}));
  EXPECT_GT(cache.approximateBytes(), small + 10000);
  cache.remove("shop/big");
  EXPECT_EQ(cache.approximateBytes(), small);
  cache.remove("shop/small");
  EXPECT_EQ(cache.approximateBytes(), 0u);
}

TEST_P(CacheStorages, KnowsResourceVersionsWithoutDecoding) {
  Cache cache(GetParam());
  EXPECT_EQ(cache.resourceVersion("shop/users"), std::nullopt);
  cache.upsert(object("shop", "users", {{"metadata", {{"resourceVersion", "42"}}}}));
  EXPECT_EQ(cache.resourceVersion("shop/users"), "42");
  cache.remove("shop/users");
  EXPECT_EQ(cache.resourceVersion("shop/users"), std::nullopt);
}

TEST(Cache, PackedObjectsReadBackEqualAndTakeLessMemory) {
  // A Deployment-like object: nested maps, lists of named objects, numbers of each kind, booleans and nulls.
  const auto deployment = object(
      "shop", "users",
      {{"apiVersion", "apps/v1"},
       {"kind", "Deployment"},
       {"metadata",
        {{"uid", "0b1e6c55-7a43-4f0e-9c1d-6f1c2f0e9a11"},
         {"generation", 3},
         {"labels", {{"app.kubernetes.io/name", "users"}, {"flotilla.io/microservice", "users"}}},
         {"annotations", {{"flotilla.io/applied-hash", "3f9a0c1d2e4b5a69"}}},
         {"ownerReferences", {{{"uid", "u1"}, {"kind", "Microservice"}, {"name", "users"}, {"controller", true}}}}}},
       {"spec",
        {{"replicas", 3},
         {"progressDeadlineSeconds", 600},
         {"template",
          {{"spec",
            {{"containers",
              {{{"name", "web"},
                {"image", "example.com/users:1.4.2"},
                {"ports", {{{"name", "http"}, {"containerPort", 8080}, {"protocol", "TCP"}}}},
                {"resources", {{"requests", {{"cpu", "100m"}, {"memory", "64Mi"}}}}},
                {"readinessProbe", {{"httpGet", {{"path", "/ready"}, {"port", 8080}}}, {"periodSeconds", 5}}},
                {"env", {{{"name", "RATIO"}, {"value", "0.25"}}}}}}},
             {"terminationGracePeriodSeconds", -1},
             {"nodeSelector", nullptr}}}}},
         {"paused", false}}},
       {"status", {{"replicas", 3}, {"readyReplicas", 2}, {"ratio", 0.75}}}});
  Cache trees(CacheStorage::Trees);
  Cache packed(CacheStorage::Packed);
  trees.upsert(deployment);
  packed.upsert(deployment);
  EXPECT_EQ(*packed.get("shop/users"), *deployment);
  EXPECT_EQ(packed.get("shop/users")->dump(), deployment->dump()) << "same text: types and order survive packing";
  EXPECT_EQ(packed.byIndex(kNamespaceIndex, "shop").at(0)->dump(), deployment->dump());
  EXPECT_EQ(packed.list().at(0)->dump(), deployment->dump());
  EXPECT_LT(packed.approximateBytes() * 3, trees.approximateBytes());
  EXPECT_EQ(packed.upsert(object("shop", "users"))->dump(), deployment->dump()) << "the previous object, decoded";
  EXPECT_EQ(packed.remove("shop/users")->dump(), object("shop", "users")->dump());
}

TEST_P(CacheStorages, BulkReadsWithoutStatusLeaveOutTheStatusOnlyWhereItIsStoredApart) {
  Cache cache(GetParam());
  cache.upsert(object("shop", "users", {{"spec", {{"image", "users:1"}}}, {"status", {{"readyReplicas", 2}}}}));
  cache.upsert(object("shop", "orders", {{"spec", {{"image", "orders:1"}}}}));  // no status yet

  EXPECT_EQ(cache.get("shop", "users")->at("status").at("readyReplicas"), 2) << "a get is always whole";
  EXPECT_EQ(cache.byIndex(kNamespaceIndex, "shop").at(1)->at("status").at("readyReplicas"), 2);
  const auto specs = cache.listNamespaceWithoutStatus("shop");
  ASSERT_EQ(specs.size(), 2u);
  EXPECT_EQ(specs[0]->at("spec").at("image"), "orders:1");
  EXPECT_EQ(specs[1]->at("spec").at("image"), "users:1");
  EXPECT_EQ(specs[1]->contains("status"), GetParam() != CacheStorage::TreesWithPackedStatus);
  if (GetParam() == CacheStorage::TreesWithPackedStatus) {
    EXPECT_EQ(specs[1], cache.byIndexWithoutStatus(kNamespaceIndex, "shop").at(1)) << "handed out as stored";
  }
  EXPECT_TRUE(cache.contains("shop", "orders"));
  EXPECT_FALSE(cache.contains("shop", "carts"));
}

TEST(ObjectHelpers, StripForCacheRemovesManagedFieldsAndLastApplied) {
  nlohmann::json o = {{"metadata",
                       {{"name", "x"},
                        {"managedFields", nlohmann::json::array()},
                        {"annotations", {{"kubectl.kubernetes.io/last-applied-configuration", "{}"}}}}}};
  stripForCache(o);
  EXPECT_EQ(o, (nlohmann::json{{"metadata", {{"name", "x"}}}}));
}

TEST(ObjectHelpers, KeysAndOwners) {
  EXPECT_EQ(objectKey("", "node-1"), "node-1");
  EXPECT_EQ(splitObjectKey("shop/users"), (std::pair<std::string, std::string>{"shop", "users"}));
  EXPECT_EQ(splitObjectKey("node-1"), (std::pair<std::string, std::string>{"", "node-1"}));
  nlohmann::json o = {{"metadata",
                       {{"ownerReferences",
                         {{{"apiVersion", "apps/v1"}, {"kind", "ReplicaSet"}, {"name", "a"}, {"uid", "1"}},
                          {{"apiVersion", "flotilla.io/v1alpha1"},
                           {"kind", "Microservice"},
                           {"name", "b"},
                           {"uid", "2"},
                           {"controller", true}}}}}}};
  auto owner = controllerOf(o);
  ASSERT_TRUE(owner.has_value());
  EXPECT_EQ(owner->name, "b");
  EXPECT_EQ(groupOf(owner->apiVersion), "flotilla.io");
  EXPECT_EQ(groupOf("v1"), "");
  EXPECT_EQ(ownerReferencesOf(nlohmann::json::object()).size(), 0u);
}

TEST(Predicates, GenerationLabelsAndCombinators) {
  const nlohmann::json v1 = {{"metadata", {{"generation", 1}, {"labels", {{"a", "1"}}}, {"resourceVersion", "5"}}}};
  nlohmann::json statusOnly = v1;
  statusOnly["metadata"]["resourceVersion"] = "6";
  nlohmann::json relabelled = statusOnly;
  relabelled["metadata"]["labels"]["a"] = "2";

  EXPECT_FALSE(generationChanged().allowsUpdate(v1, statusOnly));
  EXPECT_TRUE(resourceVersionChanged().allowsUpdate(v1, statusOnly));
  EXPECT_FALSE(resourceVersionChanged().allowsUpdate(v1, v1));
  EXPECT_TRUE(labelsChanged().allowsUpdate(statusOnly, relabelled));
  EXPECT_TRUE(generationChanged().allowsCreate(v1)) << "creates and deletes always pass";

  EXPECT_TRUE(anyOf({generationChanged(), labelsChanged()}).allowsUpdate(statusOnly, relabelled));
  EXPECT_FALSE(anyOf({generationChanged(), labelsChanged()}).allowsUpdate(v1, statusOnly));
  EXPECT_FALSE(allOf({resourceVersionChanged(), labelsChanged()}).allowsUpdate(v1, statusOnly));
  EXPECT_TRUE(allOf({resourceVersionChanged(), labelsChanged()}).allowsUpdate(v1, relabelled));
}

TEST_P(CacheStorages, SpecRevisionMovesWithSpecsAndMetadataNotWithStatus) {
  Cache cache(GetParam());
  const auto start = cache.specRevision();
  cache.upsert(object("shop", "users", {{"metadata", {{"generation", 1}}}}));
  const auto added = cache.specRevision();
  EXPECT_GT(added, start) << "an added object";

  cache.upsert(
      object("shop", "users",
             {{"metadata", {{"generation", 1}, {"resourceVersion", "2"}}}, {"status", {{"readyReplicas", 1}}}}));
  EXPECT_EQ(cache.specRevision(), added) << "a status write";

  cache.upsert(object("shop", "users", {{"metadata", {{"generation", 2}}}}));
  const auto newSpec = cache.specRevision();
  EXPECT_GT(newSpec, added) << "a new generation";

  cache.upsert(object("shop", "users", {{"metadata", {{"generation", 2}, {"labels", {{"team", "a"}}}}}}));
  const auto relabelled = cache.specRevision();
  EXPECT_GT(relabelled, newSpec) << "a label";

  cache.upsert(object("shop", "config", {{"data", {{"k", "v"}}}}));
  const auto noGeneration = cache.specRevision();
  cache.upsert(object("shop", "config", {{"data", {{"k", "w"}}}}));
  EXPECT_GT(cache.specRevision(), noGeneration) << "an object without a generation always counts";

  const auto beforeRemove = cache.specRevision();
  cache.remove("shop/users");
  EXPECT_GT(cache.specRevision(), beforeRemove) << "a removed object";
  const auto afterRemove = cache.specRevision();
  cache.remove("shop/users");
  EXPECT_EQ(cache.specRevision(), afterRemove) << "removing what is not there";
}

TEST(Cache, OnlyStatusChangedComparesIdentitySpecAndMetadata) {
  const auto base = object("shop", "users", {{"metadata", {{"generation", 3}, {"uid", "u1"}}}});
  auto with = [&](nlohmann::json patch) {
    nlohmann::json changed = *base;
    changed.merge_patch(patch);
    return changed;
  };
  EXPECT_TRUE(onlyStatusChanged(*base, with({{"status", {{"x", 1}}}, {"metadata", {{"resourceVersion", "9"}}}})));
  EXPECT_FALSE(onlyStatusChanged(*base, with({{"metadata", {{"generation", 4}}}})));
  EXPECT_FALSE(onlyStatusChanged(*base, with({{"metadata", {{"uid", "u2"}}}})));
  EXPECT_FALSE(onlyStatusChanged(*base, with({{"metadata", {{"annotations", {{"a", "b"}}}}}})));
  EXPECT_FALSE(onlyStatusChanged(*base, with({{"metadata", {{"finalizers", {"f"}}}}})));
  EXPECT_FALSE(onlyStatusChanged(*base, with({{"metadata", {{"deletionTimestamp", "2026-01-01T00:00:00Z"}}}})));
  EXPECT_FALSE(onlyStatusChanged(*object("shop", "a"), *object("shop", "a"))) << "no generation: never";
}

}  // namespace
}  // namespace flotilla::runtime
