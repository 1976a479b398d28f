#include "observability/metrics.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "http_get.h"
#include "observability/metrics_server.h"
#include "observability/rest_client_metrics.h"

namespace flotilla::observability {
namespace {

using testing::httpGet;

struct PromtoolResult {
  int exitCode = -1;
  std::string output;
};

// Runs the real `promtool check metrics` on `exposition` (it reads the metrics from stdin).
PromtoolResult promtoolCheck(const std::string& exposition) {
  const std::string test = ::testing::UnitTest::GetInstance()->current_test_info()->name();
  const auto dir = std::filesystem::temp_directory_path();
  const auto input = dir / ("flotilla-metrics-" + test + "-" + std::to_string(::getpid()) + ".txt");
  const auto output = dir / ("flotilla-promtool-" + test + "-" + std::to_string(::getpid()) + ".txt");
  std::ofstream(input) << exposition;
  const std::string command = "/usr/bin/promtool check metrics < " + input.string() + " > " + output.string() + " 2>&1";
  const int status = std::system(command.c_str());
  std::ifstream in(output);
  std::stringstream text;
  text << in.rdbuf();
  std::filesystem::remove(input);
  std::filesystem::remove(output);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, text.str()};
}

TEST(Metrics, BuildInfoAndFamilies) {
  MetricsRegistry registry;
  registerBuildInfo(registry, "0.1.0", "abc123");
  auto& counter = registry.counter("flotilla_test_events_total", "Events seen.");
  counter.Add({{"kind", "a"}}).Increment(3);
  EXPECT_EQ(&registry.counter("flotilla_test_events_total", "Events seen."), &counter);  // same family
  const std::string text = registry.serialize();
  EXPECT_NE(text.find("flotilla_build_info{commit=\"abc123\",version=\"0.1.0\"} 1"), std::string::npos) << text;
  EXPECT_NE(text.find("flotilla_test_events_total{kind=\"a\"} 3"), std::string::npos) << text;
}

TEST(Metrics, ExponentialBuckets) {
  EXPECT_EQ(exponentialBuckets(0.005, 2, 4), (prometheus::Histogram::BucketBoundaries{0.005, 0.01, 0.02, 0.04}));
}

TEST(RestClientMetrics, RecordsCodesMethodsAndDurations) {
  MetricsRegistry registry;
  RestClientMetrics metrics(registry);
  metrics.observe({"GET", "10.0.0.1:6443", 200, 0.01});
  metrics.observe({"GET", "10.0.0.1:6443", 200, 0.02});
  metrics.observe({"PATCH", "10.0.0.1:6443", 409, 0.3});
  metrics.observe({"GET", "10.0.0.1:6443", 0, 30});
  const std::string text = registry.serialize();
  EXPECT_NE(text.find(R"(rest_client_requests_total{code="200",host="10.0.0.1:6443",method="GET"} 2)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(R"(rest_client_requests_total{code="409",host="10.0.0.1:6443",method="PATCH"} 1)"),
            std::string::npos);
  EXPECT_NE(text.find(R"(rest_client_requests_total{code="<error>",host="10.0.0.1:6443",method="GET"} 1)"),
            std::string::npos);
  EXPECT_NE(text.find(R"(rest_client_request_duration_seconds_count{host="10.0.0.1:6443",verb="GET"} 3)"),
            std::string::npos);
  EXPECT_NE(text.find(R"(rest_client_request_duration_seconds_bucket{host="10.0.0.1:6443",verb="PATCH",le="0.5"} 1)"),
            std::string::npos);
}

TEST(MetricsServer, ServesScrapeThatPassesPromtool) {
  MetricsRegistry registry;
  registerBuildInfo(registry, "0.1.0", "abc123");
  RestClientMetrics rest(registry);
  rest.observe({"GET", "127.0.0.1:6443", 200, 0.004});
  rest.observe({"PUT", "127.0.0.1:6443", 409, 0.2});
  registry.gauge("workqueue_depth", "Current depth of workqueue.").Add({{"name", "microservice"}}).Set(4);
  registry.histogram("controller_runtime_reconcile_time_seconds", "Length of time per reconciliation per controller.")
      .Add({{"controller", "microservice"}}, exponentialBuckets(0.005, 2, 10))
      .Observe(0.03);

  auto started = startMetricsServer("127.0.0.1:0", registry);
  ASSERT_TRUE(started) << started.error;
  ASSERT_GT(started.server->port(), 0);
  auto scrape = httpGet(started.server->port(), "/metrics");
  ASSERT_EQ(scrape.status, 200);
  EXPECT_EQ(scrape.contentType, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(scrape.body.find("workqueue_depth{name=\"microservice\"} 4"), std::string::npos) << scrape.body;

  auto lint = promtoolCheck(scrape.body);
  EXPECT_EQ(lint.exitCode, 0) << lint.output << "\n" << scrape.body;

  // Values move between scrapes.
  rest.observe({"GET", "127.0.0.1:6443", 200, 0.004});
  auto again = httpGet(started.server->port(), "/metrics");
  EXPECT_NE(again.body.find(R"(rest_client_requests_total{code="200",host="127.0.0.1:6443",method="GET"} 2)"),
            std::string::npos)
      << again.body;
}

TEST(MetricsServer, PromtoolCatchesBadExposition) {
  // Proves the lint check above can fail: a counter without the _total suffix is reported.
  auto lint = promtoolCheck("# HELP bad_counter x\n# TYPE bad_counter counter\nbad_counter 1\n");
  EXPECT_NE(lint.exitCode, 0) << lint.output;
}

}  // namespace
}  // namespace flotilla::observability
