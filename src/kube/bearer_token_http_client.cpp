#include "kube/bearer_token_http_client.h"

namespace flotilla::kube {

BearerTokenHttpClient::BearerTokenHttpClient(std::shared_ptr<HttpClient> inner, std::shared_ptr<TokenSource> tokens)
    : inner_(std::move(inner)), tokens_(std::move(tokens)) {}

template <class Response, class Exchange>
Result<Response> BearerTokenHttpClient::withToken(const HttpRequest& request, Exchange exchange) {
  auto token = tokens_->token();
  if (!token) return token.error();
  HttpRequest authorized = request;
  authorized.headers.set("Authorization", "Bearer " + *token);
  Result<Response> response = exchange(authorized);
  if (!response || response->status != 401) return response;

  tokens_->invalidate();
  auto fresh = tokens_->token();
  if (!fresh || *fresh == *token) return response;  // nothing new to try: the 401 stands
  authorized.headers.set("Authorization", "Bearer " + *fresh);
  return exchange(authorized);
}

Result<HttpResponse> BearerTokenHttpClient::send(const HttpRequest& request, const CancelToken& cancel) {
  return withToken<HttpResponse>(request, [&](const HttpRequest& r) { return inner_->send(r, cancel); });
}

Result<HttpStreamResponse> BearerTokenHttpClient::stream(const HttpRequest& request, const CancelToken& cancel) {
  return withToken<HttpStreamResponse>(request, [&](const HttpRequest& r) { return inner_->stream(r, cancel); });
}

}  // namespace flotilla::kube
