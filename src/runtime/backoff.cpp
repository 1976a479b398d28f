#include "runtime/backoff.h"

#include <algorithm>

namespace flotilla::runtime {

Backoff::Backoff(BackoffOptions options, const Clock& clock, std::uint64_t seed)
    : options_(options), clock_(clock), rng_(seed), base_(options.initial) {}

std::uint64_t Backoff::randomSeed() {
  std::random_device device;
  return (static_cast<std::uint64_t>(device()) << 32) ^ device();
}

void Backoff::reset() {
  base_ = options_.initial;
  started_ = false;
}

Duration Backoff::next() {
  const TimePoint now = clock_.now();
  if (started_ && now - lastAttempt_ > options_.resetAfter) reset();

  const Duration base = base_;
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const double jittered = static_cast<double>(base.count()) * (1.0 + options_.jitter * unit(rng_));
  const Duration delay = std::min(Duration(static_cast<Duration::rep>(jittered)), options_.max);

  const double grown = static_cast<double>(base.count()) * options_.factor;
  base_ =
      grown >= static_cast<double>(options_.max.count()) ? options_.max : Duration(static_cast<Duration::rep>(grown));
  started_ = true;
  lastAttempt_ = now + delay;
  return delay;
}

}  // namespace flotilla::runtime
