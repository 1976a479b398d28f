#pragma once
// The whole emulator in one object: storage, resources, garbage collector, optional simulated workloads, the
// HTTP(S) server, request log, fault switches and persistence. Used by `flotilla apiserver` and, through
// TestApiServer, in-process by tests.
//
// In-process users (simulated workloads, tests) work with:
//   store()      ObjectStore: get/list, watch(storageKey, filter, fromVersion) → Watcher, listeners (change feed)
//   resources()  ResourceService: create/update/patch/remove/modify with the API's rules
//   registry()   ResourceRegistry: the served resources (resolve group/version/plural)

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "apiserver/api_handler.h"
#include "apiserver/fault_injector.h"
#include "apiserver/garbage_collector.h"
#include "apiserver/http_server.h"
#include "apiserver/kubeconfig_writer.h"
#include "apiserver/object_store.h"
#include "apiserver/request_log.h"
#include "apiserver/resource_registry.h"
#include "apiserver/resource_service.h"
#include "apiserver/tls_certificates.h"
#include "apiserver/workload_simulator.h"

namespace flotilla::apiserver {

struct ApiServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;  // 0: a free port
  bool tls = false;
  std::map<std::string, std::string> tokens;  // bearer token → user name; empty: anonymous allowed
  std::string dataDir;                        // persist state (and TLS certificates) here; empty: memory only
  std::chrono::milliseconds snapshotInterval{5000};
  StoreOptions store;
  WatchSettings watch;
  std::size_t requestLogCapacity = 200000;
  bool simulateWorkloads = false;      // Deployment / ReplicaSet / EndpointSlice / HPA controllers, kubelet
  WorkloadSimulatorOptions workloads;  // workloads.runPods: real processes for runnable images
};

class ApiServer {
 public:
  explicit ApiServer(ApiServerOptions options = {});
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // Restores state, seeds the default namespaces, starts the workers and the listener. Error text on failure.
  std::optional<std::string> start();
  // Closes watches and connections, stops workers, writes the final snapshot. Idempotent.
  void stop();

  std::string url() const;  // http(s)://host:port
  std::uint16_t port() const;
  const ApiServerOptions& options() const { return options_; }

  ObjectStore& store() { return store_; }
  ResourceRegistry& registry() { return registry_; }
  ResourceService& resources() { return service_; }
  RequestLog& requestLog() { return requestLog_; }
  FaultInjector& faults() { return faults_; }
  GarbageCollector& garbageCollector() { return gc_; }
  WorkloadSimulator* workloads() { return workloads_.get(); }
  const std::optional<CertificateBundle>& certificates() const { return certificates_; }

  // The kubeconfig for this server: CA data with TLS; the first token, else (with TLS) the client certificate.
  KubeconfigSpec kubeconfig() const;
  bool writeKubeconfig(const std::string& path, std::string& error) const;

  // Serves GET/POST/DELETE /debug/<name> (before or after start()).
  void addDebugEndpoint(const std::string& name, DebugEndpoint endpoint);
  // Fault switches that act on the store.
  void closeAllWatches() { store_.closeAllWatchers(); }
  void compactHistory() { store_.compactHistory(); }
  Status saveSnapshot();

 private:
  std::optional<std::string> prepareCertificates();
  void seedDefaults();
  void snapshotLoop();
  HttpResponse handleFaults(const HttpRequest& request);

  ApiServerOptions options_;
  ObjectStore store_;
  ResourceRegistry registry_;
  ResourceService service_;
  RequestLog requestLog_;
  FaultInjector faults_;
  GarbageCollector gc_;
  std::unique_ptr<WorkloadSimulator> workloads_;
  std::optional<CertificateBundle> certificates_;
  std::unique_ptr<ApiHandler> handler_;
  std::map<std::string, DebugEndpoint> pendingDebugEndpoints_;
  std::unique_ptr<HttpServer> http_;
  std::uint16_t port_ = 0;
  std::string podKubeconfigDir_;  // holds the kubeconfig --run-pods hands to pods; removed with the server
  bool started_ = false;
  bool stopped_ = false;

  std::mutex snapshotMutex_;
  std::condition_variable snapshotWake_;
  bool snapshotStop_ = false;
  std::thread snapshotThread_;
  std::uint64_t savedWrites_ = 0;
};

}  // namespace flotilla::apiserver
