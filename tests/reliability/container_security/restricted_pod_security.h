#pragma once
// The Kubernetes Pod Security Standards, "restricted" profile (v1.26+, which includes "baseline"), as a check over
// a rendered pod spec: what the PodSecurity admission plugin would refuse in a namespace labelled
// pod-security.kubernetes.io/enforce=restricted. https://kubernetes.io/docs/concepts/security/pod-security-standards/

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace flotilla::reliability {

// Every violation, one line each ("container gateway: allowPrivilegeEscalation must be false"); empty = allowed.
// `podMetadata` carries the AppArmor annotations (may be null).
std::vector<std::string> restrictedViolations(const nlohmann::json& podSpec,
                                              const nlohmann::json& podMetadata = nullptr);

}  // namespace flotilla::reliability
