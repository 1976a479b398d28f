#include "api/yaml_scalar.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <optional>

namespace flotilla::api::yaml_scalar {
namespace {

constexpr std::string_view kTagPrefix = "tag:yaml.org,2002:";

struct Word {
  std::string_view text;
  Scalar::Kind kind;
  bool boolean;
};

// go-yaml v2's resolve table: only these exact spellings are special.
constexpr std::array<Word, 26> kWords{{
    {"y", Scalar::Kind::Bool, true},      {"Y", Scalar::Kind::Bool, true},      {"yes", Scalar::Kind::Bool, true},
    {"Yes", Scalar::Kind::Bool, true},    {"YES", Scalar::Kind::Bool, true},    {"true", Scalar::Kind::Bool, true},
    {"True", Scalar::Kind::Bool, true},   {"TRUE", Scalar::Kind::Bool, true},   {"on", Scalar::Kind::Bool, true},
    {"On", Scalar::Kind::Bool, true},     {"ON", Scalar::Kind::Bool, true},     {"n", Scalar::Kind::Bool, false},
    {"N", Scalar::Kind::Bool, false},     {"no", Scalar::Kind::Bool, false},    {"No", Scalar::Kind::Bool, false},
    {"NO", Scalar::Kind::Bool, false},    {"false", Scalar::Kind::Bool, false}, {"False", Scalar::Kind::Bool, false},
    {"FALSE", Scalar::Kind::Bool, false}, {"off", Scalar::Kind::Bool, false},   {"Off", Scalar::Kind::Bool, false},
    {"OFF", Scalar::Kind::Bool, false},   {"", Scalar::Kind::Null, false},      {"~", Scalar::Kind::Null, false},
    {"null", Scalar::Kind::Null, false},  {"Null", Scalar::Kind::Null, false},
}};
constexpr std::array<std::string_view, 1> kMoreNulls{"NULL"};
constexpr std::array<std::string_view, 3> kNan{".nan", ".NaN", ".NAN"};
constexpr std::array<std::string_view, 6> kPositiveInf{".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"};
constexpr std::array<std::string_view, 3> kNegativeInf{"-.inf", "-.Inf", "-.INF"};

template <std::size_t N>
bool oneOf(const std::array<std::string_view, N>& list, std::string_view s) {
  for (auto w : list) {
    if (w == s) return true;
  }
  return false;
}

Scalar stringScalar(std::string_view text) {
  Scalar s;
  s.kind = Scalar::Kind::String;
  s.text = std::string(text);
  return s;
}

Scalar floatScalar(double value, std::string_view text) {
  Scalar s;
  s.kind = Scalar::Kind::Float;
  s.floating = value;
  s.text = std::string(text);
  return s;
}

std::optional<Scalar> lookupWord(std::string_view text) {
  for (const auto& w : kWords) {
    if (w.text == text) {
      Scalar s;
      s.kind = w.kind;
      s.boolean = w.boolean;
      s.text = std::string(text);
      return s;
    }
  }
  if (oneOf(kMoreNulls, text)) return Scalar{Scalar::Kind::Null, false, 0, 0, 0, std::string(text)};
  if (oneOf(kNan, text)) return floatScalar(std::numeric_limits<double>::quiet_NaN(), text);
  if (oneOf(kPositiveInf, text)) return floatScalar(std::numeric_limits<double>::infinity(), text);
  if (oneOf(kNegativeInf, text)) return floatScalar(-std::numeric_limits<double>::infinity(), text);
  return std::nullopt;
}

int digitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'z') return c - 'a' + 10;
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  return 99;
}

// Go's strconv.ParseUint(s, 0, 64) on a string without underscores: 0x/0o/0b prefixes, a leading 0 means octal.
std::optional<std::uint64_t> goParseUint(std::string_view s) {
  if (s.empty()) return std::nullopt;
  int base = 10;
  if (s.front() == '0') {
    const char second = s.size() >= 3 ? static_cast<char>(s[1] | 0x20) : '\0';
    if (second == 'b') {
      base = 2;
      s.remove_prefix(2);
    } else if (second == 'o') {
      base = 8;
      s.remove_prefix(2);
    } else if (second == 'x') {
      base = 16;
      s.remove_prefix(2);
    } else {
      base = 8;
      s.remove_prefix(1);
    }
  }
  std::uint64_t value = 0;
  for (char c : s) {
    const int d = digitValue(c);
    if (d >= base) return std::nullopt;
    if (value > (std::numeric_limits<std::uint64_t>::max() - static_cast<std::uint64_t>(d)) / base) {
      return std::nullopt;
    }
    value = value * base + static_cast<std::uint64_t>(d);
  }
  return value;
}

