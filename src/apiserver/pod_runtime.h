#pragma once
// The kubelet's running half: something that runs a pod's containers and says what it observes of them. The
// simulated kubelet (WorkloadSimulator) turns observations into pod status (sim_kubelet.h). Two runtimes exist:
// SimulatedPodRuntime (pods become Running and Ready after a delay, with a made-up 10.244.x.y address; nothing is
// contacted) and PodRunner (real local processes, --run-pods).

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>

#include "apiserver/sim_kubelet.h"

namespace flotilla::apiserver {

class PodRuntime {
 public:
  virtual ~PodRuntime() = default;

  // Makes sure the pod runs (the first call starts it) and returns what is observed now. Must not block.
  virtual sim::PodObservation observe(const nlohmann::json& pod, sim::TimePoint now) = 0;
  // The pod is being deleted: stop its containers within the grace period. True once nothing of it runs.
  virtual bool stop(const std::string& uid, std::chrono::seconds grace) = 0;
  // The pod no longer exists: stop it if needed and release what it holds (its address).
  virtual void forget(const std::string& uid) = 0;
  // Called (from any thread) when an observation changed on its own — a probe passed, a process died.
  virtual void setChangeListener(std::function<void(const std::string& namespace_)> listener) { (void)listener; }
};

// Pods that only pretend to run: Pending (ContainerCreating) for `startDelay` after first seen, then Running
// with every container ready. Addresses come from 10.244.0.0/16 and are data only.
class SimulatedPodRuntime : public PodRuntime {
 public:
  explicit SimulatedPodRuntime(std::chrono::milliseconds startDelay) : startDelay_(startDelay) {}

  sim::PodObservation observe(const nlohmann::json& pod, sim::TimePoint now) override;
  bool stop(const std::string& uid, std::chrono::seconds grace) override;
  void forget(const std::string& uid) override;

 private:
  struct Tracked {
    sim::TimePoint firstSeen;
    std::string podIP;
  };
  std::string allocateAddress();

  const std::chrono::milliseconds startDelay_;
  std::mutex mutex_;
  std::map<std::string, Tracked> pods_;  // by uid
  std::set<std::string> addressesInUse_;
  std::uint32_t nextAddress_ = 2;
};

}  // namespace flotilla::apiserver
