#pragma once
// What a request is about, parsed from method, path and query the way kube-apiserver's RequestInfoFactory does:
// resource requests (/api/v1/..., /apis/<group>/<version>/...) with their audit verb, namespace, resource,
// subresource and name; everything else is a non-resource request (discovery, /version, /healthz, /debug).

#include <string>
#include <vector>

#include "apiserver/http_types.h"

namespace flotilla::apiserver {

struct RequestInfo {
  bool isResourceRequest = false;
  std::string verb;  // get list watch create update patch delete deletecollection; lower-case method otherwise
  std::string group;
  std::string version;
  std::string namespace_;
  std::string resource;
  std::string subresource;
  std::string name;
  std::vector<std::string> parts;  // path segments
};

RequestInfo parseRequestInfo(const HttpRequest& request);

}  // namespace flotilla::apiserver
