// kube::Client against the in-process API emulator (src/apiserver/test_api_server.h), connected through the
// kubeconfig the emulator writes: the same path `flotilla operator --kubeconfig` takes.

#include <functional>
#include <future>
#include <thread>

#include <gtest/gtest.h>

#include "apiserver/test_api_server.h"
#include "kube/connect.h"
#include "kube/kubeconfig.h"
#include "kube/well_known_resources.h"

namespace flotilla::kube {
namespace {

namespace as = flotilla::apiserver;
using nlohmann::json;
using namespace std::chrono_literals;

json configMap(const std::string& ns, const std::string& name, json data = json::object(), json labels = {}) {
  json object = {{"metadata", {{"namespace", ns}, {"name", name}}}, {"data", std::move(data)}};
  if (!labels.is_null()) object["metadata"]["labels"] = std::move(labels);
  return object;
}

json deployment(const std::string& ns, const std::string& name, int replicas) {
  return {{"metadata", {{"namespace", ns}, {"name", name}}},
          {"spec",
           {{"replicas", replicas},
            {"selector", {{"matchLabels", {{"app", name}}}}},
            {"template",
             {{"metadata", {{"labels", {{"app", name}}}}},
              {"spec", {{"containers", json::array({{{"name", "app"}, {"image", "flotilla/echo:1"}}})}}}}}}}};
}

// The emulator logs a request as it finishes answering it, which can be just after the client has the answer:
// read the log by content, waiting (bounded) until `expected` matching records are in.
std::vector<as::RequestRecord> waitForRecords(as::RequestLog& log, std::size_t expected,
                                              const std::function<bool(const as::RequestRecord&)>& matches) {
  std::vector<as::RequestRecord> out;
  for (int attempt = 0; attempt < 100; ++attempt) {
    out.clear();
    for (auto& record : log.all()) {
      if (matches(record)) out.push_back(record);
    }
    if (out.size() >= expected) break;
    std::this_thread::sleep_for(50ms);
  }
  return out;
}

class EmulatorTest : public ::testing::Test {
 protected:
  void SetUp() override { start(as::TestApiServer::defaultOptions()); }

  void start(as::ApiServerOptions options) {
    server_ = std::make_unique<as::TestApiServer>(std::move(options));
    ASSERT_TRUE(server_->started()) << server_->startError();
    auto config = loadKubeconfigFile(server_->kubeconfigPath());
    ASSERT_TRUE(config.ok()) << config.error().toString();
    config_ = *config;
    auto client = connect(config_);
    ASSERT_TRUE(client.ok()) << client.error().toString();
    client_ = *client;
    ASSERT_TRUE(client_->create(resources::kNamespaces, {{"metadata", {{"name", "shop"}}}}).ok());
  }

  Client& client() { return *client_; }
  as::TestApiServer& server() { return *server_; }

  std::vector<as::RequestRecord> recordsFor(const std::string& name, const std::string& verb, std::size_t expected) {
    return waitForRecords(server().requestLog(), expected, [&](const as::RequestRecord& record) {
      return record.name == name && (verb.empty() || record.verb == verb);
    });
  }

