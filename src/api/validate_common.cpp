#include "api/validate_common.h"

#include <array>
#include <cctype>

#include "api/json_reader.h"
#include "api/limits.h"
#include "api/names.h"
#include "api/quantity.h"
#include "api/validate.h"

namespace flotilla::api::validation {
namespace {

std::string_view nameRuleMessage(NameRule rule) {
  switch (rule) {
    case NameRule::Dns1123Label:
      return "must be a DNS-1123 label: at most 63 lowercase letters, digits or '-', starting and ending with a "
             "letter or digit";
    case NameRule::Dns1123Subdomain:
      return "must be a DNS-1123 subdomain: at most 253 lowercase letters, digits, '-' or '.', each part starting "
             "and ending with a letter or digit";
    case NameRule::Dns1035Label:
      return "must be a DNS-1035 label: at most 63 lowercase letters, digits or '-', starting with a letter and "
             "ending with a letter or digit";
    case NameRule::IanaServiceName:
      return "must be an IANA service name: at most 15 lowercase letters, digits or single inner '-', with at "
             "least one letter";
  }
  return "invalid name";
}

constexpr std::string_view kQualifiedNameMessage =
    "must be a qualified name: an optional DNS subdomain prefix and '/', then at most 63 letters, digits, '-', '_' "
    "or '.', starting and ending with a letter or digit";
constexpr std::string_view kLabelValueMessage =
    "must be a label value: empty, or at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter "
    "or digit";

void checkAutoscalingBehavior(FieldErrors& errors, const std::string& path, const nlohmann::json& behavior) {
  static constexpr std::array<std::string_view, 2> kDirections{"scaleUp", "scaleDown"};
  static constexpr std::array<std::string_view, 3> kRuleKeys{"stabilizationWindowSeconds", "selectPolicy", "policies"};
  static constexpr std::array<std::string_view, 3> kPolicyKeys{"type", "value", "periodSeconds"};
  static constexpr std::array<std::string_view, 3> kSelectPolicies{"Max", "Min", "Disabled"};
  static constexpr std::array<std::string_view, 2> kPolicyTypes{"Pods", "Percent"};
  checkKnownKeys(errors, path, behavior, kDirections);
  for (auto direction : kDirections) {
    const auto it = behavior.find(direction);
    if (it == behavior.end() || it->is_null()) continue;
    const std::string rulesPath = fieldPath(path, direction);
    if (!it->is_object()) {
      add(errors, rulesPath, "must be an object");
      continue;
    }
    checkKnownKeys(errors, rulesPath, *it, kRuleKeys);
    if (const auto w = it->find("stabilizationWindowSeconds"); w != it->end() && !w->is_null()) {
      if (!w->is_number_integer()) {
        add(errors, fieldPath(rulesPath, "stabilizationWindowSeconds"), "must be an integer");
      } else {
        checkRange(errors, fieldPath(rulesPath, "stabilizationWindowSeconds"), w->get<std::int64_t>(), 0,
                   limits::kMaxStabilizationWindowSeconds);
      }
    }
    if (const auto s = it->find("selectPolicy"); s != it->end() && !s->is_null()) {
      if (!s->is_string()) {
        add(errors, fieldPath(rulesPath, "selectPolicy"), "must be a string");
      } else {
        checkEnum(errors, fieldPath(rulesPath, "selectPolicy"), s->get<std::string>(), kSelectPolicies);
      }
    }
    const auto policies = it->find("policies");
    if (policies == it->end() || policies->is_null()) continue;
    const std::string policiesPath = fieldPath(rulesPath, "policies");
    if (!policies->is_array()) {
      add(errors, policiesPath, "must be a list");
      continue;
    }
    checkCount(errors, policiesPath, policies->size(), 0, limits::kMaxScalingPolicies);
    for (std::size_t i = 0; i < policies->size(); ++i) {
      const auto& policy = (*policies)[i];
      const std::string policyPath = indexPath(policiesPath, i);
      if (!policy.is_object()) {
        add(errors, policyPath, "must be an object");
        continue;
      }
      checkKnownKeys(errors, policyPath, policy, kPolicyKeys);
      const auto type = policy.value("type", nlohmann::json());
      if (!type.is_string()) {
        add(errors, fieldPath(policyPath, "type"), "required, one of Pods or Percent");
      } else {
        checkEnum(errors, fieldPath(policyPath, "type"), type.get<std::string>(), kPolicyTypes);
      }
      const auto value = policy.value("value", nlohmann::json());
      if (!value.is_number_integer() || value.get<std::int64_t>() < 1) {
        add(errors, fieldPath(policyPath, "value"), "must be an integer >= 1");
      }
      const auto period = policy.value("periodSeconds", nlohmann::json());
      if (!period.is_number_integer()) {
        add(errors, fieldPath(policyPath, "periodSeconds"), "must be an integer");
      } else {
        checkRange(errors, fieldPath(policyPath, "periodSeconds"), period.get<std::int64_t>(), 1,
                   limits::kMaxScalingPolicyPeriodSeconds);
      }
    }
  }
}

void checkAutoscaling(FieldErrors& errors, const std::string& path, const Autoscaling& autoscaling) {
  checkRange(errors, fieldPath(path, "minReplicas"), autoscaling.minReplicas, 1, limits::kMaxAutoscalingReplicas);
  if (autoscaling.maxReplicas < 1) {
    add(errors, fieldPath(path, "maxReplicas"), "required, must be >= 1");
  } else if (autoscaling.maxReplicas < autoscaling.minReplicas) {
    add(errors, fieldPath(path, "maxReplicas"),
        "must be >= minReplicas (" + std::to_string(autoscaling.minReplicas) + ")");
  } else {
    checkRange(errors, fieldPath(path, "maxReplicas"), autoscaling.maxReplicas, 1, limits::kMaxAutoscalingReplicas);
  }
  if (!autoscaling.targetCPUUtilization && !autoscaling.targetMemoryUtilization) {
    add(errors, path, "must set targetCPUUtilization or targetMemoryUtilization");
  }
  if (autoscaling.targetCPUUtilization) {
    checkRange(errors, fieldPath(path, "targetCPUUtilization"), *autoscaling.targetCPUUtilization,
               limits::kMinUtilizationTarget, limits::kMaxUtilizationTarget);
  }
  if (autoscaling.targetMemoryUtilization) {
    checkRange(errors, fieldPath(path, "targetMemoryUtilization"), *autoscaling.targetMemoryUtilization,
               limits::kMinUtilizationTarget, limits::kMaxUtilizationTarget);
  }
  if (!autoscaling.behavior.is_null())
    checkAutoscalingBehavior(errors, fieldPath(path, "behavior"), autoscaling.behavior);
}

}  // namespace

std::string lowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool matchesNameRule(std::string_view value, NameRule rule) {
  switch (rule) {
    case NameRule::Dns1123Label:
      return isDns1123Label(value);
    case NameRule::Dns1123Subdomain:
      return isDns1123Subdomain(value);
    case NameRule::Dns1035Label:
      return isDns1035Label(value);
    case NameRule::IanaServiceName:
      return isIanaServiceName(value);
  }
  return false;
}

bool checkName(FieldErrors& errors, const std::string& path, std::string_view value, NameRule rule) {
  if (value.empty()) {
    add(errors, path, "required");
    return false;
  }
  if (!matchesNameRule(value, rule)) {
    add(errors, path, std::string(nameRuleMessage(rule)));
    return false;
  }
  return true;
}

void checkOptionalName(FieldErrors& errors, const std::string& path, std::string_view value, NameRule rule) {
  if (!value.empty()) checkName(errors, path, value, rule);
}

void checkRange(FieldErrors& errors, const std::string& path, std::int64_t value, std::int64_t min, std::int64_t max) {
  if (value < min || value > max) add(errors, path, "must be " + std::to_string(min) + ".." + std::to_string(max));
}

void checkCount(FieldErrors& errors, const std::string& path, std::size_t size, std::size_t min, std::size_t max) {
  if (size < min) {
    add(errors, path, "must have at least " + std::to_string(min) + (min == 1 ? " item" : " items"));
  } else if (size > max) {
    add(errors, path, "must have at most " + std::to_string(max) + " items");
  }
}

bool isOneOf(std::string_view value, std::span<const std::string_view> supported) {
  return std::find(supported.begin(), supported.end(), value) != supported.end();
}

void checkEnum(FieldErrors& errors, const std::string& path, std::string_view value,
               std::span<const std::string_view> supported) {
  if (!isOneOf(value, supported)) {
    add(errors, path,
        unsupportedValueMessage(value, std::vector<std::string_view>(supported.begin(), supported.end())));
  }
}

void checkDuration(FieldErrors& errors, const std::string& path, Duration value, Duration min, Duration max) {
  if (value < min || value > max) {
    add(errors, path, "must be between " + formatDuration(min) + " and " + formatDuration(max));
  }
}

void checkPositiveDuration(FieldErrors& errors, const std::string& path, Duration value, Duration max) {
  if (value.nanos <= 0) {
    add(errors, path, "must be greater than 0");
  } else if (value > max) {
    add(errors, path, "must be at most " + formatDuration(max));
  }
}

void checkObjectMeta(FieldErrors& errors, const ObjectMeta& meta, NameRule nameRule) {
  checkName(errors, "metadata.name", meta.name, nameRule);
  checkOptionalName(errors, "metadata.namespace", meta.namespace_, NameRule::Dns1123Label);
  checkLabels(errors, "metadata.labels", meta.labels);
  for (const auto& [key, value] : meta.annotations) {
    if (!isQualifiedName(key)) add(errors, keyPath("metadata.annotations", key), std::string(kQualifiedNameMessage));
  }
}

void checkLabels(FieldErrors& errors, const std::string& path, const std::map<std::string, std::string>& labels) {
  if (labels.size() > limits::kMaxLabelsOrAnnotations) {
    add(errors, path, "must have at most " + std::to_string(limits::kMaxLabelsOrAnnotations) + " entries");
  }
  for (const auto& [key, value] : labels) {
    if (!isQualifiedName(key)) add(errors, keyPath(path, key), std::string(kQualifiedNameMessage));
    if (!isLabelValue(value)) add(errors, keyPath(path, key), std::string(kLabelValueMessage));
  }
}

void checkAnnotations(FieldErrors& errors, const std::string& path,
                      const std::map<std::string, std::string>& annotations) {
  if (annotations.size() > limits::kMaxLabelsOrAnnotations) {
    add(errors, path, "must have at most " + std::to_string(limits::kMaxLabelsOrAnnotations) + " entries");
  }
  for (const auto& [key, value] : annotations) {
    if (!isQualifiedName(key)) add(errors, keyPath(path, key), std::string(kQualifiedNameMessage));
    if (value.size() > limits::kMaxAnnotationValueLength) {
      add(errors, keyPath(path, key),
          "value must be at most " + std::to_string(limits::kMaxAnnotationValueLength) + " characters");
    }
  }
}

void checkImage(FieldErrors& errors, const std::string& path, std::string_view image) {
  if (image.empty()) {
    add(errors, path, "required");
    return;
  }
  const bool clean = std::all_of(image.begin(), image.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u > 0x20 && u != 0x7f;
  });
  if (!clean) add(errors, path, "must not contain whitespace or control characters");
  if (image.size() > limits::kMaxImageLength) {
    add(errors, path, "must be at most " + std::to_string(limits::kMaxImageLength) + " characters");
  }
}

