#pragma once
// Building HTTP responses the way kube-apiserver shapes them: JSON bodies, Status errors (with Retry-After for
// 429/503), Warning headers, and the plain-text 404 of unknown paths.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "apiserver/api_error.h"
#include "apiserver/http_types.h"

namespace flotilla::apiserver {

HttpResponse jsonResponse(int status, const nlohmann::json& body, const std::vector<std::string>& warnings = {});
// A body that is already serialised JSON.
HttpResponse rawJsonResponse(int status, std::string body, const std::string& contentType = "application/json");
HttpResponse errorResponse(const ApiError& error);
HttpResponse textResponse(int status, std::string body);
HttpResponse pageNotFound();

// `Warning: 299 - "<text>"` header values.
std::string warningHeader(const std::string& text);

}  // namespace flotilla::apiserver
