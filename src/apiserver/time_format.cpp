#include "apiserver/time_format.h"

#include <cstdio>
#include <ctime>

namespace flotilla::apiserver {

namespace {
std::tm toUtc(SystemTime time) {
  std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  return utc;
}
}  // namespace

std::string formatRfc3339(SystemTime time) {
  std::tm utc = toUtc(time);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

std::string formatRfc3339Micro(SystemTime time) {
  std::tm utc = toUtc(time);
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(time.time_since_epoch()).count() % 1'000'000;
  char buffer[48];
  std::size_t n = std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &utc);
  std::snprintf(buffer + n, sizeof buffer - n, ".%06lldZ", static_cast<long long>(micros));
  return buffer;
}

std::string nowRfc3339() {
  return formatRfc3339(std::chrono::system_clock::now());
}

std::optional<SystemTime> parseRfc3339(std::string_view text) {
  std::tm tm{};
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, consumed = 0;
  std::string copy(text);
  if (std::sscanf(copy.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &year, &month, &day, &hour, &minute, &second, &consumed) !=
      6) {
    return std::nullopt;
  }
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  std::string_view rest = std::string_view(copy).substr(static_cast<size_t>(consumed));
  long long fractionMicros = 0;
  if (!rest.empty() && rest.front() == '.') {
    rest.remove_prefix(1);
    long long scale = 100000;
    while (!rest.empty() && rest.front() >= '0' && rest.front() <= '9') {
      fractionMicros += (rest.front() - '0') * scale;
      scale /= 10;
      rest.remove_prefix(1);
    }
  }
  long offsetSeconds = 0;
  if (rest == "Z" || rest == "z") {
    offsetSeconds = 0;
  } else if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':') {
    int hours = (rest[1] - '0') * 10 + (rest[2] - '0');
    int minutes = (rest[4] - '0') * 10 + (rest[5] - '0');
    offsetSeconds = (hours * 3600 + minutes * 60) * (rest[0] == '-' ? -1 : 1);
  } else {
    return std::nullopt;
  }
  std::time_t seconds = timegm(&tm) - offsetSeconds;
  return std::chrono::system_clock::from_time_t(seconds) + std::chrono::microseconds(fractionMicros);
}

std::string humanDuration(std::chrono::seconds elapsed) {
  long long seconds = elapsed.count();
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  auto fmt = [](const char* pattern, long long a, long long b = 0) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, pattern, a, b);
    return std::string(buffer);
  };
  if (seconds < 60 * 2) return fmt("%llds", seconds);
  long long minutes = seconds / 60;
  if (minutes < 10) {
    long long s = seconds % 60;
    return s == 0 ? fmt("%lldm", minutes) : fmt("%lldm%llds", minutes, s);
  }
  if (minutes < 60 * 3) return fmt("%lldm", minutes);
  long long hours = minutes / 60;
  if (hours < 8) {
    long long m = minutes % 60;
    return m == 0 ? fmt("%lldh", hours) : fmt("%lldh%lldm", hours, m);
  }
  if (hours < 48) return fmt("%lldh", hours);
  if (hours < 24 * 8) {
    long long h = hours % 24;
    return h == 0 ? fmt("%lldd", hours / 24) : fmt("%lldd%lldh", hours / 24, h);
  }
  if (hours < 24 * 365 * 2) return fmt("%lldd", hours / 24);
  if (hours < 24 * 365 * 8) {
    long long dy = (hours / 24) % 365;
    return dy == 0 ? fmt("%lldy", hours / 24 / 365) : fmt("%lldy%lldd", hours / 24 / 365, dy);
  }
  return fmt("%lldy", hours / 24 / 365);
}

std::string ageOf(std::string_view rfc3339, SystemTime now) {
  auto time = parseRfc3339(rfc3339);
  if (!time) return "<unknown>";
  return humanDuration(std::chrono::duration_cast<std::chrono::seconds>(now - *time));
}

}  // namespace flotilla::apiserver
