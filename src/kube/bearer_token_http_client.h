#pragma once
// Adds `Authorization: Bearer <token>` to every request and, when the server answers 401, re-reads the token
// once and retries with the new one (service-account tokens rotate; a stale one must not need a restart).

#include <memory>

#include "kube/http_client.h"
#include "kube/token_source.h"

namespace flotilla::kube {

class BearerTokenHttpClient : public HttpClient {
 public:
  BearerTokenHttpClient(std::shared_ptr<HttpClient> inner, std::shared_ptr<TokenSource> tokens);

  Result<HttpResponse> send(const HttpRequest& request, const CancelToken& cancel) override;
  Result<HttpStreamResponse> stream(const HttpRequest& request, const CancelToken& cancel) override;

 private:
  // Runs `exchange` with the current token; on 401 invalidates it and, if a different token comes back, runs once
  // more.
  template <class Response, class Exchange>
  Result<Response> withToken(const HttpRequest& request, Exchange exchange);

  const std::shared_ptr<HttpClient> inner_;
  const std::shared_ptr<TokenSource> tokens_;
};

}  // namespace flotilla::kube
