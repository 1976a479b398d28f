#include "kube/client.h"

#include <gtest/gtest.h>

#include "fake_http_client.h"
#include "kube/well_known_resources.h"

namespace flotilla::kube {
namespace {

using nlohmann::json;
using testing::FakeHttpClient;
using testing::jsonResponse;

class RecordingObserver : public observability::HttpRequestObserver {
 public:
  struct Sample {
    std::string method, host;
    int code;
  };
  void observe(const observability::HttpRequestSample& s) override {
    samples.push_back({std::string(s.method), std::string(s.host), s.code});
  }
  std::vector<Sample> samples;
};

const std::string kNotFound =
    R"({"kind":"Status","apiVersion":"v1","status":"Failure","message":"deployments.apps \"web\" not found",
        "reason":"NotFound","code":404})";
const std::string kTooMany = R"({"kind":"Status","status":"Failure","reason":"TooManyRequests","code":429})";

class ClientTest : public ::testing::Test {
 protected:
  ClientTest() {
    options.clock = clock;
    options.observer = observer;
    options.host = "api.test:6443";
  }
  Client& client() {
    if (!client_) client_ = std::make_unique<Client>(fake, options);
    return *client_;
  }
  HttpRequest only() {
    auto requests = fake->requests();
    EXPECT_EQ(requests.size(), 1u);
    return requests.empty() ? HttpRequest{} : requests.front();
  }

  std::shared_ptr<FakeHttpClient> fake = std::make_shared<FakeHttpClient>();
  std::shared_ptr<FakeClock> clock = std::make_shared<FakeClock>();
  std::shared_ptr<RecordingObserver> observer = std::make_shared<RecordingObserver>();
  ClientOptions options;

 private:
  std::unique_ptr<Client> client_;
};

json deployment(const std::string& ns, const std::string& name) {
  return {{"metadata", {{"namespace", ns}, {"name", name}}}, {"spec", {{"replicas", 2}}}};
}

TEST_F(ClientTest, GetBuildsPathAndHeadersAndFillsTypeMeta) {
  fake->responses.push_back(jsonResponse(200, R"({"metadata":{"name":"web","namespace":"shop"}})"));
  auto object = client().get(resources::kDeployments, "shop", "web");
  ASSERT_TRUE(object.ok()) << object.error().toString();
  EXPECT_EQ((*object)["apiVersion"], "apps/v1");
  EXPECT_EQ((*object)["kind"], "Deployment");
  auto request = only();
  EXPECT_EQ(request.method, "GET");
  EXPECT_EQ(request.pathAndQuery, "/apis/apps/v1/namespaces/shop/deployments/web");
  EXPECT_EQ(request.headers.get("User-Agent"), defaultUserAgent());
  EXPECT_EQ(request.headers.get("Accept"), "application/json");
  EXPECT_EQ(request.timeout, std::chrono::seconds(30));
  EXPECT_EQ(defaultUserAgent().rfind("flotilla/", 0), 0u);
  EXPECT_NE(defaultUserAgent().find("(operator)"), std::string::npos);
}

TEST_F(ClientTest, NotFoundIsTyped) {
  fake->responses.push_back(jsonResponse(404, kNotFound));
  auto object = client().get(resources::kDeployments, "shop", "web");
  ASSERT_TRUE(object.is(ErrorKind::NotFound));
  EXPECT_EQ(object.error().message, "deployments.apps \"web\" not found");
}

TEST_F(ClientTest, NamespacedGetWithoutNamespaceIsRefusedLocally) {
  auto object = client().get(resources::kDeployments, "", "web");
  EXPECT_TRUE(object.is(ErrorKind::BadRequest));
  EXPECT_TRUE(fake->requests().empty());
}

TEST_F(ClientTest, NonJsonSuccessIsDecodeError) {
  fake->responses.push_back(jsonResponse(200, "<html>"));
  EXPECT_TRUE(client().get(resources::kPods, "shop", "p").is(ErrorKind::Decode));
}