// Go's strconv.ParseInt(s, 0, 64).
std::optional<std::int64_t> goParseInt(std::string_view s) {
  bool negative = false;
  if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  const auto magnitude = goParseUint(s);
  if (!magnitude) return std::nullopt;
  constexpr std::uint64_t kMaxPositive = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (!negative) {
    if (*magnitude > kMaxPositive) return std::nullopt;
    return static_cast<std::int64_t>(*magnitude);
  }
  if (*magnitude > kMaxPositive + 1) return std::nullopt;
  if (*magnitude == kMaxPositive + 1) return std::numeric_limits<std::int64_t>::min();
  return -static_cast<std::int64_t>(*magnitude);
}

bool isDigit(char c) {
  return c >= '0' && c <= '9';
}

std::size_t skipDigits(std::string_view s, std::size_t i) {
  while (i < s.size() && isDigit(s[i])) ++i;
  return i;
}

// ([eE][-+]?[0-9]+)? at position i, to the end of s.
bool exponentToEnd(std::string_view s, std::size_t i) {
  if (i == s.size()) return true;
  if (s[i] != 'e' && s[i] != 'E') return false;
  ++i;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  const std::size_t end = skipDigits(s, i);
  return end > i && end == s.size();
}

// go-yaml's yamlStyleFloat: ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$
bool isYamlStyleFloat(std::string_view s) {
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  if (i < s.size() && s[i] == '.') {
    const std::size_t end = skipDigits(s, i + 1);
    return end > i + 1 && exponentToEnd(s, end);
  }
  const std::size_t end = skipDigits(s, i);
  if (end == i) return false;
  i = end;
  if (i < s.size() && s[i] == '.') i = skipDigits(s, i + 1);
  return exponentToEnd(s, i);
}

// Go's strconv.ParseFloat on text already known to be a decimal float; overflow (±Inf) counts as failure.
std::optional<double> parseFloat(std::string_view s) {
  const std::string copy(s);
  char* end = nullptr;
  const double value = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size() || std::isinf(value)) return std::nullopt;
  return value;
}

std::string shortTag(std::string_view tag) {
  if (tag.starts_with(kTagPrefix)) return "!!" + std::string(tag.substr(kTagPrefix.size()));
  return std::string(tag);
}

std::string_view kindTag(Scalar::Kind kind) {
  switch (kind) {
    case Scalar::Kind::Null:
      return "!!null";
    case Scalar::Kind::Bool:
      return "!!bool";
    case Scalar::Kind::Int:
    case Scalar::Kind::Uint:
      return "!!int";
    case Scalar::Kind::Float:
      return "!!float";
    case Scalar::Kind::String:
      break;
  }
  return "!!str";
}

// Go's strconv.FormatFloat(f, 'g', -1, 32), which sigs.k8s.io/yaml uses for float map keys.
std::string formatGoFloat32(double value) {
  const float f = static_cast<float>(value);
  if (std::isnan(f)) return ".nan";
  if (std::isinf(f)) return f > 0 ? ".inf" : "-.inf";
  if (f == 0) return std::signbit(f) ? "-0" : "0";
  std::array<char, 64> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), f, std::chars_format::scientific);
  const std::string_view sci(buffer.data(), result.ptr - buffer.data());  // "-1.2345e+06"
  const bool negative = sci.front() == '-';
  const std::size_t e = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e)) {
    if (isDigit(c)) digits.push_back(c);
  }
  const int exponent = std::stoi(std::string(sci.substr(e + 1)));
  std::string out = negative ? "-" : "";
  if (exponent < -4 || exponent >= 6) {  // Go's %e choice for the shortest 'g' format
    out += digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    out += exponent < 0 ? "e-" : "e+";
    const int magnitude = exponent < 0 ? -exponent : exponent;
    if (magnitude < 10) out += "0";
    out += std::to_string(magnitude);
    return out;
  }
  const int pointPosition = exponent + 1;  // digits before the decimal point
  if (pointPosition <= 0) {
    out += "0." + std::string(static_cast<std::size_t>(-pointPosition), '0') + digits;
  } else if (static_cast<std::size_t>(pointPosition) >= digits.size()) {
    out += digits + std::string(static_cast<std::size_t>(pointPosition) - digits.size(), '0');
  } else {
    out += digits.substr(0, pointPosition) + "." + digits.substr(pointPosition);
  }
  return out;
}

