#include "controllers/cache_storage.h"

#include "kube/well_known_resources.h"

namespace flotilla::controllers {

runtime::CacheStorage cacheStorageFor(const kube::ResourceRef& resource) {
  const bool readInBulk = resource.group == kube::resources::kMicroservices.group ||
                          (resource.group.empty() && resource.resource == kube::resources::kNamespaces.resource);
  return readInBulk ? runtime::CacheStorage::Trees : runtime::CacheStorage::Packed;
}

}  // namespace flotilla::controllers