TEST_F(ClientTest, ListEncodesOptionsAndReturnsVersionAndContinue) {
  fake->responses.push_back(jsonResponse(200, R"({"kind":"PodList","apiVersion":"v1",
      "metadata":{"resourceVersion":"42","continue":"abc","remainingItemCount":7},
      "items":[{"metadata":{"name":"a"}},{"metadata":{"name":"b"}}]})"));
  ListOptions options;
  options.labelSelector = "app in (web,api)";
  options.fieldSelector = "metadata.name=a";
  options.limit = 2;
  options.resourceVersion = "0";
  auto list = client().list(resources::kPods, "shop", options);
  ASSERT_TRUE(list.ok()) << list.error().toString();
  EXPECT_EQ(list->resourceVersion, "42");
  EXPECT_EQ(list->continueToken, "abc");
  EXPECT_EQ(list->remainingItemCount, 7);
  ASSERT_EQ(list->items.size(), 2u);
  EXPECT_EQ(list->items[1]["kind"], "Pod");
  EXPECT_EQ(list->items[1]["apiVersion"], "v1");
  EXPECT_EQ(only().pathAndQuery,
            "/api/v1/namespaces/shop/pods?labelSelector=app%20in%20%28web%2Capi%29"
            "&fieldSelector=metadata.name%3Da&limit=2&resourceVersion=0");
}

TEST_F(ClientTest, ListAllFollowsContinueTokens) {
  fake->responses.push_back(jsonResponse(200, R"({"metadata":{"resourceVersion":"10","continue":"p2"},
      "items":[{"metadata":{"name":"a"}}]})"));
  fake->responses.push_back(jsonResponse(200, R"({"metadata":{"resourceVersion":"10","continue":"p3"},
      "items":[{"metadata":{"name":"b"}}]})"));
  fake->responses.push_back(jsonResponse(200, R"({"metadata":{"resourceVersion":"10"},
      "items":[{"metadata":{"name":"c"}}]})"));
  auto all = client().listAll(resources::kConfigMaps, "");
  ASSERT_TRUE(all.ok()) << all.error().toString();
  ASSERT_EQ(all->items.size(), 3u);
  EXPECT_EQ(all->items[2]["metadata"]["name"], "c");
  EXPECT_EQ(all->resourceVersion, "10");
  auto requests = fake->requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].pathAndQuery, "/api/v1/configmaps?limit=500");
  EXPECT_EQ(requests[1].pathAndQuery, "/api/v1/configmaps?limit=500&continue=p2");
  EXPECT_EQ(requests[2].pathAndQuery, "/api/v1/configmaps?limit=500&continue=p3");
}

TEST_F(ClientTest, CreatePostsToCollectionWithFieldManager) {
  fake->responses.push_back(jsonResponse(201, R"({"metadata":{"name":"web","resourceVersion":"1"}})"));
  auto created = client().create(resources::kDeployments, deployment("shop", "web"));
  ASSERT_TRUE(created.ok()) << created.error().toString();
  auto request = only();
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.pathAndQuery, "/apis/apps/v1/namespaces/shop/deployments?fieldManager=flotilla");
  EXPECT_EQ(request.headers.get("Content-Type"), "application/json");
  auto body = json::parse(request.body);
  EXPECT_EQ(body["apiVersion"], "apps/v1");
  EXPECT_EQ(body["kind"], "Deployment");
  EXPECT_EQ(body["spec"]["replicas"], 2);
}

TEST_F(ClientTest, CreateWithoutNamespaceIsRefusedLocally) {
  auto created = client().create(resources::kDeployments, json{{"metadata", {{"name", "web"}}}});
  ASSERT_TRUE(created.is(ErrorKind::BadRequest));
  EXPECT_NE(created.error().message.find("metadata.namespace is required"), std::string::npos);
  EXPECT_TRUE(fake->requests().empty());
}

TEST_F(ClientTest, ConflictAndAlreadyExistsAreTyped) {
  fake->responses.push_back(
      jsonResponse(409, R"({"kind":"Status","reason":"AlreadyExists","code":409,"message":"exists"})"));
  fake->responses.push_back(jsonResponse(409, R"({"kind":"Status","reason":"Conflict","code":409,"message":"stale"})"));
  EXPECT_TRUE(client().create(resources::kDeployments, deployment("shop", "web")).is(ErrorKind::AlreadyExists));
  EXPECT_TRUE(client().update(resources::kDeployments, deployment("shop", "web")).is(ErrorKind::Conflict));
  EXPECT_EQ(fake->requests().size(), 2u);  // neither is retried
}

