#pragma once
// One injection fuzz case decoded the way the operator sees it: the typed parse (parse.h) and the semantic
// validation (validate.h) of each object the case touches, and the typed objects to hand to the renderer.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/field_error.h"
#include "api/types.h"
#include "injection_fields.h"
#include "render/gateway_inputs.h"
#include "render/route_verdict.h"

namespace flotilla::reliability {

struct FuzzCase {
  int index = 0;
  const InjectionField* field = nullptr;
  nlohmann::json value;
  bool parsed = false;      // every object decoded (wrong JSON types, bad durations... fail here)
  api::FieldErrors errors;  // decoding and validation findings; empty = the API accepts the case
  std::optional<api::Route> route;
  std::optional<api::BreakerPolicy> policy;
  std::optional<api::Microservice> microservice;
  std::optional<api::Listener> listener;

  bool accepted() const { return errors.empty(); }
  std::string describe() const;  // field, case index and the value as escaped JSON
};

// Builds case `index` with `value` in `field`, then decodes and validates it.
FuzzCase decodeCase(int index, const InjectionField& field, const nlohmann::json& value);

// The shop fixture plus every case's objects (Routes, BreakerPolicies, Microservices, listeners).
render::GatewayInputs inputsWith(const std::vector<const FuzzCase*>& cases);

// Whether the case's value reached the config: its Route was rendered (or its listener bound).
bool caseRendered(const FuzzCase& c, const render::GatewayInputs& inputs, const api::FieldErrors& gatewayErrors,
                  const std::vector<render::RouteVerdict>& verdicts);

// Why the renderer left the case out, with the field path it named ("" when it named none).
std::string renderRefusal(const FuzzCase& c, const render::GatewayInputs& inputs, const api::FieldErrors& gatewayErrors,
                          const std::vector<render::RouteVerdict>& verdicts);

}  // namespace flotilla::reliability
