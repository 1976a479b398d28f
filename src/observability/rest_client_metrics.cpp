#include "observability/rest_client_metrics.h"

namespace flotilla::observability {
namespace {

// client-go's buckets for rest_client_request_duration_seconds.
const prometheus::Histogram::BucketBoundaries kDurationBuckets = {0.005, 0.025, 0.1, 0.25, 0.5,  1.0,
                                                                  2.0,   4.0,   8.0, 15.0, 30.0, 60.0};

}  // namespace

RestClientMetrics::RestClientMetrics(MetricsRegistry& registry)
    : requests_(registry.counter("rest_client_requests_total",
                                 "Number of HTTP requests, partitioned by status code, method, and host.")),
      duration_(registry.histogram("rest_client_request_duration_seconds",
                                   "Request latency in seconds. Broken down by verb, and host.")) {}

void RestClientMetrics::observe(const HttpRequestSample& sample) {
  const std::string host(sample.host);
  const std::string method(sample.method);
  const std::string code = sample.code == 0 ? "<error>" : std::to_string(sample.code);
  requests_.Add({{"code", code}, {"method", method}, {"host", host}}).Increment();
  duration_.Add({{"verb", method}, {"host", host}}, kDurationBuckets).Observe(sample.seconds);
}

}  // namespace flotilla::observability