TEST_F(ClientTest, UpdateAndUpdateStatusPut) {
  fake->responses.push_back(jsonResponse(200, "{}"));
  fake->responses.push_back(jsonResponse(200, "{}"));
  ASSERT_TRUE(client().update(resources::kMicroservices, deployment("shop", "users")).ok());
  WriteOptions dryRun;
  dryRun.dryRun = true;
  ASSERT_TRUE(client().updateStatus(resources::kMicroservices, deployment("shop", "users"), dryRun).ok());
  auto requests = fake->requests();
  EXPECT_EQ(requests[0].method, "PUT");
  EXPECT_EQ(requests[0].pathAndQuery,
            "/apis/flotilla.io/v1alpha1/namespaces/shop/microservices/users?fieldManager=flotilla");
  EXPECT_EQ(requests[1].pathAndQuery,
            "/apis/flotilla.io/v1alpha1/namespaces/shop/microservices/users/status?dryRun=All&fieldManager=flotilla");
}

TEST_F(ClientTest, PatchTypesSetContentType) {
  for (int i = 0; i < 3; ++i) fake->responses.push_back(jsonResponse(200, "{}"));
  ASSERT_TRUE(client().patch(resources::kConfigMaps, "shop", "cfg", PatchType::Merge, {{"data", {{"a", "1"}}}}).ok());
  ASSERT_TRUE(client()
                  .patch(resources::kConfigMaps, "shop", "cfg", PatchType::Json,
                         json::array({{{"op", "remove"}, {"path", "/data/a"}}}))
                  .ok());
  ASSERT_TRUE(
      client()
          .patch(resources::kDeployments, "shop", "web", PatchType::StrategicMerge, {{"spec", {}}}, {}, "status")
          .ok());
  auto requests = fake->requests();
  EXPECT_EQ(requests[0].method, "PATCH");
  EXPECT_EQ(requests[0].headers.get("Content-Type"), "application/merge-patch+json");
  EXPECT_EQ(requests[1].headers.get("Content-Type"), "application/json-patch+json");
  EXPECT_EQ(json::parse(requests[1].body)[0]["op"], "remove");
  EXPECT_EQ(requests[2].headers.get("Content-Type"), "application/strategic-merge-patch+json");
  EXPECT_EQ(requests[2].pathAndQuery, "/apis/apps/v1/namespaces/shop/deployments/web/status?fieldManager=flotilla");
}

TEST_F(ClientTest, ServerSideApplySendsApplyPatchWithForce) {
  fake->responses.push_back(jsonResponse(200, R"({"metadata":{"name":"web"}})"));
  fake->responses.push_back(jsonResponse(200, R"({"metadata":{"name":"web"}})"));
  ASSERT_TRUE(client().apply(resources::kDeployments, deployment("shop", "web")).ok());
  ApplyOptions noForce;
  noForce.force = false;
  noForce.fieldManager = "flotilla-status";
  ASSERT_TRUE(client().applyStatus(resources::kDeployments, deployment("shop", "web"), noForce).ok());
  auto requests = fake->requests();
  EXPECT_EQ(requests[0].method, "PATCH");
  EXPECT_EQ(requests[0].pathAndQuery, "/apis/apps/v1/namespaces/shop/deployments/web?fieldManager=flotilla&force=true");
  EXPECT_EQ(requests[0].headers.get("Content-Type"), "application/apply-patch+yaml");
  auto body = json::parse(requests[0].body);
  EXPECT_EQ(body["apiVersion"], "apps/v1");
  EXPECT_EQ(body["kind"], "Deployment");
  EXPECT_EQ(body["metadata"]["name"], "web");
  EXPECT_EQ(requests[1].pathAndQuery,
            "/apis/apps/v1/namespaces/shop/deployments/web/status?fieldManager=flotilla-status");
}

TEST_F(ClientTest, ApplyConflictIsTypedWithCauses) {
  fake->responses.push_back(jsonResponse(409, R"({"kind":"Status","reason":"Conflict","code":409,
      "message":"Apply failed with 1 conflict: conflict with \"kubectl\": .spec.replicas",
      "details":{"causes":[{"reason":"FieldManagerConflict","message":"conflict with \"kubectl\"","field":".spec.replicas"}]}})"));
  ApplyOptions noForce;
  noForce.force = false;
  auto r = client().apply(resources::kDeployments, deployment("shop", "web"), noForce);
  ASSERT_TRUE(r.is(ErrorKind::Conflict));
  ASSERT_EQ(r.error().causes.size(), 1u);
  EXPECT_EQ(r.error().causes[0].field, ".spec.replicas");
}

