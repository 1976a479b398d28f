#pragma once
// An in-memory stand-in for one resource of an API server, for reflector/informer/controller unit tests: objects
// with increasing resourceVersions, an event log that watches replay from any version not yet compacted (older →
// 410 Gone), paginated lists, and switches to fail calls, drop watches and send bookmarks.

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "eventually.h"
#include "kube/errors.h"
#include "runtime/list_watcher.h"
#include "runtime/object.h"

namespace flotilla::runtime::testing {

class FakeListerWatcher final : public ListerWatcher {
 public:
  // ---- the "server" side, driven by the test
  nlohmann::json create(const std::string& namespace_, const std::string& name, nlohmann::json extra = {}) {
    nlohmann::json object = {{"apiVersion", "v1"},
                             {"kind", "ConfigMap"},
                             {"metadata", {{"namespace", namespace_}, {"name", name}, {"uid", "uid-" + name}}}};
    if (extra.is_object()) object.merge_patch(extra);
    return write(kube::WatchEventType::Added, std::move(object));
  }
  nlohmann::json update(const std::string& namespace_, const std::string& name, const nlohmann::json& patch) {
    nlohmann::json object;
    {
      std::lock_guard lock(mutex_);
      object = objects_.at(objectKey(namespace_, name));
    }
    object.merge_patch(patch);
    return write(kube::WatchEventType::Modified, std::move(object));
  }
  void remove(const std::string& namespace_, const std::string& name) {
    nlohmann::json object;
    {
      std::lock_guard lock(mutex_);
      object = objects_.at(objectKey(namespace_, name));
    }
    write(kube::WatchEventType::Deleted, std::move(object));
  }
  // Forgets the event log: watches from any version before now get 410 Gone; open watches receive an ERROR event.
  void compact() {
    std::lock_guard lock(mutex_);
    compactedAt_ = revision_;
    log_.clear();
    ++compactions_;
    changed_.notify_all();
  }
  // Compacts, and every open watch receives an ERROR 410 event (as when an API server's watch cache starts over).
  void expireWatches() {
    std::lock_guard lock(mutex_);
    compactedAt_ = revision_;
    log_.clear();
    ++compactions_;
    ++expiries_;
    changed_.notify_all();
  }
  // Breaks every open watch stream (its next() returns a transport error).
  void dropWatches() {
    std::lock_guard lock(mutex_);
    ++drops_;
    changed_.notify_all();
  }
  // Sends a BOOKMARK with the current resourceVersion to open watches.
  void bookmark() {
    std::lock_guard lock(mutex_);
    bookmarkAt_ = revision_;
    ++bookmarks_;
    changed_.notify_all();
  }
  void failNextLists(int count, kube::Error error) {
    std::lock_guard lock(mutex_);
    for (int i = 0; i < count; ++i) listFailures_.push_back(error);
  }
  void failNextWatches(int count, kube::Error error) {
    std::lock_guard lock(mutex_);
    for (int i = 0; i < count; ++i) watchFailures_.push_back(error);
  }

  int listCalls() const {
    std::lock_guard lock(mutex_);
    return listCalls_;
  }
  std::vector<kube::ListOptions> listOptions() const {
    std::lock_guard lock(mutex_);
    return listOptions_;
  }
  std::vector<kube::WatchOptions> watchOptions() const {
    std::lock_guard lock(mutex_);
    return watchOptions_;
  }
  int openWatches() const {
    std::lock_guard lock(mutex_);
    return openWatches_;
  }
  std::string currentResourceVersion() const {
    std::lock_guard lock(mutex_);
    return std::to_string(revision_);
  }

  // ---- ListerWatcher
  kube::Result<kube::ObjectList> list(const kube::ListOptions& options, std::stop_token) override {
    std::lock_guard lock(mutex_);
    ++listCalls_;
    listOptions_.push_back(options);
    if (!listFailures_.empty()) {
      kube::Error error = listFailures_.front();
      listFailures_.pop_front();
      return error;
    }
    kube::ObjectList page;
    page.resourceVersion = std::to_string(revision_);
    auto it = options.continueToken.empty() ? objects_.begin() : objects_.upper_bound(options.continueToken);
    for (; it != objects_.end(); ++it) {
      if (options.limit > 0 && static_cast<std::int64_t>(page.items.size()) == options.limit) {
        page.continueToken = std::prev(it)->first;
        break;
      }
      page.items.push_back(it->second);
    }
    return page;
  }

