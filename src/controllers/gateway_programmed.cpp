#include "controllers/gateway_programmed.h"

#include <algorithm>
#include <charconv>

#include "runtime/object.h"

namespace flotilla::controllers {
namespace {

bool podReady(const nlohmann::json& pod) {
  auto status = pod.find("status");
  if (status == pod.end() || !status->is_object()) return false;
  auto conditions = status->find("conditions");
  if (conditions == status->end() || !conditions->is_array()) return false;
  for (const auto& condition : *conditions) {
    if (condition.value("type", "") == "Ready") return condition.value("status", "") == "True";
  }
  return false;
}

std::optional<std::int64_t> parseGeneration(const std::string& text) {
  std::int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

std::string loadedText(const std::string& hash, std::int64_t generation) {
  return "configuration " + hash + " (Gateway generation " + std::to_string(generation) + ")";
}

}  // namespace

GatewayPodReport gatewayPodReport(const nlohmann::json& pod) {
  GatewayPodReport report;
  report.name = runtime::nameOf(pod);
  const auto& metadata = pod.value("metadata", nlohmann::json::object());
  report.terminating = metadata.contains("deletionTimestamp") && !metadata["deletionTimestamp"].is_null();
  report.ready = !report.terminating && podReady(pod);
  if (auto status = pod.find("status"); status != pod.end() && status->is_object()) {
    report.podIP = status->value("podIP", "");
  }
  const auto annotations = runtime::annotationsOf(pod);
  auto text = [&](const char* key) {
    auto it = annotations.find(key);
    return it == annotations.end() ? std::string() : it->second;
  };
  report.loadedHash = text(kAnnotationLoadedConfigHash);
  report.loadedGeneration = parseGeneration(text(kAnnotationLoadedGatewayGeneration));
  report.configError = text(kAnnotationConfigError);
  report.configErrorHash = text(kAnnotationConfigErrorHash);
  return report;
}

ProgrammedState programmedState(std::vector<GatewayPodReport> pods, const std::string& configHash,
                                std::int64_t generation) {
  std::sort(pods.begin(), pods.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  ProgrammedState state;
  state.condition.type = kConditionProgrammed;
  state.condition.status = kConditionFalse;

  std::vector<const GatewayPodReport*> ready;
  for (const auto& pod : pods) {
    if (pod.ready) ready.push_back(&pod);
  }
  if (!ready.empty()) {
    const auto* first = ready.front();
    const bool agree = std::all_of(ready.begin(), ready.end(), [&](const auto* pod) {
      return pod->loadedHash == first->loadedHash && pod->loadedGeneration == first->loadedGeneration;
    });
    if (agree && !first->loadedHash.empty()) {
      state.loadedHash = first->loadedHash;
      state.loadedGeneration = first->loadedGeneration;
    }
  }

  // A pod that still runs an older config and says HAProxy refused the current one: it cannot be served. An error
  // about another hash (an older attempt), or next to the current hash loaded, is stale and does not count.
  for (const auto& pod : pods) {
    const bool aboutCurrent = pod.configErrorHash.empty() || pod.configErrorHash == configHash;
    if (!pod.terminating && !pod.configError.empty() && aboutCurrent && pod.loadedHash != configHash) {
      state.condition.reason = kReasonInvalid;
      state.condition.message =
          "gateway pod " + pod.name + " rejected " + loadedText(configHash, generation) + ": " + pod.configError;
      return state;
    }
  }
  if (ready.empty()) {
    state.condition.reason = kReasonPending;
    state.condition.message = "no gateway pod is ready to load " + loadedText(configHash, generation);
    return state;
  }
  const auto loaded = std::count_if(ready.begin(), ready.end(), [&](const auto* pod) {
    return pod->loadedHash == configHash && pod->loadedGeneration == generation;
  });
  if (loaded == static_cast<std::ptrdiff_t>(ready.size())) {
    state.condition.status = kConditionTrue;
    state.condition.reason = kReasonProgrammed;
    state.condition.message =
        std::to_string(loaded) + " ready gateway pod(s) loaded " + loadedText(configHash, generation);
    return state;
  }
  state.condition.reason = kReasonPending;
  state.condition.message = std::to_string(loaded) + " of " + std::to_string(ready.size()) +
                            " ready gateway pods loaded " + loadedText(configHash, generation);
  return state;
}

}  // namespace flotilla::controllers