  std::unique_ptr<as::TestApiServer> server_;
  RestConfig config_;
  std::shared_ptr<Client> client_;
};

TEST_F(EmulatorTest, CrudWithOptimisticConcurrency) {
  auto created = client().create(resources::kConfigMaps, configMap("shop", "cfg", {{"a", "1"}}));
  ASSERT_TRUE(created.ok()) << created.error().toString();
  const std::string version = (*created)["metadata"]["resourceVersion"];

  auto fetched = client().get(resources::kConfigMaps, "shop", "cfg");
  ASSERT_TRUE(fetched.ok()) << fetched.error().toString();
  EXPECT_EQ((*fetched)["data"]["a"], "1");
  EXPECT_EQ((*fetched)["kind"], "ConfigMap");

  json changed = *fetched;
  changed["data"]["a"] = "2";
  auto updated = client().update(resources::kConfigMaps, changed);
  ASSERT_TRUE(updated.ok()) << updated.error().toString();
  EXPECT_NE((*updated)["metadata"]["resourceVersion"], version);

  changed["data"]["a"] = "3";  // still carries the old resourceVersion
  auto stale = client().update(resources::kConfigMaps, changed);
  ASSERT_TRUE(stale.is(ErrorKind::Conflict)) << (stale.ok() ? "ok" : stale.error().toString());

  auto merged = client().patch(resources::kConfigMaps, "shop", "cfg", PatchType::Merge, {{"data", {{"b", "x"}}}});
  ASSERT_TRUE(merged.ok()) << merged.error().toString();
  EXPECT_EQ((*merged)["data"], json({{"a", "2"}, {"b", "x"}}));

  auto patched = client().patch(resources::kConfigMaps, "shop", "cfg", PatchType::Json,
                                json::array({{{"op", "remove"}, {"path", "/data/a"}}}));
  ASSERT_TRUE(patched.ok()) << patched.error().toString();
  EXPECT_EQ((*patched)["data"], json({{"b", "x"}}));

  ASSERT_TRUE(client().remove(resources::kConfigMaps, "shop", "cfg").ok());
  EXPECT_TRUE(client().get(resources::kConfigMaps, "shop", "cfg").is(ErrorKind::NotFound));
  EXPECT_TRUE(client().remove(resources::kConfigMaps, "shop", "cfg").is(ErrorKind::NotFound));
}

TEST_F(EmulatorTest, TypedErrorsFromRealStatusBodies) {
  ASSERT_TRUE(client().create(resources::kConfigMaps, configMap("shop", "dup")).ok());
  EXPECT_TRUE(client().create(resources::kConfigMaps, configMap("shop", "dup")).is(ErrorKind::AlreadyExists));

  auto invalid = client().create(resources::kConfigMaps, configMap("shop", "Not_A_Name"));
  ASSERT_TRUE(invalid.is(ErrorKind::Invalid)) << (invalid.ok() ? "ok" : invalid.error().toString());
  ASSERT_FALSE(invalid.error().causes.empty());
  EXPECT_EQ(invalid.error().causes[0].field, "metadata.name");

  EXPECT_TRUE(client().get(resources::kConfigMaps, "nowhere", "x").is(ErrorKind::NotFound));

  DeleteOptions wrongUid;
  wrongUid.preconditionUid = "not-the-uid";
  EXPECT_TRUE(client().remove(resources::kConfigMaps, "shop", "dup", wrongUid).is(ErrorKind::Conflict));
}

TEST_F(EmulatorTest, ListPaginationAndSelectors) {
  for (int i = 0; i < 25; ++i) {
    const std::string tier = i % 5 == 0 ? "gold" : "basic";
    ASSERT_TRUE(client()
                    .create(resources::kConfigMaps, configMap("shop", "cm-" + std::to_string(i), {}, {{"tier", tier}}))
                    .ok());
  }
  ListOptions page;
  page.limit = 10;
  page.labelSelector = "tier";
  std::set<std::string> names;
  int pages = 0;
  while (true) {
    auto list = client().list(resources::kConfigMaps, "shop", page);
    ASSERT_TRUE(list.ok()) << list.error().toString();
    ++pages;
    EXPECT_LE(list->items.size(), 10u);
    for (const auto& item : list->items) names.insert(item["metadata"]["name"]);
    if (list->continueToken.empty()) break;
    page.continueToken = list->continueToken;
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(names.size(), 25u);

  ListOptions gold;
  gold.labelSelector = "tier=gold";
  auto all = client().listAll(resources::kConfigMaps, "shop", gold);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->items.size(), 5u);
  EXPECT_FALSE(all->resourceVersion.empty());

  ListOptions byName;
  byName.fieldSelector = "metadata.name=cm-7";
  auto one = client().list(resources::kConfigMaps, "", byName);
  ASSERT_TRUE(one.ok());
  ASSERT_EQ(one->items.size(), 1u);
  EXPECT_EQ(one->items[0]["metadata"]["namespace"], "shop");
}

TEST_F(EmulatorTest, WatchSeesChangesInOrderWithBookmarks) {
  auto list = client().list(resources::kConfigMaps, "shop");
  ASSERT_TRUE(list.ok());
  WatchOptions options;
  options.resourceVersion = list->resourceVersion;
  options.timeoutSeconds = 30;
  auto watch = client().watch(resources::kConfigMaps, "shop", options);
  ASSERT_TRUE(watch.ok()) << watch.error().toString();

  auto writer = std::async(std::launch::async, [&] {
    return client().create(resources::kConfigMaps, configMap("shop", "w", {{"v", "1"}})).ok() &&
           client().patch(resources::kConfigMaps, "shop", "w", PatchType::Merge, {{"data", {{"v", "2"}}}}).ok() &&
           client().remove(resources::kConfigMaps, "shop", "w").ok();
  });
  std::vector<WatchEventType> changes;
  bool sawBookmark = false;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while ((changes.size() < 3 || !sawBookmark) && std::chrono::steady_clock::now() < deadline) {
    auto event = (*watch)->next();
    ASSERT_TRUE(event.ok()) << event.error().toString();
    ASSERT_TRUE(event->has_value()) << "watch ended early";
    if ((**event).type == WatchEventType::Bookmark) {
      sawBookmark = true;
      continue;
    }
    EXPECT_EQ((**event).object["metadata"]["name"], "w");
    changes.push_back((**event).type);
  }
  EXPECT_TRUE(writer.get());
  EXPECT_EQ(changes,
            (std::vector<WatchEventType>{WatchEventType::Added, WatchEventType::Modified, WatchEventType::Deleted}));
  EXPECT_TRUE(sawBookmark);
}

TEST_F(EmulatorTest, WatchFromCompactedVersionIsGone) {
  auto first = client().create(resources::kConfigMaps, configMap("shop", "old"));
  ASSERT_TRUE(first.ok());
  const std::string oldVersion = (*first)["metadata"]["resourceVersion"];
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(client().create(resources::kConfigMaps, configMap("shop", "n" + std::to_string(i))).ok());
  server().server().compactHistory();

  WatchOptions options;
  options.resourceVersion = oldVersion;
  auto watch = client().watch(resources::kConfigMaps, "shop", options);
  // kube-apiserver answers 410 either at connect or as the first (ERROR) event; both must come out as Gone.
  if (watch.ok()) {
    auto event = (*watch)->next();
    EXPECT_TRUE(event.is(ErrorKind::Gone)) << (event.ok() ? "an event" : event.error().toString());
  } else {
    EXPECT_TRUE(watch.is(ErrorKind::Gone)) << watch.error().toString();
  }
}

TEST_F(EmulatorTest, CancellingAWatchUnblocksItAndClosedWatchesEnd) {
  CancelSource cancel;
  auto watch = client().watch(resources::kConfigMaps, "shop", {}, cancel.token());
  ASSERT_TRUE(watch.ok());
  auto blocked = std::async(std::launch::async, [&] {
    while (true) {
      auto event = (*watch)->next();
      if (!event.ok() || !event->has_value()) return event;
    }
  });
  std::this_thread::sleep_for(100ms);
  cancel.cancel();
  ASSERT_EQ(blocked.wait_for(5s), std::future_status::ready);
  EXPECT_TRUE(blocked.get().is(ErrorKind::Cancelled));

  // The server closing every watch (fault switch) ends the stream instead of leaving it hanging.
  auto second = client().watch(resources::kConfigMaps, "shop");
  ASSERT_TRUE(second.ok());
  auto ended = std::async(std::launch::async, [&] {
    while (true) {
      auto event = (*second)->next();
      if (!event.ok() || !event->has_value()) return event;
    }
  });
  std::this_thread::sleep_for(100ms);
  server().server().closeAllWatches();
  ASSERT_EQ(ended.wait_for(5s), std::future_status::ready) << "a closed watch kept next() blocked";
}

TEST_F(EmulatorTest, ServerSideApplyOwnsFieldsAndReportsConflicts) {
  json intent = configMap("shop", "applied", {{"owned", "by-flotilla"}});
  auto applied = client().apply(resources::kConfigMaps, intent);
  ASSERT_TRUE(applied.ok()) << applied.error().toString();
  EXPECT_EQ((*applied)["data"]["owned"], "by-flotilla");
  bool managedByFlotilla = false;
  for (const auto& entry : (*applied)["metadata"]["managedFields"]) {
    if (entry["manager"] == "flotilla" && entry["operation"] == "Apply") managedByFlotilla = true;
  }
  EXPECT_TRUE(managedByFlotilla) << applied->dump();

  ApplyOptions other;
  other.fieldManager = "someone-else";
  other.force = false;
  auto conflict = client().apply(resources::kConfigMaps, configMap("shop", "applied", {{"owned", "stolen"}}), other);
  ASSERT_TRUE(conflict.is(ErrorKind::Conflict)) << (conflict.ok() ? conflict->dump() : conflict.error().toString());
  other.force = true;
  ASSERT_TRUE(client().apply(resources::kConfigMaps, configMap("shop", "applied", {{"owned", "stolen"}}), other).ok());

  // Our next apply (forced by default) takes the field back; leaving a field out of the intent removes it.
  intent["data"] = {{"kept", "yes"}};
  auto reapplied = client().apply(resources::kConfigMaps, intent);
  ASSERT_TRUE(reapplied.ok()) << reapplied.error().toString();
  EXPECT_EQ((*reapplied)["data"]["kept"], "yes");
}

TEST_F(EmulatorTest, StatusSubresourceWrites) {
  auto created = client().create(resources::kDeployments, deployment("shop", "web", 2));
  ASSERT_TRUE(created.ok()) << created.error().toString();
  json withStatus = *created;
  withStatus["status"] = {{"replicas", 2}, {"readyReplicas", 1}};
  withStatus["spec"]["replicas"] = 5;  // ignored by a status write
  auto updated = client().updateStatus(resources::kDeployments, withStatus);
  ASSERT_TRUE(updated.ok()) << updated.error().toString();
  EXPECT_EQ((*updated)["status"]["readyReplicas"], 1);
  EXPECT_EQ((*updated)["spec"]["replicas"], 2);

  json statusIntent = {{"metadata", {{"namespace", "shop"}, {"name", "web"}}}, {"status", {{"readyReplicas", 2}}}};
  auto applied = client().applyStatus(resources::kDeployments, statusIntent);
  ASSERT_TRUE(applied.ok()) << applied.error().toString();
  EXPECT_EQ((*applied)["status"]["readyReplicas"], 2);
}

TEST_F(EmulatorTest, RequestLogSeesOurUserAgentAndFieldManager) {
  ASSERT_TRUE(client().apply(resources::kConfigMaps, configMap("shop", "ua")).ok());
  auto records = recordsFor("ua", "", 1);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].userAgent, defaultUserAgent());
  EXPECT_EQ(records[0].verb, "patch");
  EXPECT_EQ(records[0].fieldManager, "flotilla");
  EXPECT_EQ(records[0].contentType, "application/apply-patch+yaml");
}

