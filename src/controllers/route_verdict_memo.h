#pragma once
// The Route controller's memo of the last verdicts per Gateway. Each Route reconcile needs the verdicts and the
// config hash of its whole Gateway; rendering the Gateway for every Route made a bulk of N Routes cost N renders of
// N Routes (minutes at 1,000). The memo renders again only when an input the renderer reads may have changed: it
// keys the result by a fingerprint of the input objects' identity and spec (uid, generation, deletion, labels and
// annotations), which status writes — most of the traffic while a bulk converges — leave alone.
//
// Even collecting and fingerprinting the inputs is O(Routes of the Gateway), and a burst of N Routes makes O(N)
// reconciles (18 % of the operator's CPU at 1,000, bench/operator_scale.sh). So before collecting, the memo compares
// the input caches' spec revisions (Cache::specRevision) and the Gateway's own hash with those of its last answer:
// when nothing moved it answers in O(1).

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "api/types.h"
#include "controllers/gateway_caches.h"
#include "controllers/gateway_inputs_from_cache.h"
#include "render/gateway_render.h"

namespace flotilla::controllers {

// What the Route controller reads from a render: not the config text, which is large and not needed here.
struct RouteVerdicts {
  std::string configHash;
  std::vector<render::RouteVerdict> verdicts;  // sorted by namespace/name, as renderGateway returns them
};

class RouteVerdictMemo {
 public:
  explicit RouteVerdictMemo(GatewayCaches caches) : caches_(caches) {}

  // The verdicts of `gateway` (parsed from `gatewayObject`) over the current caches, rendered or remembered.
  std::shared_ptr<const RouteVerdicts> verdicts(const nlohmann::json& gatewayObject, const api::Gateway& gateway);

 private:
  // Per input object snapshot ("namespace/name@uid@resourceVersion": one immutable version of one object): its hash.
  // Keyed by name rather than by a reference to the snapshot: holding references kept every input's old version
  // alive after its status moved on, doubling the memory of all Routes and Microservices (docs/performance.md).
  using ObjectHashes = std::unordered_map<std::string, std::uint64_t>;
  // The spec revisions of the routes, breakerPolicies, microservices and namespaces caches (0 when absent).
  using Revisions = std::array<std::uint64_t, 4>;
  Revisions inputRevisions() const;

  struct Entry {
    Revisions revisions{};  // read before the inputs behind `fingerprint` were collected
    std::uint64_t gatewayHash = 0;
    std::uint64_t fingerprint = 0;
    std::shared_ptr<const RouteVerdicts> verdicts;
    ObjectHashes objectHashes;  // of the inputs the fingerprint was last computed over
  };
  static std::uint64_t fingerprint(const nlohmann::json& gatewayObject, const GatewayInputObjects& objects,
                                   ObjectHashes& previous);

  GatewayCaches caches_;
  std::mutex mutex_;
  std::map<std::string, Entry> byGateway_;  // gateway namespace/name → last render
};

}  // namespace flotilla::controllers