TEST_F(ClientTest, DeleteSendsDeleteOptions) {
  fake->responses.push_back(jsonResponse(200, R"({"kind":"Status","status":"Success"})"));
  DeleteOptions options;
  options.propagationPolicy = "Foreground";
  options.preconditionUid = "uid-1";
  options.preconditionResourceVersion = "7";
  options.gracePeriodSeconds = 0;
  auto r = client().remove(resources::kMicroservices, "shop", "users", options);
  ASSERT_TRUE(r.ok()) << r.error().toString();
  auto request = only();
  EXPECT_EQ(request.method, "DELETE");
  EXPECT_EQ(request.pathAndQuery, "/apis/flotilla.io/v1alpha1/namespaces/shop/microservices/users");
  auto body = json::parse(request.body);
  EXPECT_EQ(body["kind"], "DeleteOptions");
  EXPECT_EQ(body["propagationPolicy"], "Foreground");
  EXPECT_EQ(body["preconditions"]["uid"], "uid-1");
  EXPECT_EQ(body["preconditions"]["resourceVersion"], "7");
  EXPECT_EQ(body["gracePeriodSeconds"], 0);
}

TEST_F(ClientTest, TooManyRequestsSleepsRetryAfterThenSucceedsEvenForWrites) {
  fake->responses.push_back(jsonResponse(429, kTooMany, {{"Retry-After", "2"}}));
  fake->responses.push_back(jsonResponse(429, kTooMany, {{"Retry-After", "3"}}));
  fake->responses.push_back(jsonResponse(201, "{}"));
  auto r = client().create(resources::kDeployments, deployment("shop", "web"));
  ASSERT_TRUE(r.ok()) << r.error().toString();
  EXPECT_EQ(fake->requests().size(), 3u);
  std::vector<Clock::Duration> retrySleeps;
  for (auto s : clock->sleeps()) {
    if (s >= std::chrono::seconds(1)) retrySleeps.push_back(s);
  }
  EXPECT_EQ(retrySleeps, (std::vector<Clock::Duration>{std::chrono::seconds(2), std::chrono::seconds(3)}));
}

TEST_F(ClientTest, TooManyRequestsGivesUpAfterMaxRetries) {
  options.maxRetries = 2;
  for (int i = 0; i < 5; ++i) fake->responses.push_back(jsonResponse(429, kTooMany, {{"Retry-After", "1"}}));
  auto r = client().get(resources::kPods, "shop", "p");
  ASSERT_TRUE(r.is(ErrorKind::TooManyRequests));
  EXPECT_EQ(r.error().retryAfter, std::chrono::seconds(1));
  EXPECT_EQ(fake->requests().size(), 3u);
}

TEST_F(ClientTest, RetryAfterBeyondTheBoundGoesBackToTheCaller) {
  fake->responses.push_back(jsonResponse(429, kTooMany, {{"Retry-After", "3600"}}));
  auto r = client().get(resources::kPods, "shop", "p");
  ASSERT_TRUE(r.is(ErrorKind::TooManyRequests));
  EXPECT_EQ(r.error().retryAfter, std::chrono::seconds(3600));
  EXPECT_EQ(fake->requests().size(), 1u);
}

TEST_F(ClientTest, ServiceUnavailableWithRetryAfterIsRetriedOnlyForReads) {
  const std::string unavailable = R"({"kind":"Status","reason":"ServiceUnavailable","code":503})";
  fake->responses.push_back(jsonResponse(503, unavailable, {{"Retry-After", "1"}}));
  fake->responses.push_back(jsonResponse(200, "{}"));
  EXPECT_TRUE(client().get(resources::kPods, "shop", "p").ok());
  fake->responses.push_back(jsonResponse(503, unavailable, {{"Retry-After", "1"}}));
  fake->responses.push_back(jsonResponse(200, "{}"));
  EXPECT_TRUE(client().create(resources::kPods, deployment("shop", "p")).is(ErrorKind::ServiceUnavailable));
  EXPECT_EQ(fake->requests().size(), 3u);
}

