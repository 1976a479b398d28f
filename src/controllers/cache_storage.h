#pragma once
// Which of the operator's informer caches keep packed objects (runtime::CacheStorage). Flotilla's own resources and
// Namespaces stay trees: every Gateway render and Route verdict gathers all of them. Everything else the operator
// caches (Deployments, Services, EndpointSlices, autoscalers, disruption budgets, ConfigMaps, Secrets, the gateway's
// Pods and RBAC objects) is read one object at a time — by key, by owner or by Service name — so it is packed: at
// 1,000 Microservices those objects are about two thirds of the cache.

#include "kube/resource.h"
#include "runtime/cache.h"

namespace flotilla::controllers {

runtime::CacheStorage cacheStorageFor(const kube::ResourceRef& resource);

}  // namespace flotilla::controllers
