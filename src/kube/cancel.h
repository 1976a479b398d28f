#pragma once
// Cooperative cancellation so that shutdown never hangs on a request, a watch or a back-off sleep.
// A CancelSource owns the switch; CancelTokens are cheap copies handed to whoever must stop when it flips.
// The HTTP implementation turns a token into its library's own cancellation (cpprest's cancellation_token)
// behind the interface, so nothing above src/kube/cpprest_* sees that library.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>

namespace flotilla::kube {

namespace detail {
struct CancelState;
}

// Keeps a callback registered; unregisters on destruction. If the callback is running on another thread at that
// moment, the destructor waits for it to return, so the callback may safely use objects owned next to this.
class [[nodiscard]] CancelRegistration {
 public:
  CancelRegistration() = default;
  CancelRegistration(CancelRegistration&& other) noexcept;
  CancelRegistration& operator=(CancelRegistration&& other) noexcept;
  CancelRegistration(const CancelRegistration&) = delete;
  CancelRegistration& operator=(const CancelRegistration&) = delete;
  ~CancelRegistration();

 private:
  friend class CancelToken;
  CancelRegistration(std::shared_ptr<detail::CancelState> state, std::uint64_t id);
  void reset();

  std::shared_ptr<detail::CancelState> state_;
  std::uint64_t id_ = 0;
};

class CancelToken {
 public:
  // A token that is never cancelled.
  CancelToken() = default;

  bool cancelled() const;
  bool canBeCancelled() const { return state_ != nullptr; }

  // Runs `callback` once when the token is cancelled (right away, on this thread, if it already is).
  // Callbacks must be quick and must not block: they run on the thread that calls cancel().
  CancelRegistration onCancel(std::function<void()> callback) const;

  // Sleeps up to `duration`. Returns true if the time passed, false as soon as the token is cancelled.
  bool waitFor(std::chrono::nanoseconds duration) const;

 private:
  friend class CancelSource;
  explicit CancelToken(std::shared_ptr<detail::CancelState> state) : state_(std::move(state)) {}
  std::shared_ptr<detail::CancelState> state_;
};

class CancelSource {
 public:
  CancelSource();
  // A source that is also cancelled when `parent` is (e.g. one watch under the manager's shutdown token).
  explicit CancelSource(const CancelToken& parent);

  CancelToken token() const { return CancelToken(state_); }
  void cancel();
  bool cancelled() const;

 private:
  std::shared_ptr<detail::CancelState> state_;
  std::shared_ptr<CancelRegistration> parentLink_;
};

}  // namespace flotilla::kube