TEST_F(ClientTest, InternalErrorsAreNotRetried) {
  fake->responses.push_back(jsonResponse(500, R"({"kind":"Status","reason":"InternalError","code":500})"));
  EXPECT_TRUE(client().get(resources::kPods, "shop", "p").is(ErrorKind::InternalError));
  EXPECT_EQ(fake->requests().size(), 1u);
}

TEST_F(ClientTest, TransportRetriesOnlyWhenSafe) {
  // A write that never reached the server: retried once.
  fake->responses.push_back(transportError("connection refused", /*notSent=*/true));
  fake->responses.push_back(jsonResponse(201, "{}"));
  EXPECT_TRUE(client().create(resources::kPods, deployment("shop", "p")).ok());
  EXPECT_EQ(fake->requests().size(), 2u);

  // A write that may have reached the server: not retried.
  fake->responses.push_back(transportError("connection reset"));
  fake->responses.push_back(jsonResponse(201, "{}"));
  EXPECT_TRUE(client().create(resources::kPods, deployment("shop", "p")).is(ErrorKind::Transport));
  EXPECT_EQ(fake->requests().size(), 3u);
  fake->responses.clear();

  // A read: retried once, then the error stands.
  fake->responses.push_back(transportError("connection reset"));
  fake->responses.push_back(transportError("connection reset"));
  fake->responses.push_back(jsonResponse(200, "{}"));
  EXPECT_TRUE(client().get(resources::kPods, "shop", "p").is(ErrorKind::Transport));
  EXPECT_EQ(fake->requests().size(), 5u);
}

TEST_F(ClientTest, RateLimiterSpacesRequestsBeyondBurst) {
  options.qps = 10;
  options.burst = 2;
  fake->fallback = [](const HttpRequest&) { return jsonResponse(200, "{}"); };
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(client().get(resources::kPods, "shop", "p").ok());
  auto sleeps = clock->sleeps();
  ASSERT_EQ(sleeps.size(), 3u);
  for (auto s : sleeps) {
    EXPECT_EQ(std::chrono::duration_cast<std::chrono::milliseconds>(s), std::chrono::milliseconds(100));
  }
}

TEST_F(ClientTest, CancelledTokenStopsBeforeSending) {
  CancelSource source;
  source.cancel();
  EXPECT_TRUE(client().get(resources::kPods, "shop", "p", source.token()).is(ErrorKind::Cancelled));
  EXPECT_TRUE(fake->requests().empty());
}

TEST_F(ClientTest, ObserverSeesEveryAttempt) {
  fake->responses.push_back(jsonResponse(429, kTooMany, {{"Retry-After", "0"}}));
  fake->responses.push_back(jsonResponse(200, "{}"));
  fake->responses.push_back(transportError("refused", true));
  fake->responses.push_back(transportError("refused", true));
  ASSERT_TRUE(client().get(resources::kPods, "shop", "p").ok());
  ASSERT_FALSE(client().remove(resources::kPods, "shop", "p").ok());
  ASSERT_EQ(observer->samples.size(), 4u);
  EXPECT_EQ(observer->samples[0].code, 429);
  EXPECT_EQ(observer->samples[1].code, 200);
  EXPECT_EQ(observer->samples[1].method, "GET");
  EXPECT_EQ(observer->samples[1].host, "api.test:6443");
  EXPECT_EQ(observer->samples[2].code, 0);
  EXPECT_EQ(observer->samples[3].method, "DELETE");
}

TEST_F(ClientTest, RawReturnsTypedErrors) {
  fake->responses.push_back(jsonResponse(200, R"({"gitVersion":"v1.32.0"})"));
  fake->responses.push_back(jsonResponse(403, R"({"kind":"Status","reason":"Forbidden","code":403})"));
  HttpRequest version;
  version.pathAndQuery = "/version";
  auto ok = client().raw(version);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(json::parse(ok->body)["gitVersion"], "v1.32.0");
  EXPECT_TRUE(client().raw(version).is(ErrorKind::Forbidden));
}

// ---------------------------------------------------------------------------------------------- watch

