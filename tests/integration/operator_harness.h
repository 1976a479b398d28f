#pragma once
// What the controller integration suites (tests/integration/microservice_controller, gateway_controllers) share:
// the operator's manager running in-process on its own thread as `flotilla operator` runs it, and a fixture base
// with the in-process emulator, a set-up client (its own user agent, so the request log tells its writes from the
// operator's), Events and request-log queries.

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "apiserver/test_api_server.h"
#include "controllers/controller_context.h"
#include "emulator_clients.h"
#include "kube/well_known_resources.h"
#include "observability/metrics.h"
#include "runtime/kube_adapters.h"
#include "runtime/manager.h"

namespace flotilla::controllers::testing {

using namespace std::chrono_literals;

inline constexpr const char* kGatewayImage = "flotilla/gateway:test";

// Polls `condition` every 20 ms until it holds or `bound` passes.
inline bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds bound = 60s) {
  const auto deadline = std::chrono::steady_clock::now() + bound;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(20ms);
  }
  return true;
}

// A manager with the controllers `addControllers` registers, running until stopped (or destroyed).
class InProcessOperator {
 public:
  InProcessOperator(std::shared_ptr<kube::Client> client, observability::MetricsRegistry& registry,
                    runtime::ManagerOptions options, const std::function<void(ControllerContext&)>& addControllers)
      : manager_(std::make_shared<runtime::KubeClusterAccess>(client), options, registry),
        context_{manager_, client, options.namespace_, 2, kGatewayImage} {
    addControllers(context_);
    exit_ = std::async(std::launch::async, [this] { return manager_.run(stop_.get_token()); });
  }
  ~InProcessOperator() { stop(); }

  // Stops the manager; its exit code.
  int stop() {
    if (!exit_.valid()) return exitCode_;
    stop_.request_stop();
    exitCode_ = exit_.get();
    return exitCode_;
  }

  // Options with the metrics and health endpoints off (tests read the registry directly).
  static runtime::ManagerOptions quietOptions() {
    runtime::ManagerOptions options;
    options.metricsBindAddress = "0";
    options.healthProbeBindAddress = "0";
    return options;
  }

 private:
  runtime::Manager manager_;
  ControllerContext context_;
  std::stop_source stop_;
  std::future<int> exit_;
  int exitCode_ = 0;
};

class EmulatorOperatorTest : public ::testing::Test {
 protected:
  // Starts the emulator with `options`, the set-up client, the CRDs and `namespaces`.
  void startEmulator(const apiserver::ApiServerOptions& options, const std::vector<std::string>& namespaces) {
    server_ = std::make_unique<apiserver::TestApiServer>(options);
    ASSERT_TRUE(server_->started()) << server_->startError();
    setup_ = connect("integration-test", 1000);
    ASSERT_NE(setup_, nullptr);
    installCrds();
    for (const auto& ns : namespaces) {
      auto created = setup_->create(kube::resources::kNamespaces, {{"metadata", {{"name", ns}}}});
      ASSERT_TRUE(created.ok()) << created.error().toString();
    }
  }

  void TearDown() override {
    operator_.reset();
    server_.reset();
  }

  std::shared_ptr<kube::Client> connect(const std::string& userAgent, double qps) {
    return flotilla::testing::connectToEmulator(*server_, userAgent, qps);
  }

  void installCrds() { ASSERT_TRUE(flotilla::testing::installFlotillaCrds(*setup_)); }

  // The operator's client has the default user agent "flotilla/<version> (operator)".
  void startOperatorWith(runtime::ManagerOptions options,
                         const std::function<void(ControllerContext&)>& addControllers) {
    operatorClient_ = connect("", 100);
    ASSERT_NE(operatorClient_, nullptr);
    operator_ = std::make_unique<InProcessOperator>(operatorClient_, registry_, std::move(options), addControllers);
  }
  int stopOperator() {
    int code = operator_ ? operator_->stop() : 0;
    operator_.reset();
    return code;
  }

  // Events in `ns` about the object kind/name with `reason`.
  std::vector<nlohmann::json> events(const std::string& ns, const std::string& kind, const std::string& name,
                                     const std::string& reason) {
    std::vector<nlohmann::json> found;
    auto listed = setup_->list(kube::resources::kEvents, ns);
    if (!listed.ok()) return found;
    for (const auto& event : listed->items) {
      const nlohmann::json& involved = event.value("involvedObject", nlohmann::json::object());
      if (involved.value("kind", "") == kind && involved.value("name", "") == name &&
          event.value("reason", "") == reason) {
        found.push_back(event);
      }
    }
    return found;
  }

  // ---------------------------------------------------------------- request log

  std::uint64_t mark() { return server_->requestLog().lastIndex(); }
  std::vector<apiserver::RequestRecord> operatorRequests(std::uint64_t since) {
    std::vector<apiserver::RequestRecord> out;
    for (auto& record : server_->requestLog().since(since)) {
      if (record.userAgent.find("(operator)") != std::string::npos) out.push_back(record);
    }
    return out;
  }
  // The operator opened a watch on `resource` after `since`: a (re)started operator has listed it and runs.
  bool operatorWatches(std::uint64_t since, const std::string& resource) {
    for (const auto& r : operatorRequests(since)) {
      if (r.verb == "watch" && r.resource == resource) return true;
    }
    return false;
  }
  // Write requests the operator sent after `since`, except Lease renewals (leader election writes while quiet).
  std::vector<apiserver::RequestRecord> operatorWrites(std::uint64_t since) {
    std::vector<apiserver::RequestRecord> writes;
    for (auto& record : operatorRequests(since)) {
      const bool write = record.verb == "create" || record.verb == "update" || record.verb == "patch" ||
                         record.verb == "delete" || record.verb == "deletecollection";
      if (write && record.resource != "leases") writes.push_back(record);
    }
    return writes;
  }
  static std::string describe(const std::vector<apiserver::RequestRecord>& records) {
    std::string out;
    for (const auto& r : records) {
      out += r.verb + " " + r.resource + (r.subresource.empty() ? "" : "/" + r.subresource) + " " + r.namespace_ + "/" +
             r.name + "; ";
    }
    return out;
  }
  // Waits until the operator made no write for `window`; returns the request-log mark at that point.
  std::uint64_t waitForQuiet(std::chrono::milliseconds window = 1500ms) {
    std::uint64_t since = mark();
    auto windowStart = std::chrono::steady_clock::now();
    const auto deadline = windowStart + 60s;
    while (std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(100ms);
      if (!operatorWrites(since).empty()) {
        since = mark();
        windowStart = std::chrono::steady_clock::now();
      } else if (std::chrono::steady_clock::now() - windowStart >= window) {
        return mark();
      }
    }
    ADD_FAILURE() << "the operator never stopped writing";
    return mark();
  }

  std::unique_ptr<apiserver::TestApiServer> server_;
  std::shared_ptr<kube::Client> setup_;
  std::shared_ptr<kube::Client> operatorClient_;
  observability::MetricsRegistry registry_;
  std::unique_ptr<InProcessOperator> operator_;
};

}  // namespace flotilla::controllers::testing
