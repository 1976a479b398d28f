// `flotilla operator`: the controllers. Connects to the API server (--kubeconfig, else $KUBECONFIG, else the
// in-cluster service account, else ~/.kube/config), builds the runtime manager (informers, leader election,
// metrics and health endpoints), adds the Microservice and gateway controllers and runs until SIGTERM/SIGINT
// (graceful: in-flight reconciles finish, the Lease is released). The Helm chart passes exactly these flags.
#include <csignal>
#include <iostream>
#include <memory>
#include <string>

#include "cli/allocator_tuning.h"
#include "cli/api_connection.h"
#include "cli/commands.h"
#include "cli/flag_parser.h"
#include "controllers/cache_storage.h"
#include "controllers/controller_context.h"
#include "observability/logging.h"
#include "observability/metrics.h"
#include "runtime/kube_adapters.h"
#include "runtime/leader_election.h"
#include "runtime/manager.h"
#include "runtime/shutdown_signal.h"

namespace flotilla::cli {
namespace {

constexpr const char* kUsage =
    "usage: flotilla operator [flags]\n"
    "\n"
    "Runs the Flotilla controllers until SIGTERM/SIGINT.\n"
    "\n"
    "flags:\n"
    "  --kubeconfig PATH                      kubeconfig file (default: $KUBECONFIG, else in-cluster, else\n"
    "                                         ~/.kube/config)\n"
    "  --context NAME                         kubeconfig context (default: its current-context)\n"
    "  --namespace NS                         watch only this namespace (default: all namespaces)\n"
    "  --workers N                            concurrent reconciles per controller (default 2)\n"
    "  --leader-elect=BOOL                    elect a leader through a Lease (default true)\n"
    "  --leader-election-namespace NS         namespace of the Lease (default flotilla-system)\n"
    "  --metrics-bind-address ADDR            /metrics (default :8080; \"0\" switches it off)\n"
    "  --health-probe-bind-address ADDR       /healthz and /readyz (default :8081; \"0\" switches it off)\n"
    "  --log-format json|text                 (default json)\n"
    "  --log-level LEVEL                      trace, debug, info (default), warn, error\n"
    "  --kube-api-qps N                       client-side request rate limit (default 20)\n"
    "  --kube-api-burst N                     burst above the rate (default 30)\n"
    "  --gateway-image IMAGE                  image of the gateway pods (default flotilla/gateway:latest)\n"
    "  -h, --help                             this help\n";

struct OperatorFlags {
  std::string kubeconfig;
  std::string context;
  std::string namespace_;
  int workers = 2;
  bool leaderElect = true;
  std::string leaderElectionNamespace = "flotilla-system";
  std::string metricsBindAddress = ":8080";
  std::string healthProbeBindAddress = ":8081";
  std::string logFormat = "json";
  std::string logLevel = "info";
  double kubeApiQps = 20;
  int kubeApiBurst = 30;
  std::string gatewayImage = "flotilla/gateway:latest";
};

// Exit code 2 with a message when a flag value is unusable; nullopt when all are fine.
std::optional<int> checkFlags(const OperatorFlags& flags) {
  auto bad = [](const std::string& message) {
    std::cerr << "flotilla operator: " << message << "\n";
    return 2;
  };
  if (flags.workers < 1) return bad("--workers must be at least 1");
  if (flags.kubeApiQps <= 0 || flags.kubeApiBurst < 1)
    return bad("--kube-api-qps and --kube-api-burst must be positive");
  if (!observability::parseLogFormat(flags.logFormat)) return bad("--log-format must be json or text");
  if (!observability::parseLogLevel(flags.logLevel))
    return bad("--log-level must be trace, debug, info, warn or error");
  if (flags.leaderElect && flags.leaderElectionNamespace.empty()) {
    return bad("--leader-election-namespace must not be empty with --leader-elect");
  }
  if (flags.gatewayImage.empty()) return bad("--gateway-image must not be empty");
  return std::nullopt;
}

}  // namespace

int runOperator(int argc, char** argv) {
  OperatorFlags flags;
  FlagParser parser("operator", kUsage);
  parser.add({"--kubeconfig"}, flags.kubeconfig);
  parser.add({"--context"}, flags.context);
  parser.add({"--namespace", "-n"}, flags.namespace_);
  parser.add({"--workers"}, flags.workers);
  parser.addSwitch({"--leader-elect"}, flags.leaderElect);
  parser.add({"--leader-election-namespace"}, flags.leaderElectionNamespace);
  parser.add({"--metrics-bind-address"}, flags.metricsBindAddress);
  parser.add({"--health-probe-bind-address"}, flags.healthProbeBindAddress);
  parser.add({"--log-format"}, flags.logFormat);
  parser.add({"--log-level"}, flags.logLevel);
  parser.add({"--kube-api-qps"}, flags.kubeApiQps);
  parser.add({"--kube-api-burst"}, flags.kubeApiBurst);
  parser.add({"--gateway-image"}, flags.gatewayImage);
  if (auto exit = parser.parse(argc, argv)) return *exit;
  if (!parser.positional().empty()) {
    std::cerr << "flotilla operator: unexpected argument '" << parser.positional().front() << "'\n" << kUsage;
    return 2;
  }
  if (auto exit = checkFlags(flags)) return *exit;

  // Signals first: no thread started below may receive SIGTERM in its place; a client hanging up never kills us.
  std::signal(SIGPIPE, SIG_IGN);
  runtime::ShutdownSignal shutdown;
  const AllocatorTuning allocator;  // before any other thread starts

  observability::configureLogging(
      {*observability::parseLogFormat(flags.logFormat), *observability::parseLogLevel(flags.logLevel), nullptr});
  observability::Logger log("operator");

  // The Lease identity also ends the user agent ("flotilla/0.1.0 (operator) <identity>"): two replicas share the
  // credentials and the field manager, and the API server's request log must still tell which one wrote.
  const std::string identity = runtime::defaultLeaderIdentity();
  kube::ClientOptions clientOptions;
  clientOptions.userAgent = kube::defaultUserAgent("operator") + " " + identity;
  clientOptions.qps = flags.kubeApiQps;
  clientOptions.burst = flags.kubeApiBurst;
  auto client = connectToApiServer(flags.kubeconfig, flags.context, clientOptions, log);
  if (!client) return 1;
  auto& registry = observability::MetricsRegistry::global();

  runtime::ManagerOptions managerOptions;
  managerOptions.metricsBindAddress = flags.metricsBindAddress;
  managerOptions.healthProbeBindAddress = flags.healthProbeBindAddress;
  managerOptions.namespace_ = flags.namespace_;
  managerOptions.leaderElection = flags.leaderElect;
  managerOptions.leaderElectionNamespace = flags.leaderElectionNamespace;
  managerOptions.identity = identity;
  managerOptions.cacheStorage = controllers::cacheStorageFor;
  runtime::Manager manager(std::make_shared<runtime::KubeClusterAccess>(client), managerOptions, registry);

  controllers::ControllerContext context{manager, client, flags.namespace_, flags.workers, flags.gatewayImage};
  controllers::addMicroserviceController(context);
  controllers::addGatewayControllers(context);
  return manager.run(shutdown.token());
}

}  // namespace flotilla::cli
