#include "controllers/route_verdict_memo.h"

#include <functional>
#include <string_view>

#include "controllers/gateway_inputs_from_cache.h"
#include "runtime/object.h"

namespace flotilla::controllers {
namespace {

void mix(std::uint64_t& seed, std::uint64_t value) {
  // boost::hash_combine's mixing, widened to 64 bits.
  seed ^= value + 0x9e3779b97f4a7c15ULL + (seed << 12) + (seed >> 4);
}

void mix(std::uint64_t& seed, std::string_view text) {
  mix(seed, std::hash<std::string_view>{}(text));
}

void mixString(std::uint64_t& seed, const nlohmann::json& metadata, const char* field) {
  auto it = metadata.find(field);
  mix(seed, it != metadata.end() && it->is_string() ? std::string_view(it->get_ref<const std::string&>()) : "");
}

void mixStringMap(std::uint64_t& seed, const nlohmann::json& metadata, const char* field) {
  auto it = metadata.find(field);
  if (it == metadata.end() || !it->is_object()) return;
  for (const auto& [key, value] : it->items()) {
    mix(seed, std::string_view(key));
    if (value.is_string()) mix(seed, std::string_view(value.get_ref<const std::string&>()));
  }
}

// What of an object can change what the renderer decodes from it. Spec changes move the generation; metadata
// (labels, annotations, deletion) does not, so it is hashed directly. Status and resourceVersion are left out on
// purpose: they change with every status write and the renderer never reads them. An object without a generation
// (namespaces) is keyed by its resourceVersion.
std::uint64_t objectHash(const nlohmann::json& object) {
  std::uint64_t seed = 0;
  const auto metadata = object.find("metadata");
  if (metadata == object.end() || !metadata->is_object()) return seed;
  mixString(seed, *metadata, "namespace");
  mixString(seed, *metadata, "name");
  mixString(seed, *metadata, "uid");
  const std::int64_t generation = runtime::generationOf(object);
  if (generation > 0) {
    mix(seed, static_cast<std::uint64_t>(generation));
  } else {
    mixString(seed, *metadata, "resourceVersion");
  }
  mixStringMap(seed, *metadata, "labels");
  mixStringMap(seed, *metadata, "annotations");
  mixString(seed, *metadata, "deletionTimestamp");
  return seed;
}

}  // namespace

std::uint64_t RouteVerdictMemo::fingerprint(const nlohmann::json& gatewayObject, const GatewayInputObjects& objects,
                                            ObjectHashes& previous) {
  // A snapshot still in the cache since the last call keeps its hash; only changed objects are hashed again.
  ObjectHashes current;
  current.reserve(previous.size());
  auto hashOf = [&](const runtime::ObjectPtr& object) {
    std::string snapshot =
        runtime::objectKey(*object) + "@" + runtime::uidOf(*object) + "@" + runtime::resourceVersionOf(*object);
    auto known = previous.find(snapshot);
    const std::uint64_t hash = known != previous.end() ? known->second : objectHash(*object);
    current.emplace(std::move(snapshot), hash);
    return hash;
  };
  std::uint64_t seed = objectHash(gatewayObject);
  for (const auto* list : {&objects.routes, &objects.breakerPolicies, &objects.microservices}) {
    mix(seed, list->size());
    for (const auto& object : *list) mix(seed, hashOf(object));
  }
  for (const auto& [ns, object] : objects.namespaces) mix(seed, hashOf(object));
  previous = std::move(current);
  return seed;
}

RouteVerdictMemo::Revisions RouteVerdictMemo::inputRevisions() const {
  auto revision = [](const runtime::Informer* informer) -> std::uint64_t {
    return informer ? informer->cache().specRevision() : 0;
  };
  return {revision(caches_.routes), revision(caches_.breakerPolicies), revision(caches_.microservices),
          revision(caches_.namespaces)};
}

std::shared_ptr<const RouteVerdicts> RouteVerdictMemo::verdicts(const nlohmann::json& gatewayObject,
                                                                const api::Gateway& gateway) {
  // Read before the caches are: a change that lands meanwhile moves a revision past the one remembered, so the
  // next call looks again instead of trusting inputs older than the change.
  const Revisions revisions = inputRevisions();
  const std::uint64_t gatewayHash = objectHash(gatewayObject);
  const std::string gatewayKey = render::keyOf(gateway).str();
  {
    std::lock_guard lock(mutex_);
    const Entry& entry = byGateway_[gatewayKey];
    if (entry.verdicts && entry.revisions == revisions && entry.gatewayHash == gatewayHash) return entry.verdicts;
  }
  const GatewayInputObjects objects = gatewayInputObjects(caches_, gateway);
  std::uint64_t key = 0;
  {
    std::lock_guard lock(mutex_);
    Entry& entry = byGateway_[gatewayKey];
    key = fingerprint(gatewayObject, objects, entry.objectHashes);
    if (entry.verdicts && entry.fingerprint == key) {
      entry.revisions = revisions;
      entry.gatewayHash = gatewayHash;
      return entry.verdicts;
    }
  }
  // Rendered outside the lock: a second worker needing another Gateway does not wait for this one.
  render::GatewayRender render = render::renderGateway(decodeGatewayInputs(objects, gateway));
  auto verdicts = std::make_shared<RouteVerdicts>();
  verdicts->configHash = std::move(render.configHash);
  verdicts->verdicts = std::move(render.routeVerdicts);
  std::lock_guard lock(mutex_);
  Entry& entry = byGateway_[gatewayKey];
  entry.revisions = revisions;
  entry.gatewayHash = gatewayHash;
  entry.fingerprint = key;
  entry.verdicts = verdicts;
  return verdicts;
}

}  // namespace flotilla::controllers
