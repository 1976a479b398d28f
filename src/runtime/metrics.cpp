#include "runtime/metrics.h"

#include <cmath>

namespace flotilla::runtime {

namespace {

class NoopMetric final : public Counter, public Gauge, public Histogram {
 public:
  void increment(double) override {}
  void set(double) override {}
  void decrement(double) override {}
  void observe(double) override {}
};

class NoopMetrics final : public MetricsFactory {
 public:
  std::shared_ptr<Counter> counter(const std::string&, const std::string&, const Labels&) override { return metric_; }
  std::shared_ptr<Gauge> gauge(const std::string&, const std::string&, const Labels&) override { return metric_; }
  std::shared_ptr<Histogram> histogram(const std::string&, const std::string&, const Labels&,
                                       const std::vector<double>&) override {
    return metric_;
  }

 private:
  std::shared_ptr<NoopMetric> metric_ = std::make_shared<NoopMetric>();
};

}  // namespace

MetricsFactory& noopMetrics() {
  static NoopMetrics metrics;
  return metrics;
}

std::vector<double> reconcileTimeBuckets() {
  return {0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.25, 1.5,
          1.75,  2.0,  2.5,   3.0,  3.5, 4.0,  4.5, 5,    6,   7,    8,   9,    10,  15,  20,  25,  30,  40,  50,   60};
}

std::vector<double> workqueueBuckets() {
  std::vector<double> buckets;
  for (int exponent = -8; exponent <= 1; ++exponent) buckets.push_back(std::pow(10.0, exponent));
  return buckets;
}

}  // namespace flotilla::runtime
