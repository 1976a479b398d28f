#include "kube/connect.h"

#include "kube/bearer_token_http_client.h"
#include "kube/cpprest_http_client.h"

namespace flotilla::kube {

Result<std::shared_ptr<HttpClient>> makeHttpClient(const RestConfig& config) {
  auto transport = makeCpprestHttpClient(config);
  if (!transport || !config.token) return transport;
  return std::shared_ptr<HttpClient>(std::make_shared<BearerTokenHttpClient>(*transport, config.token));
}

Result<std::shared_ptr<Client>> connect(const RestConfig& config, ClientOptions options) {
  auto http = makeHttpClient(config);
  if (!http) return http.error();
  if (options.host.empty()) options.host = config.host();
  return std::make_shared<Client>(*http, std::move(options));
}

}  // namespace flotilla::kube
