#include "apiserver/authenticator.h"

namespace flotilla::apiserver {

std::optional<Identity> Authenticator::authenticate(const HttpRequest& request) const {
  std::string authorization = request.header("Authorization");
  const std::string bearer = "Bearer ";
  if (authorization.size() > bearer.size() && authorization.compare(0, bearer.size(), bearer) == 0) {
    std::string token = authorization.substr(bearer.size());
    auto it = tokens_.find(token);
    if (it != tokens_.end()) return Identity{it->second, {"system:authenticated"}};
    if (!tokens_.empty()) return std::nullopt;  // a wrong token is refused even if a certificate came too
  }
  if (!request.clientCertCommonName.empty()) {
    Identity identity{request.clientCertCommonName, request.clientCertOrganizations};
    identity.groups.push_back("system:authenticated");
    return identity;
  }
  if (!tokens_.empty()) return std::nullopt;
  return Identity{"system:anonymous", {"system:unauthenticated"}};
}

}  // namespace flotilla::apiserver
