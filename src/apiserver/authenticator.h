#pragma once
// Who is calling: a bearer token from the configured set, a client certificate signed by the emulator's CA
// (its CN is the user, its O entries the groups), or nobody (system:anonymous, allowed only when no token is
// configured). Note: over plain http kubectl sends no Authorization header, so --token implies --tls in practice.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "apiserver/http_types.h"

namespace flotilla::apiserver {

struct Identity {
  std::string user;
  std::vector<std::string> groups;
};

class Authenticator {
 public:
  // token → user name; empty: anonymous requests are allowed.
  explicit Authenticator(std::map<std::string, std::string> tokens = {}) : tokens_(std::move(tokens)) {}

  // nullopt: 401 Unauthorized.
  std::optional<Identity> authenticate(const HttpRequest& request) const;
  bool requiresAuthentication() const { return !tokens_.empty(); }

 private:
  std::map<std::string, std::string> tokens_;
};

}  // namespace flotilla::apiserver
