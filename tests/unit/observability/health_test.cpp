#include "observability/health.h"

#include <atomic>

#include <gtest/gtest.h>

#include "http_get.h"

namespace flotilla::observability {
namespace {

using testing::httpGet;

TEST(HealthChecks, AllPassingIsPlainOk) {
  HealthChecks checks;
  checks.addReadinessCheck("informers", [] { return std::optional<std::string>(); });
  auto r = checks.readiness(false);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "ok");
  auto verbose = checks.readiness(true);
  EXPECT_EQ(verbose.status, 200);
  EXPECT_EQ(verbose.body, "[+]informers ok\nreadyz check passed\n");
}

TEST(HealthChecks, FailureListsEveryCheck) {
  HealthChecks checks;
  checks.addReadinessCheck("informers", [] { return std::optional<std::string>(); });
  checks.addReadinessCheck("leader-election", [] { return std::optional<std::string>("lease not acquired yet"); });
  auto r = checks.readiness(false);
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body, "[+]informers ok\n[-]leader-election failed: lease not acquired yet\nreadyz check failed\n");
}

TEST(HealthChecks, SingleCheckByName) {
  HealthChecks checks;
  checks.addReadinessCheck("a", [] { return std::optional<std::string>(); });
  checks.addReadinessCheck("b", [] { return std::optional<std::string>("down"); });
  EXPECT_EQ(checks.readiness(false, "a").status, 200);
  auto b = checks.readiness(false, "b");
  EXPECT_EQ(b.status, 500);
  EXPECT_NE(b.body.find("down"), std::string::npos);
  EXPECT_EQ(checks.readiness(false, "c").status, 404);
}

TEST(HealthChecks, LivenessHasPing) {
  HealthChecks checks;
  EXPECT_EQ(checks.liveness(true).body, "[+]ping ok\nhealthz check passed\n");
}

TEST(HealthServer, ServesProbesOnAFreePortAndReflectsChecks) {
  HealthChecks checks;
  std::atomic<bool> synced{false};
  checks.addReadinessCheck("informers", [&] {
    return synced ? std::optional<std::string>() : std::optional<std::string>("caches not synced");
  });
  auto started = startHealthServer("127.0.0.1:0", checks);
  ASSERT_TRUE(started) << started.error;
  const int port = started.server->port();
  ASSERT_GT(port, 0);

  auto healthz = httpGet(port, "/healthz");
  EXPECT_EQ(healthz.status, 200);
  EXPECT_EQ(healthz.body, "ok");
  EXPECT_EQ(httpGet(port, "/livez").status, 200);

  auto notReady = httpGet(port, "/readyz");
  EXPECT_EQ(notReady.status, 500);
  EXPECT_NE(notReady.body.find("[-]informers failed: caches not synced"), std::string::npos) << notReady.body;

  synced = true;
  auto ready = httpGet(port, "/readyz");
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(ready.body, "ok");
  EXPECT_EQ(httpGet(port, "/readyz?verbose").body, "[+]informers ok\nreadyz check passed\n");
  EXPECT_EQ(httpGet(port, "/readyz/informers").status, 200);
  EXPECT_EQ(httpGet(port, "/readyz/nope").status, 404);
  EXPECT_EQ(httpGet(port, "/other").status, 404);
  EXPECT_EQ(httpGet(port, "/readyzz").status, 404);
}

TEST(HealthServer, BusyPortIsReportedNotThrown) {
  HealthChecks checks;
  auto first = startHealthServer("127.0.0.1:0", checks);
  ASSERT_TRUE(first);
  auto second = startHealthServer("127.0.0.1:" + std::to_string(first.server->port()), checks);
  EXPECT_FALSE(second);
  EXPECT_NE(second.error.find("cannot listen on 127.0.0.1:"), std::string::npos) << second.error;
}

TEST(HealthServer, GoStyleAllInterfacesAddress) {
  HealthChecks checks;
  auto started = startHealthServer(":0", checks);  // like the default ":8081", on a free port
  ASSERT_TRUE(started) << started.error;
  EXPECT_EQ(httpGet(started.server->port(), "/healthz").status, 200);
}

TEST(BindAddress, ZeroOrEmptyDisables) {
  EXPECT_TRUE(isDisabledBindAddress("0"));
  EXPECT_TRUE(isDisabledBindAddress(""));
  EXPECT_FALSE(isDisabledBindAddress(":8080"));
}

}  // namespace
}  // namespace flotilla::observability
