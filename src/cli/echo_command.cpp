// `flotilla echo --listen ADDR:PORT [--service NAME] [--pod NAME] [--threads N]`: the backend that tests and the
// demo route traffic to (see apiserver/echo_handler.h for what it answers). Flags win over the environment
// (ECHO_SERVICE, POD_NAME, ECHO_FAILURE_RATE, ECHO_LATENCY_MS, ECHO_FAIL_STATUS), which is how a pod spec
// configures it.
#include <cstdlib>
#include <iostream>
#include <string>

#include "apiserver/echo_server.h"
#include "apiserver/listen_address.h"
#include "cli/commands.h"
#include "cli/flag_parser.h"
#include "cli/stop_signals.h"

namespace flotilla::cli {
namespace {

constexpr const char* kUsage =
    "usage: flotilla echo --listen ADDR:PORT [--service NAME] [--pod NAME] [--threads N]\n"
    "env: ECHO_SERVICE, POD_NAME, ECHO_FAILURE_RATE (0..1), ECHO_LATENCY_MS, ECHO_FAIL_STATUS\n";

const char* envOr(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return value && *value ? value : fallback;
}

}  // namespace

int runEcho(int argc, char** argv) {
  apiserver::EchoServerOptions options;
  options.service = envOr("ECHO_SERVICE", "echo");
  options.pod = envOr("POD_NAME", "");
  std::string listen = "127.0.0.1:8080";
  int threads = static_cast<int>(options.threads);

  FlagParser flags("echo", kUsage);
  flags.add({"--listen"}, listen);
  flags.add({"--service"}, options.service);
  flags.add({"--pod"}, options.pod);
  flags.add({"--threads"}, threads);
  if (auto exit = flags.parse(argc, argv)) return *exit;
  auto address = apiserver::parseListenAddress(listen);
  if (!address || threads < 1) {
    std::cerr << "flotilla echo: --listen wants ADDR:PORT and --threads a positive number\n" << kUsage;
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
  return serveUntilStopped("echo", server);
}

}  // namespace flotilla::cli
