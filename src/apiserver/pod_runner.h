#pragma once
// --run-pods: pods whose images are in the LaunchTable run as real local processes, each pod on its own loopback
// address (LoopbackAddressPool) with its container ports. Like a kubelet it probes readiness (httpGet, tcpSocket;
// no probe: the first container port accepting connections), restarts containers that exit (restartPolicy, with
// exponential back-off and restartCount), stops them on deletion (SIGTERM, grace period, SIGKILL), and reports all
// of it as PodObservations. Containers of a pod whose images are not runnable are simulated (always ready).
//
// Timing differs from a kubelet on purpose, to keep tests fast: probes run every probeInterval from the start
// (initialDelaySeconds and periodSeconds are not waited for; failure/success thresholds are honoured), and the
// restart back-off starts at restartBackoff instead of 10 s. Liveness probes are not run.
//
// One supervisor thread owns every child process (children die with it: PR_SET_PDEATHSIG).

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "apiserver/child_process.h"
#include "apiserver/loopback_address_pool.h"
#include "apiserver/pod_launch.h"
#include "apiserver/pod_runtime.h"

namespace flotilla::apiserver {

struct PodRunnerOptions {
  std::string flotillaBinary;  // default: this executable (/proc/self/exe)
  std::string kubeconfig;      // handed to pods that talk to the API (flotilla/gateway); see LaunchContext
  std::string firstAddress = "127.0.0.2";
  std::chrono::milliseconds probeInterval{200};
  std::chrono::milliseconds probeTimeout{1000};
  std::chrono::milliseconds restartBackoff{1000};
  std::chrono::milliseconds maxRestartBackoff{30000};
  bool silenceOutput = true;  // children's stdout/stderr to their log files (kubectl logs), else the console
};

class PodRunner : public PodRuntime {
 public:
  PodRunner(PodRunnerOptions options, LaunchTable launches, EnvSourceLookup envSources = {});
  ~PodRunner() override;  // stops every process (SIGTERM, then SIGKILL after a few seconds)
  PodRunner(const PodRunner&) = delete;
  PodRunner& operator=(const PodRunner&) = delete;

  // True when some container of the pod has a runnable image.
  bool runs(const nlohmann::json& pod) const;

  sim::PodObservation observe(const nlohmann::json& pod, sim::TimePoint now) override;
  bool stop(const std::string& uid, std::chrono::seconds grace) override;
  void forget(const std::string& uid) override;
  void setChangeListener(std::function<void(const std::string& namespace_)> listener) override;

  // Process id of a pod's container (0 when not running): tests use it to kill a process behind the runner's back.
  pid_t pidOf(const std::string& uid, const std::string& container) const;

 private:
  struct Container;
  struct Pod;

  void supervise();
  bool tick(Pod& pod);  // true when the observation changed
  bool startContainer(Pod& pod, Container& container);
  bool checkExit(Pod& pod, Container& container);
  bool probe(Pod& pod, Container& container);
  bool stopTick(Pod& pod);
  bool relocateIfPortsTaken(Pod& pod);
  sim::PodObservation observationOf(const Pod& pod) const;

  const PodRunnerOptions options_;
  const LaunchTable launches_;
  const EnvSourceLookup envSources_;
  LoopbackAddressPool addresses_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::map<std::string, std::unique_ptr<Pod>> pods_;  // by uid
  std::function<void(const std::string&)> listener_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace flotilla::apiserver
