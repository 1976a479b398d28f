// The built-in resources issue 4 asks for, with the names, scopes and subresources kube-apiserver 1.32 serves.
#include "apiserver/resource_info.h"

namespace flotilla::apiserver {

namespace {

const std::vector<std::string> kAllVerbs = {"create", "delete", "deletecollection", "get",
                                            "list",   "patch",  "update",           "watch"};

struct Spec {
  const char* group;
  const char* version;
  const char* kind;
  const char* plural;
  bool namespaced;
  std::vector<std::string> shortNames;
  std::vector<std::string> categories;
  bool status = false;
  bool scale = false;
  bool generation = false;
  std::vector<std::string> selectableFields = {};
};

ResourceInfo make(const Spec& spec) {
  ResourceInfo info;
  info.group = spec.group;
  info.version = spec.version;
  info.kind = spec.kind;
  info.listKind = info.kind + "List";
  info.plural = spec.plural;
  info.singular = info.kind;
  for (auto& c : info.singular) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  info.shortNames = spec.shortNames;
  info.categories = spec.categories;
  info.verbs = kAllVerbs;
  info.namespaced = spec.namespaced;
  info.hasStatusSubresource = spec.status;
  if (spec.scale) info.scale = ScaleSubresource{};
  info.tracksGeneration = spec.generation;
  info.selectableFields = spec.selectableFields;
  return info;
}

}  // namespace

const std::vector<std::string>& builtinGroupOrder() {
  static const std::vector<std::string> order = {"",
                                                 "apps",
                                                 "events.k8s.io",
                                                 "autoscaling",
                                                 "policy",
                                                 "rbac.authorization.k8s.io",
                                                 "apiextensions.k8s.io",
                                                 "coordination.k8s.io",
                                                 "discovery.k8s.io"};
  return order;
}

std::vector<ResourceInfo> builtinResources() {
  const std::vector<std::string> all = {"all"};
  const std::vector<std::string> eventFields = {"involvedObject.kind",
                                                "involvedObject.namespace",
                                                "involvedObject.name",
                                                "involvedObject.uid",
                                                "involvedObject.apiVersion",
                                                "involvedObject.resourceVersion",
                                                "involvedObject.fieldPath",
                                                "reason",
                                                "reportingComponent",
                                                "source",
                                                "type"};
  std::vector<ResourceInfo> out;
  auto namespaces =
      make({"", "v1", "Namespace", "namespaces", false, {"ns"}, {}, true, false, false, {"status.phase"}});
  // Namespaces are deleted one at a time (no deletecollection), as in kube-apiserver.
  namespaces.verbs = {"create", "delete", "get", "list", "patch", "update", "watch"};
  out.push_back(namespaces);
  out.push_back(make({"", "v1", "ConfigMap", "configmaps", true, {"cm"}, {}}));
  out.push_back(make({"", "v1", "Endpoints", "endpoints", true, {"ep"}, {}}));
  out.back().listKind = "EndpointsList";
  out.push_back(make({"", "v1", "Event", "events", true, {"ev"}, {}, false, false, false, eventFields}));
  out.push_back(make({"",
                      "v1",
                      "Pod",
                      "pods",
                      true,
                      {"po"},
                      all,
                      true,
                      false,
                      false,
                      {"spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
                       "status.phase", "status.podIP", "status.nominatedNodeName"}}));
  out.back().hasLogSubresource = true;
  out.push_back(make({"", "v1", "Secret", "secrets", true, {}, {}, false, false, false, {"type"}}));
  out.push_back(make({"", "v1", "ServiceAccount", "serviceaccounts", true, {"sa"}, {}}));
  out.push_back(
      make({"", "v1", "Service", "services", true, {"svc"}, all, true, false, false, {"spec.clusterIP", "spec.type"}}));
  // Services answer deletecollection with 405 in kube-apiserver too.
  out.back().verbs = {"create", "delete", "get", "list", "patch", "update", "watch"};

  out.push_back(make({"apps", "v1", "Deployment", "deployments", true, {"deploy"}, all, true, true, true}));
  out.push_back(
      make({"apps", "v1", "ReplicaSet", "replicasets", true, {"rs"}, all, true, true, true, {"status.replicas"}}));
  out.push_back(make({"events.k8s.io",
                      "v1",
                      "Event",
                      "events",
                      true,
                      {"ev"},
                      {},
                      false,
                      false,
                      false,
                      {"regarding.kind", "regarding.namespace", "regarding.name", "regarding.uid", "reason",
                       "reportingController", "type"}}));
  out.push_back(make({"autoscaling",
                      "v2",
                      "HorizontalPodAutoscaler",
                      "horizontalpodautoscalers",
                      true,
                      {"hpa"},
                      all,
                      true,
                      false,
                      true}));
  out.push_back(
      make({"policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", true, {"pdb"}, {}, true, false, true}));
  out.push_back(make({"rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", false, {}, {}}));
  out.push_back(make({"rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", false, {}, {}}));
  out.push_back(make({"rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", true, {}, {}}));
  out.push_back(make({"rbac.authorization.k8s.io", "v1", "Role", "roles", true, {}, {}}));
  out.push_back(make({"apiextensions.k8s.io",
                      "v1",
                      "CustomResourceDefinition",
                      "customresourcedefinitions",
                      false,
                      {"crd", "crds"},
                      {"api-extensions"},
                      true,
                      false,
                      true}));
  out.push_back(make({"coordination.k8s.io", "v1", "Lease", "leases", true, {}, {}}));
  out.push_back(make({"discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", true, {}, {}, false, false, true}));
  return out;
}

}  // namespace flotilla::apiserver
