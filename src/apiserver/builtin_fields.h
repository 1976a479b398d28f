#pragma once
// Which top-level and metadata fields the built-in kinds have. kube-apiserver decodes built-ins into typed
// structs, so anything else is dropped (and reported by fieldValidation=Warn/Strict); the emulator does the same
// for the fields it can name without full schemas: the top level and metadata.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "apiserver/resource_info.h"

namespace flotilla::apiserver {

// Removes unknown top-level and metadata fields of a built-in object; returns their paths ("spec2", "metadata.x").
std::vector<std::string> pruneUnknownBuiltinFields(const ResourceInfo& resource, nlohmann::json& object);

}  // namespace flotilla::apiserver
