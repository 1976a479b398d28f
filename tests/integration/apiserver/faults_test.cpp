// Fault switches (POST /debug/faults and the C++ handle) and the request log (GET/DELETE /debug/requests).
#include "test_support.h"

namespace flotilla::apiserver::testing {
namespace {

class FaultsTest : public ApiServerTest {
 protected:
  HttpResult postFaults(const json& spec) { return client_.post("/debug/faults", spec); }
  const std::string cms_ = "/api/v1/namespaces/default/configmaps";
};

TEST_F(FaultsTest, NothingIsInjectedByDefault) {
  auto state = client_.get("/debug/faults").json();
  EXPECT_TRUE(state["errors"].empty());
  EXPECT_TRUE(state["latency"].empty());
  EXPECT_EQ(client_.get(cms_).status, 200);
}

TEST_F(FaultsTest, TooManyRequestsForTheNextNMatchingRequests) {
  ASSERT_EQ(postFaults({{"errors", json::array({{{"code", 429},
                                                 {"count", 2},
                                                 {"retryAfterSeconds", 3},
                                                 {"verb", "list"},
                                                 {"resource", "configmaps"}}})}})
                .status,
            200);
  EXPECT_EQ(client_.get("/api/v1/namespaces/default/secrets").status, 200);  // does not match
  for (int i = 0; i < 2; ++i) {
    auto limited = client_.get(cms_);
    EXPECT_EQ(limited.status, 429);
    EXPECT_EQ(limited.header("Retry-After"), "3");
    EXPECT_EQ(limited.json()["reason"], "TooManyRequests");
    EXPECT_EQ(limited.json()["details"]["retryAfterSeconds"], 3);
  }
  EXPECT_EQ(client_.get(cms_).status, 200);
}

TEST_F(FaultsTest, ServerErrorsByCodeAndNamespace) {
  server_.faults().addError({500, 1, 1, "boom", {"create", "", "default", ""}});
  auto failed = client_.post(cms_, configMap("x"));
  EXPECT_EQ(failed.status, 500);
  EXPECT_EQ(failed.json()["reason"], "InternalError");
  EXPECT_EQ(client_.post(cms_, configMap("x")).status, 201);
  postFaults({{"errors", json::array({{{"code", 503}, {"count", 1}}})}});
  EXPECT_EQ(client_.get("/version").status, 503);
  EXPECT_EQ(client_.get("/version").status, 200);
}

TEST_F(FaultsTest, UserAgentSubstringPicksTheClient) {
  // The live fault suite hits the operator ("... (operator) ...") and spares kubectl this way.
  postFaults({{"errors", json::array({{{"code", 409}, {"count", 1}, {"userAgent", "(operator)"}}})}});
  EXPECT_EQ(client_.get(cms_).status, 200) << "this client's user agent is flotilla-tests/1.0";
  postFaults(
      {{"reset", true}, {"errors", json::array({{{"code", 409}, {"count", 1}, {"userAgent", "flotilla-tests/"}}})}});
  auto conflict = client_.get(cms_);
  EXPECT_EQ(conflict.status, 409);
  EXPECT_EQ(conflict.json()["reason"], "Conflict");
  EXPECT_EQ(client_.get(cms_).status, 200);
}

TEST_F(FaultsTest, LatencyDelaysMatchingRequests) {
  postFaults({{"latency", {{"ms", 300}, {"count", 1}, {"resource", "configmaps"}}}});
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(client_.get(cms_).status, 200);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(300));
  EXPECT_TRUE(client_.get("/debug/faults").json()["latency"].empty());
}

TEST_F(FaultsTest, ResetClearsEverything) {
  postFaults({{"errors", json::array({{{"code", 500}, {"count", -1}}})}});
  EXPECT_EQ(client_.get(cms_).status, 500);
  EXPECT_EQ(client_.get(cms_).status, 500);
  postFaults({{"reset", true}});
  EXPECT_EQ(client_.get(cms_).status, 200);
}

TEST_F(FaultsTest, CloseWatchesEndsEveryOpenWatch) {
  auto a = client_.watch(cms_ + "?watch=1");
  auto b = client_.watch("/api/v1/namespaces?watch=1");
  ASSERT_TRUE(eventually([&] { return server_.store().watcherCount() == 2; }));
  postFaults({{"closeWatches", true}});
  EXPECT_TRUE(a->waitForEnd());
  EXPECT_TRUE(b->waitForEnd());
}

TEST_F(FaultsTest, CompactHistoryMakesOldVersionsGone) {
  std::string version = client_.post(cms_, configMap("a")).json()["metadata"]["resourceVersion"];
  client_.post(cms_, configMap("b"));
  postFaults({{"compactHistory", true}});
  auto watch = client_.watch(cms_ + "?watch=1&resourceVersion=" + version);
  auto error = watch->next();
  ASSERT_TRUE(error);
  EXPECT_EQ((*error)["object"]["code"], 410);
}

TEST_F(FaultsTest, RequestLogRecordsEveryRequest) {
  client_.request("DELETE", "/debug/requests");
  std::uint64_t start = server_.requestLog().lastIndex();
  client_.post(cms_ + "?fieldManager=me", configMap("logged"));
  client_.get(cms_ + "/logged");
  client_.patch(cms_ + "/logged", {{"data", {{"a", "b"}}}});
  client_.get(cms_);
  auto watch = client_.watch(cms_ + "?watch=1");
  client_.del(cms_ + "/logged");
  auto log = client_.get("/debug/requests?since=" + std::to_string(start)).json();
  std::vector<std::string> verbs;
  for (const auto& record : log["items"]) verbs.push_back(record["verb"]);
  EXPECT_EQ(verbs, (std::vector<std::string>{"create", "get", "patch", "list", "watch", "delete"}));
  json create = log["items"][0];
  EXPECT_EQ(create["resource"], "configmaps");
  EXPECT_EQ(create["namespace"], "default");
  EXPECT_EQ(create["code"], 201);
  EXPECT_EQ(create["user"], "system:anonymous");
  EXPECT_EQ(create["userAgent"], "flotilla-tests/1.0 (linux/amd64)");
  EXPECT_EQ(create["fieldManager"], "me");
  EXPECT_EQ(log["items"][1]["name"], "logged");
  EXPECT_EQ(server_.requestLog().since(start).size(), 6u);
  client_.request("DELETE", "/debug/requests");
  EXPECT_TRUE(client_.get("/debug/requests").json()["items"].empty());
}

}  // namespace
}  // namespace flotilla::apiserver::testing
