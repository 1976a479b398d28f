#pragma once
// Kubernetes-style durations ("60s", "1m30s", "250ms", "1.5h"), as Go's time.ParseDuration reads them.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace flotilla::api {

struct Duration {
  std::int64_t nanos = 0;

  static constexpr Duration milliseconds(std::int64_t ms) { return Duration{ms * 1'000'000}; }
  static constexpr Duration seconds(std::int64_t s) { return Duration{s * 1'000'000'000}; }
  constexpr std::int64_t toMilliseconds() const { return nanos / 1'000'000; }
  constexpr bool operator==(const Duration&) const = default;
  constexpr auto operator<=>(const Duration&) const = default;
};

// Parses Go duration syntax (units ns, us, µs, ms, s, m, h; signs; fractions). nullopt on any error.
std::optional<Duration> parseDuration(std::string_view text);

// Shortest exact rendering in one unit ("1m", "1500ms"), a form both Kubernetes and HAProxy read.
std::string formatDuration(Duration d);

}  // namespace flotilla::api
