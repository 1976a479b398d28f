#pragma once
// The emulator's view of one HTTP exchange, independent of Boost.Beast: a parsed request, and a Responder that
// either sends one complete response or opens a chunked stream (watches).

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace flotilla::apiserver {

// Header names compare case-insensitively.
struct CaseInsensitiveLess {
  bool operator()(const std::string& a, const std::string& b) const;
};

struct HttpRequest {
  std::string method;                        // "GET"
  std::string target;                        // as received, "/api/v1/pods?limit=500"
  std::string path;                          // percent-decoded path, "/api/v1/pods"
  std::map<std::string, std::string> query;  // decoded; the last value wins
  std::map<std::string, std::string, CaseInsensitiveLess> headers;
  std::string body;
  // TLS client certificate that verified against the emulator's CA (empty without one).
  std::string clientCertCommonName;
  std::vector<std::string> clientCertOrganizations;

  std::string header(const std::string& name) const;
  std::optional<std::string> param(const std::string& name) const;
  bool flag(const std::string& name) const;  // "true" / "1"
};

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct HttpResponse {
  int status = 200;
  std::string contentType = "application/json";
  HeaderList headers;
  std::string body;
};

// A chunked response body written piece by piece.
class ResponseStream {
 public:
  virtual ~ResponseStream() = default;
  virtual bool write(std::string_view data) = 0;  // false once the client is gone
  virtual bool clientGone() = 0;                  // cheap, non-blocking
};

class Responder {
 public:
  virtual ~Responder() = default;
  virtual void send(const HttpResponse& response) = 0;
  // Sends the status line and headers (Transfer-Encoding: chunked); null if the client is already gone.
  virtual ResponseStream* startStream(int status, const std::string& contentType, const HeaderList& headers) = 0;
  virtual int statusSent() const = 0;  // 0 until something was sent
};

// Splits "a=1&b=%2F" into decoded pairs.
std::map<std::string, std::string> parseQuery(std::string_view query);
std::string percentDecode(std::string_view text);

}  // namespace flotilla::apiserver
