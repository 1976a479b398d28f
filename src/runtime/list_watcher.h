#pragma once
// What a Reflector needs from an API server: paginated LIST and WATCH of one resource type. Programming the
// reflector against this small interface keeps it testable with a scripted fake; kube_adapters.h adapts the real
// kube::Client. Options, lists and events are kube's own types; errors are kube::Error values (Gone → relist,
// TooManyRequests → honour retryAfter, ...).

#include <memory>
#include <optional>
#include <stop_token>

#include "kube/client.h"

namespace flotilla::runtime {

class WatchStream {
 public:
  virtual ~WatchStream() = default;
  // Blocks for the next event. nullopt: the server ended the stream cleanly (e.g. timeoutSeconds passed).
  // Errors: the connection broke (Transport, Timeout), the server sent an ERROR event (its typed error, e.g. Gone),
  // or the stop token given to watch() fired (Cancelled).
  virtual kube::Result<std::optional<kube::WatchEvent>> next() = 0;
};

class ListerWatcher {
 public:
  virtual ~ListerWatcher() = default;
  // Both must return promptly (Cancelled) once `stop` is requested, and so must the stream's next().
  virtual kube::Result<kube::ObjectList> list(const kube::ListOptions& options, std::stop_token stop) = 0;
  virtual kube::Result<std::unique_ptr<WatchStream>> watch(const kube::WatchOptions& options, std::stop_token stop) = 0;
};

}  // namespace flotilla::runtime
