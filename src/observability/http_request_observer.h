#pragma once
// What an HTTP client reports about each request it makes. src/kube calls this; rest_client_metrics.h turns it
// into Prometheus metrics. Kept free of Prometheus types so the client does not depend on them.

#include <string_view>

namespace flotilla::observability {

struct HttpRequestSample {
  std::string_view method;  // "GET", "PATCH", ...
  std::string_view host;    // "10.0.0.1:6443"
  int code = 0;             // HTTP status; 0 when no response arrived (transport error, cancelled)
  double seconds = 0;       // from send to the response headers
};

class HttpRequestObserver {
 public:
  virtual ~HttpRequestObserver() = default;
  // Called once per HTTP attempt (retries count separately), from the requesting thread. Must be thread-safe.
  virtual void observe(const HttpRequestSample& sample) = 0;
};

}  // namespace flotilla::observability