void checkScale(FieldErrors& errors, const std::string& specPath, const std::optional<std::int32_t>& replicas,
                const std::optional<Autoscaling>& autoscaling, std::int32_t maxReplicas) {
  if (replicas) {
    if (autoscaling) {
      add(errors, fieldPath(specPath, "replicas"),
          "must not be set together with " + fieldPath(specPath, "autoscaling") +
              " (the autoscaler owns the replica "
              "count)");
    }
    checkRange(errors, fieldPath(specPath, "replicas"), *replicas, 0, maxReplicas);
  }
  if (autoscaling) checkAutoscaling(errors, fieldPath(specPath, "autoscaling"), *autoscaling);
}

void checkLabelSelector(FieldErrors& errors, const std::string& path, const nlohmann::json& selector) {
  static constexpr std::array<std::string_view, 2> kSelectorKeys{"matchLabels", "matchExpressions"};
  static constexpr std::array<std::string_view, 3> kExpressionKeys{"key", "operator", "values"};
  if (!selector.is_object()) {
    add(errors, path, "must be an object");
    return;
  }
  checkKnownKeys(errors, path, selector, kSelectorKeys);
  if (const auto labels = selector.find("matchLabels"); labels != selector.end() && !labels->is_null()) {
    const std::string labelsPath = fieldPath(path, "matchLabels");
    if (!labels->is_object()) {
      add(errors, labelsPath, "must be a map of strings");
    } else {
      std::map<std::string, std::string> asMap;
      for (const auto& [key, value] : labels->items()) {
        if (!value.is_string()) {
          add(errors, keyPath(labelsPath, key), "must be a string");
        } else {
          asMap[key] = value.get<std::string>();
        }
      }
      checkLabels(errors, labelsPath, asMap);
    }
  }
  const auto expressions = selector.find("matchExpressions");
  if (expressions == selector.end() || expressions->is_null()) return;
  const std::string expressionsPath = fieldPath(path, "matchExpressions");
  if (!expressions->is_array()) {
    add(errors, expressionsPath, "must be a list");
    return;
  }
  for (std::size_t i = 0; i < expressions->size(); ++i) {
    const auto& expression = (*expressions)[i];
    const std::string itemPath = indexPath(expressionsPath, i);
    if (!expression.is_object()) {
      add(errors, itemPath, "must be an object");
      continue;
    }
    checkKnownKeys(errors, itemPath, expression, kExpressionKeys);
    const auto key = expression.value("key", nlohmann::json());
    if (!key.is_string() || !isQualifiedName(key.get<std::string>())) {
      add(errors, fieldPath(itemPath, "key"), std::string(kQualifiedNameMessage));
    }
    const auto op = expression.value("operator", nlohmann::json());
    if (!op.is_string()) {
      add(errors, fieldPath(itemPath, "operator"), "required, one of In, NotIn, Exists, DoesNotExist");
      continue;
    }
    const std::string opText = op.get<std::string>();
    checkEnum(errors, fieldPath(itemPath, "operator"), opText, limits::kSelectorOperators);
    const auto values = expression.value("values", nlohmann::json::array());
    const bool needsValues = opText == "In" || opText == "NotIn";
    if (!values.is_array()) {
      add(errors, fieldPath(itemPath, "values"), "must be a list of strings");
    } else if (needsValues && values.empty()) {
      add(errors, fieldPath(itemPath, "values"), "must be non-empty for operator " + opText);
    } else if (!needsValues && !values.empty()) {
      add(errors, fieldPath(itemPath, "values"), "must be empty for operator " + opText);
    }
  }
}