TEST_F(ClientTest, WatchParsesEventsAndBuildsQuery) {
  fake->streams.push_back(FakeHttpClient::StreamScript{
      200,
      {R"({"type":"ADDED","object":{"metadata":{"name":"a","resourceVersion":"11"}}})", "",
       R"({"type":"MODIFIED","object":{"metadata":{"name":"a","resourceVersion":"12"}}})",
       R"({"type":"BOOKMARK","object":{"kind":"Pod","apiVersion":"v1","metadata":{"resourceVersion":"13"}}})",
       R"({"type":"DELETED","object":{"metadata":{"name":"a","resourceVersion":"14"}}})"},
      std::nullopt,
      {}});
  WatchOptions options;
  options.resourceVersion = "10";
  options.timeoutSeconds = 300;
  options.labelSelector = "app=web";
  auto stream = client().watch(resources::kPods, "shop", options);
  ASSERT_TRUE(stream.ok()) << stream.error().toString();
  std::vector<std::pair<WatchEventType, std::string>> seen;
  while (true) {
    auto event = (*stream)->next();
    ASSERT_TRUE(event.ok()) << event.error().toString();
    if (!*event) break;
    EXPECT_EQ((**event).object["kind"], "Pod");
    seen.emplace_back((**event).type, (**event).object["metadata"]["resourceVersion"]);
  }
  EXPECT_EQ(seen, (std::vector<std::pair<WatchEventType, std::string>>{{WatchEventType::Added, "11"},
                                                                       {WatchEventType::Modified, "12"},
                                                                       {WatchEventType::Bookmark, "13"},
                                                                       {WatchEventType::Deleted, "14"}}));
  auto request = only();
  EXPECT_EQ(request.pathAndQuery,
            "/api/v1/namespaces/shop/pods?watch=true&labelSelector=app%3Dweb&resourceVersion=10"
            "&allowWatchBookmarks=true&timeoutSeconds=300");
  EXPECT_GT(request.timeout, std::chrono::seconds(300));  // the server ends the watch, not our inactivity timer
}

TEST_F(ClientTest, WatchErrorEventBecomesGone) {
  fake->streams.push_back(FakeHttpClient::StreamScript{
      200,
      {R"json({"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","status":"Failure",
           "message":"too old resource version: 1 (50)","reason":"Expired","code":410}})json"},
      std::nullopt,
      {}});
  auto stream = client().watch(resources::kPods, "");
  ASSERT_TRUE(stream.ok());
  auto event = (*stream)->next();
  ASSERT_TRUE(event.is(ErrorKind::Gone));
  EXPECT_EQ(event.error().message, "too old resource version: 1 (50)");
}

TEST_F(ClientTest, WatchRejectedAtConnectIsTyped) {
  fake->streams.push_back(FakeHttpClient::StreamScript{
      410, {R"({"kind":"Status","reason":"Expired","code":410,"message":"too old"})"}, std::nullopt, {}});
  auto stream = client().watch(resources::kPods, "shop");
  ASSERT_TRUE(stream.is(ErrorKind::Gone));
  EXPECT_EQ(stream.error().message, "too old");
}

TEST_F(ClientTest, WatchStreamFailuresSurface) {
  fake->streams.push_back(FakeHttpClient::StreamScript{200, {"not json"}, std::nullopt, {}});
  fake->streams.push_back(FakeHttpClient::StreamScript{200, {}, transportError("connection reset"), {}});
  auto bad = client().watch(resources::kPods, "shop");
  ASSERT_TRUE(bad.ok());
  EXPECT_TRUE((*bad)->next().is(ErrorKind::Decode));
  auto broken = client().watch(resources::kPods, "shop");
  ASSERT_TRUE(broken.ok());
  EXPECT_TRUE((*broken)->next().is(ErrorKind::Transport));
}

TEST_F(ClientTest, WatchIsRetriedOn429) {
  fake->streams.push_back(FakeHttpClient::StreamScript{429, {kTooMany}, std::nullopt, {{"Retry-After", "1"}}});
  fake->streams.push_back(FakeHttpClient::StreamScript{200, {}, std::nullopt, {}});
  auto stream = client().watch(resources::kPods, "shop");
  ASSERT_TRUE(stream.ok()) << stream.error().toString();
  EXPECT_EQ(fake->requests().size(), 2u);
}

}  // namespace
}  // namespace flotilla::kube
