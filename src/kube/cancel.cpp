#include "kube/cancel.h"

#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

namespace flotilla::kube {
namespace detail {

struct CancelState {
  std::mutex mutex;
  std::condition_variable changed;
  bool cancelled = false;
  std::uint64_t nextId = 1;
  std::map<std::uint64_t, std::function<void()>> callbacks;
  // The callback cancel() is running right now (0 = none) and on which thread.
  std::uint64_t runningId = 0;
  std::thread::id runningThread;

  void cancel() {
    std::unique_lock lock(mutex);
    if (cancelled) return;
    cancelled = true;
    changed.notify_all();
    while (!callbacks.empty()) {
      auto node = callbacks.extract(callbacks.begin());
      runningId = node.key();
      runningThread = std::this_thread::get_id();
      lock.unlock();
      node.mapped()();
      lock.lock();
      runningId = 0;
      changed.notify_all();
    }
  }

  void unregister(std::uint64_t id) {
    std::unique_lock lock(mutex);
    if (callbacks.erase(id) > 0) return;
    // Already taken by cancel(): wait until it has returned, unless we are inside that very callback.
    if (runningThread != std::this_thread::get_id()) changed.wait(lock, [&] { return runningId != id; });
  }
};

}  // namespace detail

CancelRegistration::CancelRegistration(std::shared_ptr<detail::CancelState> state, std::uint64_t id)
    : state_(std::move(state)), id_(id) {}

CancelRegistration::CancelRegistration(CancelRegistration&& other) noexcept
    : state_(std::move(other.state_)), id_(other.id_) {
  other.id_ = 0;
}

CancelRegistration& CancelRegistration::operator=(CancelRegistration&& other) noexcept {
  if (this != &other) {
    reset();
    state_ = std::move(other.state_);
    id_ = other.id_;
    other.id_ = 0;
  }
  return *this;
}

CancelRegistration::~CancelRegistration() {
  reset();
}

void CancelRegistration::reset() {
  if (state_ && id_ != 0) state_->unregister(id_);
  state_.reset();
  id_ = 0;
}

bool CancelToken::cancelled() const {
  if (!state_) return false;
  std::lock_guard lock(state_->mutex);
  return state_->cancelled;
}

CancelRegistration CancelToken::onCancel(std::function<void()> callback) const {
  if (!state_) return {};
  {
    std::lock_guard lock(state_->mutex);
    if (!state_->cancelled) {
      auto id = state_->nextId++;
      state_->callbacks.emplace(id, std::move(callback));
      return CancelRegistration(state_, id);
    }
  }
  callback();
  return {};
}

bool CancelToken::waitFor(std::chrono::nanoseconds duration) const {
  if (!state_) {
    std::this_thread::sleep_for(duration);
    return true;
  }
  std::unique_lock lock(state_->mutex);
  return !state_->changed.wait_for(lock, duration, [&] { return state_->cancelled; });
}

CancelSource::CancelSource() : state_(std::make_shared<detail::CancelState>()) {}

CancelSource::CancelSource(const CancelToken& parent) : CancelSource() {
  std::weak_ptr<detail::CancelState> weak = state_;
  parentLink_ = std::make_shared<CancelRegistration>(parent.onCancel([weak] {
    if (auto state = weak.lock()) state->cancel();
  }));
}

void CancelSource::cancel() {
  state_->cancel();
}

bool CancelSource::cancelled() const {
  return CancelToken(state_).cancelled();
}

}  // namespace flotilla::kube
