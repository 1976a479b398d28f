#include "apiserver/pod_launch.h"

#include <filesystem>

#include "apiserver/object_meta.h"

namespace flotilla::apiserver {

using nlohmann::json;

namespace {

constexpr std::uint16_t kDefaultEchoPort = 8080;

std::optional<std::string> fieldRefValue(const LaunchContext& context, const std::string& path) {
  const json& pod = context.pod;
  if (path == "metadata.name") return meta::name(pod);
  if (path == "metadata.namespace") return meta::namespaceOf(pod);
  if (path == "metadata.uid") return meta::uid(pod);
  if (path == "status.podIP") return context.address;
  if (path == "status.hostIP") return std::string("127.0.0.1");
  if (path == "spec.nodeName") return meta::stringAt(pod, "spec.nodeName");
  if (path == "spec.serviceAccountName") return meta::stringAt(pod, "spec.serviceAccountName");
  // metadata.labels['key'] / metadata.annotations['key']
  for (const char* map : {"labels", "annotations"}) {
    std::string prefix = std::string("metadata.") + map + "['";
    if (path.rfind(prefix, 0) == 0 && path.size() > prefix.size() + 2 && path.substr(path.size() - 2) == "']") {
      std::string key = path.substr(prefix.size(), path.size() - prefix.size() - 2);
      const json* values = meta::find(pod, std::string("metadata.") + map);
      if (values && values->is_object() && values->contains(key) && (*values)[key].is_string()) {
        return (*values)[key].get<std::string>();
      }
      return std::string();
    }
  }
  return std::nullopt;
}

}  // namespace

void LaunchTable::add(std::string repository, LaunchBuilder builder) {
  entries_.emplace_back(std::move(repository), std::move(builder));
}

const LaunchBuilder* LaunchTable::find(const std::string& image) const {
  std::string repository = imageRepository(image);
  for (const auto& [name, builder] : entries_) {
    if (repository == name || (repository.size() > name.size() &&
                               repository.compare(repository.size() - name.size(), name.size(), name) == 0 &&
                               repository[repository.size() - name.size() - 1] == '/')) {
      return &builder;
    }
  }
  return nullptr;
}

LaunchTable defaultLaunchTable() {
  LaunchTable table;
  table.add("flotilla/echo", echoLaunch);
  table.add("flotilla/gateway", gatewayLaunch);
  return table;
}

std::string imageRepository(const std::string& image) {
  std::string out = image.substr(0, image.find('@'));
  auto slash = out.rfind('/');
  auto colon = out.rfind(':');
  if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) out.erase(colon);
  return out;
}

std::map<std::string, std::string> containerEnvironment(const LaunchContext& context, std::string& error) {
  std::map<std::string, std::string> env;
  const json* list = meta::find(context.container, "env");
  if (!list || !list->is_array()) return env;
  for (const auto& entry : *list) {
    std::string name = entry.value("name", "");
    if (name.empty()) continue;
    if (entry.contains("value") && entry["value"].is_string()) {
      env[name] = entry["value"].get<std::string>();
      continue;
    }
    const json* from = meta::find(entry, "valueFrom");
    if (!from || !from->is_object()) {
      env[name] = "";
      continue;
    }
    if (const json* field = meta::find(*from, "fieldRef.fieldPath")) {
      auto value = fieldRefValue(context, field->get<std::string>());
      if (!value) {
        error = "env " + name + ": unsupported fieldRef " + field->get<std::string>();
        return {};
      }
      env[name] = *value;
      continue;
    }
    for (auto [field, kind] : {std::pair{"secretKeyRef", "Secret"}, std::pair{"configMapKeyRef", "ConfigMap"}}) {
      const json* ref = meta::find(*from, field);
      if (!ref) continue;
      std::string source = ref->value("name", ""), key = ref->value("key", "");
      bool optional = ref->value("optional", false);
      std::optional<std::string> value;
      if (context.envSources && *context.envSources) {
        value = (*context.envSources)(kind, meta::namespaceOf(context.pod), source, key);
      }
      if (!value && !optional) {
        error = std::string("couldn't find key ") + key + " in " + kind + " " + meta::namespaceOf(context.pod) + "/" +
                source;
        return {};
      }
      if (value) env[name] = *value;
    }
  }
  return env;
}

