#pragma once
// Shared set-up for runtime tests against the in-process API emulator: a server, a fast client for test set-up,
// and clients for the code under test, all through the kubeconfig the emulator writes.

#include <gtest/gtest.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "../../unit/runtime/eventually.h"
#include "apiserver/test_api_server.h"
#include "kube/connect.h"
#include "kube/kubeconfig.h"
#include "kube/well_known_resources.h"
#include "runtime/event_handler.h"
#include "runtime/object.h"

namespace flotilla::runtime::testing {

class EmulatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<apiserver::TestApiServer>();
    ASSERT_TRUE(server_->started()) << server_->startError();
    setup_ = connectClient(10000);
    ASSERT_NE(setup_, nullptr);
    for (const char* ns : {"shop", "flotilla-system"}) {
      auto created = setup_->create(kube::resources::kNamespaces, {{"metadata", {{"name", ns}}}});
      ASSERT_TRUE(created.ok()) << created.error().toString();
    }
  }

  // A client as the operator would have it; `qps` high for set-up, `maxRetries` 0 to see 429s unretried.
  std::shared_ptr<kube::Client> connectClient(double qps = 20, int maxRetries = 5) {
    auto config = kube::loadKubeconfigFile(server_->kubeconfigPath());
    if (!config.ok()) {
      ADD_FAILURE() << config.error().toString();
      return nullptr;
    }
    kube::ClientOptions options;
    options.qps = qps;
    options.burst = static_cast<int>(qps);
    options.maxRetries = maxRetries;
    auto client = kube::connect(*config, options);
    if (!client.ok()) {
      ADD_FAILURE() << client.error().toString();
      return nullptr;
    }
    return *client;
  }

  nlohmann::json configMap(const std::string& ns, const std::string& name, nlohmann::json data = {}) {
    nlohmann::json object = {{"metadata", {{"namespace", ns}, {"name", name}}}};
    if (!data.is_null()) object["data"] = std::move(data);
    return object;
  }
  void createConfigMap(const std::string& ns, const std::string& name, nlohmann::json data = {}) {
    auto created = setup_->create(kube::resources::kConfigMaps, configMap(ns, name, std::move(data)));
    ASSERT_TRUE(created.ok()) << created.error().toString();
  }
  void updateConfigMap(const std::string& ns, const std::string& name, nlohmann::json data) {
    auto patched = setup_->patch(kube::resources::kConfigMaps, ns, name, kube::PatchType::Merge, {{"data", data}});
    ASSERT_TRUE(patched.ok()) << patched.error().toString();
  }
  void deleteConfigMap(const std::string& ns, const std::string& name) {
    auto removed = setup_->remove(kube::resources::kConfigMaps, ns, name);
    ASSERT_TRUE(removed.ok()) << removed.error().toString();
  }

  // Requests the emulator answered for `resource` with audit verb `verb`.
  std::vector<apiserver::RequestRecord> requests(const std::string& verb, const std::string& resource = "configmaps") {
    std::vector<apiserver::RequestRecord> matching;
    for (auto& record : server_->requestLog().all()) {
      if (record.verb == verb && record.resource == resource) matching.push_back(record);
    }
    return matching;
  }

  std::unique_ptr<apiserver::TestApiServer> server_;
  std::shared_ptr<kube::Client> setup_;
};

// Records informer notifications as "add ns/name", "update ns/name", "delete ns/name".
class NotificationLog {
 public:
  EventHandler handler() {
    return {[this](const nlohmann::json& o) { record("add " + objectKey(o)); },
            [this](const nlohmann::json&, const nlohmann::json& n) { record("update " + objectKey(n)); },
            [this](const nlohmann::json& o) { record("delete " + objectKey(o)); }};
  }
  std::vector<std::string> entries() const {
    std::lock_guard lock(mutex_);
    return entries_;
  }
  int count(const std::string& entry) const {
    int n = 0;
    for (const auto& e : entries()) n += e == entry ? 1 : 0;
    return n;
  }
  std::size_t size() const { return entries().size(); }

 private:
  void record(std::string entry) {
    std::lock_guard lock(mutex_);
    entries_.push_back(std::move(entry));
  }
  mutable std::mutex mutex_;
  std::vector<std::string> entries_;
};

}  // namespace flotilla::runtime::testing
