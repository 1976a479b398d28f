#include "apiserver/sim_objects.h"

#include <charconv>
#include <cmath>

#include "apiserver/object_meta.h"

namespace flotilla::apiserver::sim {

json controllerReference(const json& owner, const SimResource& ownerResource) {
  return json{{"apiVersion", ownerResource.apiVersion()},
              {"kind", ownerResource.kind},
              {"name", meta::name(owner)},
              {"uid", meta::uid(owner)},
              {"controller", true},
              {"blockOwnerDeletion", true}};
}

bool isControlledBy(const json& object, std::string_view ownerUid) {
  for (const auto& ref : meta::ownerReferences(object)) {
    if (ref.controller) return ref.uid == ownerUid;
  }
  return false;
}

namespace {
std::string metadataMapValue(const json& object, const char* map, const std::string& key) {
  auto metadata = object.find("metadata");
  if (metadata == object.end() || !metadata->is_object()) return "";
  auto values = metadata->find(map);
  if (values == metadata->end() || !values->is_object()) return "";
  auto value = values->find(key);
  return value != values->end() && value->is_string() ? value->get<std::string>() : "";
}
}  // namespace

std::string labelValue(const json& object, const std::string& key) {
  return metadataMapValue(object, "labels", key);
}

std::string annotationValue(const json& object, const std::string& key) {
  return metadataMapValue(object, "annotations", key);
}

std::int64_t intAt(const json& object, std::string_view dottedPath, std::int64_t fallback) {
  const json* value = meta::find(object, dottedPath);
  return value && value->is_number_integer() ? value->get<std::int64_t>() : fallback;
}

std::optional<TimePoint> timeAt(const json& object, std::string_view dottedPath) {
  const json* value = meta::find(object, dottedPath);
  if (!value || !value->is_string()) return std::nullopt;
  return parseRfc3339(value->get<std::string>());
}

std::optional<std::int64_t> scaledValue(const json& intOrPercent, std::int64_t total, bool roundUp,
                                        std::int64_t fallback) {
  if (intOrPercent.is_null()) return fallback;
  if (intOrPercent.is_number_integer()) return intOrPercent.get<std::int64_t>();
  if (!intOrPercent.is_string()) return std::nullopt;
  const std::string& text = intOrPercent.get_ref<const std::string&>();
  if (text.size() < 2 || text.back() != '%') {
    // Kubernetes also accepts a plain integer in string form.
    std::int64_t value = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec == std::errc() && ptr == text.data() + text.size() && !text.empty()) return value;
    return std::nullopt;
  }
  std::int64_t percent = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size() - 1, percent);
  if (ec != std::errc() || ptr != text.data() + text.size() - 1) return std::nullopt;
  double scaled = static_cast<double>(percent) * static_cast<double>(total) / 100.0;
  return static_cast<std::int64_t>(roundUp ? std::ceil(scaled) : std::floor(scaled));
}

bool podIsTerminal(const json& pod) {
  std::string phase = meta::stringAt(pod, "status.phase");
  return phase == "Succeeded" || phase == "Failed";
}

bool podIsActive(const json& pod) {
  return !podIsTerminal(pod) && !meta::isDeleting(pod);
}

bool podIsReady(const json& pod) {
  const json* conditions = meta::find(pod, "status.conditions");
  const json* ready = conditions ? findCondition(*conditions, "Ready") : nullptr;
  return ready && ready->value("status", "") == "True";
}

std::optional<TimePoint> podReadySince(const json& pod) {
  if (!podIsReady(pod)) return std::nullopt;
  const json* ready = findCondition(*meta::find(pod, "status.conditions"), "Ready");
  auto since = timeAt(*ready, "lastTransitionTime");
  return since ? since : std::optional<TimePoint>(TimePoint{});
}

bool podIsAvailable(const json& pod, std::int64_t minReadySeconds, TimePoint now) {
  auto since = podReadySince(pod);
  if (!since) return false;
  return minReadySeconds <= 0 || *since + std::chrono::seconds(minReadySeconds) <= now;
}

const json* findCondition(const json& conditions, std::string_view type) {
  if (!conditions.is_array()) return nullptr;
  for (const auto& condition : conditions) {
    if (condition.is_object() && condition.value("type", "") == type) return &condition;
  }
  return nullptr;
}

bool setCondition(json& conditions, json condition) {
  if (!conditions.is_array()) conditions = json::array();
  std::string type = condition.value("type", "");
  for (auto& existing : conditions) {
    if (!existing.is_object() || existing.value("type", "") != type) continue;
    if (existing.value("status", "") == condition.value("status", "") && existing.contains("lastTransitionTime")) {
      condition["lastTransitionTime"] = existing["lastTransitionTime"];
    }
    if (existing == condition) return false;
    existing = std::move(condition);
    return true;
  }
  conditions.push_back(std::move(condition));
  return true;
}

bool createdBefore(const json& a, const json& b) {
  std::string ta = meta::stringAt(a, "metadata.creationTimestamp");
  std::string tb = meta::stringAt(b, "metadata.creationTimestamp");
  if (ta != tb) {
    auto pa = parseRfc3339(ta), pb = parseRfc3339(tb);
    if (pa && pb && *pa != *pb) return *pa < *pb;
  }
  return meta::name(a) < meta::name(b);
}

std::string podTemplateHash(const json& podTemplate, std::int64_t collisionCount) {
  std::uint32_t hash = 2166136261u;  // FNV-32a
  auto mix = [&hash](std::string_view bytes) {
    for (unsigned char c : bytes) {
      hash ^= c;
      hash *= 16777619u;
    }
  };
  mix(podTemplate.dump());  // nlohmann objects are key-sorted: the dump is canonical
  if (collisionCount > 0) mix(std::to_string(collisionCount));
  static constexpr char kAlphabet[] = "bcdfghjklmnpqrstvwxz2456789";
  std::string out = std::to_string(hash);
  for (auto& c : out) c = kAlphabet[static_cast<unsigned char>(c) % (sizeof kAlphabet - 1)];
  return out;
}

json objectMetaFor(const std::string& name, const std::string& namespace_, json labels, json ownerReference) {
  json metadata{{"name", name}, {"namespace", namespace_}};
  if (labels.is_object() && !labels.empty()) metadata["labels"] = std::move(labels);
  if (!ownerReference.is_null()) metadata["ownerReferences"] = json::array({std::move(ownerReference)});
  return metadata;
}

}  // namespace flotilla::apiserver::sim
