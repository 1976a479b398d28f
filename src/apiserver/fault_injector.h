#pragma once
// Faults a test can switch on at run time (POST /debug/faults or the C++ handle): answer the next N matching
// requests with an error (429 with Retry-After, 500, 503...), add latency to matching requests. Dropping watches
// and compacting history act on the store directly (see ApiServer). Everything is off by default.

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "apiserver/api_error.h"
#include "apiserver/request_info.h"
#include "apiserver/result.h"

namespace flotilla::apiserver {

// Which requests a fault applies to; empty fields match anything.
struct FaultMatch {
  std::string verb;      // audit verb: list, watch, create, patch...
  std::string resource;  // plural
  std::string namespace_;
  std::string name;
  // A substring of the User-Agent header, so a fault can hit one client (e.g. "(operator)") and spare kubectl.
  std::string userAgent = {};

  bool matches(const RequestInfo& info, std::string_view requestUserAgent = {}) const;
  nlohmann::json toJson() const;
  static FaultMatch fromJson(const nlohmann::json& spec);
};

struct ErrorFault {
  int code = 500;             // 429, 500, 503, ...
  int remaining = 1;          // requests still to fail; < 0 = until cleared
  int retryAfterSeconds = 1;  // 429 / 503
  std::string message;
  FaultMatch match;
};

struct LatencyFault {
  std::chrono::milliseconds delay{0};
  int remaining = -1;  // < 0 = until cleared
  FaultMatch match;
};

class FaultInjector {
 public:
  void addError(ErrorFault fault);
  void addLatency(LatencyFault fault);
  void reset();

  // Consumes one use of the first matching error fault.
  std::optional<ApiError> takeError(const RequestInfo& info, std::string_view userAgent = {});
  // Sum of matching latencies (consuming counted ones).
  std::chrono::milliseconds takeLatency(const RequestInfo& info, std::string_view userAgent = {});

  nlohmann::json toJson() const;
  // {"errors":[{code,count,retryAfterSeconds,verb,resource,namespace,name,message}], "latency":[{ms,count,...}],
  //  "reset":true} (each match may also name a "userAgent" substring); closeWatches / compactHistory are handled by the
  //  caller.
  Status applyJson(const nlohmann::json& spec);

 private:
  mutable std::mutex mutex_;
  std::vector<ErrorFault> errors_;
  std::vector<LatencyFault> latencies_;
};

ApiError errorForFault(const ErrorFault& fault);

}  // namespace flotilla::apiserver
