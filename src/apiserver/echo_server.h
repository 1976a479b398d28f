#pragma once
// `flotilla echo`'s HTTP/1.1 server: asynchronous (Boost.Beast), keep-alive, several threads, so benchmarks measure
// the gateway and not the backend. What it answers is decided by EchoBehaviour (echo_handler.h).

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "apiserver/echo_handler.h"

namespace flotilla::apiserver {

struct EchoServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;  // 0: any free port (tests)
  std::string service;
  std::string pod;
  EchoSettings settings;
  unsigned threads = 2;
};

class EchoServer {
 public:
  explicit EchoServer(EchoServerOptions options);
  ~EchoServer();  // stops (grace 0) if still running
  EchoServer(const EchoServer&) = delete;
  EchoServer& operator=(const EchoServer&) = delete;

  // Binds and starts serving on background threads. Returns an error message (e.g. address in use) on failure.
  [[nodiscard]] std::optional<std::string> start();

  std::uint16_t port() const;  // the bound port (after start)
  std::string url() const;     // http://host:port
  EchoBehaviour& behaviour();

  // Graceful stop: no new connections, idle keep-alive connections closed, requests in flight (e.g. /slow) get up
  // to `grace` to finish. Idempotent.
  void stop(std::chrono::milliseconds grace = std::chrono::seconds(5));

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace flotilla::apiserver
