#pragma once
// How each of the operator's informer caches keeps its objects (runtime::CacheStorage).
//  - Flotilla's own resources: trees with the status packed. Every Gateway render and Route verdict gathers all of
//    their specs (through the *WithoutStatus reads); only their own controller reads a status, one object at a time.
//  - Namespaces: trees (few, and read by label for allowedRoutes selectors).
//  - Everything else (Deployments, Services, EndpointSlices, autoscalers, disruption budgets, ConfigMaps, Secrets,
//    the gateway's Pods and RBAC objects) is read one object at a time — by key, by owner or by Service name — so it
//    is packed: at 1,000 Microservices those objects were about two thirds of the cache.

#include "kube/resource.h"
#include "runtime/cache.h"

namespace flotilla::controllers {

runtime::CacheStorage cacheStorageFor(const kube::ResourceRef& resource);

}  // namespace flotilla::controllers
