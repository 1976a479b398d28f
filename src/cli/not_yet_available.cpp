// Subcommands whose layer has not landed yet say so plainly instead of pretending to work.
// Each function moves to its own <name>_command.cpp file when its layer lands.
#include <iostream>

#include "cli/commands.h"

namespace flotilla::cli {
namespace {
int notYet(const char* name) {
  std::cerr << "flotilla " << name << ": not available in this build yet\n";
  return 2;
}
}  // namespace

int runOperator(int, char**) { return notYet("operator"); }

}  // namespace flotilla::cli
