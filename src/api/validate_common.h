#pragma once
// Checks shared by the per-kind validators (validate_*.cpp). Each adds FieldErrors to `errors` and never throws.

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "api/field_error.h"
#include "api/field_path.h"
#include "api/types.h"

namespace flotilla::api::validation {

enum class NameRule { Dns1123Label, Dns1123Subdomain, Dns1035Label, IanaServiceName };

inline void add(FieldErrors& errors, std::string path, std::string message) {
  errors.push_back({std::move(path), std::move(message)});
}

bool matchesNameRule(std::string_view value, NameRule rule);
// "required" when empty, else the rule's message when it does not match. Returns whether it is valid.
bool checkName(FieldErrors& errors, const std::string& path, std::string_view value, NameRule rule);
// Same, but an empty value is fine.
void checkOptionalName(FieldErrors& errors, const std::string& path, std::string_view value, NameRule rule);

// "must be min..max"
void checkRange(FieldErrors& errors, const std::string& path, std::int64_t value, std::int64_t min, std::int64_t max);
// "must have at least N items" / "must have at most N items"
void checkCount(FieldErrors& errors, const std::string& path, std::size_t size, std::size_t min, std::size_t max);
// "unsupported value ..." unless value is one of supported.
void checkEnum(FieldErrors& errors, const std::string& path, std::string_view value,
               std::span<const std::string_view> supported);
bool isOneOf(std::string_view value, std::span<const std::string_view> supported);
// A duration in [min, max] ("must be between 1s and 24h"); min may be zero-exclusive via `positive`.
void checkDuration(FieldErrors& errors, const std::string& path, Duration value, Duration min, Duration max);
// > 0 and <= max.
void checkPositiveDuration(FieldErrors& errors, const std::string& path, Duration value, Duration max);

// Reports "duplicate value" at itemPath(i) for every item whose key was already seen.
template <typename Items, typename KeyOf, typename PathOf>
void checkUnique(FieldErrors& errors, const Items& items, KeyOf keyOf, PathOf pathOf) {
  std::set<std::string> seen;
  std::size_t i = 0;
  for (const auto& item : items) {
    const std::string key = keyOf(item);
    if (!seen.insert(key).second) add(errors, pathOf(i), "duplicate value \"" + key + "\"");
    ++i;
  }
}

std::string lowercase(std::string_view s);

void checkObjectMeta(FieldErrors& errors, const ObjectMeta& meta, NameRule nameRule);
// Label keys are qualified names, values label values; at most kMaxLabelsOrAnnotations entries.
void checkLabels(FieldErrors& errors, const std::string& path, const std::map<std::string, std::string>& labels);
// Annotation keys are qualified names; values at most kMaxAnnotationValueLength.
void checkAnnotations(FieldErrors& errors, const std::string& path,
                      const std::map<std::string, std::string>& annotations);
// Required, no whitespace or control characters, bounded length.
void checkImage(FieldErrors& errors, const std::string& path, std::string_view image);
// replicas vs autoscaling (mutually exclusive), replicas range, and the autoscaling block itself.
void checkScale(FieldErrors& errors, const std::string& specPath, const std::optional<std::int32_t>& replicas,
                const std::optional<Autoscaling>& autoscaling, std::int32_t maxReplicas);
// metav1.LabelSelector JSON: matchLabels and matchExpressions.
void checkLabelSelector(FieldErrors& errors, const std::string& path, const nlohmann::json& selector);
// An int >= 0 or "N%" with N <= maxPercent (no bound when maxPercent is nullopt). Returns true when it is zero.
bool checkIntOrPercent(FieldErrors& errors, const std::string& path, const IntOrString& value,
                       std::optional<int> maxPercent);
// A path Flotilla writes into haproxy.cfg (match values, rewrites, health checks).
void checkConfigPath(FieldErrors& errors, const std::string& path, std::string_view value);
// Refuses JSON members other than `allowed` ("unknown field"), for verbatim Kubernetes JSON Flotilla inspects.
void checkKnownKeys(FieldErrors& errors, const std::string& path, const nlohmann::json& object,
                    std::span<const std::string_view> allowed);

}  // namespace flotilla::api::validation
