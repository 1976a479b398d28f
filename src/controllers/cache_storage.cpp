#include "controllers/cache_storage.h"

#include "kube/well_known_resources.h"

namespace flotilla::controllers {

runtime::CacheStorage cacheStorageFor(const kube::ResourceRef& resource) {
  if (resource.group == kube::resources::kMicroservices.group) return runtime::CacheStorage::TreesWithPackedStatus;
  if (resource.group.empty() && resource.resource == kube::resources::kNamespaces.resource) {
    return runtime::CacheStorage::Trees;
  }
  return runtime::CacheStorage::Packed;
}

}  // namespace flotilla::controllers
