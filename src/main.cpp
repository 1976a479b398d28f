// `flotilla <subcommand>`: dispatch only; every subcommand lives in src/cli/.
#include <cstring>
#include <iostream>
#include <string_view>

#include "cli/commands.h"

namespace {

struct Subcommand {
  std::string_view name;
  int (*run)(int, char**);
  std::string_view summary;
};

constexpr Subcommand kSubcommands[] = {
    {"operator", flotilla::cli::runOperator, "run the controllers (default)"},
    {"gateway", flotilla::cli::runGateway, "run the gateway agent beside HAProxy"},
    {"render", flotilla::cli::runRender,
     "render CRs offline into manifests and haproxy.cfg (--diff: against a cluster)"},
    {"apiserver", flotilla::cli::runApiServer, "run the Kubernetes API emulator (tests, local demo)"},
    {"echo", flotilla::cli::runEcho, "run the echo backend used by tests and the demo"},
    {"version", flotilla::cli::runVersion, "print version and git commit"},
};

void printUsage() {
  std::cout << "usage: flotilla <subcommand> [flags]\n\nsubcommands:\n";
  for (const auto& s : kSubcommands) std::cout << "  " << s.name << "\t" << s.summary << "\n";
  std::cout << "\nInstalled as kubectl-flotilla (a symlink) it is a kubectl plugin: kubectl flotilla status|render "
               "(docs/cli.md).\n";
}

}  // namespace

// kubectl runs a plugin named kubectl-flotilla on the PATH for `kubectl flotilla ...`: a symlink to this binary.
static bool invokedAsKubectlPlugin(const char* argv0) {
  const std::string_view path = argv0 == nullptr ? "" : argv0;
  const auto slash = path.find_last_of('/');
  return path.substr(slash == std::string_view::npos ? 0 : slash + 1) == "kubectl-flotilla";
}

int main(int argc, char** argv) {
  if (argc >= 1 && invokedAsKubectlPlugin(argv[0])) return flotilla::cli::runKubectlPlugin(argc, argv);
  if (argc >= 2 &&
      (std::strcmp(argv[1], "-h") == 0 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "help") == 0)) {
    printUsage();
    return 0;
  }
  // No subcommand, or a flag first: the operator is the default, as in the container image.
  if (argc < 2 || argv[1][0] == '-') return flotilla::cli::runOperator(argc, argv);
  for (const auto& s : kSubcommands) {
    if (s.name == argv[1]) return s.run(argc - 1, argv + 1);
  }
  std::cerr << "flotilla: unknown subcommand '" << argv[1] << "'\n";
  printUsage();
  return 2;
}
