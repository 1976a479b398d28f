#include "kube/rest_config.h"

namespace flotilla::kube {

std::string RestConfig::host() const {
  std::string rest = server;
  if (auto scheme = rest.find("://"); scheme != std::string::npos) rest = rest.substr(scheme + 3);
  if (auto slash = rest.find('/'); slash != std::string::npos) rest.resize(slash);
  return rest;
}

}  // namespace flotilla::kube
