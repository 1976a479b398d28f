#pragma once
// The small metrics interface the runtime records through. Production code plugs in the prometheus registry of
// src/observability (prometheus_metrics.h); unit tests use InMemoryMetrics or noopMetrics() and need no prometheus.
// Asking twice for the same name and labels returns the same series.

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace flotilla::runtime {

using Labels = std::map<std::string, std::string>;

class Counter {
 public:
  virtual ~Counter() = default;
  virtual void increment(double by = 1.0) = 0;
};

class Gauge {
 public:
  virtual ~Gauge() = default;
  virtual void set(double value) = 0;
  virtual void increment(double by = 1.0) = 0;
  virtual void decrement(double by = 1.0) = 0;
};

class Histogram {
 public:
  virtual ~Histogram() = default;
  virtual void observe(double value) = 0;
};

class MetricsFactory {
 public:
  virtual ~MetricsFactory() = default;
  virtual std::shared_ptr<Counter> counter(const std::string& name, const std::string& help, const Labels& labels) = 0;
  virtual std::shared_ptr<Gauge> gauge(const std::string& name, const std::string& help, const Labels& labels) = 0;
  virtual std::shared_ptr<Histogram> histogram(const std::string& name, const std::string& help, const Labels& labels,
                                               const std::vector<double>& buckets) = 0;
};

// Discards everything.
MetricsFactory& noopMetrics();

// Bucket layouts controller-runtime and client-go use, so dashboards built for Go operators read ours the same way.
std::vector<double> reconcileTimeBuckets();  // controller_runtime_reconcile_time_seconds
std::vector<double> workqueueBuckets();      // workqueue_*_duration_seconds: 1e-8 .. 1e1, ×10

}  // namespace flotilla::runtime
