#include "api/duration.h"

#include <cmath>
#include <limits>

namespace flotilla::api {
namespace {

struct Unit {
  std::string_view suffix;
  std::int64_t nanos;
};

// Longest suffixes first so "ms" is not read as "m" followed by garbage.
constexpr Unit kUnits[] = {{"ns", 1},         {"us", 1'000},        {"\xC2\xB5s", 1'000},  {"\xCE\xBCs", 1'000},
                           {"ms", 1'000'000}, {"s", 1'000'000'000}, {"m", 60'000'000'000}, {"h", 3'600'000'000'000}};

}  // namespace

std::optional<Duration> parseDuration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  bool negative = false;
  if (text.front() == '-' || text.front() == '+') {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  if (text == "0") return Duration{0};
  if (text.empty()) return std::nullopt;
  long double total = 0;
  while (!text.empty()) {
    std::size_t i = 0;
    long double whole = 0, fraction = 0, scale = 1;
    bool digits = false;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      whole = whole * 10 + (text[i++] - '0');
      digits = true;
    }
    if (i < text.size() && text[i] == '.') {
      ++i;
      while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
        scale /= 10;
        fraction += (text[i++] - '0') * scale;
        digits = true;
      }
    }
    if (!digits) return std::nullopt;
    text.remove_prefix(i);
    const Unit* unit = nullptr;
    for (const auto& u : kUnits) {
      if (text.starts_with(u.suffix)) {
        unit = &u;
        break;
      }
    }
    if (unit == nullptr) return std::nullopt;  // Go requires a unit on every number except a lone "0"
    text.remove_prefix(unit->suffix.size());
    total += (whole + fraction) * static_cast<long double>(unit->nanos);
    if (total > static_cast<long double>(std::numeric_limits<std::int64_t>::max())) return std::nullopt;
  }
  auto nanos = static_cast<std::int64_t>(std::llround(total));
  return Duration{negative ? -nanos : nanos};
}

std::string formatDuration(Duration d) {
  std::int64_t n = d.nanos;
  if (n == 0) return "0s";
  std::string sign = n < 0 ? "-" : "";
  if (n < 0) n = -n;
  if (n % 3'600'000'000'000 == 0) return sign + std::to_string(n / 3'600'000'000'000) + "h";
  if (n % 60'000'000'000 == 0) return sign + std::to_string(n / 60'000'000'000) + "m";
  if (n % 1'000'000'000 == 0) return sign + std::to_string(n / 1'000'000'000) + "s";
  if (n % 1'000'000 == 0) return sign + std::to_string(n / 1'000'000) + "ms";
  if (n % 1'000 == 0) return sign + std::to_string(n / 1'000) + "us";
  return sign + std::to_string(n) + "ns";
}

}  // namespace flotilla::api
