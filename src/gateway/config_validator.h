#pragma once
// `haproxy -c` on every config before it may be loaded (haproxy-gateway.md §8): exit 0 = valid (warnings allowed),
// exit 1 = invalid with `[ALERT] ... parsing [file:line] : message` lines on stderr. Those lines are what users see
// (Pod annotation, Gateway condition), cut to a size an annotation can carry.

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "gateway/subprocess.h"

namespace flotilla::gateway {

inline constexpr std::size_t kMaxReportedErrorBytes = 1024;

struct Validation {
  bool valid = false;
  std::string errors;  // the [ALERT] lines (else the whole output when there are none), at most ~1 KiB
};

struct ValidatorOptions {
  std::string haproxyBinary = "haproxy";
  Environment environment;  // the same FLOTILLA_* variables the master gets: the config expands them
  std::chrono::milliseconds timeout{std::chrono::seconds(30)};
};

Validation validateConfigFile(const std::string& path, const ValidatorOptions& options);

// The [ALERT] lines of HAProxy output without the "(pid)" noise, one per line; the whole trimmed output when
// there are none. Pure.
std::string alertLines(std::string_view output);

// At most `maxBytes`, cut at a line (or UTF-8 character) boundary, with "…" appended when cut. Pure.
std::string truncateMessage(std::string_view text, std::size_t maxBytes = kMaxReportedErrorBytes);

}  // namespace flotilla::gateway
