#include "observability/endpoint_server.h"

#include <CivetServer.h>

namespace flotilla::observability {
namespace {

const char* statusText(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 500:
      return "Internal Server Error";
    default:
      return "Unknown";
  }
}

void writeResponse(mg_connection* conn, const EndpointResponse& response) {
  mg_printf(conn,
            "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\nX-Content-Type-Options: nosniff\r\n"
            "Cache-Control: no-cache, private\r\n\r\n",
            response.status, statusText(response.status), response.contentType.c_str(), response.body.size());
  mg_write(conn, response.body.data(), response.body.size());
}

// civetweb takes "8080", "127.0.0.1:8080" or "[::1]:8080"; Go's ":8080" means all interfaces.
std::string civetListeningPort(const std::string& bindAddress) {
  if (!bindAddress.empty() && bindAddress.front() == ':') return bindAddress.substr(1);
  return bindAddress;
}

bool routeMatches(const std::string& route, const std::string& path) {
  if (path.rfind(route, 0) != 0) return false;
  return path.size() == route.size() || route == "/" || path[route.size()] == '/';
}

}  // namespace

class EndpointServer::Dispatcher : public CivetHandler {
 public:
  explicit Dispatcher(std::vector<EndpointRoute> routes) : routes_(std::move(routes)) {}

  bool handleGet(CivetServer*, mg_connection* conn) override {
    const mg_request_info* info = mg_get_request_info(conn);
    EndpointRequest request{info->local_uri ? info->local_uri : "/", info->query_string ? info->query_string : ""};
    for (const auto& route : routes_) {
      if (routeMatches(route.path, request.path)) {
        writeResponse(conn, route.handler(request));
        return true;
      }
    }
    writeResponse(conn, {404, "text/plain; charset=utf-8", "404 page not found\n"});
    return true;
  }

 private:
  const std::vector<EndpointRoute> routes_;
};

bool isDisabledBindAddress(const std::string& bindAddress) {
  return bindAddress.empty() || bindAddress == "0";
}

StartedServer EndpointServer::start(const std::string& bindAddress, std::vector<EndpointRoute> routes) {
  std::unique_ptr<EndpointServer> server(new EndpointServer());
  server->dispatcher_ = std::make_unique<Dispatcher>(std::move(routes));
  const std::vector<std::string> options = {"listening_ports", civetListeningPort(bindAddress), "num_threads", "4"};
  try {
    server->server_ = std::make_unique<CivetServer>(options);
  } catch (const std::exception& e) {
    return {nullptr, "cannot listen on " + bindAddress + ": " + e.what()};
  }
  server->server_->addHandler("/", server->dispatcher_.get());
  auto ports = server->server_->getListeningPorts();
  server->port_ = ports.empty() ? 0 : ports.front();
  return {std::move(server), {}};
}

EndpointServer::~EndpointServer() {
  if (server_) server_->close();
}

}  // namespace flotilla::observability
