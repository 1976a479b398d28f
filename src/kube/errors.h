#pragma once
// Typed errors for everything that talks to an API server. Callers branch on `kind` (never on message text):
// NotFound → create, Conflict → requeue, Gone → relist, TooManyRequests → wait `retryAfter`, and so on.
// Server errors are parsed from the metav1.Status body the API server sends; transport, configuration and
// cancellation failures use the same type so that every fallible call in src/kube returns Result<T>.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace flotilla::kube {

enum class ErrorKind {
  BadRequest,          // 400, or a request the client refused to send (e.g. object without a name)
  Unauthorized,        // 401
  Forbidden,           // 403
  NotFound,            // 404
  MethodNotAllowed,    // 405
  AlreadyExists,       // 409 with reason AlreadyExists
  Conflict,            // 409 (stale resourceVersion, server-side apply conflict)
  Gone,                // 410 (resourceVersion too old: relist), also reason Expired
  UnsupportedMedia,    // 415
  Invalid,             // 422, with causes
  TooManyRequests,     // 429, with retryAfter
  InternalError,       // 500
  ServiceUnavailable,  // 503
  Timeout,             // 504 or reason Timeout, or the client's own request timer
  ServerTimeout,       // reason ServerTimeout (500 with retryAfter)
  Transport,           // no HTTP answer: connection refused, TLS failure, connection reset...
  Cancelled,           // the caller's CancelToken fired
  Config,              // kubeconfig / in-cluster configuration problem
  Decode,              // the server answered 2xx but the body was not what the API promises
  Unknown,             // any other status code
};

const char* toString(ErrorKind kind);

// One entry of Status.details.causes, e.g. {field: "spec.replicas", reason: "FieldValueInvalid", message: ...}.
struct StatusCause {
  std::string field;
  std::string reason;
  std::string message;
  bool operator==(const StatusCause&) const = default;
};

struct Error {
  ErrorKind kind = ErrorKind::Unknown;
  int code = 0;         // HTTP status; 0 when there was no HTTP answer
  std::string reason;   // Status.reason as sent ("NotFound", "Conflict", ...)
  std::string message;  // human-readable; Status.message for server errors
  std::vector<StatusCause> causes;
  std::optional<std::chrono::seconds> retryAfter;  // Retry-After header or Status.details.retryAfterSeconds
  // The request never reached the server (connection refused, stale pooled connection broken before the request
  // was written): retrying cannot apply a write twice.
  bool notSent = false;

  bool is(ErrorKind k) const { return kind == k; }
  // "NotFound (404): deployments.apps \"web\" not found" — plus causes when present.
  std::string toString() const;
};

// Builders for errors that do not come from a Status body.
Error transportError(std::string message, bool notSent = false);
Error cancelledError(std::string message = "request cancelled");
Error configError(std::string message);
Error decodeError(std::string message);
Error badRequest(std::string message);  // client-side refusal: code 0

// Parses the Retry-After header (delta-seconds; HTTP dates are rare from API servers and are ignored).
std::optional<std::chrono::seconds> parseRetryAfter(std::string_view headerValue);

// Turns a non-2xx answer into a typed error. `body` is usually a metav1.Status; anything else (a proxy's HTML page,
// an empty body) still yields the right kind from the status code, with the body's start as message.
Error errorFromResponse(int status, std::string_view body, std::optional<std::chrono::seconds> retryAfter = {});

// Turns a metav1.Status object (as found in a watch ERROR event) into a typed error.
Error errorFromStatus(const nlohmann::json& status);

}  // namespace flotilla::kube
