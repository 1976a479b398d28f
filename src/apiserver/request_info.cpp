#include "apiserver/request_info.h"

#include <algorithm>
#include <cctype>

namespace flotilla::apiserver {

namespace {

std::vector<std::string> splitPath(const std::string& path) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    std::string part = path.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (!part.empty()) parts.push_back(part);
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return parts;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

}  // namespace

RequestInfo parseRequestInfo(const HttpRequest& request) {
  RequestInfo info;
  info.parts = splitPath(request.path);
  info.verb = lower(request.method);
  const auto& parts = info.parts;
  std::vector<std::string> rest;
  if (parts.size() >= 3 && parts[0] == "api") {
    info.version = parts[1];
    rest.assign(parts.begin() + 2, parts.end());
  } else if (parts.size() >= 4 && parts[0] == "apis") {
    info.group = parts[1];
    info.version = parts[2];
    rest.assign(parts.begin() + 3, parts.end());
  } else {
    return info;
  }
  info.isResourceRequest = true;
  if (rest[0] == "namespaces") {
    if (rest.size() > 1) {
      info.namespace_ = rest[1];
      // /namespaces/{ns}/{resource}/... unless the third segment is a subresource of the namespace itself.
      if (rest.size() > 2 && rest[2] != "status" && rest[2] != "finalize") rest.erase(rest.begin(), rest.begin() + 2);
    }
  }
  info.resource = rest[0];
  if (rest.size() > 1) info.name = rest[1];
  if (rest.size() > 2) info.subresource = rest[2];
  if (info.resource == "namespaces") info.namespace_.clear();
  const std::string method = request.method;
  if (method == "GET" || method == "HEAD") {
    if (info.name.empty()) {
      info.verb = request.flag("watch") ? "watch" : "list";
    } else {
      info.verb = "get";
    }
  } else if (method == "POST") {
    info.verb = "create";
  } else if (method == "PUT") {
    info.verb = "update";
  } else if (method == "PATCH") {
    info.verb = "patch";
  } else if (method == "DELETE") {
    info.verb = info.name.empty() ? "deletecollection" : "delete";
  }
  return info;
}

}  // namespace flotilla::apiserver
