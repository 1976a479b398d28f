// The Route controller's render memo: it renders again exactly when an input the renderer reads may have changed
// (a spec, i.e. the generation, a label, a new or removed object) and reuses the last render when only statuses
// changed — the traffic of a bulk converging.
#include "controllers/route_verdict_memo.h"

#include <gtest/gtest.h>

#include "../runtime/fake_lister_watcher.h"
#include "api/parse.h"
#include "controllers/gateway_indexes.h"
#include "gateway_fixtures.h"

namespace flotilla::controllers {
namespace {

using namespace std::chrono_literals;
using runtime::testing::eventually;
using runtime::testing::FakeListerWatcher;
using testing::gatewayJson;
using testing::microserviceJson;
using testing::prefixRule;
using testing::routeJson;

struct FakeResource {
  std::shared_ptr<FakeListerWatcher> server = std::make_shared<FakeListerWatcher>();
  std::unique_ptr<runtime::Informer> informer;
  explicit FakeResource(const std::string& resource) {
    informer = std::make_unique<runtime::Informer>(server, runtime::InformerOptions{resource, {}, {}});
  }
};

class RouteVerdictMemoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    routes_.informer->addIndexer(kRouteByGateway, routeGateways);
    for (auto* resource : {&gateways_, &routes_, &policies_, &microservices_}) resource->informer->start();
    for (auto* resource : {&gateways_, &routes_, &policies_, &microservices_}) {
      ASSERT_TRUE(resource->informer->waitForSync(10s));
    }
    caches_.gateways = gateways_.informer.get();
    caches_.routes = routes_.informer.get();
    caches_.breakerPolicies = policies_.informer.get();
    caches_.microservices = microservices_.informer.get();
    gateways_.server->create("shop", "edge", withGeneration(gatewayJson("shop", "edge"), 1));
    add(microservices_, withGeneration(microserviceJson("shop", "a"), 1));
    add(routes_, route("r1", "/a", 1));
    ASSERT_TRUE(eventually([&] { return gateways_.informer->cache().get("shop", "edge") != nullptr; }));
  }
  void TearDown() override {
    for (auto* resource : {&gateways_, &routes_, &policies_, &microservices_}) resource->informer->stop();
  }

  static nlohmann::json withGeneration(nlohmann::json object, int generation) {
    object["metadata"]["generation"] = generation;
    return object;
  }
  static nlohmann::json route(const std::string& name, const std::string& prefix, int generation) {
    return withGeneration(routeJson("shop", name, "shop", "edge", {prefixRule(prefix, "a")}), generation);
  }
  // Creates the object and waits until the informer's cache has it.
  void add(FakeResource& resource, const nlohmann::json& object) {
    const auto written = resource.server->create("shop", runtime::nameOf(object), object);
    awaitVersion(resource, runtime::nameOf(object), runtime::resourceVersionOf(written));
  }
  void change(FakeResource& resource, const std::string& name, const nlohmann::json& patch) {
    const auto written = resource.server->update("shop", name, patch);
    awaitVersion(resource, name, runtime::resourceVersionOf(written));
  }
  void awaitVersion(FakeResource& resource, const std::string& name, const std::string& version) {
    ASSERT_TRUE(eventually([&] {
      auto cached = resource.informer->cache().get("shop", name);
      return cached && runtime::resourceVersionOf(*cached) == version;
    }));
  }
  std::shared_ptr<const RouteVerdicts> verdicts(RouteVerdictMemo& memo) {
    auto object = gateways_.informer->cache().get("shop", "edge");
    return memo.verdicts(*object, api::parseGateway(*object).value);
  }

  FakeResource gateways_{"gateways.flotilla.io"};
  FakeResource routes_{"routes.flotilla.io"};
  FakeResource policies_{"breakerpolicies.flotilla.io"};
  FakeResource microservices_{"microservices.flotilla.io"};
  GatewayCaches caches_;
};

TEST_F(RouteVerdictMemoTest, StatusWritesReuseTheRenderSpecChangesRenderAgain) {
  RouteVerdictMemo memo(caches_);
  const auto first = verdicts(memo);
  ASSERT_EQ(first->verdicts.size(), 1u);
  EXPECT_FALSE(first->configHash.empty());
  EXPECT_EQ(verdicts(memo), first) << "nothing changed: the same render";

  change(routes_, "r1", {{"status", {{"parents", nlohmann::json::array({{{"gateway", "shop/edge"}}})}}}});
  change(microservices_, "a", {{"status", {{"readyReplicas", 2}}}});
  EXPECT_EQ(verdicts(memo), first) << "status writes do not change what is rendered";

  change(routes_, "r1", withGeneration(route("r1", "/b", 2), 2));
  const auto afterSpec = verdicts(memo);
  EXPECT_NE(afterSpec, first) << "a new generation of a Route renders again";
  EXPECT_NE(afterSpec->configHash, first->configHash) << "the new path is in the config";

  add(routes_, route("r2", "/c", 1));
  const auto afterAdd = verdicts(memo);
  EXPECT_NE(afterAdd, afterSpec);
  EXPECT_EQ(afterAdd->verdicts.size(), 2u);

  change(microservices_, "a", {{"metadata", {{"labels", {{"team", "blue"}}}}}});
  EXPECT_NE(verdicts(memo), afterAdd) << "metadata the renderer may read (labels) renders again";
}

TEST_F(RouteVerdictMemoTest, MatchesAFreshRenderOfTheSameCaches) {
  RouteVerdictMemo memo(caches_);
  add(routes_, route("r2", "/c", 1));
  const auto remembered = verdicts(memo);
  RouteVerdictMemo fresh(caches_);
  EXPECT_EQ(verdicts(fresh)->configHash, remembered->configHash);
  EXPECT_EQ(verdicts(fresh)->verdicts.size(), remembered->verdicts.size());
}

}  // namespace
}  // namespace flotilla::controllers
