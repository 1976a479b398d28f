#pragma once
// Exponential backoff with jitter, as client-go's reflector uses it: 0.8 s doubling to 30 s, with the sequence
// starting over once the caller has gone `resetAfter` without needing a backoff (i.e. it has been healthy).

#include <cstdint>
#include <random>

#include "runtime/clock.h"

namespace flotilla::runtime {

struct BackoffOptions {
  Duration initial = std::chrono::milliseconds(800);
  Duration max = std::chrono::seconds(30);
  double factor = 2.0;
  // Each delay is base * (1 + jitter * u), u uniform in [0, 1), then capped at `max`. Jitter spreads reconnects of
  // many clients after a server restart.
  double jitter = 1.0;
  Duration resetAfter = std::chrono::minutes(2);
};

// Not thread-safe: one Backoff belongs to one retry loop.
class Backoff {
 public:
  explicit Backoff(BackoffOptions options = {}, const Clock& clock = realClock(), std::uint64_t seed = randomSeed());

  // The delay to wait before the next attempt. Starts over at `initial` when the previous attempt (the end of the
  // previous delay) lies more than `resetAfter` in the past.
  Duration next();
  // Start over at `initial` (e.g. after a success that proves the peer is healthy).
  void reset();
  // The un-jittered delay the next call would be based on.
  Duration currentBase() const { return base_; }

  static std::uint64_t randomSeed();

 private:
  BackoffOptions options_;
  const Clock& clock_;
  std::mt19937_64 rng_;
  Duration base_;
  bool started_ = false;
  TimePoint lastAttempt_{};
};

}  // namespace flotilla::runtime
