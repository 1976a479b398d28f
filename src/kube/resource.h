#pragma once
// Which API resource a request is about: group/version/resource (the URL) plus kind and scope (for bodies and
// for path building). The caller states it once; the client never guesses plurals or scope.

#include <string>

namespace flotilla::kube {

struct ResourceRef {
  std::string group;     // "" for the core group
  std::string version;   // "v1"
  std::string resource;  // plural, lower case: "deployments"
  std::string kind;      // "Deployment"
  bool namespaced = true;

  // "v1" for core, "apps/v1" otherwise: what goes into an object's apiVersion.
  std::string apiVersion() const { return group.empty() ? version : group + "/" + version; }
  // "deployments.apps" / "pods": kubectl's short notation, for messages.
  std::string toString() const { return group.empty() ? resource : resource + "." + group; }
  bool operator==(const ResourceRef&) const = default;
};

}  // namespace flotilla::kube
