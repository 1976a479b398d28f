#include "observability/metrics.h"

#include <prometheus/text_serializer.h>

namespace flotilla::observability {

MetricsRegistry::MetricsRegistry() : registry_(std::make_shared<prometheus::Registry>()) {}

MetricsRegistry& MetricsRegistry::global() {
  static MetricsRegistry instance;
  return instance;
}

prometheus::Family<prometheus::Counter>& MetricsRegistry::counter(const std::string& name, const std::string& help) {
  return prometheus::BuildCounter().Name(name).Help(help).Register(*registry_);
}

prometheus::Family<prometheus::Gauge>& MetricsRegistry::gauge(const std::string& name, const std::string& help) {
  return prometheus::BuildGauge().Name(name).Help(help).Register(*registry_);
}

prometheus::Family<prometheus::Histogram>& MetricsRegistry::histogram(const std::string& name,
                                                                      const std::string& help) {
  return prometheus::BuildHistogram().Name(name).Help(help).Register(*registry_);
}

std::string MetricsRegistry::serialize() const {
  return prometheus::TextSerializer().Serialize(registry_->Collect());
}

prometheus::Histogram::BucketBoundaries exponentialBuckets(double start, double factor, int count) {
  prometheus::Histogram::BucketBoundaries buckets;
  double bound = start;
  for (int i = 0; i < count; ++i, bound *= factor) buckets.push_back(bound);
  return buckets;
}

void registerBuildInfo(MetricsRegistry& registry, const std::string& version, const std::string& commit) {
  registry.gauge("flotilla_build_info", "Flotilla build information; the value is always 1.")
      .Add({{"version", version}, {"commit", commit}})
      .Set(1);
}

}  // namespace flotilla::observability
