#include "apiserver/responses.h"

namespace flotilla::apiserver {

namespace {
void commonHeaders(HttpResponse& response) {
  response.headers.emplace_back("Cache-Control", "no-cache, private");
}
}  // namespace

std::string warningHeader(const std::string& text) {
  std::string escaped;
  for (char c : text) {
    if (c == '"' || c == '\\') escaped += '\\';
    escaped += c;
  }
  return "299 - \"" + escaped + "\"";
}

HttpResponse rawJsonResponse(int status, std::string body, const std::string& contentType) {
  HttpResponse response;
  response.status = status;
  response.contentType = contentType;
  response.body = std::move(body);
  commonHeaders(response);
  return response;
}

HttpResponse jsonResponse(int status, const nlohmann::json& body, const std::vector<std::string>& warnings) {
  HttpResponse response = rawJsonResponse(status, body.dump());
  for (const auto& warning : warnings) response.headers.emplace_back("Warning", warningHeader(warning));
  return response;
}

HttpResponse errorResponse(const ApiError& error) {
  HttpResponse response = jsonResponse(error.code, error.toStatus());
  if (error.retryAfterSeconds > 0)
    response.headers.emplace_back("Retry-After", std::to_string(error.retryAfterSeconds));
  return response;
}

HttpResponse textResponse(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.contentType = "text/plain; charset=utf-8";
  response.body = std::move(body);
  commonHeaders(response);
  return response;
}

HttpResponse pageNotFound() {
  return textResponse(404, "404 page not found\n");
}

}  // namespace flotilla::apiserver
