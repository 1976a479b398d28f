// Small pieces: timestamps, Lease conversion, signal handling, the Prometheus-backed metrics factory.
#include <gtest/gtest.h>

#include <csignal>

#include "fake_lister_watcher.h"
#include "runtime/kube_adapters.h"
#include "runtime/prometheus_metrics.h"
#include "runtime/reconcile.h"
#include "runtime/shutdown_signal.h"
#include "runtime/wall_time.h"

namespace flotilla::runtime {
namespace {

using namespace std::chrono_literals;

TEST(WallTime, FormatsAndParsesKubernetesTimestamps) {
  const WallTime t = WallTime(std::chrono::seconds(1714564800)) + 123456us;  // 2024-05-01T12:00:00.123456Z
  EXPECT_EQ(formatTime(t), "2024-05-01T12:00:00Z");
  EXPECT_EQ(formatMicroTime(t), "2024-05-01T12:00:00.123456Z");
  EXPECT_EQ(parseTime("2024-05-01T12:00:00.123456Z"), t);
  EXPECT_EQ(parseTime("2024-05-01T12:00:00Z"), WallTime(std::chrono::seconds(1714564800)));
  EXPECT_EQ(parseTime("2024-05-01T14:00:00+02:00"), WallTime(std::chrono::seconds(1714564800)));
  for (const char* bad : {"", "2024-05-01", "2024-13-01T00:00:00Z", "2024-05-01T12:00:00", "x024-05-01T12:00:00Z"}) {
    EXPECT_EQ(parseTime(bad), std::nullopt) << bad;
  }
}

TEST(LeaseConversion, RoundTripsTheSpec) {
  LeaseRecord record{"pod-a_1234", 15, WallTime(std::chrono::seconds(1714564800)) + 5us,
                     WallTime(std::chrono::seconds(1714564810)), 3};
  nlohmann::json lease = {{"metadata", {{"name", "l"}}}, {"spec", {{"extra", true}}}};
  writeLeaseRecord(record, lease);
  EXPECT_EQ(lease["spec"]["holderIdentity"], "pod-a_1234");
  EXPECT_EQ(lease["spec"]["renewTime"], "2024-05-01T12:00:10.000000Z");
  EXPECT_EQ(lease["spec"]["extra"], true) << "fields we do not model survive";
  EXPECT_EQ(leaseRecordFromJson(lease), record);
}

TEST(LeaseConversion, ToleratesMissingAndNullFields) {
  const LeaseRecord empty = leaseRecordFromJson({{"spec", {{"holderIdentity", nullptr}}}});
  EXPECT_EQ(empty, LeaseRecord{});
  EXPECT_EQ(leaseRecordFromJson(nlohmann::json::object()), LeaseRecord{});
}

TEST(ShutdownSignal, SigtermRequestsStop) {
  ShutdownSignal signal;
  EXPECT_FALSE(signal.token().stop_requested());
  std::raise(SIGTERM);
  EXPECT_TRUE(testing::eventually([&] { return signal.token().stop_requested(); }));
}

TEST(PrometheusMetrics, SeriesAppearInTheRegistry) {
  observability::MetricsRegistry registry;
  PrometheusMetrics metrics(registry);
  metrics.counter("workqueue_adds_total", "adds", {{"name", "q"}})->increment(3);
  metrics.gauge("workqueue_depth", "depth", {{"name", "q"}})->set(7);
  metrics.histogram("workqueue_queue_duration_seconds", "latency", {{"name", "q"}}, workqueueBuckets())->observe(0.5);
  const std::string text = registry.serialize();
  EXPECT_NE(text.find(R"(workqueue_adds_total{name="q"} 3)"), std::string::npos) << text;
  EXPECT_NE(text.find(R"(workqueue_depth{name="q"} 7)"), std::string::npos);
  EXPECT_NE(text.find(R"(workqueue_queue_duration_seconds_count{name="q"} 1)"), std::string::npos);
  // Asking again for the same series continues it.
  metrics.counter("workqueue_adds_total", "adds", {{"name", "q"}})->increment();
  EXPECT_NE(registry.serialize().find(R"(workqueue_adds_total{name="q"} 4)"), std::string::npos);
}

TEST(Request, KeysRoundTrip) {
  EXPECT_EQ((Request{"shop", "users"}).key(), "shop/users");
  EXPECT_EQ(Request::fromKey("shop/users"), (Request{"shop", "users"}));
  EXPECT_EQ(Request::fromKey("cluster-thing"), (Request{"", "cluster-thing"}));
}

}  // namespace
}  // namespace flotilla::runtime
