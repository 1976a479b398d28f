// `flotilla apiserver`: the Kubernetes API emulator as a process (tests, the local demo). It prints one line,
// `listening on <url>`, once it serves, writes a kubeconfig for kubectl and Flotilla, and exits cleanly on
// SIGTERM / SIGINT (writing its last snapshot when --data-dir is set).
#include <iostream>
#include <string>

#include <spdlog/spdlog.h>

#include "apiserver/api_server.h"
#include "apiserver/listen_address.h"
#include "apiserver/loopback_address_pool.h"
#include "cli/commands.h"
#include "cli/flag_parser.h"
#include "cli/stop_signals.h"

namespace flotilla::cli {

namespace {

constexpr const char* kUsage =
    "usage: flotilla apiserver [flags]\n"
    "\n"
    "Runs the Kubernetes API emulator. Prints `listening on <url>` once it serves.\n"
    "\n"
    "flags:\n"
    "  --listen ADDR:PORT          address to listen on (default 127.0.0.1:0, a free port)\n"
    "  --kubeconfig-out PATH       write a kubeconfig for this server (kubectl --kubeconfig PATH)\n"
    "  --tls                       serve HTTPS with a generated CA; the kubeconfig carries the CA and, without\n"
    "                              --token, a client certificate\n"
    "  --token TOKEN               require this bearer token (user \"admin\"); over plain http kubectl sends no\n"
    "                              Authorization header, so use it with --tls\n"
    "  --data-dir DIR              keep state (and TLS certificates) in DIR across restarts\n"
    "  --history-size N            changes kept for watch resume (default 20000); older versions get 410 Gone\n"
    "  --bookmark-interval-ms MS   how often watches with allowWatchBookmarks get a BOOKMARK (default 5000)\n"
    "  --simulate-workloads        run Deployment, ReplicaSet, EndpointSlice and HPA controllers and a kubelet\n"
    "  --run-pods                  (implies --simulate-workloads) run pods of runnable images as local processes\n"
    "  --pod-addresses-from ADDR   lowest loopback address given to pods (default 127.0.0.2); emulators running side\n"
    "                              by side use different ranges\n"
    "  --log-level LEVEL           trace, debug, info, warn (default), error\n"
    "  -h, --help                  this help\n";

}  // namespace

int runApiServer(int argc, char** argv) {
  std::string listen = "127.0.0.1:0";
  std::string kubeconfigOut;
  std::string token;
  std::string dataDir;
  std::string logLevel = "warn";
  std::string podAddressesFrom = "127.0.0.2";
  int historySize = 20000;
  int bookmarkIntervalMs = 5000;
  bool tls = false;
  bool simulateWorkloads = false;
  bool runPods = false;

  FlagParser flags("apiserver", kUsage);
  flags.add({"--listen"}, listen);
  flags.add({"--kubeconfig-out"}, kubeconfigOut);
  flags.add({"--token"}, token);
  flags.add({"--data-dir"}, dataDir);
  flags.add({"--history-size"}, historySize);
  flags.add({"--bookmark-interval-ms"}, bookmarkIntervalMs);
  flags.add({"--log-level"}, logLevel);
  flags.addSwitch({"--tls"}, tls);
  flags.addSwitch({"--simulate-workloads"}, simulateWorkloads);
  flags.addSwitch({"--run-pods"}, runPods);
  flags.add({"--pod-addresses-from"}, podAddressesFrom);
  if (auto exit = flags.parse(argc, argv)) return *exit;
  if (!flags.positional().empty()) {
    std::cerr << "flotilla apiserver: unexpected argument '" << flags.positional().front() << "'\n" << kUsage;
    return 2;
  }
  auto address = apiserver::parseListenAddress(listen);
  if (!address) {
    std::cerr << "flotilla apiserver: --listen wants ADDR:PORT, got '" << listen << "'\n";
    return 2;
  }
  if (!apiserver::isLoopbackAddress(podAddressesFrom)) {
    std::cerr << "flotilla apiserver: --pod-addresses-from wants an address in 127.0.0.0/8, got '" << podAddressesFrom
              << "'\n";
    return 2;
  }
  if (historySize < 1 || bookmarkIntervalMs < 1) {
    std::cerr << "flotilla apiserver: --history-size and --bookmark-interval-ms must be positive\n";
    return 2;
  }
  spdlog::set_level(spdlog::level::from_str(logLevel));

  apiserver::ApiServerOptions options;
  options.host = address->host;
  options.port = address->port;
  options.tls = tls;
  if (!token.empty()) options.tokens[token] = "admin";
  options.dataDir = dataDir;
  options.store.historyLimit = static_cast<std::size_t>(historySize);
  options.watch.bookmarkInterval = std::chrono::milliseconds(bookmarkIntervalMs);
  options.simulateWorkloads = simulateWorkloads || runPods;
  options.workloads.runPods = runPods;
  options.workloads.podRunner.firstAddress = podAddressesFrom;

  apiserver::ApiServer server(options);
  return serveUntilStopped("apiserver", server, [&]() -> std::optional<std::string> {
    std::string error;
    if (kubeconfigOut.empty() || server.writeKubeconfig(kubeconfigOut, error)) return std::nullopt;
    return error;
  });
}

}  // namespace flotilla::cli