std::uint16_t firstContainerPort(const json& container, std::uint16_t fallback) {
  const json* ports = meta::find(container, "ports");
  if (!ports || !ports->is_array()) return fallback;
  for (const auto& port : *ports) {
    if (port.value("protocol", "TCP") == "TCP" && port.contains("containerPort") && port["containerPort"].is_number()) {
      return port["containerPort"].get<std::uint16_t>();
    }
  }
  return fallback;
}

std::optional<ContainerLaunch> echoLaunch(const LaunchContext& context, std::string& error) {
  ContainerLaunch launch;
  launch.env = containerEnvironment(context, error);
  if (!error.empty()) return std::nullopt;
  const json* labels = meta::find(context.pod, "metadata.labels");
  std::string service;
  for (const char* key : {"app.kubernetes.io/name", "app"}) {
    if (service.empty() && labels && labels->is_object() && labels->contains(key) && (*labels)[key].is_string()) {
      service = (*labels)[key].get<std::string>();
    }
  }
  if (service.empty()) service = context.container.value("name", "echo");
  std::uint16_t port = firstContainerPort(context.container, kDefaultEchoPort);
  launch.env["POD_NAME"] = meta::name(context.pod);
  launch.env["POD_NAMESPACE"] = meta::namespaceOf(context.pod);
  launch.argv = {context.flotillaBinary,
                 "echo",
                 "--listen",
                 context.address + ":" + std::to_string(port),
                 "--service",
                 service,
                 "--pod",
                 meta::name(context.pod)};
  return launch;
}

std::string podScratchDirectory(const std::string& uid) {
  if (uid.empty()) return {};
  return (std::filesystem::temp_directory_path() / ("flotilla-pod-" + uid)).string();
}

std::string containerLogPath(const std::string& uid, const std::string& container) {
  const bool plainName = !container.empty() && container != "." && container != ".." &&
                         container.find('/') == std::string::npos && container.find('\0') == std::string::npos;
  if (uid.empty() || !plainName) return {};
  return (std::filesystem::path(podScratchDirectory(uid)) / "logs" / (container + ".log")).string();
}

std::optional<ContainerLaunch> gatewayLaunch(const LaunchContext& context, std::string& error) {
  ContainerLaunch launch;
  launch.env = containerEnvironment(context, error);
  if (!error.empty()) return std::nullopt;
  std::vector<std::string> words;
  for (const char* field : {"command", "args"}) {
    const json* list = meta::find(context.container, field);
    if (!list || !list->is_array()) continue;
    for (const auto& word : *list) {
      if (word.is_string()) words.push_back(word.get<std::string>());
    }
  }
  if (!words.empty() && (words.front() == "flotilla" || words.front().ends_with("/flotilla"))) {
    words.erase(words.begin());
  }
  if (words.empty() || words.front() != "gateway") {
    error = "a flotilla/gateway container must run `flotilla gateway ...`";
    return std::nullopt;
  }
  const std::filesystem::path runtimeDir =
      std::filesystem::path(podScratchDirectory(meta::uid(context.pod))) / context.container.value("name", "gateway");
  launch.argv = {context.flotillaBinary};
  launch.argv.insert(launch.argv.end(), words.begin(), words.end());
  launch.argv.push_back("--stop-grace-seconds=2");
  launch.env["FLOTILLA_BIND_ADDRESS"] = context.address;
  launch.env["FLOTILLA_RUNTIME_DIR"] = runtimeDir.string();
  launch.env["FLOTILLA_CERT_DIR"] = (runtimeDir / "certs").string();
  launch.env["POD_NAME"] = meta::name(context.pod);
  launch.env["POD_NAMESPACE"] = meta::namespaceOf(context.pod);
  if (!context.kubeconfig.empty()) launch.env["KUBECONFIG"] = context.kubeconfig;
  return launch;
}

}  // namespace flotilla::apiserver