bool checkIntOrPercent(FieldErrors& errors, const std::string& path, const IntOrString& value,
                       std::optional<int> maxPercent) {
  if (value.isInt()) {
    if (*value.intValue < 0) add(errors, path, "must be >= 0");
    return *value.intValue == 0;
  }
  const std::string& text = value.stringValue;
  const bool digitsThenPercent = text.size() >= 2 && text.size() <= 8 && text.back() == '%' &&
                                 std::all_of(text.begin(), text.end() - 1, [](char c) { return c >= '0' && c <= '9'; });
  if (!digitsThenPercent) {
    add(errors, path, "must be an integer >= 0 or a percentage such as 25%");
    return false;
  }
  const int percent = std::stoi(text.substr(0, text.size() - 1));
  if (maxPercent && percent > *maxPercent) {
    add(errors, path, "must be at most " + std::to_string(*maxPercent) + "%");
  }
  return percent == 0;
}

void checkConfigPath(FieldErrors& errors, const std::string& path, std::string_view value) {
  if (!isSafeConfigPath(value)) {
    add(errors, path,
        "must be an absolute path of at most 1024 characters from [A-Za-z0-9/._~%-], with '%' only in %XX escapes");
    return;
  }
  // As Gateway API: such paths are either unreachable (HAProxy does not normalise) or ambiguous.
  const bool dotSegment = value.find("/./") != std::string_view::npos || value.find("/../") != std::string_view::npos ||
                          value.ends_with("/.") || value.ends_with("/..");
  const std::string lower = lowercase(value);
  if (value.find("//") != std::string_view::npos || dotSegment || lower.find("%2f") != std::string::npos) {
    add(errors, path, "must not contain '//', '/./', '/../', a trailing '/.' or '/..', or an encoded '/' (%2F)");
  }
}

