#pragma once
// Typed Kubernetes API calls over HttpClient, working on nlohmann::json objects: get, list, watch, create,
// update, updateStatus, patch, server-side apply, delete.
//
// Every request passes a client-side token bucket (QPS/burst, defaults 20/30 like client-go) and is measured
// through an observer (rest_client_* metrics). Retries happen only where they cannot apply a change twice:
//   - 429 Too Many Requests, any verb: the server refused the request before doing anything. The client sleeps
//     Retry-After (1 s when absent) and retries, at most `maxRetries` times; a Retry-After above `maxRetryAfter`
//     is handed back as ErrorKind::TooManyRequests with `retryAfter` set, for the caller to requeue.
//   - 503 with Retry-After, GET only (reads are idempotent; a write might have been applied).
//   - a transport error, once and at once, when the request never reached the server (`notSent`: connection
//     refused, a pooled keep-alive connection found closed) or when the request is a GET.
// Everything else (409, 410, 5xx on writes, timeouts) goes back to the caller, whose work queue backs off.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "kube/clock.h"
#include "kube/http_client.h"
#include "kube/resource.h"
#include "kube/result.h"
#include "kube/token_bucket.h"
#include "observability/http_request_observer.h"

namespace flotilla::kube {

// "flotilla/0.1.0 (operator)": the API server's request log tells components apart by it.
std::string defaultUserAgent(std::string_view component = "operator");

inline constexpr const char* kFieldManager = "flotilla";

struct ClientOptions {
  double qps = 20;
  int burst = 30;
  std::string userAgent = defaultUserAgent();
  std::string fieldManager = kFieldManager;  // sent with every write (and as the apply manager)
  std::chrono::milliseconds requestTimeout = std::chrono::seconds(30);
  int maxRetries = 5;                                            // 429 (and GET 503) retries per call
  std::chrono::seconds maxRetryAfter{60};                        // longer Retry-After waits go back to the caller
  std::chrono::milliseconds defaultRetryAfter{1000};             // a 429 without Retry-After
  std::string host;                                              // metrics label; connect() fills it in
  std::shared_ptr<observability::HttpRequestObserver> observer;  // optional
  std::shared_ptr<Clock> clock;                                  // default Clock::real()
};

struct ListOptions {
  std::string labelSelector;
  std::string fieldSelector;
  std::int64_t limit = 0;  // 0: no paging
  std::string continueToken;
  std::string resourceVersion;       // "" (most recent, quorum read) | "0" (any) | exact
  std::string resourceVersionMatch;  // "" | "NotOlderThan" | "Exact"
};

struct ObjectList {
  std::vector<nlohmann::json> items;  // each with apiVersion and kind filled in
  std::string resourceVersion;        // the list's metadata.resourceVersion: where a watch resumes
  std::string continueToken;          // non-empty when more pages follow
  std::optional<std::int64_t> remainingItemCount;
};

struct WatchOptions {
  std::string labelSelector;
  std::string fieldSelector;
  std::string resourceVersion;  // watch changes after this version
  bool allowWatchBookmarks = true;
  std::optional<std::int64_t> timeoutSeconds;  // the server ends the watch after this (cleanly)
};

enum class WatchEventType { Added, Modified, Deleted, Bookmark };
const char* toString(WatchEventType type);

struct WatchEvent {
  WatchEventType type = WatchEventType::Added;
  nlohmann::json object;  // for Bookmark: only kind/apiVersion/metadata.resourceVersion
};

// The events of one watch request, parsed from the newline-delimited JSON body.
class WatchStream {
 public:
  // `ref` supplies apiVersion/kind when the server leaves them out.
  explicit WatchStream(std::unique_ptr<LineReader> body, ResourceRef ref = {});

  // Blocks for the next event. std::nullopt: the server closed the watch normally (timeoutSeconds) — watch again
  // from the last resourceVersion seen. An ERROR event comes back as its typed error (410 → ErrorKind::Gone:
  // relist). Cancelling the token given to Client::watch unblocks it with ErrorKind::Cancelled.
  Result<std::optional<WatchEvent>> next();

