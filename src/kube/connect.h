#pragma once
// Wiring for production: RestConfig → cpprest transport (+ bearer tokens) → rate-limited, measured Client.

#include <memory>

#include "kube/client.h"
#include "kube/rest_config.h"

namespace flotilla::kube {

// The transport for `config`: TLS settings, and bearer tokens (with re-read on 401) when it has a token source.
Result<std::shared_ptr<HttpClient>> makeHttpClient(const RestConfig& config);

// A Client for `config`. `options.host` defaults to the server's host:port (the metrics label).
Result<std::shared_ptr<Client>> connect(const RestConfig& config, ClientOptions options = {});

}  // namespace flotilla::kube
