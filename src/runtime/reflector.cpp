#include "runtime/reflector.h"

#include "observability/logging.h"

#include "runtime/object.h"

namespace flotilla::runtime {

bool isResourceVersionExpired(const kube::Error& error) {
  return error.kind == kube::ErrorKind::Gone || error.reason == "Expired" ||
         error.message.find("too old resource version") != std::string::npos;
}

bool isConnectionLoss(const kube::Error& error) {
  return error.kind == kube::ErrorKind::Transport || error.kind == kube::ErrorKind::Timeout ||
         error.kind == kube::ErrorKind::Cancelled;
}

Reflector::Reflector(ListerWatcher& listerWatcher, ReflectorSink& sink, ReflectorOptions options, const Clock& clock)
    : listerWatcher_(listerWatcher),
      sink_(sink),
      options_(std::move(options)),
      clock_(clock),
      backoff_(options_.backoff, clock),
      log_(observability::Logger("reflector").with({{"resource", options_.name}})),
      rng_(static_cast<std::mt19937::result_type>(Backoff::randomSeed())) {}

std::string Reflector::lastSyncResourceVersion() const {
  std::lock_guard lock(mutex_);
  return lastSyncResourceVersion_;
}

void Reflector::setLastSyncResourceVersion(std::string resourceVersion) {
  if (resourceVersion.empty()) return;
  std::lock_guard lock(mutex_);
  lastSyncResourceVersion_ = std::move(resourceVersion);
}

std::chrono::seconds Reflector::randomWatchTimeout() {
  std::uniform_int_distribution<std::int64_t> seconds(
      options_.minWatchTimeout.count(), std::max(options_.minWatchTimeout, options_.maxWatchTimeout).count());
  return std::chrono::seconds(seconds(rng_));
}

void Reflector::run(std::stop_token stop) {
  bool needList = true;
  while (!stop.stop_requested()) {
    if (needList) {
      auto listed = listAll(stop);
      if (!listed.ok()) {
        if (stop.stop_requested()) break;
        connected_ = false;
        log_.warn("list failed", {{"error", listed.error().toString()}});
        waitAfter(listed.error(), stop);
        continue;
      }
      ++lists_;
      connected_ = true;
      const std::string resourceVersion = listed->resourceVersion;
      sink_.replace(std::move(listed->items), resourceVersion);
      setLastSyncResourceVersion(resourceVersion);
      needList = false;
    }

    kube::Error failure;
    switch (watchOnce(stop, failure)) {
      case WatchOutcome::Stopped:
        return;
      case WatchOutcome::Rewatch:
        break;
      case WatchOutcome::Relist:
        log_.info("resourceVersion expired, relisting", {{"resourceVersion", lastSyncResourceVersion()}});
        needList = true;
        break;
      case WatchOutcome::Failed:
        if (stop.stop_requested()) return;
        connected_ = false;
        log_.warn("watch failed", {{"error", failure.toString()}});
        waitAfter(failure, stop);
        break;
    }
  }
}

kube::Result<kube::ObjectList> Reflector::listAll(std::stop_token stop) {
  kube::ListOptions options;
  options.labelSelector = options_.labelSelector;
  options.fieldSelector = options_.fieldSelector;
  options.limit = options_.pageSize;
  kube::ObjectList all;
  bool paginated = options_.pageSize > 0;
  while (true) {
    auto page = listerWatcher_.list(options, stop);
    if (!page.ok()) {
      // A continue token expired between pages: the snapshot is gone, so fetch everything in one go instead.
      if (paginated && !options.continueToken.empty() && isResourceVersionExpired(page.error())) {
        log_.info("continue token expired, listing without pagination");
        options.continueToken.clear();
        options.limit = 0;
        paginated = false;
        all.items.clear();
        continue;
      }
      return page.error();
    }
    for (auto& item : page->items) all.items.push_back(std::move(item));
    all.resourceVersion = page->resourceVersion;
    if (page->continueToken.empty()) return all;
    options.continueToken = page->continueToken;
  }
}

Reflector::WatchOutcome Reflector::watchOnce(std::stop_token stop, kube::Error& failure) {
  kube::WatchOptions options;
  options.labelSelector = options_.labelSelector;
  options.fieldSelector = options_.fieldSelector;
  options.resourceVersion = lastSyncResourceVersion();
  options.allowWatchBookmarks = true;
  options.timeoutSeconds = randomWatchTimeout().count();
  const TimePoint started = clock_.now();
  auto stream = listerWatcher_.watch(options, stop);
  if (stop.stop_requested()) return WatchOutcome::Stopped;
  if (!stream.ok()) {
    if (isResourceVersionExpired(stream.error())) return WatchOutcome::Relist;
    failure = stream.error();
    return WatchOutcome::Failed;
  }
  ++watches_;
  connected_ = true;

  int received = 0;
  while (true) {
    auto next = (*stream)->next();
    if (stop.stop_requested()) return WatchOutcome::Stopped;
    if (!next.ok()) {
      const kube::Error& error = next.error();
      if (isResourceVersionExpired(error)) return WatchOutcome::Relist;
      if (!isConnectionLoss(error)) {  // an ERROR event from the server
        failure = error;
        return WatchOutcome::Failed;
      }
    }
    if (!next.ok() || !next->has_value()) {
      // The stream ended: a dropped connection or the server's timeout. Resuming from the last resourceVersion is
      // right either way, unless the watch died at once without delivering anything.
      const bool tooShort = received == 0 && clock_.now() - started < options_.minHealthyWatch;
      if (!tooShort) return WatchOutcome::Rewatch;
      failure = next.ok() ? kube::transportError("watch closed immediately") : next.error();
      return WatchOutcome::Failed;
    }
    kube::WatchEvent& event = **next;
    if (event.type == kube::WatchEventType::Bookmark) {
      setLastSyncResourceVersion(resourceVersionOf(event.object));
    } else {
      std::string resourceVersion = resourceVersionOf(event.object);
      sink_.apply(event.type, std::move(event.object));
      setLastSyncResourceVersion(std::move(resourceVersion));
    }
    ++received;
  }
}

void Reflector::waitAfter(const kube::Error& error, std::stop_token stop) {
  Duration delay = backoff_.next();
  if (error.retryAfter && *error.retryAfter > delay) delay = *error.retryAfter;
  clock_.sleepFor(delay, stop);
}

}  // namespace flotilla::runtime
