#pragma once
// The reflector keeps a sink in step with the API server, with client-go's behaviour:
//  - LIST in pages of `pageSize` (following continue tokens), then WATCH from the list's resourceVersion with
//    allowWatchBookmarks and a server timeout picked at random in [minWatchTimeout, maxWatchTimeout] (so that many
//    clients do not reconnect in lockstep);
//  - a watch that ends (timeout, dropped connection) resumes from the last resourceVersion seen, bookmarks included,
//    so nothing is missed or replayed;
//  - 410 Gone (or "too old resource version") → relist; the sink computes what was deleted meanwhile;
//  - other errors → wait per Backoff (0.8 s → 30 s with jitter, reset after 2 min healthy) or the error's
//    Retry-After if longer, then retry.

#include <atomic>
#include <mutex>
#include <random>

#include "observability/logging.h"
#include "runtime/backoff.h"
#include "runtime/list_watcher.h"

namespace flotilla::runtime {

// Where the reflector delivers what it learns.
class ReflectorSink {
 public:
  virtual ~ReflectorSink() = default;
  // The complete state after a (re)list.
  virtual void replace(std::vector<nlohmann::json> items, const std::string& resourceVersion) = 0;
  // One Added / Modified / Deleted watch event.
  virtual void apply(kube::WatchEventType type, nlohmann::json object) = 0;
};

struct ReflectorOptions {
  std::string name = "reflector";  // for logs, e.g. the resource
  std::string labelSelector;
  std::string fieldSelector;
  std::int64_t pageSize = 500;
  std::chrono::seconds minWatchTimeout = std::chrono::minutes(5);
  std::chrono::seconds maxWatchTimeout = std::chrono::minutes(10);
  BackoffOptions backoff;
  // A watch that ends without delivering anything sooner than this counts as a failure (backs off), so a server that
  // closes every watch at once cannot make the reflector spin.
  Duration minHealthyWatch = std::chrono::seconds(1);
};

class Reflector {
 public:
  Reflector(ListerWatcher& listerWatcher, ReflectorSink& sink, ReflectorOptions options = {},
            const Clock& clock = realClock());

  // Lists and watches until `stop` is requested.
  void run(std::stop_token stop);

  std::string lastSyncResourceVersion() const;
  // Counters for tests and diagnostics.
  int listsCompleted() const { return lists_.load(); }
  int watchesStarted() const { return watches_.load(); }
  // Whether the last LIST or WATCH reached the API server (false from the first failure until one succeeds again):
  // what /readyz reports while the cache is kept through an outage.
  bool connected() const { return connected_.load(); }

 private:
  enum class WatchOutcome { Stopped, Rewatch, Relist, Failed };

  kube::Result<kube::ObjectList> listAll(std::stop_token stop);
  WatchOutcome watchOnce(std::stop_token stop, kube::Error& failure);
  void waitAfter(const kube::Error& error, std::stop_token stop);
  std::chrono::seconds randomWatchTimeout();
  void setLastSyncResourceVersion(std::string resourceVersion);

  ListerWatcher& listerWatcher_;
  ReflectorSink& sink_;
  const ReflectorOptions options_;
  const Clock& clock_;
  Backoff backoff_;
  const observability::Logger log_;
  std::mt19937 rng_;

  mutable std::mutex mutex_;
  std::string lastSyncResourceVersion_;
  std::atomic<int> lists_{0};
  std::atomic<int> watches_{0};
  std::atomic<bool> connected_{false};
};

// 410 Gone, an expired continue token, or a "too old resource version" message: the client must relist.
bool isResourceVersionExpired(const kube::Error& error);
// The stream broke (transport, timeout, cancellation) rather than the server reporting an error.
bool isConnectionLoss(const kube::Error& error);

}  // namespace flotilla::runtime
