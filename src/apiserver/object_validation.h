#pragma once
// kube-apiserver's validation of what every object carries (metadata) and of the built-in kinds' most common
// mistakes, with its field paths and wording, so a bad object gets the same 422 a cluster would give.

#include <vector>

#include <nlohmann/json.hpp>

#include "apiserver/api_error.h"
#include "apiserver/resource_info.h"

namespace flotilla::apiserver {

// Name grammar, labels, annotations, owner references, finalizers.
std::vector<FieldViolation> validateObjectMeta(const ResourceInfo& resource, const nlohmann::json& object);

// Kind-specific rules for built-ins; `old` is the stored object on updates (immutable fields), else null.
std::vector<FieldViolation> validateBuiltin(const ResourceInfo& resource, const nlohmann::json& object,
                                            const nlohmann::json* old);

}  // namespace flotilla::apiserver
