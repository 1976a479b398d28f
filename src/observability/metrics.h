#pragma once
// The Prometheus registry every Flotilla component records into, and helpers to declare metric families.
// Names and labels follow controller-runtime / client-go where a metric has a counterpart there.

#include <memory>
#include <string>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

namespace flotilla::observability {

class MetricsRegistry {
 public:
  MetricsRegistry();

  // The process's registry: what /metrics serves. Tests may build their own instead.
  static MetricsRegistry& global();

  // Declaring the same name twice returns the family already declared (same type and help required).
  prometheus::Family<prometheus::Counter>& counter(const std::string& name, const std::string& help);
  prometheus::Family<prometheus::Gauge>& gauge(const std::string& name, const std::string& help);
  // Bucket boundaries are given per series: family.Add({labels...}, buckets).
  prometheus::Family<prometheus::Histogram>& histogram(const std::string& name, const std::string& help);

  // The Prometheus text exposition format (version 0.0.4) of everything registered.
  std::string serialize() const;
  const std::shared_ptr<prometheus::Registry>& registry() const { return registry_; }

 private:
  std::shared_ptr<prometheus::Registry> registry_;
};

// `count` boundaries start, start*factor, start*factor^2, ... (client-go's ExponentialBuckets).
prometheus::Histogram::BucketBoundaries exponentialBuckets(double start, double factor, int count);

// flotilla_build_info{version,commit} 1.
void registerBuildInfo(MetricsRegistry& registry, const std::string& version, const std::string& commit);

}  // namespace flotilla::observability
