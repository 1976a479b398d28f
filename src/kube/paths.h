#pragma once
// REST paths and query strings for API resources:
//   core:    /api/v1[/namespaces/{ns}]/{resource}[/{name}[/{subresource}]]
//   grouped: /apis/{group}/{version}[/namespaces/{ns}]/{resource}[/{name}[/{subresource}]]

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kube/resource.h"

namespace flotilla::kube {

// Percent-encodes every byte except RFC 3986 unreserved characters (A-Z a-z 0-9 - . _ ~).
std::string urlEncode(std::string_view value);

// The collection URL. For a namespaced resource an empty namespace means "all namespaces"; cluster-scoped
// resources ignore `ns`.
std::string collectionPath(const ResourceRef& ref, std::string_view ns);
// One object (and optionally its subresource, e.g. "status").
std::string objectPath(const ResourceRef& ref, std::string_view ns, std::string_view name,
                       std::string_view subresource = {});

// Builds "?k=v&k2=v2" with encoded values, in insertion order; empty when nothing was added.
class Query {
 public:
  Query& add(std::string key, std::string value);
  // Adds only when `value` is non-empty (optional string parameters).
  Query& addIfSet(std::string key, const std::string& value);
  std::string toString() const;

 private:
  std::vector<std::pair<std::string, std::string>> params_;
};

}  // namespace flotilla::kube
