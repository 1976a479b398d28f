#pragma once
// Timestamps as the API writes them (RFC 3339, UTC, seconds) and ages as `kubectl get` shows them.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace flotilla::apiserver {

using SystemTime = std::chrono::system_clock::time_point;

std::string formatRfc3339(SystemTime time);
// RFC 3339 with microseconds (metav1.MicroTime, used by Leases and events.k8s.io Events).
std::string formatRfc3339Micro(SystemTime time);
std::string nowRfc3339();
// Accepts "2024-01-02T03:04:05Z", fractional seconds and numeric offsets.
std::optional<SystemTime> parseRfc3339(std::string_view text);

// Kubernetes' duration.HumanDuration: "0s", "45s", "5m", "5m30s", "3h", "2d5h", "400d", "3y"...
std::string humanDuration(std::chrono::seconds elapsed);
// Age of a timestamp relative to now; "<unknown>" when it does not parse.
std::string ageOf(std::string_view rfc3339, SystemTime now = std::chrono::system_clock::now());

}  // namespace flotilla::apiserver
