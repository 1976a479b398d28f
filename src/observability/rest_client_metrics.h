#pragma once
// client-go's REST client metrics, fed by kube::Client through HttpRequestObserver:
//   rest_client_requests_total{code,method,host}          (code "<error>" when no response arrived)
//   rest_client_request_duration_seconds{verb,host}       (histogram)

#include "observability/http_request_observer.h"
#include "observability/metrics.h"

namespace flotilla::observability {

class RestClientMetrics : public HttpRequestObserver {
 public:
  explicit RestClientMetrics(MetricsRegistry& registry);
  void observe(const HttpRequestSample& sample) override;

 private:
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Histogram>& duration_;
};

}  // namespace flotilla::observability
