#include "kube/bearer_token_http_client.h"

#include <gtest/gtest.h>

#include "fake_http_client.h"
#include "temp_dir.h"

namespace flotilla::kube {
namespace {

using testing::FakeHttpClient;
using testing::jsonResponse;
using testing::TempDir;

TEST(BearerToken, AddsAuthorizationHeader) {
  auto fake = std::make_shared<FakeHttpClient>();
  fake->responses.push_back(jsonResponse(200, "{}"));
  BearerTokenHttpClient client(fake, staticTokenSource("abc"));
  auto r = client.send(HttpRequest{}, {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(fake->requests().at(0).headers.get("authorization"), "Bearer abc");
}

TEST(BearerToken, RotatedTokenIsRetriedOnceAfter401) {
  TempDir dir;
  const auto path = dir.write("token", "old");
  auto tokens = std::make_shared<FileTokenSource>(path, std::chrono::hours(1), std::make_shared<FakeClock>());
  auto fake = std::make_shared<FakeHttpClient>();
  fake->responses.push_back(jsonResponse(401, R"({"kind":"Status","reason":"Unauthorized","code":401})"));
  fake->responses.push_back(jsonResponse(200, "{}"));
  BearerTokenHttpClient client(fake, tokens);
  EXPECT_EQ(tokens->token().value(), "old");
  dir.write("token", "new");  // rotated; the cache would keep "old" for an hour

  auto r = client.send(HttpRequest{}, {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
  auto requests = fake->requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].headers.get("Authorization"), "Bearer old");
  EXPECT_EQ(requests[1].headers.get("Authorization"), "Bearer new");
}

TEST(BearerToken, Unchanged401IsReturnedWithoutRetry) {
  auto fake = std::make_shared<FakeHttpClient>();
  fake->responses.push_back(jsonResponse(401, "{}"));
  fake->responses.push_back(jsonResponse(200, "{}"));
  BearerTokenHttpClient client(fake, staticTokenSource("same"));
  auto r = client.send(HttpRequest{}, {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(fake->requests().size(), 1u);
}

TEST(BearerToken, StreamsAreAuthorizedAndRetriedToo) {
  TempDir dir;
  const auto path = dir.write("token", "old");
  auto tokens = std::make_shared<FileTokenSource>(path, std::chrono::hours(1), std::make_shared<FakeClock>());
  (void)tokens->token();
  dir.write("token", "new");
  auto fake = std::make_shared<FakeHttpClient>();
  fake->streams.push_back(FakeHttpClient::StreamScript{401, {"{}"}, std::nullopt, {}});
  fake->streams.push_back(FakeHttpClient::StreamScript{200, {"line"}, std::nullopt, {}});
  BearerTokenHttpClient client(fake, tokens);
  auto r = client.stream(HttpRequest{}, {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(fake->requests().at(1).headers.get("Authorization"), "Bearer new");
}

TEST(BearerToken, UnreadableTokenIsAnError) {
  auto fake = std::make_shared<FakeHttpClient>();
  BearerTokenHttpClient client(fake, std::make_shared<FileTokenSource>("/nonexistent/token"));
  EXPECT_TRUE(client.send(HttpRequest{}, {}).is(ErrorKind::Config));
  EXPECT_TRUE(fake->requests().empty());
}

}  // namespace
}  // namespace flotilla::kube
