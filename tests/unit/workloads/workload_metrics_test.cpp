#include "apiserver/workload_metrics.h"

#include <gtest/gtest.h>

namespace flotilla::apiserver {
namespace {

TEST(WorkloadMetrics, PodFiguresOverrideTheirDeployment) {
  WorkloadMetrics metrics;
  auto reply =
      handleDebugMetricsRequest(metrics, "POST", R"({"namespace":"shop","deployment":"orders","cpuUtilization":150})");
  ASSERT_EQ(reply.status, 200) << reply.body.dump();
  reply = handleDebugMetricsRequest(metrics, "POST",
                                    R"([{"namespace":"shop","pod":"orders-1","cpuUtilization":20},
                                        {"namespace":"shop","deployment":"orders","memoryUtilization":70}])");
  ASSERT_EQ(reply.status, 200) << reply.body.dump();
  EXPECT_EQ(metrics.utilization("shop", "orders", "orders-1", "cpu"), 20.0);
  EXPECT_EQ(metrics.utilization("shop", "orders", "orders-2", "cpu"), 150.0);  // kept when memory was set
  EXPECT_EQ(metrics.utilization("shop", "orders", "orders-1", "memory"), 70.0);
  EXPECT_FALSE(metrics.utilization("other", "orders", "orders-1", "cpu").has_value());
  EXPECT_EQ(reply.body["deployments"][0]["cpuUtilization"], 150.0);
}

TEST(WorkloadMetrics, NullClearsAndDeleteEmpties) {
  WorkloadMetrics metrics;
  handleDebugMetricsRequest(metrics, "POST", R"({"namespace":"shop","deployment":"orders","cpuUtilization":150})");
  handleDebugMetricsRequest(metrics, "POST", R"({"namespace":"shop","deployment":"orders","cpuUtilization":null})");
  EXPECT_FALSE(metrics.utilization("shop", "orders", "p", "cpu").has_value());
  handleDebugMetricsRequest(metrics, "POST", R"({"namespace":"shop","deployment":"orders","cpuUtilization":10})");
  EXPECT_EQ(handleDebugMetricsRequest(metrics, "DELETE", "").status, 200);
  EXPECT_FALSE(metrics.utilization("shop", "orders", "p", "cpu").has_value());
}

TEST(WorkloadMetrics, BadEntriesChangeNothing) {
  WorkloadMetrics metrics;
  auto reply = handleDebugMetricsRequest(metrics, "POST",
                                         R"([{"namespace":"shop","deployment":"a","cpuUtilization":10},
                                             {"namespace":"shop","deployment":"b","cpuUtilization":-1}])");
  EXPECT_EQ(reply.status, 400);
  EXPECT_FALSE(metrics.utilization("shop", "a", "p", "cpu").has_value());
  EXPECT_EQ(handleDebugMetricsRequest(metrics, "POST", "{").status, 400);
  EXPECT_EQ(handleDebugMetricsRequest(metrics, "POST", R"({"deployment":"a","pod":"b","cpuUtilization":1})").status,
            400);
  EXPECT_EQ(handleDebugMetricsRequest(metrics, "POST", R"({"deployment":"a"})").status, 400);
  EXPECT_EQ(handleDebugMetricsRequest(metrics, "PATCH", "{}").status, 405);
}

}  // namespace
}  // namespace flotilla::apiserver
