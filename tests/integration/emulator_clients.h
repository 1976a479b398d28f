#pragma once
// Set-up shared by the controller integration suites (tests/integration/*): clients of the in-process emulator
// through the kubeconfig it writes, and the project's CRDs (crds/) installed and served.

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>

#include "api/yaml.h"
#include "apiserver/test_api_server.h"
#include "kube/connect.h"
#include "kube/kubeconfig.h"
#include "kube/well_known_resources.h"

namespace flotilla::testing {

// A client of `server` with its own user agent ("" = the client's default, "flotilla/<version> (operator)") and
// QPS/burst; null (with a test failure recorded) when it cannot connect.
inline std::shared_ptr<kube::Client> connectToEmulator(apiserver::TestApiServer& server, const std::string& userAgent,
                                                       double qps) {
  auto config = kube::loadKubeconfigFile(server.kubeconfigPath());
  if (!config.ok()) {
    ADD_FAILURE() << config.error().toString();
    return nullptr;
  }
  kube::ClientOptions options;
  options.qps = qps;
  options.burst = static_cast<int>(qps);
  if (!userAgent.empty()) options.userAgent = userAgent;
  auto client = kube::connect(*config, options);
  if (!client.ok()) {
    ADD_FAILURE() << client.error().toString();
    return nullptr;
  }
  return *client;
}

// Creates every CRD in crds/ and waits (up to 60 s) until all four Flotilla resources are served.
inline ::testing::AssertionResult installFlotillaCrds(kube::Client& client) {
  for (const auto& entry : std::filesystem::directory_iterator(std::string(FLOTILLA_SOURCE_DIR) + "/crds")) {
    std::ifstream file(entry.path());
    std::stringstream text;
    text << file.rdbuf();
    auto loaded = api::loadYamlDocuments(text.str());
    if (!loaded.ok()) return ::testing::AssertionFailure() << "cannot load " << entry.path();
    for (const auto& document : loaded.documents) {
      auto created = client.create(kube::resources::kCustomResourceDefinitions, document.value);
      if (!created.ok()) return ::testing::AssertionFailure() << created.error().toString();
    }
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  for (const auto* resource : {&kube::resources::kMicroservices, &kube::resources::kRoutes,
                               &kube::resources::kBreakerPolicies, &kube::resources::kGateways}) {
    while (!client.list(*resource, "shop").ok()) {
      if (std::chrono::steady_clock::now() > deadline) {
        return ::testing::AssertionFailure() << resource->resource << " is not served 60 s after its CRD";
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  return ::testing::AssertionSuccess();
}

}  // namespace flotilla::testing
