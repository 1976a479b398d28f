#include "apiserver/pod_logs.h"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>
#include <vector>

#include "apiserver/object_meta.h"
#include "apiserver/pod_launch.h"

namespace flotilla::apiserver {
namespace {

std::vector<std::string> containerNames(const nlohmann::json& pod) {
  std::vector<std::string> names;
  const nlohmann::json* containers = meta::find(pod, "spec.containers");
  if (!containers || !containers->is_array()) return names;
  for (const auto& container : *containers) {
    if (container.is_object() && container.contains("name") && container["name"].is_string()) {
      names.push_back(container["name"].get<std::string>());
    }
  }
  return names;
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) out += (out.empty() ? "" : " ") + name;
  return out;
}

// A non-negative integer query parameter; absent → nullopt.
Result<std::optional<std::int64_t>> countParam(const HttpRequest& request, const std::string& name) {
  auto text = request.param(name);
  if (!text) return std::optional<std::int64_t>();
  std::int64_t value = 0;
  auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || ptr != text->data() + text->size() || value < 0) {
    return errors::badRequest(name + ": Invalid value: \"" + *text + "\": must be a non-negative integer");
  }
  return std::optional<std::int64_t>(value);
}

}  // namespace

std::string selectLogText(const std::string& text, std::optional<std::int64_t> tailLines,
                          std::optional<std::int64_t> limitBytes) {
  std::size_t start = 0;
  if (tailLines) {
    // Walk back over `tailLines` line ends; a final line without a newline counts as a line too.
    std::size_t end = text.size();
    if (end > 0 && text[end - 1] == '\n') --end;
    std::int64_t seen = 0;
    start = end;
    while (start > 0 && seen < *tailLines) {
      if (text[start - 1] == '\n' && ++seen == *tailLines) break;
      --start;
    }
    if (*tailLines == 0) start = text.size();
  }
  std::string out = text.substr(start);
  if (limitBytes && static_cast<std::size_t>(*limitBytes) < out.size())
    out.resize(static_cast<std::size_t>(*limitBytes));
  return out;
}

Result<std::string> podLog(const nlohmann::json& pod, const HttpRequest& request) {
  const auto names = containerNames(pod);
  std::string container = request.param("container").value_or("");
  const std::string podName = meta::name(pod);
  if (container.empty()) {
    if (names.size() != 1) {
      return errors::badRequest("a container name must be specified for pod " + podName + ", choose one of: [" +
                                joined(names) + "]");
    }
    container = names.front();
  } else if (std::find(names.begin(), names.end(), container) == names.end()) {
    return errors::badRequest("container " + container + " is not valid for pod " + podName);
  }
  auto tailLines = countParam(request, "tailLines");
  if (!tailLines.ok()) return tailLines.error();
  auto limitBytes = countParam(request, "limitBytes");
  if (!limitBytes.ok()) return limitBytes.error();

  const std::string path = containerLogPath(meta::uid(pod), container);
  std::ifstream file(path, std::ios::binary);
  if (path.empty() || !file) return std::string();  // a simulated container, or one that has not started
  std::ostringstream text;
  text << file.rdbuf();
  return selectLogText(text.str(), *tailLines, *limitBytes);
}

}  // namespace flotilla::apiserver
