#pragma once
// Semantic validation of decoded CRs (parse.h). Every rule that fails adds a FieldError with the field's full path,
// e.g. "spec.rules[0].backends[1].weight: must be 0..1000000"; all findings are returned, nothing throws.
// Limits are named in limits.h, string whitelists in names.h. Cross-object checks (does the Route's backend exist,
// do two Routes conflict) belong to the renderer, which sees all objects.

#include <string>

#include <nlohmann/json.hpp>

#include "api/field_error.h"
#include "api/types.h"

namespace flotilla::api {

FieldErrors validateMicroservice(const Microservice& microservice);
FieldErrors validateRoute(const Route& route);
FieldErrors validateBreakerPolicy(const BreakerPolicy& policy);
FieldErrors validateGateway(const Gateway& gateway);
// Dispatches on the kind; an OtherObject has nothing to validate here.
FieldErrors validateResource(const AnyResource& resource);

// core/v1.ResourceRequirements JSON ({requests, limits, claims}): known keys, resource names, valid non-negative
// quantities, requests <= limits. Shared by Microservice and Gateway, public for anything else that copies resources.
FieldErrors validateResourceRequirements(const nlohmann::json& resources, const std::string& path);

}  // namespace flotilla::api
