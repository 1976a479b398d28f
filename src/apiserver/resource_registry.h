#pragma once
// The set of served resources: the built-ins plus whatever the CRDs in the store contribute. Thread-safe; readers
// get immutable ResourceInfo snapshots, so a CRD change never mutates something a request is using.

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include "apiserver/resource_info.h"

namespace flotilla::apiserver {

struct GroupVersions {
  std::string group;
  std::vector<std::string> versions;  // preferred first
};

class ResourceRegistry {
 public:
  ResourceRegistry();

  ResourcePtr find(const std::string& group, const std::string& version, const std::string& plural) const;
  ResourcePtr findByKind(const std::string& group, const std::string& version, const std::string& kind) const;
  // Every version served for a storage key ("apps/deployments"); empty when none.
  std::vector<ResourcePtr> versionsOf(const std::string& storageKey) const;
  // All served resources, in discovery order.
  std::vector<ResourcePtr> all() const;
  std::vector<ResourcePtr> inGroupVersion(const std::string& group, const std::string& version) const;
  std::vector<GroupVersions> groups() const;

  // Replaces the resources a CRD contributes (one entry per served version).
  void setCustomResources(const std::string& crdName, const std::vector<ResourceInfo>& resources);
  void removeCustomResources(const std::string& crdName);

  // Changes whenever the served set changes (a cheap freshness token for discovery/OpenAPI documents).
  std::uint64_t generation() const { return generation_.load(); }

 private:
  mutable std::shared_mutex mutex_;
  std::vector<ResourcePtr> builtins_;
  std::map<std::string, std::vector<ResourcePtr>> custom_;  // by CRD name
  std::atomic<std::uint64_t> generation_{1};
};

}  // namespace flotilla::apiserver