void checkKnownKeys(FieldErrors& errors, const std::string& path, const nlohmann::json& object,
                    std::span<const std::string_view> allowed) {
  if (!object.is_object()) return;
  for (const auto& [key, value] : object.items()) {
    if (!isOneOf(key, allowed)) add(errors, fieldPath(path, key), "unknown field");
  }
}

}  // namespace flotilla::api::validation

namespace flotilla::api {

FieldErrors validateResourceRequirements(const nlohmann::json& resources, const std::string& path) {
  using namespace validation;
  static constexpr std::array<std::string_view, 3> kKeys{"requests", "limits", "claims"};
  FieldErrors errors;
  if (resources.is_null()) return errors;
  if (!resources.is_object()) {
    add(errors, path, "must be an object");
    return errors;
  }
  checkKnownKeys(errors, path, resources, kKeys);
  std::map<std::string, std::map<std::string, Quantity>> parsed;  // "requests"/"limits" -> name -> quantity
  for (std::string_view list : {std::string_view("requests"), std::string_view("limits")}) {
    const auto it = resources.find(list);
    if (it == resources.end() || it->is_null()) continue;
    const std::string listPath = fieldPath(path, list);
    if (!it->is_object()) {
      add(errors, listPath, "must be a map of resource names to quantities");
      continue;
    }
    if (it->size() > limits::kMaxResourceEntries) {
      add(errors, listPath, "must have at most " + std::to_string(limits::kMaxResourceEntries) + " entries");
    }
    for (const auto& [name, value] : it->items()) {
      const std::string itemPath = keyPath(listPath, name);
      if (!isQualifiedName(name)) add(errors, itemPath, "resource name " + std::string(kQualifiedNameMessage));
      const auto quantity = Quantity::fromJson(value);
      if (!quantity) {
        add(errors, itemPath, "must be a quantity such as 100m, 0.5, 128Mi or 1G");
      } else if (quantity->sign() < 0) {
        add(errors, itemPath, "must be greater than or equal to 0");
      } else {
        parsed[std::string(list)][name] = *quantity;
      }
    }
  }
  for (const auto& [name, request] : parsed["requests"]) {
    const auto& limitsMap = parsed["limits"];
    const auto limit = limitsMap.find(name);
    if (limit != limitsMap.end() && request > limit->second) {
      add(errors, keyPath(fieldPath(path, "requests"), name),
          "must be less than or equal to the limit (" + limit->second.toString() + ")");
    }
  }
  if (const auto claims = resources.find("claims"); claims != resources.end() && !claims->is_null()) {
    if (!claims->is_array()) add(errors, fieldPath(path, "claims"), "must be a list");
  }
  return errors;
}

}  // namespace flotilla::api
