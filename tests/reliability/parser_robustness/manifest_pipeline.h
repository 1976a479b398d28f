#pragma once
// What `flotilla render` does with a file, in process: load the YAML/JSON stream, decode and validate every
// document, render what is valid (Microservice objects; Routes, BreakerPolicies and Gateways through the shop
// Gateway of the render fixtures) and serialise the results. The fuzzers run arbitrary text through it: any
// exception or crash is a bug; every refusal must say what and where.

#include <string>
#include <vector>

namespace flotilla::reliability {

struct PipelineOutcome {
  int documents = 0;                  // documents that loaded
  int rendered = 0;                   // documents that decoded, validated and rendered
  std::vector<std::string> problems;  // broken promises (empty error messages, round trips that change data...)
};

PipelineOutcome runManifestPipeline(const std::string& text);

// Every YAML file under examples/, as text.
std::vector<std::string> exampleManifests();

}  // namespace flotilla::reliability
