#pragma once
// The small HTTP interface Flotilla talks to API servers through. The only implementation for real servers is
// cpprest_http_client.h (cpprestsdk is in maintenance mode, so it stays replaceable behind this); tests plug in
// fakes. Transport failures are values (ErrorKind::Transport / Timeout / Cancelled); any HTTP status, including
// 4xx and 5xx, is a successful exchange at this level.

#include <chrono>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kube/cancel.h"
#include "kube/result.h"

namespace flotilla::kube {

// Header names compare case-insensitively (ASCII).
bool headerNameEquals(std::string_view a, std::string_view b);

// Headers in the order they were added; lookups ignore the case of names.
class HttpHeaders {
 public:
  HttpHeaders() = default;
  HttpHeaders(std::initializer_list<std::pair<std::string, std::string>> init) : entries_(init) {}

  // Replaces any header of that name.
  void set(std::string_view name, std::string value);
  void add(std::string name, std::string value) { entries_.emplace_back(std::move(name), std::move(value)); }
  std::optional<std::string> get(std::string_view name) const;
  bool has(std::string_view name) const { return get(name).has_value(); }
  const std::vector<std::pair<std::string, std::string>>& entries() const { return entries_; }

 private:
  std::vector<std::pair<std::string, std::string>> entries_;
};

struct HttpRequest {
  std::string method = "GET";
  std::string pathAndQuery;  // "/api/v1/namespaces/shop/pods?limit=500", already encoded
  HttpHeaders headers;
  std::string body;
  // Inactivity timeout: the request fails if nothing arrives for this long (for streams: between chunks).
  // Zero means the implementation's default (30 s).
  std::chrono::milliseconds timeout{0};
};

struct HttpResponse {
  int status = 0;
  HttpHeaders headers;
  std::string body;
};

// The body of a streamed response, read one newline-terminated line at a time as the server sends it.
class LineReader {
 public:
  virtual ~LineReader() = default;
  // Blocks until the next line (without its "\n"), std::nullopt when the body ended cleanly, or an error
  // (Transport, Timeout, or Cancelled when the request's token fires). Call from an ordinary thread, never from
  // inside an HTTP library callback. Destroying the reader aborts the underlying request.
  virtual Result<std::optional<std::string>> readLine() = 0;
};

struct HttpStreamResponse {
  int status = 0;
  HttpHeaders headers;
  std::unique_ptr<LineReader> body;  // never null on success
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  // Sends the request and reads the whole body.
  virtual Result<HttpResponse> send(const HttpRequest& request, const CancelToken& cancel) = 0;
  // Sends the request and returns as soon as the status line and headers are in; the body streams through
  // `body`. Cancelling `cancel` aborts the stream (a blocked readLine() returns Cancelled).
  virtual Result<HttpStreamResponse> stream(const HttpRequest& request, const CancelToken& cancel) = 0;
};

// Reads a streamed body to its end (for error bodies of streamed requests), joining lines with "\n".
Result<std::string> readAll(LineReader& reader);

}  // namespace flotilla::kube
