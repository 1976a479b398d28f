#pragma once
// HTTP/1.1 server for the emulator (Boost.Beast, synchronous I/O, one thread per connection): keep-alive,
// `Expect: 100-continue`, chunked streaming responses, and optionally TLS (boost::asio::ssl, OpenSSL 3) with
// client certificates verified against the emulator's CA. stop() closes the listener and every connection.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "apiserver/http_types.h"
#include "apiserver/tls_certificates.h"

namespace flotilla::apiserver {

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;  // 0: any free port
  std::optional<CertificateBundle> tls;
};

class HttpServer {
 public:
  using Handler = std::function<void(HttpRequest&, Responder&)>;

  HttpServer(HttpServerOptions options, Handler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts accepting; an error message on failure.
  std::optional<std::string> start();
  std::uint16_t port() const;
  void stop();
  std::size_t openConnections() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace flotilla::apiserver
