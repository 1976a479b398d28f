#include "runtime/controller.h"

#include <gtest/gtest.h>

#include <future>
#include <regex>

#include "fake_lister_watcher.h"
#include "runtime/fake_clock.h"
#include "runtime/in_memory_metrics.h"

namespace flotilla::runtime {
namespace {

using namespace std::chrono_literals;
using testing::eventually;
using testing::FakeListerWatcher;

InformerOptions informerOptions(std::string resource) {
  InformerOptions options;
  options.resource = std::move(resource);
  return options;
}

ControllerOptions controllerOptions(int workers, Duration cacheSyncTimeout = std::chrono::minutes(2)) {
  ControllerOptions options;
  options.workers = workers;
  options.cacheSyncTimeout = cacheSyncTimeout;
  return options;
}

const kube::ResourceRef kMicroservice{"flotilla.io", "v1alpha1", "microservices", "Microservice", true};

// Records reconcile calls; the script decides each call's result (default: done).
class ScriptedReconciler {
 public:
  std::function<Result(const Request&, int call)> script = [](const Request&, int) { return Result::done(); };

  Reconciler reconciler() {
    return [this](const Request& request) {
      int call;
      {
        std::lock_guard lock(mutex_);
        calls_.push_back(request);
        call = static_cast<int>(calls_.size());
        if (const auto* context = currentReconcile()) contexts_.push_back(*context);
      }
      return script(request, call);
    };
  }
  std::vector<Request> calls() const {
    std::lock_guard lock(mutex_);
    return calls_;
  }
  std::size_t count() const { return calls().size(); }
  std::vector<ReconcileContext> contexts() const {
    std::lock_guard lock(mutex_);
    return contexts_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<Request> calls_;
  std::vector<ReconcileContext> contexts_;
};

// True once the controller has had nothing queued or running for a while.
bool settled(Controller& controller) {
  auto idle = [&] {
    return controller.queue().len() == 0 && controller.queue().waiting() == 0 && controller.activeReconciles() == 0;
  };
  for (int stableChecks = 0; stableChecks < 5;) {
    if (!eventually(idle)) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    stableChecks = idle() ? stableChecks + 1 : 0;
  }
  return true;
}

class ControllerTest : public ::testing::Test {
 protected:
  void SetUp() override { primary_ = std::make_unique<Informer>(server_, informerOptions("microservices"), clock_); }

  std::unique_ptr<Controller> makeController(int workers = 1) {
    auto controller = std::make_unique<Controller>("microservice", reconciler_.reconciler(), controllerOptions(workers),
                                                   clock_, metrics_);
    controller->watchPrimary(*primary_);
    return controller;
  }

  double reconciles(const std::string& result) const {
    return metrics_.value("controller_runtime_reconcile_total", {{"controller", "microservice"}, {"result", result}});
  }

  // Lets the (fake-clock) delaying queue release what is due, and gives workers time to pick it up.
  void advance(Duration d) {
    clock_.advance(d);
    std::this_thread::sleep_for(20ms);
  }

