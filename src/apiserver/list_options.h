#pragma once
// The query parameters of list and watch requests (labelSelector, fieldSelector, limit, continue,
// resourceVersion, resourceVersionMatch, watch, timeoutSeconds, allowWatchBookmarks, sendInitialEvents,
// includeObject), validated as kube-apiserver does, and the opaque continue token.

#include <cstdint>
#include <optional>
#include <string>

#include "apiserver/http_types.h"
#include "apiserver/resource_info.h"
#include "apiserver/result.h"
#include "apiserver/table.h"
#include "apiserver/watcher.h"

namespace flotilla::apiserver {

struct ContinueToken {
  std::uint64_t resourceVersion = 0;
  std::string namespace_;
  std::string name;
};

std::string encodeContinueToken(const ContinueToken& token);
Result<ContinueToken> decodeContinueToken(const std::string& text);

struct ListOptions {
  ObjectFilter filter;
  std::size_t limit = 0;
  std::optional<ContinueToken> continueFrom;
  std::optional<std::uint64_t> resourceVersion;  // unset: most recent
  std::string resourceVersionMatch;              // "", NotOlderThan, Exact
  bool watch = false;
  bool allowWatchBookmarks = false;
  bool sendInitialEvents = false;
  std::optional<int> timeoutSeconds;
  IncludeObject include = IncludeObject::Metadata;
};

// `namespace_` is the request's namespace (empty: all namespaces).
Result<ListOptions> parseListOptions(const HttpRequest& request, const ResourceInfo& resource,
                                     const std::string& namespace_);

}  // namespace flotilla::apiserver