// Integers first, then floats, as go-yaml does for scalars starting with a digit or a sign.
Scalar resolveNumeric(std::string_view text) {
  std::string plain;
  for (char c : text) {
    if (c != '_') plain.push_back(c);
  }
  if (auto i = goParseInt(plain)) {
    Scalar s;
    s.kind = Scalar::Kind::Int;
    s.integer = *i;
    s.text = std::string(text);
    return s;
  }
  if (auto u = goParseUint(plain)) {
    Scalar s;
    s.kind = Scalar::Kind::Uint;
    s.unsignedInteger = *u;
    s.text = std::string(text);
    return s;
  }
  if (isYamlStyleFloat(plain)) {
    if (auto f = parseFloat(plain)) return floatScalar(*f, text);
  }
  return stringScalar(text);
}

// The part of resolve() that does not depend on the tag: tag-less plain scalars and implicit typing under a tag.
Scalar resolveImplicit(std::string_view text) {
  if (auto word = lookupWord(text)) return *word;
  const char first = text.front();  // non-empty: "" is in the word table
  if (isDigit(first) || first == '+' || first == '-') return resolveNumeric(text);
  if (first == '.') {
    // Go's ParseFloat on the raw text: only ".<digits>[exponent]" gets through.
    if (isYamlStyleFloat(text)) {
      if (auto f = parseFloat(text)) return floatScalar(*f, text);
    }
  }
  return stringScalar(text);
}

}  // namespace

Resolution resolvePlain(std::string_view text) {
  return Resolution{resolveImplicit(text), ""};
}

Resolution resolveTagged(std::string_view tag, std::string_view text) {
  if (tag == "?" || tag.empty()) return resolvePlain(text);
  if (!tag.starts_with(kTagPrefix)) return Resolution{stringScalar(text), ""};  // "!" and custom tags: strings
  const std::string_view name = tag.substr(kTagPrefix.size());
  if (name == "str" || name == "timestamp") return Resolution{stringScalar(text), ""};
  if (name == "binary") return Resolution{stringScalar(text), "!!binary values are not supported"};
  Scalar resolved = resolveImplicit(text);
  const std::string wanted = shortTag(tag);
  if (name == "float" && resolved.kind == Scalar::Kind::Int)
    return Resolution{floatScalar(static_cast<double>(resolved.integer), text), ""};
  if (name == "float" && resolved.kind == Scalar::Kind::Uint) {
    return Resolution{floatScalar(static_cast<double>(resolved.unsignedInteger), text), ""};
  }
  if (kindTag(resolved.kind) == wanted) return Resolution{resolved, ""};
  return Resolution{stringScalar(text), "cannot decode " + std::string(kindTag(resolved.kind)) + " `" +
                                            std::string(text) + "` as a " + wanted};
}

bool toJson(const Scalar& scalar, nlohmann::json& out, std::string& error) {
  switch (scalar.kind) {
    case Scalar::Kind::Null:
      out = nullptr;
      return true;
    case Scalar::Kind::Bool:
      out = scalar.boolean;
      return true;
    case Scalar::Kind::Int:
      out = scalar.integer;
      return true;
    case Scalar::Kind::Uint:
      out = scalar.unsignedInteger;
      return true;
    case Scalar::Kind::String:
      out = scalar.text;
      return true;
    case Scalar::Kind::Float:
      break;
  }
  const double f = scalar.floating;
  if (std::isnan(f) || std::isinf(f)) {
    error = "value `" + scalar.text + "` cannot be represented in JSON";
    return false;
  }
  // sigs.k8s.io/yaml goes through encoding/json, which writes whole floats below 1e21 without a fraction; the API
  // server then reads them back as integers when they fit.
  constexpr double kTwoPow63 = 9223372036854775808.0;
  if (f == std::trunc(f) && f >= -kTwoPow63 && f < kTwoPow63) {
    out = static_cast<std::int64_t>(f);
  } else {
    out = f;
  }
  return true;
}

bool toMapKey(const Scalar& scalar, std::string& out, std::string& error) {
  switch (scalar.kind) {
    case Scalar::Kind::Null:
      error = "null map keys are not supported";
      return false;
    case Scalar::Kind::Bool:
      out = scalar.boolean ? "true" : "false";
      return true;
    case Scalar::Kind::Int:
      out = std::to_string(scalar.integer);
      return true;
    case Scalar::Kind::Uint:
      out = std::to_string(scalar.unsignedInteger);
      return true;
    case Scalar::Kind::Float:
      out = formatGoFloat32(scalar.floating);
      return true;
    case Scalar::Kind::String:
      out = scalar.text;
      return true;
  }
  return false;
}

}  // namespace flotilla::api::yaml_scalar
