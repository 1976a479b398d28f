#pragma once
// Reads the YAML/JSON files a user points `flotilla render` at and decodes every document into a typed resource,
// remembering where each came from so errors read `file:document:fieldpath: message`.

#include <string>
#include <vector>

#include "api/parse.h"

namespace flotilla::cli {

struct SourceLocation {
  std::string file;
  int document = 0;  // 1-based, as people count documents in a file
  std::string str() const { return file + ":" + std::to_string(document); }
};

struct LoadedResource {
  api::AnyResource resource;
  SourceLocation location;
};

struct Diagnostic {
  SourceLocation location;
  std::string message;  // "spec.replicas: must be >= 0"
  std::string str() const { return location.str() + ": " + message; }
};

struct ManifestSet {
  std::vector<LoadedResource> resources;  // only documents that decoded and validated
  std::vector<Diagnostic> errors;
};

// Expands each path (a file, or a directory searched recursively for *.yaml, *.yml, *.json in sorted order), loads
// every document and validates it. Objects without a namespace get defaultNamespace, as kubectl would do.
ManifestSet loadManifests(const std::vector<std::string>& paths, const std::string& defaultNamespace);

}  // namespace flotilla::cli
