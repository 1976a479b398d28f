#include "controllers/owned_object_diff.h"

#include "api/quantity.h"
#include "render/sha256.h"

namespace flotilla::controllers {
namespace {

// 64 bits of the hash: plenty to tell configurations apart, short enough to read in `kubectl get -o yaml`.
constexpr std::size_t kHashLength = 16;

std::string join(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

bool allNamedObjects(const nlohmann::json& list) {
  for (const auto& item : list) {
    if (!item.is_object() || !item.contains("name") || !item.at("name").is_string()) return false;
  }
  return true;
}

bool allObjects(const nlohmann::json& list) {
  for (const auto& item : list) {
    if (!item.is_object()) return false;
  }
  return true;
}

// Under resources.requests / resources.limits (and an HPA's or PDB's quantities) the API server may rewrite a
// quantity into its canonical form; the amount is what counts.
bool sameQuantity(const nlohmann::json& desired, const nlohmann::json& live) {
  auto a = api::Quantity::fromJson(desired);
  auto b = api::Quantity::fromJson(live);
  return a && b && *a == *b;
}

std::optional<std::string> difference(const nlohmann::json& desired, const nlohmann::json& live,
                                      const std::string& path, bool quantities);

std::optional<std::string> listDifference(const nlohmann::json& desired, const nlohmann::json& live,
                                          const std::string& path, bool quantities) {
  if (!live.is_array()) return path;
  if (!desired.empty() && allNamedObjects(desired)) {
    // A keyed list: every named item must be there (others may add their own items).
    for (const auto& item : desired) {
      const std::string name = item.at("name").get<std::string>();
      const std::string itemPath = path + "[name=" + name + "]";
      std::optional<std::string> firstMismatch = itemPath;
      for (const auto& candidate : live) {
        if (!candidate.is_object() || candidate.value("name", std::string()) != name) continue;
        auto diff = difference(item, candidate, itemPath, quantities);
        if (!diff) {
          firstMismatch.reset();
          break;
        }
        firstMismatch = diff;
      }
      if (firstMismatch) return firstMismatch;
    }
    return std::nullopt;
  }
  if (desired.size() != live.size()) return path;
  if (allObjects(desired)) {
    for (std::size_t i = 0; i < desired.size(); ++i) {
      if (auto diff = difference(desired[i], live[i], path + "[" + std::to_string(i) + "]", quantities)) return diff;
    }
    return std::nullopt;
  }
  return desired == live ? std::nullopt : std::optional<std::string>(path);
}

std::optional<std::string> difference(const nlohmann::json& desired, const nlohmann::json& live,
                                      const std::string& path, bool quantities) {
  if (desired.is_object()) {
    if (!live.is_object()) return path;
    for (const auto& [key, value] : desired.items()) {
      const std::string child = join(path, key);
      auto found = live.find(key);
      if (found == live.end()) {
        // Absent and null are the same to the API server.
        if (value.is_null()) continue;
        return child;
      }
      const bool childQuantities = quantities || key == "requests" || key == "limits";
      if (auto diff = difference(value, *found, child, childQuantities)) return diff;
    }
    return std::nullopt;
  }
  if (desired.is_array()) return listDifference(desired, live, path, quantities);
  // Scalars. nlohmann compares integers, unsigned and floating point numbers by value.
  if (desired == live) return std::nullopt;
  if (quantities && sameQuantity(desired, live)) return std::nullopt;
  return path;
}

}  // namespace

nlohmann::json withAppliedHash(nlohmann::json desired) {
  const std::string hash = render::sha256Hex(desired.dump()).substr(0, kHashLength);
  desired["metadata"]["annotations"][kAnnotationAppliedHash] = hash;
  return desired;
}

std::optional<std::string> firstDifference(const nlohmann::json& desired, const nlohmann::json& live) {
  return difference(desired, live, "", false);
}

}  // namespace flotilla::controllers
