#pragma once
// Kubernetes-style field paths: "spec.rules[0].backends[1].weight", "metadata.labels[app.kubernetes.io/name]".

#include <cstddef>
#include <string>
#include <string_view>

namespace flotilla::api {

inline std::string fieldPath(std::string_view parent, std::string_view field) {
  if (parent.empty()) return std::string(field);
  std::string out(parent);
  out += '.';
  out += field;
  return out;
}

inline std::string indexPath(std::string_view parent, std::size_t index) {
  return std::string(parent) + "[" + std::to_string(index) + "]";
}

inline std::string keyPath(std::string_view parent, std::string_view key) {
  return std::string(parent) + "[" + std::string(key) + "]";
}

}  // namespace flotilla::api
