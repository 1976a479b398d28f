#pragma once
// The HttpClient for real API servers, built on cpprestsdk (the only place that library is used).
// TLS verification is on unless the configuration says insecure-skip-tls-verify; the config's CA bundle is
// trusted in addition to the system roots; a client certificate/key is presented when configured. Bearer tokens
// are not handled here: wrap the result in BearerTokenHttpClient (connect.h does).

#include <memory>

#include "kube/http_client.h"
#include "kube/rest_config.h"

namespace flotilla::kube {

// Fails (ErrorKind::Config) when the server URL or the PEM material cannot be used.
Result<std::shared_ptr<HttpClient>> makeCpprestHttpClient(const RestConfig& config);

}  // namespace flotilla::kube
