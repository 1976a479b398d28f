#include "render/circuit_report.h"

#include <algorithm>
#include <tuple>

#include <nlohmann/json.hpp>

namespace flotilla::render {
namespace {

auto sortKey(const ReportedCircuit& c) {
  return std::tie(c.route, c.backend, c.endpoint);
}

std::string text(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

std::string encodeOpenCircuits(std::vector<ReportedCircuit> circuits) {
  if (circuits.empty()) return {};
  std::sort(circuits.begin(), circuits.end(), [](const auto& a, const auto& b) { return sortKey(a) < sortKey(b); });
  if (circuits.size() > kMaxReportedCircuits) circuits.resize(kMaxReportedCircuits);
  nlohmann::json list = nlohmann::json::array();
  for (const auto& c : circuits) {
    list.push_back({{"route", c.route},
                    {"backend", c.backend},
                    {"namespace", c.microservice.namespace_},
                    {"microservice", c.microservice.name},
                    {"breakerPolicy", c.breakerPolicy},
                    {"endpoint", c.endpoint},
                    {"state", c.state},
                    {"since", c.since}});
  }
  return list.dump();
}

std::vector<ReportedCircuit> decodeOpenCircuits(std::string_view value) {
  std::vector<ReportedCircuit> circuits;
  const auto list = nlohmann::json::parse(value, nullptr, false);
  if (!list.is_array()) return circuits;
  for (const auto& entry : list) {
    if (!entry.is_object()) continue;
    ReportedCircuit c;
    c.route = text(entry, "route");
    c.backend = text(entry, "backend");
    c.microservice = {text(entry, "namespace"), text(entry, "microservice")};
    c.breakerPolicy = text(entry, "breakerPolicy");
    c.endpoint = text(entry, "endpoint");
    c.state = text(entry, "state");
    c.since = text(entry, "since");
    if (c.route.empty() || c.endpoint.empty()) continue;
    circuits.push_back(std::move(c));
  }
  return circuits;
}

}  // namespace flotilla::render
