#include "apiserver/sim_hpa.h"

#include <algorithm>
#include <climits>
#include <cmath>

#include "api/quantity.h"
#include "apiserver/object_meta.h"
#include "apiserver/sim_objects.h"

namespace flotilla::apiserver::sim {
namespace {

// Without spec.behavior, Kubernetes keeps scale-down recommendations this long (--horizontal-pod-autoscaler-
// downscale-stabilization).
constexpr std::int64_t kLegacyDownscaleWindowSeconds = 300;
constexpr std::int64_t kDefaultTargetCpuUtilization = 80;

struct ScalingPolicy {
  std::string type;  // Pods | Percent
  std::int64_t value = 0;
  std::int64_t periodSeconds = 0;
};

struct ScalingRules {
  std::int64_t stabilizationWindowSeconds = 0;
  std::string selectPolicy = "Max";  // Max | Min | Disabled
  std::vector<ScalingPolicy> policies;
};

// spec.behavior.scaleUp / scaleDown with the API's defaults for whatever is not set.
ScalingRules scalingRules(const json* rules, bool up) {
  ScalingRules out;
  out.stabilizationWindowSeconds = up ? 0 : 300;
  if (up) {
    out.policies = {{"Pods", 4, 15}, {"Percent", 100, 15}};
  } else {
    out.policies = {{"Percent", 100, 15}};
  }
  if (!rules || !rules->is_object()) return out;
  out.stabilizationWindowSeconds = intAt(*rules, "stabilizationWindowSeconds", out.stabilizationWindowSeconds);
  out.selectPolicy = rules->value("selectPolicy", out.selectPolicy);
  if (rules->contains("policies") && (*rules)["policies"].is_array()) {
    out.policies.clear();
    for (const auto& policy : (*rules)["policies"]) {
      out.policies.push_back({policy.value("type", ""), intAt(policy, "value", 0), intAt(policy, "periodSeconds", 15)});
    }
  }
  return out;
}

std::int64_t changeWithin(const std::vector<HpaMemory::ScaleEvent>& events, std::int64_t periodSeconds, TimePoint now) {
  std::int64_t total = 0;
  for (const auto& event : events) {
    if (event.at > now - std::chrono::seconds(periodSeconds)) total += event.change;
  }
  return total;
}

// Kubernetes' calculateScaleUpLimitWithScalingRules / calculateScaleDownLimitWithBehaviors.
std::int64_t scaleLimit(std::int64_t current, const HpaMemory& memory, const ScalingRules& rules, bool up,
                        TimePoint now) {
  if (rules.selectPolicy == "Disabled") return current;
  // Scaling up, Max picks the biggest step; scaling down, Max picks the biggest step (the lowest count).
  bool pickLargest = (rules.selectPolicy == "Min") != up;
  std::int64_t result = pickLargest ? LLONG_MIN : LLONG_MAX;
  for (const auto& policy : rules.policies) {
    std::int64_t periodStart = current - changeWithin(memory.scaleUps, policy.periodSeconds, now) +
                               changeWithin(memory.scaleDowns, policy.periodSeconds, now);
    std::int64_t proposed;
    if (policy.type == "Pods") {
      proposed = up ? periodStart + policy.value : periodStart - policy.value;
    } else {
      double factor =
          up ? 1.0 + static_cast<double>(policy.value) / 100.0 : 1.0 - static_cast<double>(policy.value) / 100.0;
      double scaled = static_cast<double>(periodStart) * factor;
      // Up rounds up (or a small percentage would never add a pod); down truncates, as Go's int32() does.
      proposed = up ? static_cast<std::int64_t>(std::ceil(scaled)) : static_cast<std::int64_t>(scaled);
    }
    result = pickLargest ? std::max(result, proposed) : std::min(result, proposed);
  }
  return result;
}

struct Normalized {
  std::int64_t replicas = 0;
  std::string ableReason, ableMessage;
  std::string limitedReason, limitedMessage;
  bool limited = false;
};

Normalized normalizeWithBehavior(const json& behavior, std::int64_t current, std::int64_t desired,
                                 std::int64_t minReplicas, std::int64_t maxReplicas, HpaMemory& memory, TimePoint now) {
  ScalingRules up = scalingRules(meta::find(behavior, "scaleUp"), true);
  ScalingRules down = scalingRules(meta::find(behavior, "scaleDown"), false);
  Normalized out;

  // Stabilization: never above the lowest recommendation of the scale-up window, never below the highest of
  // the scale-down window.
  TimePoint upCutoff = now - std::chrono::seconds(up.stabilizationWindowSeconds);
  TimePoint downCutoff = now - std::chrono::seconds(down.stabilizationWindowSeconds);
  std::int64_t upRecommendation = desired, downRecommendation = desired;
  std::optional<std::size_t> reusable;
  for (std::size_t i = 0; i < memory.recommendations.size(); ++i) {
    const auto& rec = memory.recommendations[i];
    if (rec.at > upCutoff) upRecommendation = std::min(upRecommendation, rec.replicas);
    if (rec.at > downCutoff) downRecommendation = std::max(downRecommendation, rec.replicas);
    if (rec.at < upCutoff && rec.at < downCutoff) reusable = i;
  }
  std::int64_t stabilized = std::min(std::max(current, upRecommendation), downRecommendation);
  HpaMemory::Recommendation record{now, desired};
  if (reusable) {
    memory.recommendations[*reusable] = record;
  } else {
    memory.recommendations.push_back(record);
  }
  if (stabilized != desired) {
    if (desired >= current) {
      out.ableReason = "ScaleUpStabilized";
      out.ableMessage = "recent recommendations were lower than current one, applying the lowest recent recommendation";
    } else {
      out.ableReason = "ScaleDownStabilized";
      out.ableMessage =
          "recent recommendations were higher than current one, applying the highest recent recommendation";
    }
  } else {
    out.ableReason = "ReadyForNewScale";
    out.ableMessage = "recommended size matches current size";
  }

  // Rate limits from the policies, then min/max.
  out.replicas = stabilized;
  out.limitedReason = "DesiredWithinRange";
  out.limitedMessage = "the desired count is within the acceptable range";
  if (stabilized > current) {
    std::int64_t limit = std::max(current, scaleLimit(current, memory, up, true, now));
    std::int64_t allowed = maxReplicas;
    std::string reason = "TooManyReplicas",
                message = "the desired replica count is more than the maximum replica count";
    if (allowed > limit) {
      allowed = limit;
      reason = "ScaleUpLimit";
      message = "the desired replica count is increasing faster than the maximum scale rate";
    }
    if (stabilized > allowed) {
      out.replicas = allowed;
      out.limitedReason = reason;
      out.limitedMessage = message;
    }
  } else if (stabilized < current) {
    std::int64_t limit = std::min(current, scaleLimit(current, memory, down, false, now));
    std::int64_t allowed = minReplicas;
    std::string reason = "TooFewReplicas", message = "the desired replica count is less than the minimum replica count";
    if (allowed < limit) {
      allowed = limit;
      reason = "ScaleDownLimit";
      message = "the desired replica count is decreasing faster than the maximum scale rate";
    }
    if (stabilized < allowed) {
      out.replicas = allowed;
      out.limitedReason = reason;
      out.limitedMessage = message;
    }
  }
  out.limited = out.replicas != stabilized;
  return out;
}

// Without spec.behavior: the legacy rules.
Normalized normalizeLegacy(std::int64_t current, std::int64_t desired, std::int64_t minReplicas,
                           std::int64_t maxReplicas, HpaMemory& memory, TimePoint now) {
  Normalized out;
  TimePoint cutoff = now - std::chrono::seconds(kLegacyDownscaleWindowSeconds);
  std::int64_t highest = desired;
  std::optional<std::size_t> reusable;
  for (std::size_t i = 0; i < memory.recommendations.size(); ++i) {
    const auto& rec = memory.recommendations[i];
    if (rec.at < cutoff) {
      reusable = i;
    } else {
      highest = std::max(highest, rec.replicas);
    }
  }
  HpaMemory::Recommendation record{now, desired};
  if (reusable) {
    memory.recommendations[*reusable] = record;
  } else {
    memory.recommendations.push_back(record);
  }
  if (highest != desired) {
    out.ableReason = "ScaleDownStabilized";
    out.ableMessage = "recent recommendations were higher than current one, applying the highest recent recommendation";
  } else {
    out.ableReason = "ReadyForNewScale";
    out.ableMessage = "recommended size matches current size";
  }
  std::int64_t scaleUpLimit = std::max<std::int64_t>(2 * current, 4);
  std::int64_t allowed = maxReplicas;
  std::string reason = "TooManyReplicas", message = "the desired replica count is more than the maximum replica count";
  if (maxReplicas > scaleUpLimit) {
    allowed = scaleUpLimit;
    reason = "ScaleUpLimit";
    message = "the desired replica count is increasing faster than the maximum scale rate";
  }
  out.replicas = highest;
  out.limitedReason = "DesiredWithinRange";
  out.limitedMessage = "the desired count is within the acceptable range";
  if (highest < minReplicas) {
    out.replicas = minReplicas;
    out.limitedReason = "TooFewReplicas";
    out.limitedMessage = "the desired replica count is less than the minimum replica count";
  } else if (highest > allowed) {
    out.replicas = allowed;
    out.limitedReason = reason;
    out.limitedMessage = message;
  }
  out.limited = out.replicas != highest;
  return out;
}

void recordScaleEvent(const json* behavior, HpaMemory& memory, std::int64_t from, std::int64_t to, TimePoint now) {
  if (!behavior || !behavior->is_object()) return;  // only behaviors read the events
  bool up = to > from;
  ScalingRules rules = scalingRules(meta::find(*behavior, up ? "scaleUp" : "scaleDown"), up);
  std::int64_t longest = 0;
  for (const auto& policy : rules.policies) longest = std::max(longest, policy.periodSeconds);
  auto& events = up ? memory.scaleUps : memory.scaleDowns;
  std::erase_if(events, [&](const auto& e) { return e.at <= now - std::chrono::seconds(longest); });
  events.push_back({now, up ? to - from : from - to});
}

json condition(const std::string& type, bool status, const std::string& reason, const std::string& message,
               TimePoint now) {
  return json{{"type", type},
              {"status", status ? "True" : "False"},
              {"lastTransitionTime", formatRfc3339(now)},
              {"reason", reason},
              {"message", message}};
}

// The pod's request for `resource` summed over its containers, in thousandths; nullopt when a container has none.
std::optional<std::int64_t> podRequestMilli(const json& pod, const std::string& resource) {
  const json* containers = meta::find(pod, "spec.containers");
  if (!containers || !containers->is_array() || containers->empty()) return std::nullopt;
  std::int64_t total = 0;
  for (const auto& container : *containers) {
    const json* requests = meta::find(container, "resources.requests");
    if (!requests || !requests->is_object() || !requests->contains(resource)) return std::nullopt;
    auto quantity = api::Quantity::fromJson((*requests)[resource]);
    auto milli = quantity ? quantity->milliValue() : std::nullopt;
    if (!milli) return std::nullopt;
    total += *milli;
  }
  return total;
}

// A thousandths figure as Kubernetes prints a milli-quantity ("50m", "2", "67108864").
std::string milliQuantity(std::int64_t milli) {
  std::string text = milli % 1000 == 0 ? std::to_string(milli / 1000) : std::to_string(milli) + "m";
  auto quantity = api::Quantity::parse(text);
  return quantity ? quantity->toString() : text;
}

std::string describeMetric(const std::string& resource) {
  return resource + " resource utilization (percentage of request)";
}

}  // namespace

ResourceReplicas computeResourceReplicas(std::int64_t currentReplicas, std::int64_t targetUtilization,
                                         const std::string& resource, const std::vector<json>& pods,
                                         const PodMetricLookup& lookup) {
  ResourceReplicas out;
  if (pods.empty()) {
    out.error = "no pods returned by selector while calculating replica count";
    return out;
  }
  if (targetUtilization <= 0) {
    out.error = "invalid target utilization";
    return out;
  }
  // Every pod is modelled with the same request, so utilizations average directly.
  std::vector<double> metrics;
  std::size_t unready = 0, missing = 0;
  double usageMilli = 0;
  bool everyRequestKnown = true;
  for (const auto& pod : pods) {
    if (meta::isDeleting(pod) || meta::stringAt(pod, "status.phase") == "Failed") continue;  // ignored
    if (meta::stringAt(pod, "status.phase") == "Pending" || meta::stringAt(pod, "status.phase").empty()) {
      ++unready;
      continue;
    }
    auto value = lookup(pod, resource);
    if (!value) {
      ++missing;
      continue;
    }
    // CPU samples of pods that are not ready are not trusted (they may still be starting).
    if (resource == "cpu" && !podIsReady(pod)) {
      ++unready;
      continue;
    }
    metrics.push_back(*value);
    auto request = podRequestMilli(pod, resource);
    everyRequestKnown = everyRequestKnown && request.has_value();
    if (request) usageMilli += *value * static_cast<double>(*request) / 100.0;
  }
  if (metrics.empty()) {
    out.error = "did not receive metrics for targeted pods (pods might be unready)";
    return out;
  }
  auto ratioOf = [&](const std::vector<double>& values, std::int64_t* utilization) {
    double total = 0;
    for (double v : values) total += v;
    // Kubernetes truncates the average utilization to an integer before comparing it with the target.
    auto average = static_cast<std::int64_t>(total / static_cast<double>(values.size()));
    if (utilization) *utilization = average;
    return static_cast<double>(average) / static_cast<double>(targetUtilization);
  };
  const std::size_t readyCount = metrics.size();
  double ratio = ratioOf(metrics, &out.utilization);
  if (everyRequestKnown) {
    out.averageValue = milliQuantity(static_cast<std::int64_t>(usageMilli / static_cast<double>(readyCount)));
  }
  bool scaleUpWithUnready = unready > 0 && ratio > 1.0;
  if (!scaleUpWithUnready && missing == 0) {
    if (std::abs(1.0 - ratio) <= kHpaTolerance) {
      out.replicas = currentReplicas;
    } else {
      out.replicas = static_cast<std::int64_t>(std::ceil(ratio * static_cast<double>(readyCount)));
    }
    return out;
  }
  // Fill in the pods without usable samples conservatively, then check the direction still holds.
  std::vector<double> adjusted = metrics;
  if (missing > 0) {
    double fallback = ratio < 1.0 ? static_cast<double>(std::max<std::int64_t>(100, targetUtilization)) : 0.0;
    if (ratio != 1.0) adjusted.insert(adjusted.end(), missing, fallback);
  }
  if (scaleUpWithUnready) adjusted.insert(adjusted.end(), unready, 0.0);
  double newRatio = ratioOf(adjusted, nullptr);
  if (std::abs(1.0 - newRatio) <= kHpaTolerance || (ratio < 1.0 && newRatio > 1.0) || (ratio > 1.0 && newRatio < 1.0)) {
    out.replicas = currentReplicas;
    return out;
  }
  auto replicas = static_cast<std::int64_t>(std::ceil(newRatio * static_cast<double>(adjusted.size())));
  if ((newRatio < 1.0 && replicas > currentReplicas) || (newRatio > 1.0 && replicas < currentReplicas)) {
    replicas = currentReplicas;
  }
  out.replicas = replicas;
  return out;
}

Plan reconcileHorizontalPodAutoscaler(const json& hpa, const json* target, const std::vector<json>& pods,
                                      const PodMetricLookup& lookup, HpaMemory& memory, TimePoint now) {
  Plan plan;
  const json* previousStatus = meta::find(hpa, "status");
  json status = previousStatus && previousStatus->is_object() ? *previousStatus : json::object();
  json conditions = status.contains("conditions") ? status["conditions"] : json::array();
  auto set = [&](const std::string& type, bool value, const std::string& reason, const std::string& message) {
    setCondition(conditions, condition(type, value, reason, message, now));
  };
  const json* behavior = meta::find(hpa, "spec.behavior");
  if (behavior && !behavior->is_object()) behavior = nullptr;
  const std::int64_t minReplicas = intAt(hpa, "spec.minReplicas", 1);
  const std::int64_t maxReplicas = intAt(hpa, "spec.maxReplicas", minReplicas);
  const std::string targetKind = meta::stringAt(hpa, "spec.scaleTargetRef.kind");
  const std::string targetName = meta::stringAt(hpa, "spec.scaleTargetRef.name");

  auto writeStatus = [&](json next) {
    next["conditions"] = conditions;
    next["observedGeneration"] = meta::generation(hpa);
    if (previousStatus && *previousStatus == next) return;
    json updated = hpa;
    updated["status"] = std::move(next);
    plan.writes.push_back(Write::updateStatus(kHorizontalPodAutoscalers, std::move(updated), kControllerManager));
  };

  if (!target || targetKind != "Deployment") {
    std::string what = targetKind == "Deployment" ? "deployments.apps \"" + targetName + "\" not found"
                                                  : "the simulated cluster scales Deployments only, not " + targetKind;
    set("AbleToScale", false, "FailedGetScale",
        "the HPA controller was unable to get the target's current scale: " + what);
    writeStatus(status);
    return plan;
  }
  set("AbleToScale", true, "SucceededGetScale", "the HPA controller was able to get the target's current scale");

  const std::int64_t current = intAt(*target, "spec.replicas", 1);
  std::int64_t desired = 0;
  json metricStatuses = json::array();
  if (current == 0 && minReplicas != 0) {
    set("ScalingActive", false, "ScalingDisabled", "scaling is disabled since the replica count of the target is zero");
  } else if (current > maxReplicas) {
    desired = maxReplicas;
  } else if (current < minReplicas) {
    desired = minReplicas;
  } else {
    // Every metric proposes a count; the largest wins.
    json metrics = meta::find(hpa, "spec.metrics") ? hpa["spec"]["metrics"] : json::array();
    if (!metrics.is_array() || metrics.empty()) {
      metrics = json::array(
          {{{"type", "Resource"},
            {"resource",
             {{"name", "cpu"},
              {"target", {{"type", "Utilization"}, {"averageUtilization", kDefaultTargetCpuUtilization}}}}}}});
    }
    std::int64_t proposal = -1;
    std::size_t invalid = 0;
    std::string firstReason, firstMessage, validMetric;
    for (const auto& metric : metrics) {
      std::string type = metric.value("type", "");
      const char* sourceField = type == "ContainerResource" ? "containerResource" : "resource";
      const json* source = metric.contains(sourceField) ? &metric[sourceField] : nullptr;
      std::string resource = source ? source->value("name", "") : "";
      const json* utilization = source ? meta::find(*source, "target.averageUtilization") : nullptr;
      std::string error;
      if ((type != "Resource" && type != "ContainerResource") || !source) {
        error = "the simulated metrics API serves resource utilization only, not " + type + " metrics";
      } else if (!utilization || !utilization->is_number_integer()) {
        error = "the simulated metrics API serves utilization targets only (target.type Utilization)";
      }
      if (error.empty()) {
        auto computed = computeResourceReplicas(current, utilization->get<std::int64_t>(), resource, pods, lookup);
        error = computed.error;
        if (error.empty()) {
          json current{{"averageUtilization", computed.utilization}};
          if (!computed.averageValue.empty()) current["averageValue"] = computed.averageValue;
          metricStatuses.push_back({{"type", type}, {sourceField, {{"name", resource}, {"current", current}}}});
          if (type == "ContainerResource")
            metricStatuses.back()[sourceField]["container"] = source->value("container", "");
          if (computed.replicas > proposal) {
            proposal = computed.replicas;
            validMetric = describeMetric(resource);
          }
          continue;
        }
        error = "failed to get " + resource + " utilization: " + error;
      }
      ++invalid;
      if (firstReason.empty()) {
        firstReason = type == "Resource" || type == "ContainerResource" ? "FailedGetResourceMetric"
                                                                        : "FailedGet" + type + "Metric";
        firstMessage = "the HPA was unable to compute the replica count: " + error;
      }
    }
    if (invalid >= metrics.size() || (invalid > 0 && proposal < current)) {
      set("ScalingActive", false, firstReason, firstMessage);
      status["currentReplicas"] = current;
      status["currentMetrics"] = metricStatuses;
      writeStatus(status);
      return plan;
    }
    set("ScalingActive", true, "ValidMetricFound",
        "the HPA was able to successfully calculate a replica count from " + validMetric);
    Normalized normalized =
        behavior ? normalizeWithBehavior(*behavior, current, proposal, minReplicas, maxReplicas, memory, now)
                 : normalizeLegacy(current, proposal, minReplicas, maxReplicas, memory, now);
    set("AbleToScale", true, normalized.ableReason, normalized.ableMessage);
    set("ScalingLimited", normalized.limited, normalized.limitedReason, normalized.limitedMessage);
    desired = normalized.replicas;
  }

  bool rescale = desired != current && !(current == 0 && minReplicas != 0);
  if (rescale) {
    plan.writes.push_back(Write::scale(kDeployments, *target, desired, kControllerManager));
    set("AbleToScale", true, "SucceededRescale",
        "the HPA controller was able to update the target scale to " + std::to_string(desired));
    recordScaleEvent(behavior, memory, current, desired, now);
    status["lastScaleTime"] = formatRfc3339(now);
  }
  if (current != 0) {
    status["currentReplicas"] = current;
  } else {
    status.erase("currentReplicas");
  }
  status["desiredReplicas"] = desired;
  if (metricStatuses.empty()) {
    status.erase("currentMetrics");
  } else {
    status["currentMetrics"] = metricStatuses;
  }
  writeStatus(status);
  return plan;
}

}  // namespace flotilla::apiserver::sim
