#include "apiserver/test_api_server.h"

#include <stdlib.h>

#include <filesystem>

namespace flotilla::apiserver {

ApiServerOptions TestApiServer::defaultOptions() {
  ApiServerOptions options;
  options.watch.bookmarkInterval = std::chrono::milliseconds(200);
  options.snapshotInterval = std::chrono::milliseconds(200);
  return options;
}

TestApiServer::TestApiServer(ApiServerOptions options) : options_(std::move(options)) {
  std::string pattern = (std::filesystem::temp_directory_path() / "flotilla-apiserver-XXXXXX").string();
  if (char* made = ::mkdtemp(pattern.data())) directory_ = made;
  kubeconfigPath_ = (std::filesystem::path(directory_) / "kubeconfig").string();
  startServer();
}

TestApiServer::~TestApiServer() {
  server_.reset();
  std::error_code ec;
  if (!directory_.empty()) std::filesystem::remove_all(directory_, ec);
}

bool TestApiServer::startServer() {
  server_ = std::make_unique<ApiServer>(options_);
  if (auto error = server_->start()) {
    startError_ = *error;
    return false;
  }
  startError_.clear();
  // Later restarts reuse the port, so clients' kubeconfigs stay valid.
  options_.port = server_->port();
  std::string error;
  if (!server_->writeKubeconfig(kubeconfigPath_, error)) startError_ = error;
  return startError_.empty();
}

bool TestApiServer::restart() {
  server_->stop();
  server_.reset();
  return startServer();
}

ResourcePtr TestApiServer::resource(const std::string& group, const std::string& version, const std::string& plural) {
  return server_->registry().find(group, version, plural);
}

bool TestApiServer::waitForGarbageCollector(std::chrono::milliseconds timeout) {
  return server_->garbageCollector().waitIdle(timeout);
}

}  // namespace flotilla::apiserver
