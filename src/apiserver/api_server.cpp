#include "apiserver/api_server.h"

#include <cstdlib>
#include <filesystem>

#include <spdlog/spdlog.h>

#include "apiserver/object_meta.h"
#include "apiserver/persistence.h"
#include "apiserver/responses.h"

namespace flotilla::apiserver {

using nlohmann::json;

namespace {
const char* kServerManager = "kube-apiserver";
}

ApiServer::ApiServer(ApiServerOptions options)
    : options_(std::move(options)),
      store_(options_.store),
      service_(store_, registry_),
      requestLog_(options_.requestLogCapacity),
      gc_(store_, service_) {
  // Pods that talk to the API (the gateway agent) get a kubeconfig for this server, written once it listens.
  auto& runner = options_.workloads.podRunner;
  if (options_.simulateWorkloads && options_.workloads.runPods && runner.kubeconfig.empty()) {
    std::string directory = (std::filesystem::temp_directory_path() / "flotilla-apiserver-XXXXXX").string();
    if (mkdtemp(directory.data())) {
      podKubeconfigDir_ = directory;
      runner.kubeconfig = directory + "/kubeconfig";
    }
  }
  if (options_.simulateWorkloads) workloads_ = std::make_unique<WorkloadSimulator>(service_, options_.workloads);
}

ApiServer::~ApiServer() {
  stop();
  workloads_.reset();
  if (!podKubeconfigDir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(podKubeconfigDir_, ec);
  }
}

std::optional<std::string> ApiServer::prepareCertificates() {
  if (!options_.tls) return std::nullopt;
  std::string pki = options_.dataDir.empty() ? "" : (std::filesystem::path(options_.dataDir) / "pki").string();
  if (!pki.empty()) certificates_ = loadCertificates(pki);
  if (certificates_) return std::nullopt;
  std::string error;
  std::vector<std::string> hosts = {"127.0.0.1", "localhost"};
  if (options_.host != "127.0.0.1" && options_.host != "0.0.0.0") hosts.push_back(options_.host);
  certificates_ = generateCertificates(hosts, error);
  if (!certificates_) return "cannot generate TLS certificates: " + error;
  if (!pki.empty() && !saveCertificates(*certificates_, pki, error)) return error;
  return std::nullopt;
}

void ApiServer::seedDefaults() {
  ResourcePtr namespaces = registry_.find("", "v1", "namespaces");
  WriteOptions options;
  options.fieldManager = kServerManager;
  for (const char* name : {"default", "kube-system", "kube-public", "kube-node-lease"}) {
    if (store_.get("/namespaces", "", name)) continue;
    json ns = {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", name}}}};
    auto created = service_.create(*namespaces, "", ns, options);
    if (!created.ok()) spdlog::warn("apiserver: cannot create namespace {}: {}", name, created.error().message);
  }
}

std::optional<std::string> ApiServer::start() {
  if (started_) return std::nullopt;
  if (!options_.dataDir.empty()) {
    auto loaded = loadSnapshot(store_, options_.dataDir);
    if (!loaded.ok()) return loaded.error().message;
    if (*loaded) {
      for (const auto& crd : store_.listAll("apiextensions.k8s.io/customresourcedefinitions")) {
        service_.syncCustomResourceDefinition(crd->object);
      }
    }
  }
  if (auto error = prepareCertificates()) return error;
  gc_.start();
  seedDefaults();
  gc_.resyncAll();

  Authenticator authenticator(options_.tokens);
  handler_ = std::make_unique<ApiHandler>(
      ApiHandlerDependencies{service_, requestLog_, faults_, authenticator, options_.watch, ""});
  handler_->addDebugEndpoint("faults", [this](const HttpRequest& request) { return handleFaults(request); });
  for (auto& [name, endpoint] : pendingDebugEndpoints_) handler_->addDebugEndpoint(name, std::move(endpoint));
  pendingDebugEndpoints_.clear();
  if (workloads_) {
    handler_->addDebugEndpoint("metrics", [this](const HttpRequest& request) {
      DebugReply reply = workloads_->handleDebugMetrics(request.method, request.body);
      return jsonResponse(reply.status, reply.body);
    });
  }
  HttpServerOptions httpOptions;
  httpOptions.host = options_.host;
  httpOptions.port = options_.port;
  httpOptions.tls = certificates_;
  http_ = std::make_unique<HttpServer>(
      httpOptions, [this](HttpRequest& request, Responder& responder) { handler_->handle(request, responder); });
  if (auto error = http_->start()) {
    gc_.stop();
    return error;
  }
  port_ = http_->port();
  handler_->setServerAddress(options_.host + ":" + std::to_string(port_));
  if (!podKubeconfigDir_.empty()) {
    std::string error;
    if (!writeKubeconfig(options_.workloads.podRunner.kubeconfig, error)) spdlog::warn("apiserver: {}", error);
  }
  if (workloads_) workloads_->start();
  if (!options_.dataDir.empty()) {
    savedWrites_ = store_.writeCount();
    if (auto saved = saveSnapshot(); !saved.ok()) spdlog::warn("apiserver: {}", saved.error().message);
    snapshotThread_ = std::thread([this] { snapshotLoop(); });
  }
  started_ = true;
  return std::nullopt;
}

void ApiServer::stop() {
  if (!started_ || stopped_) return;
  stopped_ = true;
  handler_->stopping();
  store_.closeAllWatchers();
  http_->stop();
  if (workloads_) workloads_->stop();
  gc_.stop();
  if (snapshotThread_.joinable()) {
    {
      std::lock_guard lock(snapshotMutex_);
      snapshotStop_ = true;
    }
    snapshotWake_.notify_all();
    snapshotThread_.join();
  }
  if (!options_.dataDir.empty()) {
    if (auto saved = saveSnapshot(); !saved.ok()) spdlog::warn("apiserver: {}", saved.error().message);
  }
}

void ApiServer::snapshotLoop() {
  std::unique_lock lock(snapshotMutex_);
  while (!snapshotStop_) {
    snapshotWake_.wait_for(lock, options_.snapshotInterval, [&] { return snapshotStop_; });
    if (snapshotStop_) break;
    std::uint64_t writes = store_.writeCount();
    if (writes == savedWrites_) continue;
    lock.unlock();
    if (auto saved = saveSnapshot(); !saved.ok()) spdlog::warn("apiserver: {}", saved.error().message);
    lock.lock();
    savedWrites_ = writes;
  }
}

Status ApiServer::saveSnapshot() {
  if (options_.dataDir.empty()) return errors::badRequest("no data directory configured");
  return apiserver::saveSnapshot(store_, options_.dataDir);
}

std::string ApiServer::url() const {
  std::string host = options_.host == "0.0.0.0" ? "127.0.0.1" : options_.host;
  return std::string(options_.tls ? "https" : "http") + "://" + host + ":" + std::to_string(port_);
}

std::uint16_t ApiServer::port() const {
  return port_;
}

KubeconfigSpec ApiServer::kubeconfig() const {
  KubeconfigSpec spec;
  spec.server = url();
  if (certificates_) spec.certificateAuthorityPem = certificates_->caCertPem;
  if (!options_.tokens.empty()) {
    spec.token = options_.tokens.begin()->first;
  } else if (certificates_) {
    spec.clientCertificatePem = certificates_->clientCertPem;
    spec.clientKeyPem = certificates_->clientKeyPem;
  }
  return spec;
}

bool ApiServer::writeKubeconfig(const std::string& path, std::string& error) const {
  return apiserver::writeKubeconfig(path, kubeconfig(), error);
}

void ApiServer::addDebugEndpoint(const std::string& name, DebugEndpoint endpoint) {
  if (handler_) {
    handler_->addDebugEndpoint(name, std::move(endpoint));
  } else {
    pendingDebugEndpoints_[name] = std::move(endpoint);  // registered when start() builds the handler
  }
}

HttpResponse ApiServer::handleFaults(const HttpRequest& request) {
  if (request.method == "GET") {
    json state = faults_.toJson();
    state["watchers"] = store_.watcherCount();
    state["resourceVersion"] = std::to_string(store_.currentResourceVersion());
    state["compactedResourceVersion"] = std::to_string(store_.compactedResourceVersion());
    return jsonResponse(200, state);
  }
  if (request.method == "DELETE") {
    faults_.reset();
    return jsonResponse(200, faults_.toJson());
  }
  if (request.method != "POST" && request.method != "PUT") return errorResponse(errors::methodNotAllowed());
  json spec = json::parse(request.body.empty() ? std::string("{}") : request.body, nullptr, false);
  if (spec.is_discarded()) return errorResponse(errors::badRequest("faults: the body is not valid JSON"));
  if (auto applied = faults_.applyJson(spec); !applied.ok()) return errorResponse(applied.error());
  if (spec.value("compactHistory", false)) compactHistory();
  if (spec.value("closeWatches", false)) closeAllWatches();
  json state = faults_.toJson();
  state["watchers"] = store_.watcherCount();
  return jsonResponse(200, state);
}

}  // namespace flotilla::apiserver