TEST_F(EmulatorTest, TooManyRequestsFaultIsRetriedAfterRetryAfter) {
  as::ErrorFault fault;
  fault.code = 429;
  fault.remaining = 1;
  fault.retryAfterSeconds = 1;
  fault.match.verb = "get";
  server().faults().addError(fault);
  ASSERT_TRUE(client().create(resources::kConfigMaps, configMap("shop", "busy")).ok());
  const auto start = std::chrono::steady_clock::now();
  auto fetched = client().get(resources::kConfigMaps, "shop", "busy");
  ASSERT_TRUE(fetched.ok()) << fetched.error().toString();
  EXPECT_GE(std::chrono::steady_clock::now() - start, 950ms);
  auto records = recordsFor("busy", "get", 2);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].code, 429);
  EXPECT_EQ(records[1].code, 200);
}

TEST(EmulatorTls, RightCaSucceedsWrongCaFailsTokenRequired) {
  auto options = as::TestApiServer::defaultOptions();
  options.tls = true;
  options.tokens = {{"s3cret-token", "admin"}};
  as::TestApiServer server(options);
  ASSERT_TRUE(server.started()) << server.startError();
  auto config = loadKubeconfigFile(server.kubeconfigPath());
  ASSERT_TRUE(config.ok()) << config.error().toString();
  ASSERT_EQ(config->server.rfind("https://", 0), 0u);
  ASSERT_FALSE(config->caPem.empty());

  auto client = connect(*config);
  ASSERT_TRUE(client.ok()) << client.error().toString();
  auto ok = (*client)->list(resources::kNamespaces, "");
  ASSERT_TRUE(ok.ok()) << ok.error().toString();
  auto lists = waitForRecords(server.requestLog(), 1, [](const as::RequestRecord& r) {
    return r.resource == "namespaces" && r.verb == "list";
  });
  ASSERT_EQ(lists.size(), 1u);
  EXPECT_EQ(lists[0].user, "admin");

  RestConfig noToken = *config;
  noToken.token.reset();
  auto anonymous = connect(noToken);
  ASSERT_TRUE(anonymous.ok());
  EXPECT_TRUE((*anonymous)->list(resources::kNamespaces, "").is(ErrorKind::Unauthorized));

  std::string error;
  auto otherCa = as::generateCertificates({"127.0.0.1"}, error);
  ASSERT_TRUE(otherCa.has_value()) << error;
  RestConfig wrongCa = *config;
  wrongCa.caPem = otherCa->caCertPem;
  auto untrusting = connect(wrongCa);
  ASSERT_TRUE(untrusting.ok());
  auto refused = (*untrusting)->list(resources::kNamespaces, "");
  ASSERT_TRUE(refused.is(ErrorKind::Transport));
  EXPECT_NE(refused.error().message.find("certificate verify failed"), std::string::npos) << refused.error().message;
}

}  // namespace
}  // namespace flotilla::kube
