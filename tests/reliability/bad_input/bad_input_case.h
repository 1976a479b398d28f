#pragma once
// The bad-input table: invalid custom resources of the four kinds, each a JSON merge patch (RFC 7386) on a valid
// base object, with the checks that must refuse it and the field path each must name:
//  - Schema: the CRD's OpenAPI schema as kube-apiserver applies it (api/schema_validator.h, strict field
//    validation: unknown fields count);
//  - Semantic: the typed decode and validation the operator runs (api/parse.h loadResource, api/validate.h);
//  - Render: the gateway renderer (render/gateway_render.h), which sees every object: unknown references,
//    cross-namespace references, conflicts between Routes, and whatever else it refuses to write.
// A case is one object in the shop namespace of the render fixtures (Gateway shop/public and its Routes,
// Microservices and BreakerPolicy); the Route base is a probe Route of its own next to them.

#include <ostream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace flotilla::reliability {

enum Layer : unsigned { kSchema = 1, kSemantic = 2, kRender = 4 };

struct BadInput {
  BadInput(std::string name, std::string kind, nlohmann::json patch, unsigned layers, std::string path,
           std::string message = "", std::string reason = "", std::string schemaPath = "")
      : name(std::move(name)),
        kind(std::move(kind)),
        patch(std::move(patch)),
        layers(layers),
        path(std::move(path)),
        message(std::move(message)),
        reason(std::move(reason)),
        schemaPath(std::move(schemaPath)) {}

  std::string name;        // also the gtest parameter name
  std::string kind;        // Microservice | Route | BreakerPolicy | Gateway
  nlohmann::json patch;    // merged into the kind's base object
  unsigned layers = 0;     // which checks must refuse it (a bitmask of Layer)
  std::string path;        // the field path every refusing check must name
  std::string message;     // a fragment of the semantic message ("" = any)
  std::string reason;      // Render: the Route condition reason (InvalidSpec, BackendNotFound...), "" for a Gateway
  std::string schemaPath;  // Schema: where the CRD schema reports it, when not at `path` (e.g. a CEL rule's object)
};

inline std::ostream& operator<<(std::ostream& out, const BadInput& c) {
  return out << c.kind << "/" << c.name;
}

// The valid objects the patches apply to.
nlohmann::json baseObject(const std::string& kind);
// The base Route's first rule with `patch` merged in, as a patch for the whole Route.
nlohmann::json routeRule(const nlohmann::json& patch);
// A string of `n` copies of `unit`.
std::string repeated(const std::string& unit, std::size_t n);

std::vector<BadInput> microserviceCases();
std::vector<BadInput> routeCases();
std::vector<BadInput> breakerPolicyCases();
std::vector<BadInput> gatewayCases();

}  // namespace flotilla::reliability
