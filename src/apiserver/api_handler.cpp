#include "apiserver/api_handler.h"

#include <thread>

#include "apiserver/discovery.h"
#include "apiserver/request_body.h"
#include "apiserver/responses.h"
#include "apiserver/time_format.h"

namespace flotilla::apiserver {

using nlohmann::json;

namespace {

bool isPublicPath(const std::string& path) {
  for (const char* prefix : {"/version", "/healthz", "/livez", "/readyz"}) {
    std::string p = prefix;
    if (path == p || path.rfind(p + "/", 0) == 0) return true;
  }
  return false;
}

json versionInfo() {
  return {{"major", "1"},
          {"minor", "32"},
          {"gitVersion", "v1.32.0-flotilla"},
          {"gitCommit", "flotilla-apiserver"},
          {"gitTreeState", "clean"},
          {"buildDate", "2025-01-01T00:00:00Z"},
          {"goVersion", "go1.23.4"},
          {"compiler", "gc"},
          {"platform", "linux/amd64"}};
}

// Records the request when its response starts (a watch is logged when it opens, not when it ends).
class RecordingResponder : public Responder {
 public:
  RecordingResponder(Responder& inner, RequestLog& log, RequestRecord record)
      : inner_(inner), log_(log), record_(std::move(record)), started_(std::chrono::steady_clock::now()) {}

  // Recorded before the response goes out, so a client that reads the log right after its response finds it.
  void send(const HttpResponse& response) override {
    record(response.status);
    inner_.send(response);
  }
  ResponseStream* startStream(int status, const std::string& contentType, const HeaderList& headers) override {
    record(status);
    return inner_.startStream(status, contentType, headers);
  }
  int statusSent() const override { return inner_.statusSent(); }

 private:
  void record(int status) {
    if (recorded_) return;
    recorded_ = true;
    record_.code = status;
    record_.durationMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started_).count();
    log_.append(std::move(record_));
  }

  Responder& inner_;
  RequestLog& log_;
  RequestRecord record_;
  std::chrono::steady_clock::time_point started_;
  bool recorded_ = false;
};

}  // namespace

ApiHandler::ApiHandler(ApiHandlerDependencies dependencies)
    : service_(dependencies.service),
      requestLog_(dependencies.requestLog),
      faults_(dependencies.faults),
      authenticator_(std::move(dependencies.authenticator)),
      serverAddress_(std::move(dependencies.serverAddress)),
      resources_(dependencies.service, dependencies.watch, stopping_),
      openapi_(dependencies.service.registry()) {}

void ApiHandler::addDebugEndpoint(const std::string& name, DebugEndpoint endpoint) {
  std::lock_guard lock(debugMutex_);
  debugEndpoints_[name] = std::move(endpoint);
}

void ApiHandler::handle(HttpRequest& request, Responder& responder) {
  RequestInfo info = parseRequestInfo(request);
  const bool isDebug = !info.parts.empty() && info.parts[0] == "debug";
  std::optional<Identity> identity;
  if (!isPublicPath(request.path)) {
    identity = authenticator_.authenticate(request);
  } else {
    identity = authenticator_.authenticate(request).value_or(Identity{"system:anonymous", {}});
  }
  if (isDebug) {
    if (!identity) return responder.send(errorResponse(errors::unauthorized()));
    return debug(request, info, responder);
  }
  RequestRecord record;
  record.time = formatRfc3339Micro(std::chrono::system_clock::now());
  record.method = request.method;
  record.verb = info.verb;
  record.path = request.path;
  size_t question = request.target.find('?');
  record.query = question == std::string::npos ? "" : request.target.substr(question + 1);
  record.group = info.group;
  record.version = info.version;
  record.resource = info.resource;
  record.subresource = info.subresource;
  record.namespace_ = info.namespace_;
  record.name = info.name;
  record.userAgent = request.header("User-Agent");
  record.user = identity ? identity->user : "";
  record.contentType = request.header("Content-Type");
  record.fieldManager = request.param("fieldManager").value_or("");
  RecordingResponder recording(responder, requestLog_, std::move(record));

  if (!identity) return recording.send(errorResponse(errors::unauthorized()));
  const std::string userAgent = request.header("User-Agent");
  auto delay = faults_.takeLatency(info, userAgent);
  if (delay.count() > 0) std::this_thread::sleep_for(delay);
  if (auto error = faults_.takeError(info, userAgent)) return recording.send(errorResponse(*error));
  route(request, info, recording);
}

