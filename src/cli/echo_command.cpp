// `flotilla echo --listen ADDR:PORT [--service NAME] [--pod NAME] [--threads N] [--stop-delay-ms MS]`: the backend
// that tests and the demo route traffic to (see apiserver/echo_handler.h for what it answers). Flags win over the
// environment (ECHO_SERVICE, POD_NAME, ECHO_FAILURE_RATE, ECHO_LATENCY_MS, ECHO_FAIL_STATUS, ECHO_STOP_DELAY_MS),
// which is how a pod spec configures it.
//
// ECHO_STOP_DELAY_MS makes it behave like a Kubernetes app that scales down without losing requests: a pod's SIGTERM
// and the removal of its endpoint happen at the same time, so proxies still send it requests for a moment (in a real
// cluster a preStop sleep covers this). It keeps serving that long after SIGTERM, then stops gracefully.
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>

#include "apiserver/echo_server.h"
#include "apiserver/listen_address.h"
#include "cli/commands.h"
#include "cli/flag_parser.h"
#include "cli/stop_signals.h"

namespace flotilla::cli {
namespace {

constexpr const char* kUsage =
    "usage: flotilla echo --listen ADDR:PORT [--service NAME] [--pod NAME] [--threads N] [--stop-delay-ms MS]\n"
    "env: ECHO_SERVICE, POD_NAME, ECHO_FAILURE_RATE (0..1), ECHO_LATENCY_MS, ECHO_FAIL_STATUS, ECHO_STOP_DELAY_MS\n";

const char* envOr(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return value && *value ? value : fallback;
}

// The server as serveUntilStopped drives it, with the stop delayed (see above).
struct DelayedStop {
  apiserver::EchoServer& server;
  std::chrono::milliseconds delay;
  std::optional<std::string> start() { return server.start(); }
  std::string url() const { return server.url(); }
  void stop() {
    std::this_thread::sleep_for(delay);
    server.stop();
  }
};

}  // namespace

int runEcho(int argc, char** argv) {
  apiserver::EchoServerOptions options;
  options.service = envOr("ECHO_SERVICE", "echo");
  options.pod = envOr("POD_NAME", "");
  std::string listen = "127.0.0.1:8080";
  int threads = static_cast<int>(options.threads);
  int stopDelayMs = std::atoi(envOr("ECHO_STOP_DELAY_MS", "0"));

  FlagParser flags("echo", kUsage);
  flags.add({"--listen"}, listen);
  flags.add({"--service"}, options.service);
  flags.add({"--pod"}, options.pod);
  flags.add({"--threads"}, threads);
  flags.add({"--stop-delay-ms"}, stopDelayMs);
  if (auto exit = flags.parse(argc, argv)) return *exit;
  auto address = apiserver::parseListenAddress(listen);
  if (!address || threads < 1 || stopDelayMs < 0) {
    std::cerr << "flotilla echo: --listen wants ADDR:PORT, --threads a positive number and --stop-delay-ms a "
                 "non-negative one\n"
              << kUsage;
    return 2;
  }
  options.host = address->host;
  options.port = address->port;
  options.threads = static_cast<unsigned>(threads);
  if (options.pod.empty()) options.pod = options.service;
  if (auto error = apiserver::readEchoSettingsFromEnv(std::getenv, options.settings)) {
    std::cerr << "flotilla echo: " << *error << "\n";
    return 2;
  }

  apiserver::EchoServer server(options);
  DelayedStop stoppable{server, std::chrono::milliseconds(stopDelayMs)};
  return serveUntilStopped("echo", stoppable);
}

}  // namespace flotilla::cli
