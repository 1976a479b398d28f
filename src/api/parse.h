#pragma once
// JSON (nlohmann) -> the typed model of types.h, with defaults applied (defaults.h).
//
// Decoding is strict, like kubectl's strict field validation: wrong JSON types, unknown enum values, unparsable
// durations and unknown fields all become FieldErrors with full paths ("spec.rules[0].backends[1].weight: must be
// an integer"). Every problem is collected; nothing throws. Semantic checks live in validate.h; loadResource() runs
// both. JSON null counts as an absent field.

#include <string>

#include <nlohmann/json.hpp>

#include "api/field_error.h"
#include "api/types.h"

namespace flotilla::api {

template <typename T>
struct Parsed {
  T value{};
  FieldErrors errors;
  bool ok() const { return errors.empty(); }
};

// metadata of any object: name, namespace, uid, resourceVersion, creationTimestamp, generation, labels, annotations,
// deletionTimestamp (-> deleting). Other standard ObjectMeta fields are accepted and ignored; unknown ones reported.
Parsed<ObjectMeta> parseObjectMeta(const nlohmann::json& metadata, const std::string& path = "metadata");

// One whole object each (apiVersion, kind, metadata, spec, status). apiVersion/kind are checked when present.
Parsed<Microservice> parseMicroservice(const nlohmann::json& object);
Parsed<Route> parseRoute(const nlohmann::json& object);
Parsed<BreakerPolicy> parseBreakerPolicy(const nlohmann::json& object);
Parsed<Gateway> parseGateway(const nlohmann::json& object);

// Dispatches on apiVersion/kind: the four flotilla.io/v1alpha1 kinds are decoded, any other Kubernetes object becomes
// an OtherObject (needs apiVersion and kind). An unknown kind or version in flotilla.io is an error.
Parsed<AnyResource> parseResource(const nlohmann::json& object);

// parseResource, then (only when decoding succeeded, so that one mistake is not reported twice) validateResource.
Parsed<AnyResource> loadResource(const nlohmann::json& object);

}  // namespace flotilla::api
