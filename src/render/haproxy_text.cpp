#include "render/haproxy_text.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <nlohmann/json.hpp>

namespace flotilla::render {

std::string singleQuoted(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out.push_back(c);
    }
  }
  out.push_back('\'');
  return out;
}

std::string quotedLogFormat(std::string_view text) {
  std::string doubled;
  for (char c : text) {
    doubled.push_back(c);
    if (c == '%') doubled.push_back('%');
  }
  return singleQuoted(doubled);
}

std::string regexLiteral(std::string_view text) {
  std::string out;
  for (char c : text) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '/';
    if (!plain) out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

std::string haproxyDuration(api::Duration duration) {
  std::int64_t ms = duration.toMilliseconds();
  if (ms < 1) ms = 1;
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

std::string jsonBody(std::string_view text) {
  nlohmann::json parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object()) parsed = {{"error", std::string(text)}};
  // ensure_ascii: control characters and non-ASCII become \uXXXX, so the body is one printable line.
  return parsed.dump(-1, ' ', /*ensure_ascii=*/true, nlohmann::json::error_handler_t::replace);
}

std::optional<std::string> pcreError(std::string_view pattern) {
  int errorCode = 0;
  PCRE2_SIZE errorOffset = 0;
  pcre2_code* code =
      pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), 0, &errorCode, &errorOffset, nullptr);
  if (code != nullptr) {
    pcre2_code_free(code);
    return std::nullopt;
  }
  PCRE2_UCHAR message[256];
  pcre2_get_error_message(errorCode, message, sizeof message);
  return std::string(reinterpret_cast<const char*>(message)) + " at offset " + std::to_string(errorOffset);
}

}  // namespace flotilla::render
