#include "runtime/in_memory_metrics.h"

namespace flotilla::runtime {

class InMemoryMetrics::Series final : public Counter, public Gauge, public Histogram {
 public:
  void increment(double by) override { add(by); }
  void decrement(double by) override { add(-by); }
  void set(double value) override {
    std::lock_guard lock(mutex_);
    value_ = value;
  }
  void observe(double value) override {
    std::lock_guard lock(mutex_);
    value_ += value;
    ++observations_;
  }
  double value() const {
    std::lock_guard lock(mutex_);
    return value_;
  }
  std::uint64_t observations() const {
    std::lock_guard lock(mutex_);
    return observations_;
  }

 private:
  void add(double by) {
    std::lock_guard lock(mutex_);
    value_ += by;
  }

  mutable std::mutex mutex_;
  double value_ = 0;
  std::uint64_t observations_ = 0;
};

std::shared_ptr<InMemoryMetrics::Series> InMemoryMetrics::series(const std::string& name, const Labels& labels) {
  std::lock_guard lock(mutex_);
  auto& entry = series_[{name, labels}];
  if (!entry) entry = std::make_shared<Series>();
  return entry;
}

std::shared_ptr<const InMemoryMetrics::Series> InMemoryMetrics::find(const std::string& name,
                                                                     const Labels& labels) const {
  std::lock_guard lock(mutex_);
  auto it = series_.find({name, labels});
  return it == series_.end() ? nullptr : it->second;
}

std::shared_ptr<Counter> InMemoryMetrics::counter(const std::string& name, const std::string&, const Labels& labels) {
  return series(name, labels);
}

std::shared_ptr<Gauge> InMemoryMetrics::gauge(const std::string& name, const std::string&, const Labels& labels) {
  return series(name, labels);
}

std::shared_ptr<Histogram> InMemoryMetrics::histogram(const std::string& name, const std::string&, const Labels& labels,
                                                      const std::vector<double>&) {
  return series(name, labels);
}

double InMemoryMetrics::value(const std::string& name, const Labels& labels) const {
  auto found = find(name, labels);
  return found ? found->value() : 0.0;
}

std::uint64_t InMemoryMetrics::observations(const std::string& name, const Labels& labels) const {
  auto found = find(name, labels);
  return found ? found->observations() : 0;
}

bool InMemoryMetrics::has(const std::string& name, const Labels& labels) const {
  return find(name, labels) != nullptr;
}

}  // namespace flotilla::runtime
