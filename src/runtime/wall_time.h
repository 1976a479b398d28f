#pragma once
// Timestamps as the Kubernetes API writes them: metav1.Time (RFC 3339, seconds, UTC) for Events and
// metav1.MicroTime (microseconds) for Leases.

#include <optional>
#include <string>
#include <string_view>

#include "runtime/clock.h"

namespace flotilla::runtime {

std::string formatTime(WallTime time);       // "2024-05-01T12:00:00Z"
std::string formatMicroTime(WallTime time);  // "2024-05-01T12:00:00.123456Z"
// Accepts both forms (and any number of fraction digits); only the UTC "Z" suffix or a numeric offset.
std::optional<WallTime> parseTime(std::string_view text);

}  // namespace flotilla::runtime
