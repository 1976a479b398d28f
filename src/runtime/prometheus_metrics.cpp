#include "runtime/prometheus_metrics.h"

namespace flotilla::runtime {

namespace {

// Thin handles over series owned by the prometheus registry.
class PrometheusCounter final : public Counter {
 public:
  explicit PrometheusCounter(prometheus::Counter& counter) : counter_(counter) {}
  void increment(double by) override { counter_.Increment(by); }

 private:
  prometheus::Counter& counter_;
};

class PrometheusGauge final : public Gauge {
 public:
  explicit PrometheusGauge(prometheus::Gauge& gauge) : gauge_(gauge) {}
  void set(double value) override { gauge_.Set(value); }
  void increment(double by) override { gauge_.Increment(by); }
  void decrement(double by) override { gauge_.Decrement(by); }

 private:
  prometheus::Gauge& gauge_;
};

class PrometheusHistogram final : public Histogram {
 public:
  explicit PrometheusHistogram(prometheus::Histogram& histogram) : histogram_(histogram) {}
  void observe(double value) override { histogram_.Observe(value); }

 private:
  prometheus::Histogram& histogram_;
};

}  // namespace

PrometheusMetrics::PrometheusMetrics(observability::MetricsRegistry& registry) : registry_(registry) {}

std::shared_ptr<Counter> PrometheusMetrics::counter(const std::string& name, const std::string& help,
                                                    const Labels& labels) {
  return std::make_shared<PrometheusCounter>(registry_.counter(name, help).Add(labels));
}

std::shared_ptr<Gauge> PrometheusMetrics::gauge(const std::string& name, const std::string& help,
                                                const Labels& labels) {
  return std::make_shared<PrometheusGauge>(registry_.gauge(name, help).Add(labels));
}

std::shared_ptr<Histogram> PrometheusMetrics::histogram(const std::string& name, const std::string& help,
                                                        const Labels& labels, const std::vector<double>& buckets) {
  return std::make_shared<PrometheusHistogram>(
      registry_.histogram(name, help).Add(labels, prometheus::Histogram::BucketBoundaries(buckets)));
}

}  // namespace flotilla::runtime
