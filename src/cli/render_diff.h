#pragma once
// `flotilla render --diff`: what applying the given CR files (or, with none, what the operator's next reconcile of
// the CRs already in the cluster) would change, shown like `kubectl diff`. The objects come from the one renderer
// (render::renderMicroservice / render::renderGateway), fed as the operator feeds it: the CRs of the cluster with
// the files' versions in their place, the live creation times (Route precedence), referenced ConfigMap/Secret
// versions and namespace labels. Exit status as kubectl diff: 0 nothing would change, 1 something would, >1 error.

#include <string>
#include <vector>

namespace flotilla::cli {

struct RenderDiffOptions {
  std::vector<std::string> files;  // empty: the CRs in the cluster
  std::string defaultNamespace = "default";
  std::string kubeconfig;
  std::string context;
  std::string gatewayImage;  // the operator's --gateway-image
};

inline constexpr int kDiffNone = 0;
inline constexpr int kDiffFound = 1;
inline constexpr int kDiffError = 2;

int renderDiff(const RenderDiffOptions& options);

}  // namespace flotilla::cli
