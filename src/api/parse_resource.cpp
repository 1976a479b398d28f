#include <variant>

#include "api/json_depth.h"
#include "api/json_reader.h"
#include "api/limits.h"
#include "api/parse.h"
#include "api/parse_object.h"
#include "api/validate.h"

namespace flotilla::api {

std::optional<FieldError> parsing::nestingError(const nlohmann::json& object) {
  auto path = fieldNestedDeeperThan(object, limits::kMaxObjectDepth);
  if (!path) return std::nullopt;
  const std::string levels = std::to_string(limits::kMaxObjectDepth);
  return FieldError{std::move(*path), "nested more than " + levels + " levels deep (maps and lists inside each other)"};
}

namespace {

// Moves a kind's decoding result into the variant result.
template <typename T>
Parsed<AnyResource> widen(Parsed<T> parsed) {
  return Parsed<AnyResource>{AnyResource{std::move(parsed.value)}, std::move(parsed.errors)};
}

std::string stringMember(const nlohmann::json& object, std::string_view key, FieldErrors& errors) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) {
    errors.push_back({std::string(key), "required"});
    return "";
  }
  std::string value;
  readString(*it, std::string(key), value, errors);
  return value;
}

}  // namespace

Parsed<AnyResource> parseResource(const nlohmann::json& object) {
  Parsed<AnyResource> result;
  if (!object.is_object()) {
    result.errors.push_back({"", "must be an object"});
    return result;
  }
  const std::string apiVersion = stringMember(object, "apiVersion", result.errors);
  const std::string kind = stringMember(object, "kind", result.errors);
  if (!result.errors.empty()) return result;

  const std::string group = apiVersion.find('/') == std::string::npos ? "" : apiVersion.substr(0, apiVersion.find('/'));
  if (group != kGroup) {
    if (auto tooDeep = parsing::nestingError(object)) {
      result.errors.push_back(std::move(*tooDeep));
      return result;
    }
    OtherObject other{apiVersion, kind, {}, object};
    const auto metadata = object.find("metadata");
    if (metadata != object.end()) {
      auto parsed = parseObjectMeta(*metadata);
      other.metadata = std::move(parsed.value);
      result.errors = std::move(parsed.errors);
    }
    result.value = std::move(other);
    return result;
  }
  if (apiVersion != kApiVersion) {
    result.errors.push_back({"apiVersion", unsupportedValueMessage(apiVersion, {kApiVersion})});
    return result;
  }
  if (kind == "Microservice") return widen(parseMicroservice(object));
  if (kind == "Route") return widen(parseRoute(object));
  if (kind == "BreakerPolicy") return widen(parseBreakerPolicy(object));
  if (kind == "Gateway") return widen(parseGateway(object));
  result.errors.push_back(
      {"kind", unsupportedValueMessage(kind, {"Microservice", "Route", "BreakerPolicy", "Gateway"})});
  return result;
}

Parsed<AnyResource> loadResource(const nlohmann::json& object) {
  auto result = parseResource(object);
  if (result.ok()) result.errors = validateResource(result.value);
  return result;
}

FieldErrors validateResource(const AnyResource& resource) {
  struct Validate {
    FieldErrors operator()(const Microservice& r) const { return validateMicroservice(r); }
    FieldErrors operator()(const Route& r) const { return validateRoute(r); }
    FieldErrors operator()(const BreakerPolicy& r) const { return validateBreakerPolicy(r); }
    FieldErrors operator()(const Gateway& r) const { return validateGateway(r); }
    FieldErrors operator()(const OtherObject&) const { return {}; }
  };
  return std::visit(Validate{}, resource);
}

}  // namespace flotilla::api
