#pragma once
// Typing of one YAML scalar, exactly as go-yaml v2 resolves it and sigs.k8s.io/yaml then turns it into JSON.
// Shared by the loader (yaml_load.cpp) and the emitter (yaml_emit.cpp), which must agree on what needs quoting.

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace flotilla::api::yaml_scalar {

// A resolved scalar before JSON conversion: floats keep their raw value because map keys format them differently.
struct Scalar {
  enum class Kind { Null, Bool, Int, Uint, Float, String };
  Kind kind = Kind::String;
  bool boolean = false;
  std::int64_t integer = 0;
  std::uint64_t unsignedInteger = 0;
  double floating = 0;
  std::string text;
};

struct Resolution {
  Scalar scalar;
  std::string error;  // non-empty when the scalar cannot be typed (e.g. "!!int abc")
};

// Plain (unquoted, untagged) scalar.
Resolution resolvePlain(std::string_view text);
// Scalar with an explicit tag as yaml-cpp reports it: "tag:yaml.org,2002:int", "!" (non-specific), "!custom"...
Resolution resolveTagged(std::string_view tag, std::string_view text);

// The JSON value sigs.k8s.io/yaml produces (whole floats within int64 become integers). Error for .inf/.nan.
bool toJson(const Scalar& scalar, nlohmann::json& out, std::string& error);
// The JSON object key sigs.k8s.io/yaml produces ("true", "16", "1e+06"). Error for a null key.
bool toMapKey(const Scalar& scalar, std::string& out, std::string& error);

}  // namespace flotilla::api::yaml_scalar
