#pragma once
// Shared decoding steps of the four kinds: the object envelope and the pieces several specs contain.

#include <optional>
#include <string_view>
#include <utility>

#include "api/defaults.h"
#include "api/json_reader.h"
#include "api/parse.h"

namespace flotilla::api::parsing {

void readAutoscaling(FieldReader& reader, Autoscaling& autoscaling);

// apiVersion, kind (checked against `kind` when present), metadata, spec (through readSpec), status; then defaults.
// The error for an object nested more than limits::kMaxObjectDepth levels deep, or nullopt.
std::optional<FieldError> nestingError(const nlohmann::json& object);

template <typename Resource, typename ReadSpec>
Parsed<Resource> parseObject(const nlohmann::json& object, std::string_view kind, ReadSpec readSpec) {
  Parsed<Resource> result;
  // Before anything copies a value: copies recurse per level of nesting.
  if (auto tooDeep = nestingError(object)) {
    result.errors.push_back(std::move(*tooDeep));
    return result;
  }
  {
    FieldReader root(object, "", result.errors);
    std::string apiVersion;
    std::string kindText;
    root.read("apiVersion", apiVersion);
    root.read("kind", kindText);
    if (!apiVersion.empty() && apiVersion != kApiVersion) {
      root.error("apiVersion", unsupportedValueMessage(apiVersion, {kApiVersion}));
    }
    if (!kindText.empty() && kindText != kind) root.error("kind", unsupportedValueMessage(kindText, {kind}));
    if (const auto* metadata = root.find("metadata")) {
      auto parsed = parseObjectMeta(*metadata);
      result.value.metadata = std::move(parsed.value);
      result.errors.insert(result.errors.end(), parsed.errors.begin(), parsed.errors.end());
    }
    root.readObject("spec", [&](FieldReader& spec) { readSpec(spec, result.value.spec); });
    root.readRaw("status", result.value.status, nlohmann::json::value_t::object);
  }
  applyDefaults(result.value);
  return result;
}

}  // namespace flotilla::api::parsing
