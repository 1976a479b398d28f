#include "api/quantity.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>

namespace flotilla::api {
namespace {

using Int128 = __int128;

constexpr Int128 kNanosPerUnit = 1'000'000'000;
constexpr Int128 kNanosPerMilli = 1'000'000;
constexpr Int128 kMaxNanos = Int128{std::numeric_limits<std::int64_t>::max()} * kNanosPerUnit;
constexpr std::size_t kMaxNanosDigits = 28;  // kMaxNanos ~ 9.22e27
// Exponents beyond this only ever produce "too large" or "rounds up to 1n"; clamping keeps the arithmetic small.
constexpr std::int64_t kExponentClamp = 100'000;

struct Suffix {
  std::int64_t decimalExponent = 0;
  int binaryExponent = 0;
  Quantity::Format format = Quantity::Format::DecimalSI;
};

struct NamedExponent {
  std::string_view name;
  int exponent;
};

constexpr std::array<NamedExponent, 10> kDecimalSuffixes{
    {{"n", -9}, {"u", -6}, {"m", -3}, {"", 0}, {"k", 3}, {"M", 6}, {"G", 9}, {"T", 12}, {"P", 15}, {"E", 18}}};
constexpr std::array<NamedExponent, 7> kBinarySuffixes{
    {{"", 0}, {"Ki", 10}, {"Mi", 20}, {"Gi", 30}, {"Ti", 40}, {"Pi", 50}, {"Ei", 60}}};

bool isDigit(char c) {
  return c >= '0' && c <= '9';
}

// "e<int>" / "E<int>": an optionally signed run of digits, clamped so huge exponents cannot overflow.
std::optional<std::int64_t> parseExponent(std::string_view s) {
  bool negative = false;
  if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  if (s.empty() || !std::all_of(s.begin(), s.end(), isDigit)) return std::nullopt;
  std::int64_t value = 0;
  for (char c : s) value = std::min(value * 10 + (c - '0'), kExponentClamp);
  return negative ? -value : value;
}

std::optional<Suffix> parseSuffix(std::string_view s) {
  for (const auto& [name, exponent] : kDecimalSuffixes) {
    if (s == name) return Suffix{exponent, 0, Quantity::Format::DecimalSI};
  }
  for (const auto& [name, exponent] : kBinarySuffixes) {
    if (!name.empty() && s == name) return Suffix{0, exponent, Quantity::Format::BinarySI};
  }
  if (s.size() > 1 && (s.front() == 'e' || s.front() == 'E')) {
    if (auto exponent = parseExponent(s.substr(1))) return Suffix{*exponent, 0, Quantity::Format::DecimalExponent};
  }
  return std::nullopt;
}

// Multiplies a decimal digit string (most significant first) by two, in place.
void doubleDecimal(std::string& digits) {
  int carry = 0;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    const int d = (*it - '0') * 2 + carry;
    *it = static_cast<char>('0' + d % 10);
    carry = d / 10;
  }
  if (carry != 0) digits.insert(digits.begin(), static_cast<char>('0' + carry));
}

// Only called with at most kMaxNanosDigits digits, so the value fits.
Int128 toInt128(std::string_view digits) {
  Int128 value = 0;
  for (char c : digits) value = value * 10 + (c - '0');
  return value;
}

// Exact magnitude in nanos of digits x 10^exponent, rounded up; nullopt when above kMaxNanos.
std::optional<Int128> scaleToNanos(const std::string& digits, std::int64_t exponent) {
  if (exponent >= 0) {
    if (digits.size() + static_cast<std::size_t>(exponent) > kMaxNanosDigits) return std::nullopt;
    Int128 value = toInt128(digits);
    for (std::int64_t i = 0; i < exponent; ++i) value *= 10;
    if (value > kMaxNanos) return std::nullopt;
    return value;
  }
  const auto fractionDigits = static_cast<std::size_t>(-exponent);
  if (fractionDigits >= digits.size()) return Int128{1};  // a non-zero amount below 1n rounds up to 1n
  const std::string_view whole = std::string_view(digits).substr(0, digits.size() - fractionDigits);
  const std::string_view fraction = std::string_view(digits).substr(digits.size() - fractionDigits);
  if (whole.size() > kMaxNanosDigits) return std::nullopt;
  Int128 value = toInt128(whole);
  if (fraction.find_first_not_of('0') != std::string_view::npos) ++value;
  if (value > kMaxNanos) return std::nullopt;
  return value;
}

std::string toDecimalString(Int128 value) {
  if (value == 0) return "0";
  const bool negative = value < 0;
  std::string out;
  while (value != 0) {
    const int digit = static_cast<int>(value % 10);
    out.push_back(static_cast<char>('0' + (negative ? -digit : digit)));
    value /= 10;
  }
  if (negative) out.push_back('-');
  std::reverse(out.begin(), out.end());
  return out;
}

Int128 absolute(Int128 v) {
  return v < 0 ? -v : v;
}

// Division rounding away from zero, as Kubernetes' Value()/MilliValue() do.
Int128 divideAwayFromZero(Int128 value, Int128 divisor) {
  Int128 quotient = value / divisor;
  if (value % divisor != 0) quotient += value < 0 ? -1 : 1;
  return quotient;
}

std::string decimalSuffix(std::int64_t exponent, Quantity::Format format) {
  if (format == Quantity::Format::DecimalExponent) return exponent == 0 ? "" : "e" + std::to_string(exponent);
  for (const auto& [name, e] : kDecimalSuffixes) {
    if (e == exponent) return std::string(name);
  }
  return "e" + std::to_string(exponent);  // unreachable within kMaxNanos, kept for safety
}

}  // namespace

