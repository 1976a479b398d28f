#include "cli/manifest_files.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "api/yaml.h"

namespace flotilla::cli {
namespace {

namespace fs = std::filesystem;

bool isManifestFile(const fs::path& path) {
  const auto ext = path.extension().string();
  return ext == ".yaml" || ext == ".yml" || ext == ".json";
}

std::vector<fs::path> expandPath(const std::string& path, std::vector<Diagnostic>& errors) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    std::vector<fs::path> files;
    for (const auto& entry : fs::recursive_directory_iterator(path, ec)) {
      if (entry.is_regular_file() && isManifestFile(entry.path())) files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    return files;
  }
  if (fs::is_regular_file(path, ec)) return {fs::path(path)};
  errors.push_back({{path, 0}, "no such file or directory"});
  return {};
}

void setNamespaceIfMissing(api::AnyResource& resource, const std::string& defaultNamespace) {
  std::visit(
      [&](auto& r) {
        if constexpr (std::is_same_v<std::decay_t<decltype(r)>, api::OtherObject>) {
          // Cluster-scoped kinds (Namespace, ClusterRole...) stay without one; the renderer never needs them.
          return;
        } else if (r.metadata.namespace_.empty()) {
          r.metadata.namespace_ = defaultNamespace;
        }
      },
      resource);
}

void loadFile(const fs::path& file, const std::string& defaultNamespace, ManifestSet& out) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    out.errors.push_back({{file.string(), 0}, "cannot read file"});
    return;
  }
  std::stringstream text;
  text << in.rdbuf();
  const auto loaded = api::loadYamlDocuments(text.str());
  for (const auto& error : loaded.errors) {
    out.errors.push_back({{file.string(), error.document + 1}, error.toString()});
  }
  for (const auto& document : loaded.documents) {
    const SourceLocation location{file.string(), document.index + 1};
    auto parsed = api::loadResource(document.value);
    if (!parsed.ok()) {
      for (const auto& error : parsed.errors) out.errors.push_back({location, error.toString()});
      continue;
    }
    setNamespaceIfMissing(parsed.value, defaultNamespace);
    out.resources.push_back({std::move(parsed.value), location});
  }
}

}  // namespace

ManifestSet loadManifests(const std::vector<std::string>& paths, const std::string& defaultNamespace) {
  ManifestSet out;
  for (const auto& path : paths) {
    for (const auto& file : expandPath(path, out.errors)) loadFile(file, defaultNamespace, out);
  }
  return out;
}

}  // namespace flotilla::cli
