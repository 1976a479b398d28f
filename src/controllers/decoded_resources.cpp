#include "controllers/decoded_resources.h"

namespace flotilla::controllers {

std::string gatewayKeyOf(const api::Route& route) {
  const auto& ref = route.spec.gatewayRef;
  return (ref.namespace_.empty() ? route.metadata.namespace_ : ref.namespace_) + "/" + ref.name;
}

std::string joinErrors(const api::FieldErrors& errors) {
  std::string out;
  for (const auto& error : errors) out += (out.empty() ? "" : "; ") + error.toString();
  return out;
}

}  // namespace flotilla::controllers
