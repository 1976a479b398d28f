#pragma once
// A small embedded HTTP server (civetweb) for operational endpoints: /metrics, /healthz, /readyz.
// Bind addresses use Go's notation, as controller-runtime's flags do: ":8080" (all interfaces), "127.0.0.1:0"
// (a free port; port() reports it), "[::1]:9090".

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

class CivetServer;

namespace flotilla::observability {

struct EndpointRequest {
  std::string path;   // "/readyz/informers"
  std::string query;  // "verbose" (without '?')
};

struct EndpointResponse {
  int status = 200;
  std::string contentType = "text/plain; charset=utf-8";
  std::string body;
};

using EndpointHandler = std::function<EndpointResponse(const EndpointRequest&)>;

// A route serves its exact path and every path below it ("/readyz" also gets "/readyz/informers").
struct EndpointRoute {
  std::string path;
  EndpointHandler handler;
};

class EndpointServer;

// What starting a server gives: the server, or why it could not start (e.g. the port is taken).
struct StartedServer {
  std::unique_ptr<EndpointServer> server;
  std::string error;
  explicit operator bool() const { return server != nullptr; }
};

// "0" and "" conventionally switch an endpoint off (controller-runtime's `--metrics-bind-address=0`).
bool isDisabledBindAddress(const std::string& bindAddress);

class EndpointServer {
 public:
  // Handlers run on the server's threads and must be thread-safe.
  static StartedServer start(const std::string& bindAddress, std::vector<EndpointRoute> routes);
  ~EndpointServer();
  EndpointServer(const EndpointServer&) = delete;
  EndpointServer& operator=(const EndpointServer&) = delete;

  int port() const { return port_; }

 private:
  class Dispatcher;
  EndpointServer() = default;

  std::unique_ptr<Dispatcher> dispatcher_;
  std::unique_ptr<CivetServer> server_;
  int port_ = 0;
};

}  // namespace flotilla::observability
