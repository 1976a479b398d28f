#pragma once
// Kubernetes resource quantities ("100m", "128Mi", "1.5", "2e3"), read and canonicalised as
// k8s.io/apimachinery/pkg/api/resource does. The value is kept exactly, in nano-units.
//
// Grammar: [+-] (digits | digits. | digits.digits | .digits) suffix, where suffix is one of
//   decimal SI  n u m "" k M G T P E
//   binary SI   Ki Mi Gi Ti Pi Ei
//   exponent    e<int> | E<int>        (integer exponent, optional sign)
// Differences from Kubernetes, all on inputs nobody writes on purpose: a lone sign or "." is rejected (Kubernetes'
// parser reads it as 0, its documented grammar does not allow it), and a magnitude above 2^63-1 is rejected instead
// of being capped (binary SI) or kept (decimal). Like Kubernetes, precision finer than 1n is rounded up (away from 0).

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace flotilla::api {

class Quantity {
 public:
  // How the quantity was written; it decides the canonical form ("1536Mi" vs "1610612736").
  enum class Format { DecimalSI, BinarySI, DecimalExponent };

  Quantity() = default;

  // nullopt when the text does not follow the grammar or its magnitude exceeds 2^63-1.
  static std::optional<Quantity> parse(std::string_view text);
  // A JSON string, or a JSON number read from its decimal text (Kubernetes accepts `cpu: 1`).
  static std::optional<Quantity> fromJson(const nlohmann::json& value);

  Format format() const { return format_; }
  bool isZero() const { return nanos_ == 0; }
  int sign() const { return nanos_ < 0 ? -1 : (nanos_ > 0 ? 1 : 0); }

  // Canonical form as Kubernetes serialises it: "1500m", "1536Mi", "2k", "1e3", "0".
  std::string toString() const;
  // Whole units and thousandths, rounded away from zero like Quantity.Value() / MilliValue().
  std::int64_t value() const;
  std::optional<std::int64_t> milliValue() const;  // nullopt if it does not fit in int64

  // Quantities compare by value; the format does not matter ("1Ki" == "1024").
  std::strong_ordering operator<=>(const Quantity& other) const;
  bool operator==(const Quantity& other) const { return nanos_ == other.nanos_; }

 private:
  Quantity(__int128 nanos, Format format) : nanos_(nanos), format_(format) {}
  __int128 nanos_ = 0;
  Format format_ = Format::DecimalSI;
};

inline std::optional<Quantity> parseQuantity(std::string_view text) {
  return Quantity::parse(text);
}

}  // namespace flotilla::api
