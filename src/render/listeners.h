#pragma once
// Gateway listeners -> what HAProxy binds. A listener port below 1024 is served on port + lowPortOffset inside the
// pod (80 -> 8080, 443 -> 8443) so HAProxy never needs root or NET_BIND_SERVICE; the Service maps the public port to
// it. Listeners that cannot be rendered are reported as Gateway field errors and skipped.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "api/field_error.h"
#include "api/types.h"
#include "render/gateway_inputs.h"

namespace flotilla::render {

struct RenderedListener {
  std::string name;
  std::int32_t port = 0;           // public port (Service port)
  std::int32_t containerPort = 0;  // where HAProxy binds in the pod
  std::string tlsSecret;           // non-empty: TLS with <certDir>/<secret>.pem
  bool redirectToHttps = false;
};

struct ListenerPlan {
  std::vector<RenderedListener> listeners;      // in spec order
  std::optional<RenderedListener> httpsTarget;  // the first TLS listener: where redirects point
  api::FieldErrors errors;
};

std::int32_t containerPortFor(std::int32_t listenerPort, const GatewayRenderOptions& options);

ListenerPlan planListeners(const api::Gateway& gateway, const GatewayRenderOptions& options);

}  // namespace flotilla::render
