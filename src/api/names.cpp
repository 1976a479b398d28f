#include "api/names.h"

#include <algorithm>
#include <regex>
#include <string>

namespace flotilla::api {
namespace {

bool isLowerAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}
bool isAlnum(char c) {
  return isLowerAlnum(c) || (c >= 'A' && c <= 'Z');
}
bool isHexDigit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Splits on '.' and checks each part; an empty part (leading, trailing or doubled dot) fails.
template <typename LabelCheck>
bool allDotSeparated(std::string_view s, LabelCheck check) {
  if (s.empty()) return false;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = s.find('.', start);
    const std::string_view part = s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (!check(part)) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

bool isAllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The part after the optional prefix of a qualified name, and a non-empty label value, share this grammar.
bool isQualifiedNamePart(std::string_view s) {
  if (s.empty() || s.size() > kMaxQualifiedNamePartLength) return false;
  if (!isAlnum(s.front()) || !isAlnum(s.back())) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return isAlnum(c) || c == '-' || c == '_' || c == '.'; });
}

// Sequences that HAProxy's parser or log-format engine interprets even inside an otherwise harmless word.
bool hasConfigExpansion(std::string_view s) {
  return s.find("%[") != std::string_view::npos || s.find("${") != std::string_view::npos;
}

bool hasQuoteOrComment(std::string_view s) {
  return s.find_first_of("'\"#`") != std::string_view::npos;
}

bool isSafeRegex(std::string_view s, bool allowSpace) {
  if (s.empty() || s.size() > kMaxRegexLength || !isPrintableAscii(s)) return false;
  if (hasQuoteOrComment(s) || hasConfigExpansion(s)) return false;
  if (!allowSpace && s.find(' ') != std::string_view::npos) return false;
  return compilesAsRegex(s);
}

}  // namespace

bool isPrintableAscii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c <= 0x7e; });
}

bool isDns1123Label(std::string_view s) {
  if (s.empty() || s.size() > kMaxDns1123LabelLength) return false;
  if (!isLowerAlnum(s.front()) || !isLowerAlnum(s.back())) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return isLowerAlnum(c) || c == '-'; });
}

bool isDns1123Subdomain(std::string_view s) {
  return s.size() <= kMaxDns1123SubdomainLength && allDotSeparated(s, isDns1123Label);
}

bool isDns1035Label(std::string_view s) {
  return isDns1123Label(s) && s.front() >= 'a' && s.front() <= 'z';
}

bool isIanaServiceName(std::string_view s) {
  if (s.empty() || s.size() > kMaxIanaServiceNameLength) return false;
  if (s.front() == '-' || s.back() == '-' || s.find("--") != std::string_view::npos) return false;
  if (!std::all_of(s.begin(), s.end(), [](char c) { return isLowerAlnum(c) || c == '-'; })) return false;
  return std::any_of(s.begin(), s.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

bool isQualifiedName(std::string_view s) {
  const std::size_t slash = s.find('/');
  if (slash == std::string_view::npos) return isQualifiedNamePart(s);
  const std::string_view prefix = s.substr(0, slash);
  return isDns1123Subdomain(prefix) && isQualifiedNamePart(s.substr(slash + 1));
}

bool isLabelValue(std::string_view s) {
  return s.empty() || isQualifiedNamePart(s);
}

bool isValidHostname(std::string_view s) {
  if (s.empty() || s.size() > kMaxHostnameLength) return false;
  std::string_view rest = s;
  if (rest.starts_with("*.")) rest.remove_prefix(2);
  if (!isDns1123Subdomain(rest)) return false;
  // Four all-digit labels would be an IPv4 address, which Route hostnames (like Gateway API's) do not accept.
  std::size_t labels = 0;
  const bool allNumeric = allDotSeparated(rest, [&labels](std::string_view part) {
    ++labels;
    return isAllDigits(part);
  });
  return !(allNumeric && labels == 4);
}

bool isHttpToken(std::string_view s) {
  constexpr std::string_view kTcharSymbols = "!#$%&'*+-.^_`|~";
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(),
                     [&](char c) { return isAlnum(c) || kTcharSymbols.find(c) != std::string_view::npos; });
}

bool isSafeHeaderName(std::string_view s) {
  if (s.empty() || s.size() > kMaxHeaderNameLength || !isAlnum(s.front())) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return isAlnum(c) || c == '-' || c == '_' || c == '.'; });
}

bool isSafeHeaderValue(std::string_view s) {
  return s.size() <= kMaxHeaderValueLength && isSafeConfigText(s);
}

bool isSafeConfigText(std::string_view s) {
  if (!isPrintableAscii(s)) return false;
  if (s.empty()) return true;
  if (s.front() == ' ' || s.back() == ' ' || s.front() == '-') return false;
  if (hasQuoteOrComment(s) || s.find('\\') != std::string_view::npos) return false;
  return !hasConfigExpansion(s);
}

bool isSafeConfigPath(std::string_view s) {
  if (s.empty() || s.size() > kMaxPathLength || s.front() != '/') return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size()) return false;
      if (!isHexDigit(s[i + 1]) || !isHexDigit(s[i + 2])) return false;
      i += 2;
      continue;
    }
    if (!isAlnum(c) && c != '/' && c != '.' && c != '_' && c != '~' && c != '-') return false;
  }
  return true;
}

bool compilesAsRegex(std::string_view s) {
  try {
    std::regex compiled{std::string(s), std::regex::ECMAScript};
    return true;
  } catch (...) {
    // std::regex_error for bad syntax; anything else (e.g. exhausted resources) also means "not usable".
    return false;
  }
}

bool isSafePathRegex(std::string_view s) {
  return isSafeRegex(s, /*allowSpace=*/false);
}
bool isSafeHeaderRegex(std::string_view s) {
  return isSafeRegex(s, /*allowSpace=*/true);
}

}  // namespace flotilla::api