  kube::Result<std::unique_ptr<WatchStream>> watch(const kube::WatchOptions& options, std::stop_token stop) override {
    std::unique_lock lock(mutex_);
    watchOptions_.push_back(options);
    if (!watchFailures_.empty()) {
      kube::Error error = watchFailures_.front();
      watchFailures_.pop_front();
      return error;
    }
    const std::int64_t from = options.resourceVersion.empty() ? revision_ : std::stoll(options.resourceVersion);
    if (from < compactedAt_) return goneError();
    const int drops = drops_;
    const int compactions = compactions_;
    const int bookmarks = bookmarks_;
    const int expiries = expiries_;
    lock.unlock();  // the stream's stop callback takes the lock (at once, if stop was already requested)
    return std::unique_ptr<WatchStream>(
        std::make_unique<Stream>(*this, from, std::move(stop), drops, compactions, bookmarks, expiries));
  }

  static kube::Error goneError() {
    return kube::errorFromStatus({{"kind", "Status"},
                                  {"status", "Failure"},
                                  {"code", 410},
                                  {"reason", "Expired"},
                                  {"message", "too old resource version"}});
  }

 private:
  struct LoggedEvent {
    std::int64_t revision;
    kube::WatchEventType type;
    nlohmann::json object;
  };

  class Stream final : public WatchStream {
   public:
    Stream(FakeListerWatcher& server, std::int64_t from, std::stop_token stop, int drops, int compactions,
           int bookmarks, int expiries)
        : server_(server),
          position_(from),
          stop_(std::move(stop)),
          drops_(drops),
          compactions_(compactions),
          bookmarks_(bookmarks),
          expiries_(expiries),
          wake_(stop_, [this] {
            std::lock_guard lock(server_.mutex_);
            server_.changed_.notify_all();
          }) {
      std::lock_guard lock(server_.mutex_);
      ++server_.openWatches_;
    }
    ~Stream() override {
      std::lock_guard lock(server_.mutex_);
      --server_.openWatches_;
    }

    kube::Result<std::optional<kube::WatchEvent>> next() override {
      std::unique_lock lock(server_.mutex_);
      while (true) {
        if (stop_.stop_requested()) return kube::cancelledError();
        if (server_.drops_ != drops_) return kube::transportError("connection reset by fake server");
        if (server_.compactions_ != compactions_) {
          compactions_ = server_.compactions_;
          if (position_ < server_.compactedAt_ || server_.expiries_ != expiries_) {
            expiries_ = server_.expiries_;
            return goneError();  // what kube::WatchStream makes of an ERROR 410 event
          }
        }
        for (const auto& event : server_.log_) {
          if (event.revision > position_) {
            position_ = event.revision;
            return std::optional<kube::WatchEvent>(kube::WatchEvent{event.type, event.object});
          }
        }
        if (server_.bookmarks_ != bookmarks_) {
          bookmarks_ = server_.bookmarks_;
          nlohmann::json object = {{"kind", "ConfigMap"},
                                   {"metadata", {{"resourceVersion", std::to_string(server_.bookmarkAt_)}}}};
          position_ = std::max(position_, server_.bookmarkAt_);
          return std::optional<kube::WatchEvent>(kube::WatchEvent{kube::WatchEventType::Bookmark, object});
        }
        server_.changed_.wait(lock);
      }
    }

   private:
    FakeListerWatcher& server_;
    std::int64_t position_;
    std::stop_token stop_;
    int drops_;
    int compactions_;
    int bookmarks_;
    int expiries_;
    std::stop_callback<std::function<void()>> wake_;
  };

  nlohmann::json write(kube::WatchEventType type, nlohmann::json object) {
    std::lock_guard lock(mutex_);
    ++revision_;
    object["metadata"]["resourceVersion"] = std::to_string(revision_);
    const std::string key = objectKey(object);
    if (type == kube::WatchEventType::Deleted) {
      objects_.erase(key);
    } else {
      objects_[key] = object;
    }
    log_.push_back({revision_, type, object});
    changed_.notify_all();
    return object;
  }

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::string, nlohmann::json> objects_;
  std::vector<LoggedEvent> log_;
  std::int64_t revision_ = 100;
  std::int64_t compactedAt_ = 0;
  std::int64_t bookmarkAt_ = 0;
  int compactions_ = 0;
  int expiries_ = 0;
  int drops_ = 0;
  int bookmarks_ = 0;
  int openWatches_ = 0;
  int listCalls_ = 0;
  std::vector<kube::ListOptions> listOptions_;
  std::vector<kube::WatchOptions> watchOptions_;
  std::deque<kube::Error> listFailures_;
  std::deque<kube::Error> watchFailures_;
};

}  // namespace flotilla::runtime::testing
