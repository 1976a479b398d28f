#pragma once
// The emulator for in-process tests: starts on a free port (optionally TLS) in its constructor, writes a
// kubeconfig into its own temporary directory, and stops (removing that directory) in its destructor. The
// store, resource service, fault switches and request log are reachable through it.
//
//   TestApiServer server;
//   ASSERT_TRUE(server.started()) << server.startError();
//   auto& cm = *server.resources().resolve("", "v1", "configmaps").value();

#include <chrono>
#include <memory>
#include <string>

#include "apiserver/api_server.h"

namespace flotilla::apiserver {

class TestApiServer {
 public:
  // Test-friendly defaults: bookmarks every 200 ms, short snapshot interval.
  static ApiServerOptions defaultOptions();

  explicit TestApiServer(ApiServerOptions options = defaultOptions());
  ~TestApiServer();
  TestApiServer(const TestApiServer&) = delete;
  TestApiServer& operator=(const TestApiServer&) = delete;

  bool started() const { return startError_.empty(); }
  const std::string& startError() const { return startError_; }

  ApiServer& server() { return *server_; }
  std::string url() const { return server_->url(); }
  std::uint16_t port() const { return server_->port(); }
  const std::string& kubeconfigPath() const { return kubeconfigPath_; }
  const std::string& temporaryDirectory() const { return directory_; }

  ObjectStore& store() { return server_->store(); }
  ResourceService& resources() { return server_->resources(); }
  ResourceRegistry& registry() { return server_->registry(); }
  FaultInjector& faults() { return server_->faults(); }
  RequestLog& requestLog() { return server_->requestLog(); }

  // Resolves a served resource; aborts the test binary's expectations if it is not served.
  ResourcePtr resource(const std::string& group, const std::string& version, const std::string& plural);
  // Waits until the garbage collector has nothing left to do.
  bool waitForGarbageCollector(std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // Stops the server and starts a new one with the same options (same port and data directory): the
  // "API server restarted" scenario. Returns false (see startError()) if it could not start again.
  bool restart();
  void stop() { server_->stop(); }

 private:
  bool startServer();

  ApiServerOptions options_;
  std::string directory_;
  bool ownsDataDir_ = false;
  std::string kubeconfigPath_;
  std::unique_ptr<ApiServer> server_;
  std::string startError_;
};

}  // namespace flotilla::apiserver
