#pragma once
// The one contract a Flotilla controller implements (controller-runtime's pkg/reconcile):
//
//   Result reconcile(const Request& request);
//
// Level-based: it reads the current state (from informer caches) and converges; it never depends on which event
// woke it. The outcome tells the controller what to do next:
//   done()            success; the item's backoff history is forgotten
//   requeue()         run again, rate limited (per-item backoff + overall bucket)
//   requeueAfter(d)   run again after d (history forgotten)
//   error(msg)        failed; retried with backoff; counted in the error metrics
//   terminalError(m)  failed in a way retrying cannot fix (bad spec); not retried; counted as an error
// While it runs, reconcileLogger() logs with fields controller, namespace, name and reconcileID.

#include <compare>
#include <functional>
#include <string>

#include "observability/logging.h"
#include "runtime/clock.h"

namespace flotilla::runtime {

struct Request {
  std::string namespace_;
  std::string name;

  // "namespace/name" (or "name" when cluster-scoped): the work queue key.
  std::string key() const;
  static Request fromKey(const std::string& key);
  auto operator<=>(const Request&) const = default;
};

class Result {
 public:
  enum class Kind { Done, Requeue, RequeueAfter, Error, TerminalError };

  static Result done() { return Result(Kind::Done); }
  static Result requeue() { return Result(Kind::Requeue); }
  static Result requeueAfter(Duration delay) { return Result(Kind::RequeueAfter, delay); }
  static Result error(std::string message) { return Result(Kind::Error, Duration::zero(), std::move(message)); }
  static Result terminalError(std::string message) {
    return Result(Kind::TerminalError, Duration::zero(), std::move(message));
  }

  Kind kind() const { return kind_; }
  Duration after() const { return after_; }
  const std::string& message() const { return message_; }
  bool isError() const { return kind_ == Kind::Error || kind_ == Kind::TerminalError; }

 private:
  explicit Result(Kind kind, Duration after = Duration::zero(), std::string message = {})
      : kind_(kind), after_(after), message_(std::move(message)) {}

  Kind kind_;
  Duration after_;
  std::string message_;
};

using Reconciler = std::function<Result(const Request&)>;

// What the controller knows about the reconcile running on the calling thread.
struct ReconcileContext {
  std::string controller;
  Request request;
  std::string reconcileId;
  observability::Logger log;
};

// The reconcile running on this thread, or null outside one.
const ReconcileContext* currentReconcile();
// Its logger (fields controller, namespace, name, reconcileID); outside a reconcile a plain "reconcile" logger.
observability::Logger reconcileLogger();

// A random RFC 4122 version-4 UUID string, used as reconcile ID.
std::string newReconcileId();

namespace detail {
// Installs `context` as this thread's current reconcile for the scope's lifetime (used by Controller).
class ReconcileScope {
 public:
  explicit ReconcileScope(const ReconcileContext& context);
  ~ReconcileScope();
  ReconcileScope(const ReconcileScope&) = delete;
  ReconcileScope& operator=(const ReconcileScope&) = delete;

 private:
  const ReconcileContext* previous_;
};
}  // namespace detail

}  // namespace flotilla::runtime
