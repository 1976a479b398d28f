#include "controllers/gateway_addresses.h"

#include <algorithm>
#include <set>
#include <string>

namespace flotilla::controllers {
namespace {

constexpr std::size_t kMaxAddresses = 16;

class AddressList {
 public:
  void add(const std::string& type, const std::string& value) {
    if (value.empty() || out_.size() >= kMaxAddresses || !seen_.insert(value).second) return;
    out_.push_back({{"type", type}, {"value", value}});
  }
  nlohmann::json take() { return std::move(out_); }

 private:
  nlohmann::json out_ = nlohmann::json::array();
  std::set<std::string> seen_;
};

std::string stringAt(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

bool isLoopbackAddress(const std::string& address) {
  return address.rfind("127.", 0) == 0 || address == "::1";
}

nlohmann::json gatewayAddresses(const nlohmann::json* service, const std::vector<GatewayPodReport>& pods) {
  AddressList list;
  if (service != nullptr) {
    const auto ingress =
        service->value(nlohmann::json::json_pointer("/status/loadBalancer/ingress"), nlohmann::json::array());
    for (const auto& entry : ingress.is_array() ? ingress : nlohmann::json::array()) {
      if (!entry.is_object()) continue;
      list.add("IPAddress", stringAt(entry, "ip"));
      list.add("Hostname", stringAt(entry, "hostname"));
    }
  }
  std::vector<std::string> local;
  for (const auto& pod : pods) {
    if (pod.ready && isLoopbackAddress(pod.podIP)) local.push_back(pod.podIP);
  }
  std::sort(local.begin(), local.end());
  for (const auto& address : local) list.add("IPAddress", address);
  if (service != nullptr) {
    const auto clusterIP = service->value(nlohmann::json::json_pointer("/spec/clusterIP"), std::string());
    if (clusterIP != "None") list.add("IPAddress", clusterIP);
  }
  return list.take();
}

}  // namespace flotilla::controllers