  FakeClock clock_;
  InMemoryMetrics metrics_;
  std::shared_ptr<FakeListerWatcher> server_ = std::make_shared<FakeListerWatcher>();
  std::unique_ptr<Informer> primary_;
  ScriptedReconciler reconciler_;
};

TEST_F(ControllerTest, ReconcilesEachPrimaryObjectAfterTheCacheSynced) {
  server_->create("shop", "users");
  server_->create("shop", "orders");
  auto controller = makeController();
  primary_->start();
  ASSERT_TRUE(controller->start());
  ASSERT_TRUE(eventually([&] { return reconciler_.count() == 2; }));
  ASSERT_TRUE(eventually([&] { return reconciles("success") == 2; }));
  EXPECT_TRUE(controller->cachesSynced());
  EXPECT_EQ(metrics_.observations("controller_runtime_reconcile_time_seconds", {{"controller", "microservice"}}), 2u);

  server_->update("shop", "users", {{"spec", {{"replicas", 3}}}});
  ASSERT_TRUE(eventually([&] { return reconciler_.count() == 3; }));
  EXPECT_EQ(reconciler_.calls().back(), (Request{"shop", "users"}));
}

TEST_F(ControllerTest, RequeueIsRateLimitedAndCountedAsRequeue) {
  reconciler_.script = [](const Request&, int call) { return call <= 2 ? Result::requeue() : Result::done(); };
  server_->create("shop", "users");
  auto controller = makeController();
  primary_->start();
  ASSERT_TRUE(controller->start());
  ASSERT_TRUE(eventually([&] { return reconciler_.count() == 1; }));
  ASSERT_TRUE(eventually([&] { return controller->queue().waiting() == 1; }));
  EXPECT_EQ(controller->queue().numRequeues("shop/users"), 1);
  advance(5ms);
  ASSERT_TRUE(eventually([&] { return reconciler_.count() == 2; }));
  ASSERT_TRUE(eventually([&] { return controller->queue().waiting() == 1; }));
  EXPECT_EQ(controller->queue().numRequeues("shop/users"), 2);
  advance(10ms);
  ASSERT_TRUE(eventually([&] { return reconciles("success") == 1; }));
  EXPECT_EQ(reconciles("requeue"), 2);
  EXPECT_EQ(controller->queue().numRequeues("shop/users"), 0) << "success forgets the backoff";
}

TEST_F(ControllerTest, RequeueAfterWaitsExactlyThatLong) {
  reconciler_.script = [](const Request&, int call) { return call == 1 ? Result::requeueAfter(30s) : Result::done(); };
  server_->create("shop", "users");
  auto controller = makeController();
  primary_->start();
  ASSERT_TRUE(controller->start());
  ASSERT_TRUE(eventually([&] { return reconciles("requeue_after") == 1; }));
  advance(29s);
  EXPECT_EQ(reconciler_.count(), 1u);
  advance(1s);
  ASSERT_TRUE(eventually([&] { return reconciler_.count() == 2; }));
  EXPECT_EQ(controller->queue().numRequeues("shop/users"), 0);
}

TEST_F(ControllerTest, ErrorsRetryWithGrowingBackoff) {
  reconciler_.script = [](const Request&, int call) {
    return call <= 3 ? Result::error("apply failed") : Result::done();
  };
  server_->create("shop", "users");
  auto controller = makeController();
  primary_->start();
  ASSERT_TRUE(controller->start());
  // Per-item backoff: 5 ms, 10 ms, 20 ms. Each retry happens only once the clock has moved that far.
  for (auto [retry, delay] : {std::pair{2u, 5ms}, std::pair{3u, 10ms}, std::pair{4u, 20ms}}) {
    ASSERT_TRUE(eventually([&] { return controller->queue().waiting() == 1; })) << retry;
    advance(delay - 1ms);
    EXPECT_EQ(reconciler_.count(), retry - 1) << "retried before its backoff elapsed";
    advance(1ms);
    ASSERT_TRUE(eventually([&] { return reconciler_.count() == retry; })) << retry;
  }
  ASSERT_TRUE(eventually([&] { return reconciles("success") == 1; }));
  EXPECT_EQ(reconciles("error"), 3);
  EXPECT_EQ(metrics_.value("controller_runtime_reconcile_errors_total", {{"controller", "microservice"}}), 3);
}

TEST_F(ControllerTest, TerminalErrorIsNotRetried) {
  reconciler_.script = [](const Request&, int) { return Result::terminalError("spec.port is out of range"); };
  server_->create("shop", "users");
  auto controller = makeController();
  primary_->start();
  ASSERT_TRUE(controller->start());
  ASSERT_TRUE(eventually([&] { return reconciles("error") == 1; }));
  advance(1h);
  EXPECT_EQ(reconciler_.count(), 1u);
  EXPECT_EQ(controller->queue().waiting(), 0u);
  EXPECT_EQ(metrics_.value("controller_runtime_terminal_reconcile_errors_total", {{"controller", "microservice"}}), 1);
  // A new change to the object is reconciled again.
  server_->update("shop", "users", {{"spec", {{"port", 8080}}}});
  ASSERT_TRUE(eventually([&] { return reconciler_.count() == 2; }));
}

TEST_F(ControllerTest, AThrowingReconcilerCountsAsAnErrorAndIsRetried) {
  reconciler_.script = [](const Request&, int call) -> Result {
    if (call == 1) throw std::runtime_error("boom");
    return Result::done();
  };
  server_->create("shop", "users");
  auto controller = makeController();
  primary_->start();
  ASSERT_TRUE(controller->start());
  ASSERT_TRUE(eventually([&] { return reconciles("error") == 1; }));
  advance(5ms);
  ASSERT_TRUE(eventually([&] { return reconciles("success") == 1; }));
}

TEST_F(ControllerTest, EachReconcileCarriesItsOwnIdAndContext) {
  server_->create("shop", "users");
  server_->create("shop", "orders");
  auto controller = makeController();
  primary_->start();
  ASSERT_TRUE(controller->start());
  ASSERT_TRUE(eventually([&] { return reconciler_.count() == 2; }));
  const auto contexts = reconciler_.contexts();
  ASSERT_EQ(contexts.size(), 2u);
  const std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  for (const auto& context : contexts) {
    EXPECT_EQ(context.controller, "microservice");
    EXPECT_TRUE(std::regex_match(context.reconcileId, uuid)) << context.reconcileId;
    EXPECT_EQ(context.log.fields().size(), 4u);
  }
  EXPECT_NE(contexts[0].reconcileId, contexts[1].reconcileId);
  EXPECT_EQ(currentReconcile(), nullptr) << "no context outside a reconcile";
}

TEST_F(ControllerTest, OwnedObjectsEnqueueTheirControllingOwner) {
  auto deployments = std::make_shared<FakeListerWatcher>();
  Informer owned(deployments, informerOptions("deployments.apps"), clock_);
  auto controller = makeController();
  controller->watchOwned(owned, kMicroservice);
  primary_->start();
  owned.start();
  ASSERT_TRUE(controller->start());

  auto ownerRef = [](std::string apiVersion, std::string kind, std::string name, bool isController) {
    return nlohmann::json{{"metadata",
                           {{"ownerReferences",
                             {{{"apiVersion", apiVersion},
                               {"kind", kind},
                               {"name", name},
                               {"uid", "u-" + name},
                               {"controller", isController}}}}}}};
  };
  deployments->create("shop", "users", ownerRef("flotilla.io/v1alpha1", "Microservice", "users", true));
  deployments->create("shop", "not-controller", ownerRef("flotilla.io/v1alpha1", "Microservice", "x", false));
  deployments->create("shop", "other-kind", ownerRef("apps/v1", "ReplicaSet", "y", true));
  deployments->create("shop", "other-group", ownerRef("example.com/v1", "Microservice", "z", true));
  deployments->create("shop", "orders", ownerRef("flotilla.io/v1beta1", "Microservice", "orders", true));
  ASSERT_TRUE(eventually([&] { return reconciler_.count() == 2; }));
  ASSERT_TRUE(settled(*controller));
  const auto calls = reconciler_.calls();
  EXPECT_EQ(calls.size(), 2u);
  EXPECT_EQ(std::set<Request>(calls.begin(), calls.end()), (std::set<Request>{{"shop", "users"}, {"shop", "orders"}}));

  deployments->remove("shop", "users");
  ASSERT_TRUE(eventually([&] { return reconciler_.count() == 3; }));
  EXPECT_EQ(reconciler_.calls().back(), (Request{"shop", "users"}));
}

TEST_F(ControllerTest, ReferencedObjectsMapThroughAnIndex) {
  // Routes reference a BreakerPolicy by name; a policy change must reconcile the routes that use it.
  auto routesServer = std::make_shared<FakeListerWatcher>();
  auto policiesServer = std::make_shared<FakeListerWatcher>();
  Informer routes(routesServer, informerOptions("routes"), clock_);
  Informer policies(policiesServer, informerOptions("breakerpolicies"), clock_);
  routes.addIndexer("breakerPolicy", [](const nlohmann::json& route) -> std::vector<std::string> {
    auto ref = route.value("/spec/breakerPolicyRef/name"_json_pointer, std::string());
    if (ref.empty()) return {};
    return {objectKey(namespaceOf(route), ref)};
  });
  Controller controller("route", reconciler_.reconciler(), controllerOptions(1), clock_, metrics_);
  controller.watchPrimary(routes);
  controller.watchMapped(policies, mapThroughIndex(routes, "breakerPolicy"));

  auto withPolicy = [](std::string name) { return nlohmann::json{{"spec", {{"breakerPolicyRef", {{"name", name}}}}}}; };
  routesServer->create("shop", "users-route", withPolicy("strict"));
  routesServer->create("shop", "orders-route", withPolicy("strict"));
  routesServer->create("shop", "static-route", withPolicy("lenient"));
  routesServer->create("other", "foreign-route", withPolicy("strict"));
  policiesServer->create("shop", "strict");
  routes.start();
  policies.start();
  ASSERT_TRUE(controller.start());
  ASSERT_TRUE(eventually([&] { return reconciler_.count() >= 4; }));  // the initial reconcile of each route
  // Work through the initial backlog first, so that what follows is only the policy change's doing.
  ASSERT_TRUE(settled(controller));
  const std::size_t before = reconciler_.count();

  policiesServer->update("shop", "strict", {{"spec", {{"failures", 3}}}});
  ASSERT_TRUE(eventually([&] { return reconciler_.count() >= before + 2; }));
  ASSERT_TRUE(settled(controller));
  auto calls = reconciler_.calls();
  EXPECT_EQ(std::set<Request>(calls.begin() + static_cast<long>(before), calls.end()),
            (std::set<Request>{{"shop", "users-route"}, {"shop", "orders-route"}}));
}

TEST_F(ControllerTest, StartWaitsForCacheSyncAndGivesUpAfterTheTimeout) {
  server_->failNextLists(1000, kube::errorFromResponse(503, ""));
  server_->create("shop", "users");
  Controller controller("microservice", reconciler_.reconciler(), controllerOptions(1, 10s), clock_, metrics_);
  controller.watchPrimary(*primary_);
  primary_->start();
  auto started = std::async(std::launch::async, [&] { return controller.start(); });
  for (int i = 0; i < 10000 && started.wait_for(1ms) != std::future_status::ready; ++i) clock_.advance(1s);
  ASSERT_EQ(started.wait_for(0s), std::future_status::ready);
  EXPECT_FALSE(started.get());
  EXPECT_FALSE(controller.cachesSynced());
  EXPECT_FALSE(controller.started());
  EXPECT_EQ(reconciler_.count(), 0u);
}

TEST_F(ControllerTest, NoWorkerRunsBeforeTheCacheHasSynced) {
  server_->failNextLists(2, kube::errorFromResponse(500, ""));
  server_->create("shop", "users");
  auto controller = makeController();
  primary_->start();
  auto started = std::async(std::launch::async, [&] { return controller->start(); });
  ASSERT_TRUE(eventually([&] { return clock_.sleepers() == 1; }));
  EXPECT_FALSE(controller->started());
  for (int i = 0; i < 10000 && started.wait_for(1ms) != std::future_status::ready; ++i) clock_.advance(1s);
  EXPECT_TRUE(started.get());
  ASSERT_TRUE(eventually([&] { return reconciler_.count() == 1; }));
}

TEST_F(ControllerTest, EightWorkersNeverReconcileOneKeyConcurrentlyAndEndOnTheLatestState) {
  std::mutex mutex;
  std::set<Request> inFlight;
  std::map<Request, int> lastRoundSeen;
  std::atomic<int> overlaps{0};
  reconciler_.script = [&](const Request& request, int) {
    {
      std::lock_guard lock(mutex);
      if (!inFlight.insert(request).second) ++overlaps;
    }
    // Level-based: read the current state from the cache, as a real reconciler does.
    auto object = primary_->cache().get(request.namespace_, request.name);
    std::this_thread::sleep_for(200us);
    std::lock_guard lock(mutex);
    inFlight.erase(request);
    if (object) lastRoundSeen[request] = object->value("/spec/round"_json_pointer, -1);
    return Result::done();
  };
  for (int i = 0; i < 4; ++i) server_->create("shop", "svc" + std::to_string(i));
  auto controller = makeController(8);
  primary_->start();
  ASSERT_TRUE(controller->start());
  for (int round = 0; round < 200; ++round) {
    server_->update("shop", "svc" + std::to_string(round % 4), {{"spec", {{"round", round}}}});
  }
  ASSERT_TRUE(eventually([&] { return primary_->lastSyncResourceVersion() == server_->currentResourceVersion(); }));
  ASSERT_TRUE(settled(*controller));
  EXPECT_EQ(overlaps.load(), 0);
  std::lock_guard lock(mutex);
  for (int i = 0; i < 4; ++i) {
    const Request request{"shop", "svc" + std::to_string(i)};
    EXPECT_EQ(lastRoundSeen[request], 196 + i) << "svc" << i;
  }
}

TEST_F(ControllerTest, StopLetsTheInFlightReconcileFinishAndDropsTheRest) {
  std::promise<void> entered;
  std::promise<void> release;
  auto releaseFuture = release.get_future().share();
  reconciler_.script = [&](const Request&, int call) {
    if (call == 1) {
      entered.set_value();
      releaseFuture.wait();
    }
    return Result::done();
  };
  server_->create("shop", "a");
  auto controller = makeController(1);
  primary_->start();
  ASSERT_TRUE(controller->start());
  entered.get_future().wait();
  server_->create("shop", "b");  // queued behind the in-flight one
  ASSERT_TRUE(eventually([&] { return controller->queue().len() == 1; }));

  auto stopped = std::async(std::launch::async, [&] { return controller->stop(10s); });
  EXPECT_EQ(stopped.wait_for(50ms), std::future_status::timeout) << "stop returned before the reconcile finished";
  release.set_value();
  ASSERT_EQ(stopped.wait_for(10s), std::future_status::ready);
  EXPECT_TRUE(stopped.get());
  EXPECT_EQ(reconciler_.count(), 1u) << "queued work is dropped on shutdown";
  server_->create("shop", "c");
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(reconciler_.count(), 1u) << "no intake after stop";
}

TEST_F(ControllerTest, PredicatesFilterWatchNotifications) {
  auto controller =
      std::make_unique<Controller>("microservice", reconciler_.reconciler(), controllerOptions(1), clock_, metrics_);
  controller->watchPrimary(*primary_, generationChanged());
  server_->create("shop", "users", {{"metadata", {{"generation", 1}}}});
  primary_->start();
  ASSERT_TRUE(controller->start());
  ASSERT_TRUE(eventually([&] { return reconciler_.count() == 1; }));
  server_->update("shop", "users", {{"status", {{"ready", true}}}});  // status-only: generation unchanged
  server_->update("shop", "users", {{"metadata", {{"generation", 2}}}, {"spec", {{"x", 1}}}});
  ASSERT_TRUE(eventually([&] { return reconciler_.count() == 2; }));
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(reconciler_.count(), 2u);
}

}  // namespace
}  // namespace flotilla::runtime