std::optional<Quantity> Quantity::parse(std::string_view text) {
  std::string_view rest = text;
  bool negative = false;
  if (!rest.empty() && (rest.front() == '+' || rest.front() == '-')) {
    negative = rest.front() == '-';
    rest.remove_prefix(1);
  }
  const std::size_t wholeLength = std::find_if_not(rest.begin(), rest.end(), isDigit) - rest.begin();
  const std::string_view whole = rest.substr(0, wholeLength);
  rest.remove_prefix(wholeLength);
  std::string_view fraction;
  if (!rest.empty() && rest.front() == '.') {
    rest.remove_prefix(1);
    const std::size_t fractionLength = std::find_if_not(rest.begin(), rest.end(), isDigit) - rest.begin();
    fraction = rest.substr(0, fractionLength);
    rest.remove_prefix(fractionLength);
  }
  if (whole.empty() && fraction.empty()) return std::nullopt;
  const auto suffix = parseSuffix(rest);
  if (!suffix) return std::nullopt;

  std::string digits = std::string(whole) + std::string(fraction);
  digits.erase(0, std::min(digits.find_first_not_of('0'), digits.size()));
  if (digits.empty()) return Quantity{0, suffix->format};

  // value = digits x 10^(exponent - |fraction|) x 2^binaryExponent units; count in nanos (x 10^9).
  std::int64_t exponent = suffix->decimalExponent - static_cast<std::int64_t>(fraction.size()) + 9;
  const std::size_t significant = digits.find_last_not_of('0') + 1;
  exponent += static_cast<std::int64_t>(digits.size() - significant);
  digits.resize(significant);
  for (int i = 0; i < suffix->binaryExponent; ++i) doubleDecimal(digits);

  const auto magnitude = scaleToNanos(digits, exponent);
  if (!magnitude) return std::nullopt;
  return Quantity{negative ? -*magnitude : *magnitude, suffix->format};
}

std::optional<Quantity> Quantity::fromJson(const nlohmann::json& value) {
  if (value.is_string()) return parse(value.get_ref<const std::string&>());
  if (value.is_number_integer()) return parse(value.dump());  // dump() of an integer is its exact decimal text
  if (value.is_number_float()) {
    const double d = value.get<double>();
    if (d != d || d == std::numeric_limits<double>::infinity() || d == -std::numeric_limits<double>::infinity()) {
      return std::nullopt;
    }
    return parse(value.dump());  // shortest round-trip text such as "0.5" or "1e-07"
  }
  return std::nullopt;
}

std::string Quantity::toString() const {
  if (nanos_ == 0) return "0";
  Format format = format_;
  if (format == Format::BinarySI && (absolute(nanos_) < 1024 * kNanosPerUnit || nanos_ % kNanosPerUnit != 0)) {
    format = Format::DecimalSI;  // Kubernetes never writes fractions or values below 1024 in binary form
  }
  if (format == Format::BinarySI) {
    Int128 units = nanos_ / kNanosPerUnit;
    std::size_t power = 0;
    while (power + 1 < kBinarySuffixes.size() && absolute(units) >= 1024 && units % 1024 == 0) {
      units /= 1024;
      ++power;
    }
    return toDecimalString(units) + std::string(kBinarySuffixes[power].name);
  }
  // Largest exponent that keeps the mantissa whole, then down to a multiple of three (k8s AsCanonicalBytes).
  Int128 mantissa = nanos_;
  std::int64_t exponent = -9;
  while (absolute(mantissa) >= 10 && mantissa % 10 == 0) {
    mantissa /= 10;
    ++exponent;
  }
  switch (exponent % 3) {
    case 1:
    case -2:
      mantissa *= 10;
      exponent -= 1;
      break;
    case 2:
    case -1:
      mantissa *= 100;
      exponent -= 2;
      break;
    default:
      break;
  }
  return toDecimalString(mantissa) + decimalSuffix(exponent, format);
}

std::int64_t Quantity::value() const {
  return static_cast<std::int64_t>(divideAwayFromZero(nanos_, kNanosPerUnit));
}

std::optional<std::int64_t> Quantity::milliValue() const {
  const Int128 millis = divideAwayFromZero(nanos_, kNanosPerMilli);
  if (millis > std::numeric_limits<std::int64_t>::max() || millis < std::numeric_limits<std::int64_t>::min()) {
    return std::nullopt;
  }
  return static_cast<std::int64_t>(millis);
}

std::strong_ordering Quantity::operator<=>(const Quantity& other) const {
  if (nanos_ < other.nanos_) return std::strong_ordering::less;
  if (nanos_ > other.nanos_) return std::strong_ordering::greater;
  return std::strong_ordering::equal;
}

}  // namespace flotilla::api
