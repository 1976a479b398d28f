#pragma once
// CustomResourceDefinitions → served resources, as apiextensions-apiserver does it: validates a CRD on write,
// fills in its defaults and status (NamesAccepted, Established), and (re)registers its served versions with
// their compiled schemas, printer columns and subresources once the write is committed.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "apiserver/resource_registry.h"
#include "apiserver/result.h"

namespace flotilla::apiserver {

inline constexpr const char* kCrdCleanupFinalizer = "customresourcecleanup.apiextensions.k8s.io";

// One ResourceInfo per served version, preferred version first; 422-style causes when the CRD is unusable.
Result<std::vector<ResourceInfo>> resourcesForCrd(const nlohmann::json& crd);

// Orders API versions the way Kubernetes prefers them: v2 > v1 > v1beta2 > v1beta1 > v1alpha1 > anything else.
bool kubeVersionPrefers(const std::string& a, const std::string& b);

class CrdController {
 public:
  explicit CrdController(ResourceRegistry& registry) : registry_(registry) {}

  // Validates the CRD (422 on error) and sets what the server owns: status and the cleanup finalizer.
  Status admit(nlohmann::json& crd, const nlohmann::json* old) const;
  // After a committed write or at restore: serve what the CRD declares.
  void sync(const nlohmann::json& crd);
  // After the CRD is gone.
  void forget(const std::string& crdName);

 private:
  ResourceRegistry& registry_;
};

}  // namespace flotilla::apiserver
