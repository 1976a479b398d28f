// `flotilla gateway --config-map NS/NAME`: the agent in each gateway pod. It supervises HAProxy (master-worker),
// loads the operator's rendered config from the ConfigMap after `haproxy -c`, keeps endpoint slots current through
// the runtime API, and reports what it has loaded on its own Pod. See docs/gateway.md.
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <string>

#include "cli/api_connection.h"
#include "cli/commands.h"
#include "cli/flag_parser.h"
#include "gateway/agent.h"
#include "observability/logging.h"
#include "observability/metrics.h"
#include "runtime/shutdown_signal.h"

namespace flotilla::cli {
namespace {

constexpr const char* kUsage =
    "usage: flotilla gateway --config-map NS/NAME [flags]\n"
    "\n"
    "Runs the gateway agent: supervises HAProxy with the config of the ConfigMap until SIGTERM/SIGINT (then\n"
    "HAProxy stops softly).\n"
    "\n"
    "flags:\n"
    "  --config-map NS/NAME         the gateway's ConfigMap (haproxy.cfg + backends.json); NAME alone uses "
    "--namespace\n"
    "  --namespace NS               namespace of the ConfigMap and TLS Secrets (default $POD_NAMESPACE)\n"
    "  --kubeconfig PATH            kubeconfig file (default: $KUBECONFIG, else in-cluster, else ~/.kube/config)\n"
    "  --context NAME               kubeconfig context\n"
    "  --runtime-dir DIR            config, sockets, last good config (default $FLOTILLA_RUNTIME_DIR, else\n"
    "                               /var/run/flotilla)\n"
    "  --cert-dir DIR               TLS certificates (default $FLOTILLA_CERT_DIR, else <runtime-dir>/certs)\n"
    "  --agent-address ADDR         /metrics, /healthz, /readyz (default $FLOTILLA_BIND_ADDRESS:$FLOTILLA_AGENT_PORT,\n"
    "                               port 8405; \"0\" switches them off)\n"
    "  --haproxy PATH               the HAProxy binary (default haproxy)\n"
    "  --pod-name NAME              this pod, for status annotations (default $POD_NAME; none: no reporting)\n"
    "  --pod-namespace NS           (default $POD_NAMESPACE)\n"
    "  --stop-grace-seconds N       how long HAProxy may finish connections on SIGTERM (default 35)\n"
    "  --poll-interval-ms N         how often server state is polled (breakers, endpoint drift; default 500)\n"
    "  --log-format json|text       (default json)\n"
    "  --log-level LEVEL            trace, debug, info (default), warn, error\n"
    "  -h, --help                   this help\n";

std::string envOr(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value && *value ? std::string(value) : fallback;
}

struct GatewayFlags {
  std::string configMap;
  std::string namespace_ = envOr("POD_NAMESPACE", "");
  std::string kubeconfig;
  std::string context;
  std::string runtimeDir = envOr("FLOTILLA_RUNTIME_DIR", "/var/run/flotilla");
  std::string certDir = envOr("FLOTILLA_CERT_DIR", "");
  std::string agentAddress = envOr("FLOTILLA_BIND_ADDRESS", "") + ":" + envOr("FLOTILLA_AGENT_PORT", "8405");
  std::string haproxy = "haproxy";
  std::string podName = envOr("POD_NAME", "");
  std::string podNamespace = envOr("POD_NAMESPACE", "");
  int stopGraceSeconds = 35;
  int pollIntervalMs = 500;
  std::string logFormat = "json";
  std::string logLevel = "info";
};

int bad(const std::string& message) {
  std::cerr << "flotilla gateway: " << message << "\n" << kUsage;
  return 2;
}

}  // namespace

int runGateway(int argc, char** argv) {
  GatewayFlags flags;
  FlagParser parser("gateway", kUsage);
  parser.add({"--config-map"}, flags.configMap);
  parser.add({"--namespace", "-n"}, flags.namespace_);
  parser.add({"--kubeconfig"}, flags.kubeconfig);
  parser.add({"--context"}, flags.context);
  parser.add({"--runtime-dir"}, flags.runtimeDir);
  parser.add({"--cert-dir"}, flags.certDir);
  parser.add({"--agent-address"}, flags.agentAddress);
  parser.add({"--haproxy"}, flags.haproxy);
  parser.add({"--pod-name"}, flags.podName);
  parser.add({"--pod-namespace"}, flags.podNamespace);
  parser.add({"--stop-grace-seconds"}, flags.stopGraceSeconds);
  parser.add({"--poll-interval-ms"}, flags.pollIntervalMs);
  parser.add({"--log-format"}, flags.logFormat);
  parser.add({"--log-level"}, flags.logLevel);
  if (auto exit = parser.parse(argc, argv)) return *exit;
  if (!parser.positional().empty()) return bad("unexpected argument '" + parser.positional().front() + "'");

  std::string configMapNamespace = flags.namespace_;
  std::string configMapName = flags.configMap;
  if (const auto slash = flags.configMap.find('/'); slash != std::string::npos) {
    configMapNamespace = flags.configMap.substr(0, slash);
    configMapName = flags.configMap.substr(slash + 1);
  }
  if (configMapName.empty() || configMapNamespace.empty()) return bad("--config-map NS/NAME is required");
  if (flags.runtimeDir.empty()) return bad("--runtime-dir must not be empty");
  if (flags.stopGraceSeconds < 0 || flags.pollIntervalMs < 10) {
    return bad("--stop-grace-seconds must be >= 0 and --poll-interval-ms >= 10");
  }
  const auto logFormat = observability::parseLogFormat(flags.logFormat);
  const auto logLevel = observability::parseLogLevel(flags.logLevel);
  if (!logFormat || !logLevel) return bad("--log-format must be json or text, --log-level a level name");
  if (flags.podNamespace.empty()) flags.podNamespace = configMapNamespace;

  // Signals first: no thread started below may receive SIGTERM in its place; a client hanging up never kills us.
  std::signal(SIGPIPE, SIG_IGN);
  runtime::ShutdownSignal shutdown;
  observability::configureLogging({*logFormat, *logLevel, nullptr});
  observability::Logger log("gateway");

  kube::ClientOptions clientOptions;
  clientOptions.userAgent = kube::defaultUserAgent("gateway");
  auto client = connectToApiServer(flags.kubeconfig, flags.context, clientOptions, log);
  if (!client) return 1;
  auto& registry = observability::MetricsRegistry::global();

  gateway::AgentOptions options;
  options.configMapNamespace = configMapNamespace;
  options.configMapName = configMapName;
  options.runtimeDir = flags.runtimeDir;
  options.certDir = flags.certDir;
  options.haproxyBinary = flags.haproxy;
  options.agentAddress = flags.agentAddress;
  options.podName = flags.podName;
  options.podNamespace = flags.podNamespace;
  options.stopGrace = std::chrono::seconds(flags.stopGraceSeconds);
  options.pollInterval = std::chrono::milliseconds(flags.pollIntervalMs);
  gateway::Agent agent(options, client, registry);
  return agent.run(shutdown.token());
}

}  // namespace flotilla::cli