void ApiHandler::route(HttpRequest& request, const RequestInfo& info, Responder& responder) {
  if (info.isResourceRequest) return resources_.handle(request, info, responder);
  nonResource(request, info, responder);
}

void ApiHandler::nonResource(const HttpRequest& request, const RequestInfo& info, Responder& responder) {
  const auto& parts = info.parts;
  const std::string& path = request.path;
  const ResourceRegistry& registry = service_.registry();
  if (request.method != "GET" && request.method != "HEAD") return responder.send(pageNotFound());
  if (path == "/version" || path == "/version/") return responder.send(jsonResponse(200, versionInfo()));
  if (isPublicPath(path)) return responder.send(textResponse(200, "ok"));
  std::string accept = request.header("Accept");
  if (path == "/api" || path == "/apis" || path == "/api/" || path == "/apis/") {
    bool core = parts[0] == "api";
    if (acceptsAggregatedDiscovery(accept)) {
      HttpResponse response = jsonResponse(200, aggregatedDiscovery(registry, core));
      response.contentType = kAggregatedDiscoveryContentType;
      response.headers.emplace_back("Vary", "Accept");
      return responder.send(response);
    }
    return responder.send(jsonResponse(200, core ? apiVersions(serverAddress_) : apiGroupList(registry)));
  }
  if (parts.size() == 2 && parts[0] == "api") {
    json list = apiResourceList(registry, "", parts[1]);
    return responder.send(list.is_null() ? pageNotFound() : jsonResponse(200, list));
  }
  if (parts.size() == 2 && parts[0] == "apis") {
    json group = apiGroup(registry, parts[1]);
    return responder.send(group.is_null() ? pageNotFound() : jsonResponse(200, group));
  }
  if (parts.size() == 3 && parts[0] == "apis") {
    json list = apiResourceList(registry, parts[1], parts[2]);
    return responder.send(list.is_null() ? pageNotFound() : jsonResponse(200, list));
  }
  if (!parts.empty() && parts[0] == "openapi") {
    // v2 is deliberately absent: kubectl only reads it as protobuf, and a 404 makes it use v3.
    if (parts.size() == 2 && parts[1] == "v3") return responder.send(jsonResponse(200, openapi_.root()));
    if (parts.size() > 2 && parts[1] == "v3") {
      std::string gvPath;
      for (size_t i = 2; i < parts.size(); ++i) gvPath += (i > 2 ? "/" : "") + parts[i];
      auto document = openapi_.document(gvPath);
      if (!document) return responder.send(pageNotFound());
      HttpResponse response = rawJsonResponse(200, *document);
      if (request.param("hash")) {
        response.headers.emplace_back("Cache-Control", "public, immutable");
        response.headers.erase(response.headers.begin());
      }
      return responder.send(response);
    }
  }
  responder.send(pageNotFound());
}

void ApiHandler::debug(const HttpRequest& request, const RequestInfo& info, Responder& responder) {
  const auto& parts = info.parts;
  if (parts.size() == 2 && parts[1] == "requests") {
    if (request.method == "DELETE") {
      requestLog_.clear();
      return responder.send(jsonResponse(200, {{"cleared", true}, {"lastIndex", requestLog_.lastIndex()}}));
    }
    std::uint64_t since = 0;
    if (auto text = request.param("since")) since = std::strtoull(text->c_str(), nullptr, 10);
    json items = json::array();
    for (const auto& record : requestLog_.since(since)) items.push_back(record.toJson());
    return responder.send(jsonResponse(200, {{"items", items}, {"lastIndex", requestLog_.lastIndex()}}));
  }
  DebugEndpoint endpoint;
  if (parts.size() >= 2) {
    std::lock_guard lock(debugMutex_);
    if (auto it = debugEndpoints_.find(parts[1]); it != debugEndpoints_.end()) endpoint = it->second;
  }
  if (endpoint) return responder.send(endpoint(request));
  responder.send(pageNotFound());
}

}  // namespace flotilla::apiserver
