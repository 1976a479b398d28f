#include "gateway/endpoint_slices.h"

#include <algorithm>

namespace flotilla::gateway {
namespace {

bool condition(const nlohmann::json& conditions, const char* name, bool unsetMeans) {
  if (!conditions.is_object() || !conditions.contains(name) || !conditions[name].is_boolean()) return unsetMeans;
  return conditions[name].get<bool>();
}

std::string stringAt(const nlohmann::json& object, const char* key) {
  if (!object.is_object() || !object.contains(key) || !object[key].is_string()) return {};
  return object[key].get<std::string>();
}

}  // namespace

std::optional<render::ObjectKey> serviceOfSlice(const nlohmann::json& slice) {
  const auto& metadata = slice.value("metadata", nlohmann::json::object());
  const auto& labels = metadata.value("labels", nlohmann::json::object());
  const std::string service = stringAt(labels, kServiceNameLabel);
  if (service.empty()) return std::nullopt;
  return render::ObjectKey{stringAt(metadata, "namespace"), service};
}

std::vector<render::Endpoint> endpointsOfSlice(const nlohmann::json& slice) {
  std::vector<render::Endpoint> out;
  const std::string addressType = stringAt(slice, "addressType");
  if (addressType != "IPv4" && addressType != "IPv6") return out;
  const auto ports = slice.value("ports", nlohmann::json::array());
  const auto endpoints = slice.value("endpoints", nlohmann::json::array());
  if (!ports.is_array() || !endpoints.is_array()) return out;
  for (const auto& endpoint : endpoints) {
    if (!endpoint.is_object()) continue;
    const auto addresses = endpoint.value("addresses", nlohmann::json::array());
    if (!addresses.is_array() || addresses.empty() || !addresses[0].is_string()) continue;
    const auto conditions = endpoint.value("conditions", nlohmann::json::object());
    render::Endpoint base;
    base.address = addresses[0].get<std::string>();
    base.ready = condition(conditions, "ready", true);
    base.serving = condition(conditions, "serving", base.ready);
    base.terminating = condition(conditions, "terminating", false);
    base.podName = stringAt(endpoint.value("targetRef", nlohmann::json::object()), "name");
    for (const auto& port : ports) {
      if (!port.is_object() || !port.contains("port") || !port["port"].is_number_integer()) continue;
      if (port.value("protocol", "TCP") != "TCP") continue;
      render::Endpoint e = base;
      e.port = port["port"].get<std::int32_t>();
      e.portName = stringAt(port, "name");
      out.push_back(std::move(e));
    }
  }
  return out;
}

std::map<render::ObjectKey, std::vector<render::Endpoint>> endpointsByService(
    const std::vector<nlohmann::json>& slices) {
  std::map<render::ObjectKey, std::vector<render::Endpoint>> out;
  for (const auto& slice : slices) {
    auto service = serviceOfSlice(slice);
    if (!service) continue;
    auto endpoints = endpointsOfSlice(slice);
    auto& list = out[*service];
    list.insert(list.end(), endpoints.begin(), endpoints.end());
  }
  for (auto& [service, list] : out) std::sort(list.begin(), list.end());
  return out;
}

}  // namespace flotilla::gateway
