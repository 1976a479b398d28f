#include <iostream>

#include "cli/commands.h"
#include "flotilla/version.h"

namespace flotilla::cli {

int runVersion(int, char**) {
  std::cout << "flotilla " << kVersion << " (commit " << kGitCommit << ")\n";
  return 0;
}

}  // namespace flotilla::cli
