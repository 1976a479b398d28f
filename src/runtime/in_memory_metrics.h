#pragma once
// A MetricsFactory that keeps values in memory so tests can read them back. Thread-safe.

#include <mutex>

#include "runtime/metrics.h"

namespace flotilla::runtime {

class InMemoryMetrics final : public MetricsFactory {
 public:
  std::shared_ptr<Counter> counter(const std::string& name, const std::string& help, const Labels& labels) override;
  std::shared_ptr<Gauge> gauge(const std::string& name, const std::string& help, const Labels& labels) override;
  std::shared_ptr<Histogram> histogram(const std::string& name, const std::string& help, const Labels& labels,
                                       const std::vector<double>& buckets) override;

  // Counter or gauge value; histogram: sum of observations. 0 for a series never created.
  double value(const std::string& name, const Labels& labels = {}) const;
  // Histogram: number of observations. 0 for a series never created.
  std::uint64_t observations(const std::string& name, const Labels& labels = {}) const;
  bool has(const std::string& name, const Labels& labels = {}) const;

  class Series;

 private:
  std::shared_ptr<Series> series(const std::string& name, const Labels& labels);
  std::shared_ptr<const Series> find(const std::string& name, const Labels& labels) const;

  mutable std::mutex mutex_;
  std::map<std::pair<std::string, Labels>, std::shared_ptr<Series>> series_;
};

}  // namespace flotilla::runtime
