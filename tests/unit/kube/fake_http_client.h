#pragma once
// An HttpClient that answers from a script and records what it was asked, for client tests without a server.

#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "kube/http_client.h"

namespace flotilla::kube::testing {

// Lines handed out one by one, then either a clean end or `finalError`.
class ScriptedLineReader : public LineReader {
 public:
  explicit ScriptedLineReader(std::vector<std::string> lines, std::optional<Error> finalError = std::nullopt)
      : lines_(std::move(lines)), finalError_(std::move(finalError)) {}
  Result<std::optional<std::string>> readLine() override {
    if (next_ < lines_.size()) return std::optional<std::string>(lines_[next_++]);
    if (finalError_) return *finalError_;
    return std::optional<std::string>();
  }

 private:
  std::vector<std::string> lines_;
  std::size_t next_ = 0;
  std::optional<Error> finalError_;
};

inline HttpResponse jsonResponse(int status, const std::string& body, HttpHeaders headers = {}) {
  return HttpResponse{status, std::move(headers), body};
}

class FakeHttpClient : public HttpClient {
 public:
  // Answers for send(), in order; when they run out, `fallback` answers (404 by default).
  std::deque<Result<HttpResponse>> responses;
  std::function<Result<HttpResponse>(const HttpRequest&)> fallback;
  // Answers for stream(): status + lines.
  struct StreamScript {
    int status = 200;
    std::vector<std::string> lines;
    std::optional<Error> finalError;
    HttpHeaders headers;
  };
  std::deque<Result<StreamScript>> streams;

  Result<HttpResponse> send(const HttpRequest& request, const CancelToken&) override {
    std::lock_guard lock(mutex_);
    requests_.push_back(request);
    if (responses.empty()) {
      if (fallback) return fallback(request);
      return jsonResponse(404, R"({"kind":"Status","status":"Failure","reason":"NotFound","code":404})");
    }
    auto response = std::move(responses.front());
    responses.pop_front();
    return response;
  }

  Result<HttpStreamResponse> stream(const HttpRequest& request, const CancelToken&) override {
    std::lock_guard lock(mutex_);
    requests_.push_back(request);
    if (streams.empty()) return transportError("no stream scripted");
    auto script = std::move(streams.front());
    streams.pop_front();
    if (!script) return script.error();
    return HttpStreamResponse{script->status, script->headers,
                              std::make_unique<ScriptedLineReader>(script->lines, script->finalError)};
  }

  std::vector<HttpRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<HttpRequest> requests_;
};

}  // namespace flotilla::kube::testing
