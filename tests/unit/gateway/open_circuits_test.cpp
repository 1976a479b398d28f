// What the agent reports about its circuits on its Pod: the not-closed circuits of the breaker monitor, attributed
// through the loaded backends.json, in the status patch's flotilla.io/open-circuits annotation.
#include "gateway/open_circuits.h"

#include <gtest/gtest.h>

#include "gateway/status_reporter.h"

namespace flotilla::gateway {
namespace {

using namespace std::chrono_literals;

std::vector<render::BackendSlots> backends() {
  render::BackendSlots b;
  b.backend = "be_users";
  b.microservice = {"shop", "users"};
  b.route = "shop/users";
  b.breakerPolicy = "shop/strict";
  b.openDurationMs = 10000;
  return {b};
}

ServerStat stat(const std::string& status, std::int64_t hanafail) {
  return {"be_users", "ep1", status, hanafail, 0, "10.0.0.1:8080"};
}

TEST(OpenCircuits, ReportsAnOpenCircuitWithItsPolicyAndWhenItOpened) {
  BreakerMonitor monitor;
  const BreakerMonitor::TimePoint t0{};
  const auto wall = std::chrono::sys_days{std::chrono::year{2024} / 5 / 1} + 12h;
  monitor.observe({stat("UP", 0)}, backends(), t0, wall);
  EXPECT_TRUE(reportedCircuits(monitor.circuits(), backends()).empty());

  monitor.observe({stat("DOWN", 5)}, backends(), t0 + 1s, wall + 1s);
  auto reported = reportedCircuits(monitor.circuits(), backends());
  ASSERT_EQ(reported.size(), 1u);
  EXPECT_EQ(reported[0], (render::ReportedCircuit{"shop/users",
                                                  "be_users",
                                                  {"shop", "users"},
                                                  "shop/strict",
                                                  "10.0.0.1:8080",
                                                  "open",
                                                  "2024-05-01T12:00:01Z"}));

  // Half-open still counts (no traffic yet) and keeps the time it opened.
  monitor.observe({stat("MAINT", 5)}, backends(), t0 + 12s, wall + 12s);
  reported = reportedCircuits(monitor.circuits(), backends());
  ASSERT_EQ(reported.size(), 1u);
  EXPECT_EQ(reported[0].state, "half-open");
  EXPECT_EQ(reported[0].since, "2024-05-01T12:00:01Z");
  // Tripped again while half-open: open again, still since the first trip.
  monitor.observe({stat("DOWN", 6)}, backends(), t0 + 13s, wall + 13s);
  reported = reportedCircuits(monitor.circuits(), backends());
  ASSERT_EQ(reported.size(), 1u);
  EXPECT_EQ(reported[0].state, "open");
  EXPECT_EQ(reported[0].since, "2024-05-01T12:00:01Z");

  // Closed: nothing to report.
  monitor.observe({stat("MAINT", 6)}, backends(), t0 + 24s, wall + 24s);
  monitor.observe({stat("UP", 6)}, backends(), t0 + 25s, wall + 25s);
  EXPECT_TRUE(reportedCircuits(monitor.circuits(), backends()).empty());
}

TEST(OpenCircuits, StatusPatchSetsAndRemovesTheAnnotation) {
  LoadedStatus status{"sha256:a", "3", "", "", R"([{"route":"shop/users"}])"};
  auto patch = statusPatch(status);
  EXPECT_EQ(patch["metadata"]["annotations"]["flotilla.io/open-circuits"], R"([{"route":"shop/users"}])");
  status.openCircuits.clear();
  patch = statusPatch(status);
  ASSERT_TRUE(patch["metadata"]["annotations"].contains("flotilla.io/open-circuits"));
  EXPECT_TRUE(patch["metadata"]["annotations"]["flotilla.io/open-circuits"].is_null());
}

}  // namespace
}  // namespace flotilla::gateway
