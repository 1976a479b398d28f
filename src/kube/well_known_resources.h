#pragma once
// The resources Flotilla reads and writes, described once.

#include "kube/resource.h"

namespace flotilla::kube::resources {

inline const ResourceRef kNamespaces{"", "v1", "namespaces", "Namespace", false};
inline const ResourceRef kPods{"", "v1", "pods", "Pod", true};
inline const ResourceRef kServices{"", "v1", "services", "Service", true};
inline const ResourceRef kConfigMaps{"", "v1", "configmaps", "ConfigMap", true};
inline const ResourceRef kSecrets{"", "v1", "secrets", "Secret", true};
inline const ResourceRef kServiceAccounts{"", "v1", "serviceaccounts", "ServiceAccount", true};
inline const ResourceRef kEvents{"", "v1", "events", "Event", true};
inline const ResourceRef kDeployments{"apps", "v1", "deployments", "Deployment", true};
inline const ResourceRef kHorizontalPodAutoscalers{"autoscaling", "v2", "horizontalpodautoscalers",
                                                   "HorizontalPodAutoscaler", true};
inline const ResourceRef kPodDisruptionBudgets{"policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", true};
inline const ResourceRef kLeases{"coordination.k8s.io", "v1", "leases", "Lease", true};
inline const ResourceRef kEndpointSlices{"discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", true};
inline const ResourceRef kRoles{"rbac.authorization.k8s.io", "v1", "roles", "Role", true};
inline const ResourceRef kRoleBindings{"rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", true};
inline const ResourceRef kCustomResourceDefinitions{"apiextensions.k8s.io", "v1", "customresourcedefinitions",
                                                    "CustomResourceDefinition", false};

inline const ResourceRef kMicroservices{"flotilla.io", "v1alpha1", "microservices", "Microservice", true};
inline const ResourceRef kRoutes{"flotilla.io", "v1alpha1", "routes", "Route", true};
inline const ResourceRef kBreakerPolicies{"flotilla.io", "v1alpha1", "breakerpolicies", "BreakerPolicy", true};
inline const ResourceRef kGateways{"flotilla.io", "v1alpha1", "gateways", "Gateway", true};

}  // namespace flotilla::kube::resources
