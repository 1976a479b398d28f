#pragma once
// Typed Flotilla CRs from informer caches. The API server has already validated them against the CRD schema, so
// decoding fails only for objects written before a schema change; such objects are skipped by the renderer and
// reported on their own status by their controller.

#include <optional>
#include <string>
#include <vector>

#include "api/parse.h"
#include "runtime/cache.h"

namespace flotilla::controllers {

template <typename T>
using ParseFunction = api::Parsed<T> (*)(const nlohmann::json&);

// Objects that decode cleanly, in the order given.
template <typename T>
std::vector<T> decodeAll(const std::vector<runtime::ObjectPtr>& objects, ParseFunction<T> parse) {
  std::vector<T> out;
  for (const auto& object : objects) {
    auto parsed = parse(*object);
    if (parsed.ok()) out.push_back(std::move(parsed.value));
  }
  return out;
}

template <typename T>
std::optional<T> decodeOne(const runtime::ObjectPtr& object, ParseFunction<T> parse) {
  if (!object) return std::nullopt;
  auto parsed = parse(*object);
  if (!parsed.ok()) return std::nullopt;
  return std::move(parsed.value);
}

// "ns/name" of what a Route's gatewayRef names (its namespace defaults to the Route's own).
std::string gatewayKeyOf(const api::Route& route);

// Every error message of a decoding, joined with "; ".
std::string joinErrors(const api::FieldErrors& errors);

}  // namespace flotilla::controllers
