#include "gateway/config_validator.h"

#include <sstream>

#include "gateway/haproxy_command.h"

namespace flotilla::gateway {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\n' || text.front() == '\r')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  return text;
}

// "[ALERT]    (1234) : config : parsing [f:3] : msg" → "[ALERT] config : parsing [f:3] : msg".
std::string withoutPid(std::string_view line) {
  std::string_view rest = line.substr(7);  // after "[ALERT]"
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  if (rest.starts_with("(")) {
    const auto close = rest.find(") : ");
    if (close != std::string_view::npos) rest.remove_prefix(close + 4);
  }
  return "[ALERT] " + std::string(rest);
}

}  // namespace

std::string alertLines(std::string_view output) {
  std::string alerts;
  std::istringstream in{std::string(output)};
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.starts_with("[ALERT]")) continue;
    if (!alerts.empty()) alerts += "\n";
    alerts += withoutPid(line);
  }
  return alerts.empty() ? std::string(trim(output)) : alerts;
}

std::string truncateMessage(std::string_view text, std::size_t maxBytes) {
  if (text.size() <= maxBytes) return std::string(text);
  static constexpr std::string_view kEllipsis = "\xE2\x80\xA6";  // …
  const std::size_t budget = maxBytes > kEllipsis.size() ? maxBytes - kEllipsis.size() : 0;
  std::size_t cut = budget;
  // Prefer ending on a whole line when that keeps at least half of the budget.
  const auto newline = text.substr(0, budget).rfind('\n');
  if (newline != std::string_view::npos && newline >= budget / 2) {
    cut = newline;
  } else {
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
  }
  return std::string(text.substr(0, cut)) + std::string(kEllipsis);
}

Validation validateConfigFile(const std::string& path, const ValidatorOptions& options) {
  const auto result = runProcess(checkCommand(options.haproxyBinary, path), options.environment, options.timeout);
  Validation validation;
  if (!result.spawnError.empty()) {
    validation.errors = "cannot run haproxy: " + result.spawnError;
    return validation;
  }
  if (result.timedOut) {
    validation.errors = "haproxy -c did not finish within " + std::to_string(options.timeout.count()) + " ms";
    return validation;
  }
  validation.valid = result.succeeded();
  if (!validation.valid) validation.errors = truncateMessage(alertLines(result.output));
  return validation;
}

}  // namespace flotilla::gateway
