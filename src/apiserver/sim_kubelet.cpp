#include "apiserver/sim_kubelet.h"

#include "apiserver/object_meta.h"
#include "apiserver/sim_objects.h"

namespace flotilla::apiserver::sim {
namespace {

json podCondition(const json& previous, const std::string& type, bool status, const std::string& reason,
                  const std::string& message, TimePoint now) {
  json condition{{"type", type}, {"status", status ? "True" : "False"}, {"lastTransitionTime", formatRfc3339(now)}};
  if (!reason.empty()) condition["reason"] = reason;
  if (!message.empty()) condition["message"] = message;
  json conditions = previous.is_array() ? previous : json::array();
  setCondition(conditions, condition);  // keeps the old lastTransitionTime when the status holds
  return *findCondition(conditions, type);
}

json terminationJson(const ContainerObservation::Termination& t) {
  return json{{"exitCode", t.exitCode},
              {"reason", t.reason},
              {"startedAt", formatRfc3339(t.startedAt)},
              {"finishedAt", formatRfc3339(t.finishedAt)}};
}

json containerStatus(const json& pod, const ContainerObservation& c) {
  json state = json::object();
  switch (c.state) {
    case ContainerObservation::State::Waiting: {
      json waiting{{"reason", c.reason.empty() ? "ContainerCreating" : c.reason}};
      if (!c.message.empty()) waiting["message"] = c.message;
      state["waiting"] = std::move(waiting);
      break;
    }
    case ContainerObservation::State::Running:
      state["running"] = json{{"startedAt", formatRfc3339(c.startedAt.value_or(TimePoint{}))}};
      break;
    case ContainerObservation::State::Terminated:
      state["terminated"] = c.terminated ? terminationJson(*c.terminated) : json{{"exitCode", 0}};
      break;
  }
  json status{{"name", c.name},
              {"image", c.image},
              {"imageID", "flotilla.sim/" + c.image},
              {"ready", c.ready},
              {"started", c.state == ContainerObservation::State::Running},
              {"restartCount", c.restartCount},
              {"state", std::move(state)},
              {"lastState", json::object()}};
  if (c.state != ContainerObservation::State::Waiting || c.restartCount > 0) {
    // One id per run, as a container runtime would give.
    status["containerID"] = "sim://" + meta::uid(pod) + "/" + c.name + "/" + std::to_string(c.restartCount);
  }
  if (c.lastTermination) status["lastState"] = json{{"terminated", terminationJson(*c.lastTermination)}};
  return status;
}

// Kubernetes' QoS class from the containers' requests and limits.
std::string qosClass(const json& pod) {
  const json* containers = meta::find(pod, "spec.containers");
  if (!containers || !containers->is_array()) return "BestEffort";
  bool any = false, guaranteed = true;
  for (const auto& container : *containers) {
    const json* requests = meta::find(container, "resources.requests");
    const json* limits = meta::find(container, "resources.limits");
    bool hasRequests = requests && requests->is_object() && !requests->empty();
    bool hasLimits = limits && limits->is_object() && !limits->empty();
    any |= hasRequests || hasLimits;
    if (!hasLimits || !limits->contains("cpu") || !limits->contains("memory")) {
      guaranteed = false;
    } else if (hasRequests) {
      for (const auto& [name, value] : requests->items()) {
        if (limits->contains(name) && (*limits)[name] != value) guaranteed = false;
      }
    }
  }
  if (!any) return "BestEffort";
  return guaranteed ? "Guaranteed" : "Burstable";
}

}  // namespace

std::vector<std::pair<std::string, std::string>> podContainers(const json& pod) {
  std::vector<std::pair<std::string, std::string>> out;
  const json* containers = meta::find(pod, "spec.containers");
  if (!containers || !containers->is_array()) return out;
  for (const auto& container : *containers) out.emplace_back(container.value("name", ""), container.value("image", ""));
  return out;
}

json podStatusFor(const json& pod, const PodObservation& observed, TimePoint now) {
  const json* previous = meta::find(pod, "status");
  json previousConditions = previous && previous->contains("conditions") ? (*previous)["conditions"] : json::array();
  json status = json::object();
  status["phase"] = observed.phase;
  if (!observed.reason.empty()) status["reason"] = observed.reason;
  if (!observed.message.empty()) status["message"] = observed.message;

  std::vector<std::string> unready;
  bool allReady = !observed.containers.empty();
  for (const auto& c : observed.containers) {
    if (!c.ready) {
      unready.push_back(c.name);
      allReady = false;
    }
  }
  bool running = observed.phase == "Running";
  bool ready = running && allReady;
  std::string notReadyMessage;
  if (!unready.empty()) {
    notReadyMessage = "containers with unready status: [";
    for (std::size_t i = 0; i < unready.size(); ++i) notReadyMessage += (i ? " " : "") + unready[i];
    notReadyMessage += "]";
  }
  bool terminal = observed.phase == "Succeeded" || observed.phase == "Failed";
  std::string notReadyReason = terminal ? "PodCompleted" : "ContainersNotReady";
  json conditions = json::array();
  conditions.push_back(
      podCondition(previousConditions, "PodReadyToStartContainers", !observed.podIP.empty() || running, "", "", now));
  conditions.push_back(podCondition(previousConditions, "Initialized", true, "", "", now));
  conditions.push_back(
      podCondition(previousConditions, "Ready", ready, ready ? "" : notReadyReason, ready ? "" : notReadyMessage, now));
  conditions.push_back(podCondition(previousConditions, "ContainersReady", ready, ready ? "" : notReadyReason,
                                    ready ? "" : notReadyMessage, now));
  conditions.push_back(podCondition(previousConditions, "PodScheduled", true, "", "", now));
  status["conditions"] = std::move(conditions);

  if (!observed.hostIP.empty()) {
    status["hostIP"] = observed.hostIP;
    status["hostIPs"] = json::array({{{"ip", observed.hostIP}}});
  }
  if (!observed.podIP.empty()) {
    status["podIP"] = observed.podIP;
    status["podIPs"] = json::array({{{"ip", observed.podIP}}});
  }
  if (observed.startTime) status["startTime"] = formatRfc3339(*observed.startTime);
  json containerStatuses = json::array();
  for (const auto& c : observed.containers) containerStatuses.push_back(containerStatus(pod, c));
  if (!containerStatuses.empty()) status["containerStatuses"] = std::move(containerStatuses);
  status["qosClass"] = qosClass(pod);
  return status;
}

Plan schedulePod(const json& pod) {
  Plan plan;
  if (!meta::stringAt(pod, "spec.nodeName").empty() || meta::isDeleting(pod)) return plan;
  json bound = pod;
  bound["spec"]["nodeName"] = kNodeName;
  plan.writes.push_back(Write::update(kPods, std::move(bound), kScheduler));
  return plan;
}

Plan reconcilePodStatus(const json& pod, const PodObservation& observed, TimePoint now) {
  Plan plan;
  json status = podStatusFor(pod, observed, now);
  const json* previous = meta::find(pod, "status");
  if (!previous || *previous != status) {
    json updated = pod;
    updated["status"] = std::move(status);
    plan.writes.push_back(Write::updateStatus(kPods, std::move(updated), kKubelet));
  }
  if (observed.wakeAt) plan.wakeNoLaterThan(*observed.wakeAt);
  return plan;
}

}  // namespace flotilla::apiserver::sim
