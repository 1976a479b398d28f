#pragma once
// A validation finding tied to a field path, e.g. "spec.rules[0].backends[1].weight: must be 0..1000000".
// Validation collects every finding; nothing in the API layer throws to its caller.

#include <string>
#include <vector>

namespace flotilla::api {

struct FieldError {
  std::string path;     // "spec.autoscaling.maxReplicas"
  std::string message;  // "must be >= minReplicas (2)"
  std::string toString() const { return path.empty() ? message : path + ": " + message; }
  bool operator==(const FieldError&) const = default;
};

using FieldErrors = std::vector<FieldError>;

}  // namespace flotilla::api
