#pragma once
// The emulator's request pipeline: authenticate, record in the request log, apply injected faults, then route:
// /version, health checks, discovery, OpenAPI, /debug/*, and resource requests (ResourceHandler).

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "apiserver/authenticator.h"
#include "apiserver/fault_injector.h"
#include "apiserver/http_types.h"
#include "apiserver/openapi.h"
#include "apiserver/request_log.h"
#include "apiserver/resource_handler.h"

namespace flotilla::apiserver {

// A /debug/<name> endpoint added by another part of the emulator (e.g. /debug/metrics for simulated workloads).
using DebugEndpoint = std::function<HttpResponse(const HttpRequest&)>;

struct ApiHandlerDependencies {
  ResourceService& service;
  RequestLog& requestLog;
  FaultInjector& faults;
  Authenticator authenticator;
  WatchSettings watch;
  std::string serverAddress;  // host:port, for APIVersions
};

class ApiHandler {
 public:
  explicit ApiHandler(ApiHandlerDependencies dependencies);

  void handle(HttpRequest& request, Responder& responder);
  void addDebugEndpoint(const std::string& name, DebugEndpoint endpoint);
  void setServerAddress(const std::string& address) { serverAddress_ = address; }
  // Watches and long requests end when set (shutdown).
  void stopping() { stopping_ = true; }

 private:
  void route(HttpRequest& request, const RequestInfo& info, Responder& responder);
  void nonResource(const HttpRequest& request, const RequestInfo& info, Responder& responder);
  void debug(const HttpRequest& request, const RequestInfo& info, Responder& responder);

  ResourceService& service_;
  RequestLog& requestLog_;
  FaultInjector& faults_;
  Authenticator authenticator_;
  std::string serverAddress_;
  std::atomic<bool> stopping_{false};
  ResourceHandler resources_;
  OpenApiDocuments openapi_;
  std::mutex debugMutex_;
  std::map<std::string, DebugEndpoint> debugEndpoints_;
};

}  // namespace flotilla::apiserver
