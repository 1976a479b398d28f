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
    {"render", flotilla::cli::runRender, "render CRs offline into manifests and haproxy.cfg"},
    {"apiserver", flotilla::cli::runApiServer, "run the Kubernetes API emulator (tests, local demo)"},
    {"echo", flotilla::cli::runEcho, "run the echo backend used by tests and the demo"},
    {"version", flotilla::cli::runVersion, "print version and git commit"},
};

void printUsage() {
  std::cout << "usage: flotilla <subcommand> [flags]\n\nsubcommands:\n";
  for (const auto& s : kSubcommands) std::cout << "  " << s.name << "\t" << s.summary << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && (std::strcmp(argv[1], "-h") == 0 || std::strcmp(argv[1], "--help") == 0 ||
                    std::strcmp(argv[1], "help") == 0)) {
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
