#pragma once
// The kubelet's reporting half: a pod's status (phase, IPs, conditions PodScheduled / Initialized /
// ContainersReady / Ready, containerStatuses with state, lastState and restartCount) from what the node observes
// of its containers. Where observations come from — a timer for simulated pods, real processes under
// --run-pods — is a PodRuntime's business (pod_runtime.h).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "apiserver/sim_plan.h"

namespace flotilla::apiserver::sim {

struct ContainerObservation {
  enum class State { Waiting, Running, Terminated };
  struct Termination {
    int exitCode = 0;
    std::string reason;  // Completed | Error | OOMKilled...
    TimePoint startedAt;
    TimePoint finishedAt;
  };

  std::string name;
  std::string image;
  State state = State::Waiting;
  std::string reason;  // Waiting: ContainerCreating | CrashLoopBackOff...; Terminated: Completed | Error
  std::string message;
  bool ready = false;
  std::int64_t restartCount = 0;
  std::optional<TimePoint> startedAt;          // Running / Terminated
  std::optional<Termination> terminated;       // Terminated: how it ended
  std::optional<Termination> lastTermination;  // the previous run, after a restart
};

struct PodObservation {
  std::string phase = "Pending";  // Pending | Running | Succeeded | Failed
  std::string podIP;
  std::string hostIP;
  std::optional<TimePoint> startTime;
  std::string reason;  // pod level, e.g. Failed because its address could not be bound
  std::string message;
  std::vector<ContainerObservation> containers;
  // Not status: when the runtime expects its observation to change without an event (a start delay ends).
  std::optional<TimePoint> wakeAt;
};

// The one node of the simulated cluster, and the scheduler's field manager.
inline constexpr const char* kNodeName = "flotilla-node";
inline constexpr const char* kScheduler = "kube-scheduler";

// The scheduler's part: a pod without spec.nodeName is bound to the node (an update written as kube-scheduler).
Plan schedulePod(const json& pod);

// The pod's .status for this observation; conditions keep their lastTransitionTime while their status holds.
json podStatusFor(const json& pod, const PodObservation& observed, TimePoint now);

// A status write when the rendered status differs from the stored one (written as "kubelet").
Plan reconcilePodStatus(const json& pod, const PodObservation& observed, TimePoint now);

// The pod's containers' names and images, in spec order.
std::vector<std::pair<std::string, std::string>> podContainers(const json& pod);

}  // namespace flotilla::apiserver::sim
