#include "controllers/cache_storage.h"

#include <gtest/gtest.h>

#include "kube/well_known_resources.h"

namespace flotilla::controllers {
namespace {

using runtime::CacheStorage;
namespace resources = kube::resources;

TEST(CacheStorageFor, FlotillaResourcesKeepSpecTreesForTheirBulkReaders) {
  for (const auto* resource :
       {&resources::kMicroservices, &resources::kRoutes, &resources::kBreakerPolicies, &resources::kGateways}) {
    EXPECT_EQ(cacheStorageFor(*resource), CacheStorage::TreesWithPackedStatus) << resource->toString();
  }
  EXPECT_EQ(cacheStorageFor(resources::kNamespaces), CacheStorage::Trees);
}

TEST(CacheStorageFor, ObjectsReadOneAtATimeArePacked) {
  for (const auto* resource : {&resources::kDeployments, &resources::kServices, &resources::kEndpointSlices,
                               &resources::kConfigMaps, &resources::kSecrets, &resources::kPods,
                               &resources::kHorizontalPodAutoscalers, &resources::kPodDisruptionBudgets}) {
    EXPECT_EQ(cacheStorageFor(*resource), CacheStorage::Packed) << resource->toString();
  }
}

}  // namespace
}  // namespace flotilla::controllers
