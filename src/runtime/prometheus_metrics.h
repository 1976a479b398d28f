#pragma once
// The runtime's MetricsFactory backed by the process's Prometheus registry (src/observability), i.e. what
// /metrics serves.

#include "observability/metrics.h"
#include "runtime/metrics.h"

namespace flotilla::runtime {

class PrometheusMetrics final : public MetricsFactory {
 public:
  // `registry` must outlive this factory and every metric it hands out.
  explicit PrometheusMetrics(observability::MetricsRegistry& registry = observability::MetricsRegistry::global());

  std::shared_ptr<Counter> counter(const std::string& name, const std::string& help, const Labels& labels) override;
  std::shared_ptr<Gauge> gauge(const std::string& name, const std::string& help, const Labels& labels) override;
  std::shared_ptr<Histogram> histogram(const std::string& name, const std::string& help, const Labels& labels,
                                       const std::vector<double>& buckets) override;

 private:
  observability::MetricsRegistry& registry_;
};

}  // namespace flotilla::runtime
