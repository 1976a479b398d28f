#pragma once
// /openapi/v3: the root (one entry per served group-version, with a content hash) and one document per
// group-version, with what kubectl reads from it: a PATCH operation per kind carrying
// x-kubernetes-group-version-kind and the fieldValidation parameter (so it validates on the server), the patch
// content types (strategic merge patch only for built-ins), the merge keys of built-in lists (from
// builtin_schemas.h), and CRD schemas for `kubectl explain`. Documents are cached per registry generation.

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "apiserver/resource_registry.h"

namespace flotilla::apiserver {

class OpenApiDocuments {
 public:
  explicit OpenApiDocuments(const ResourceRegistry& registry) : registry_(registry) {}

  nlohmann::json root();
  // "api/v1" or "apis/apps/v1"; null when not served.
  std::shared_ptr<const std::string> document(const std::string& groupVersionPath);

 private:
  struct Cached {
    std::shared_ptr<const std::string> text;
    std::string hash;
  };
  void refreshLocked();

  const ResourceRegistry& registry_;
  std::mutex mutex_;
  std::uint64_t generation_ = 0;
  std::map<std::string, Cached> documents_;
};

// The OpenAPI document of one group-version (exposed for tests).
nlohmann::json openApiDocument(const ResourceRegistry& registry, const std::string& group, const std::string& version);

}  // namespace flotilla::apiserver
