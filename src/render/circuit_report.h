#pragma once
// The open circuits a gateway pod reports on itself, in annotation flotilla.io/open-circuits (docs/gateway.md):
// the gateway agent writes it (src/gateway), the operator's BreakerPolicy controller reads it into
// BreakerPolicy .status.openCircuits and Route Events (src/controllers). Both sides use this one codec so the
// contract cannot drift. The value is a compact JSON array, one object per circuit that is not closed:
//   {"route":"shop/users","backend":"be_...","namespace":"shop","microservice":"users",
//    "breakerPolicy":"shop/default-breaker","endpoint":"10.1.2.3:8080","state":"open","since":"2024-...Z"}
// sorted by (route, backend, endpoint) and cut at kMaxReportedCircuits entries, so the annotation stays small
// (a few KiB) however many endpoints fail at once. Pure.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "render/gateway_inputs.h"

namespace flotilla::render {

inline constexpr const char* kAnnotationOpenCircuits = "flotilla.io/open-circuits";
inline constexpr std::size_t kMaxReportedCircuits = 64;

struct ReportedCircuit {
  std::string route;    // "namespace/name"
  std::string backend;  // HAProxy backend
  ObjectKey microservice;
  std::string breakerPolicy;  // "namespace/name"; "" = the built-in defaults
  std::string endpoint;       // "ip:port" ("[v6]:port")
  std::string state;          // "open" | "half-open"
  std::string since;          // RFC 3339 (UTC): when the circuit opened
  bool operator==(const ReportedCircuit&) const = default;
};

// "" for no circuits (the annotation is then removed). Sorted and cut as described above.
std::string encodeOpenCircuits(std::vector<ReportedCircuit> circuits);

// Tolerant: anything but a JSON array reads as no circuits, and entries without a route or endpoint are skipped
// (an annotation is not trusted input: a person may edit it).
std::vector<ReportedCircuit> decodeOpenCircuits(std::string_view text);

}  // namespace flotilla::render
