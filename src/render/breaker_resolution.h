#pragma once
// Which BreakerPolicy governs a Route backend: the rule's breakerPolicyRef, else the Microservice's, else the
// Gateway's defaults.breakerPolicyRef, else the built-in defaults (BreakerPolicySpec{}).

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "api/types.h"
#include "render/gateway_inputs.h"

namespace flotilla::render {

using BreakerPolicyIndex = std::map<ObjectKey, const api::BreakerPolicy*>;

// Points into `policies`, which must outlive the index.
BreakerPolicyIndex indexBreakerPolicies(const std::vector<api::BreakerPolicy>& policies);

enum class BreakerOrigin { Rule, Microservice, Gateway, BuiltIn };

struct BreakerResolution {
  api::BreakerPolicySpec spec;      // the effective settings
  std::optional<ObjectKey> policy;  // the BreakerPolicy used; nullopt = built-in defaults
  BreakerOrigin origin = BreakerOrigin::BuiltIn;
  bool ruleRefMissing = false;        // the rule names a policy that does not exist (Route: BreakerPolicyNotFound)
  std::vector<std::string> warnings;  // a Microservice or Gateway default that does not exist and was skipped
  std::string describe() const;       // "BreakerPolicy shop/strict (rule)" or "built-in defaults"
};

// ruleRef and the Microservice's ref are looked up in routeNamespace (a Microservice backend always lives there),
// the Gateway default in the Gateway's namespace. microservice may be null (unknown backend).
BreakerResolution resolveBreakerPolicy(const std::optional<api::LocalObjectRef>& ruleRef,
                                       const std::string& routeNamespace, const api::Microservice* microservice,
                                       const api::Gateway& gateway, const BreakerPolicyIndex& policies);

}  // namespace flotilla::render