 private:
  std::unique_ptr<LineReader> body_;
  ResourceRef ref_;
};

struct WriteOptions {
  bool dryRun = false;
  std::string fieldManager;  // "" = the client's
};

enum class PatchType { Merge, Json, StrategicMerge };

struct ApplyOptions {
  bool force = true;  // take ownership of fields another manager holds (the operator is their authority)
  bool dryRun = false;
  std::string fieldManager;  // "" = the client's ("flotilla")
};

struct DeleteOptions {
  std::string propagationPolicy;  // "Foreground" | "Background" | "Orphan" | "" (the server's default)
  std::optional<std::int64_t> gracePeriodSeconds;
  std::string preconditionUid;              // delete only this incarnation
  std::string preconditionResourceVersion;  // delete only this version
  bool dryRun = false;
};

class Client {
 public:
  Client(std::shared_ptr<HttpClient> http, ClientOptions options = {});
  virtual ~Client() = default;
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // `ns` is ignored for cluster-scoped resources; for list/watch an empty `ns` means all namespaces.
  virtual Result<nlohmann::json> get(const ResourceRef& ref, std::string_view ns, std::string_view name,
                                     const CancelToken& cancel = {});
  virtual Result<ObjectList> list(const ResourceRef& ref, std::string_view ns, const ListOptions& options = {},
                                  const CancelToken& cancel = {});
  // Follows continue tokens; `options.limit` is the page size (500 when 0).
  virtual Result<ObjectList> listAll(const ResourceRef& ref, std::string_view ns, ListOptions options = {},
                                     const CancelToken& cancel = {});
  // Returns once the server accepted the watch; `cancel` ends the stream.
  virtual Result<std::unique_ptr<WatchStream>> watch(const ResourceRef& ref, std::string_view ns,
                                                     const WatchOptions& options = {}, const CancelToken& cancel = {});

  // Writes take namespace and name from the object's metadata. apiVersion/kind are filled in from `ref` when
  // missing. Each returns the object as the server stored it.
  virtual Result<nlohmann::json> create(const ResourceRef& ref, const nlohmann::json& object,
                                        const WriteOptions& options = {}, const CancelToken& cancel = {});
  // PUT: optimistic concurrency through metadata.resourceVersion (stale → ErrorKind::Conflict).
  virtual Result<nlohmann::json> update(const ResourceRef& ref, const nlohmann::json& object,
                                        const WriteOptions& options = {}, const CancelToken& cancel = {});
  virtual Result<nlohmann::json> updateStatus(const ResourceRef& ref, const nlohmann::json& object,
                                              const WriteOptions& options = {}, const CancelToken& cancel = {});
  virtual Result<nlohmann::json> patch(const ResourceRef& ref, std::string_view ns, std::string_view name,
                                       PatchType type, const nlohmann::json& patch, const WriteOptions& options = {},
                                       std::string_view subresource = {}, const CancelToken& cancel = {});
  // Server-side apply (application/apply-patch+yaml with a JSON body, fieldManager "flotilla", force).
  // `object` is the full intent: fields this manager owned before and leaves out are removed by the server.
  virtual Result<nlohmann::json> apply(const ResourceRef& ref, const nlohmann::json& object,
                                       const ApplyOptions& options = {}, const CancelToken& cancel = {});
  virtual Result<nlohmann::json> applyStatus(const ResourceRef& ref, const nlohmann::json& object,
                                             const ApplyOptions& options = {}, const CancelToken& cancel = {});
  // Returns what the server returned: the object (still terminating, with finalizers) or a Status.
  virtual Result<nlohmann::json> remove(const ResourceRef& ref, std::string_view ns, std::string_view name,
                                        const DeleteOptions& options = {}, const CancelToken& cancel = {});

  // Any other request (discovery, /version), rate limited, retried and measured like the rest.
  // A non-2xx answer comes back as its typed error.
  virtual Result<HttpResponse> raw(HttpRequest request, const CancelToken& cancel = {});

  const ClientOptions& options() const { return options_; }

 private:
  template <class Response, class Exchange>
  Result<Response> execute(HttpRequest& request, const CancelToken& cancel, Exchange exchange);
  Result<HttpResponse> send(HttpRequest request, const CancelToken& cancel);
  Result<nlohmann::json> sendJson(HttpRequest request, const CancelToken& cancel);
  Result<nlohmann::json> put(const ResourceRef& ref, const nlohmann::json& object, std::string_view subresource,
                             const WriteOptions& options, const CancelToken& cancel);
  Result<nlohmann::json> applyTo(const ResourceRef& ref, const nlohmann::json& object, std::string_view subresource,
                                 const ApplyOptions& options, const CancelToken& cancel);
  template <class Response>
  std::optional<Clock::Duration> retryDelay(const std::string& method, const Result<Response>& response,
                                            int attempt) const;
  void record(const std::string& method, int code, Clock::TimePoint start) const;
  // The field manager a write names: the caller's, else the client's.
  const std::string& managerFor(const std::string& requested) const;

  const std::shared_ptr<HttpClient> http_;
  const ClientOptions options_;
  const std::shared_ptr<Clock> clock_;
  TokenBucket limiter_;
};

}  // namespace flotilla::kube
