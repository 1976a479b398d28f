#pragma once
// A static check of the repository's Dockerfile (it cannot be built here: no registry access). Reads the
// instructions the way docker does (continuation lines joined, comments dropped) and reports what would make the
// image unsafe or unable to run the binary.

#include <set>
#include <string>
#include <vector>

namespace flotilla::reliability {

struct DockerInstruction {
  std::string keyword;  // upper-cased: FROM, RUN, COPY...
  std::string arguments;
};

std::vector<DockerInstruction> dockerInstructions(const std::string& dockerfile);

// Problems, one line each; empty = fine. `neededPackages`: Debian packages the binary's shared libraries come from
// (each must be installed by the Dockerfile unless it is part of debian:12-slim's essential set).
std::vector<std::string> dockerfileProblems(const std::string& dockerfile, const std::set<std::string>& neededPackages);

}  // namespace flotilla::reliability
