#include "apiserver/pod_runtime.h"

#include "apiserver/object_meta.h"

namespace flotilla::apiserver {

using nlohmann::json;

namespace {
// The simulated node's address (as a kind node would have).
constexpr const char* kSimulatedHostIP = "172.18.0.2";
}  // namespace

std::string SimulatedPodRuntime::allocateAddress() {
  // 10.244.0.2 … 10.244.255.254, skipping addresses still held; wraps around when the range is used up.
  for (std::uint32_t tries = 0; tries < 65536; ++tries) {
    std::uint32_t n = nextAddress_++;
    if (nextAddress_ > 0xFFFE) nextAddress_ = 2;
    if ((n & 0xFF) == 0 || (n & 0xFF) == 0xFF) continue;
    std::string address = "10.244." + std::to_string(n >> 8) + "." + std::to_string(n & 0xFF);
    if (addressesInUse_.insert(address).second) return address;
  }
  return "10.244.255.254";
}

sim::PodObservation SimulatedPodRuntime::observe(const json& pod, sim::TimePoint now) {
  std::lock_guard lock(mutex_);
  const std::string uid = meta::uid(pod);
  auto it = pods_.find(uid);
  if (it == pods_.end()) {
    Tracked tracked{now, ""};
    // A pod that already runs (the emulator restarted from a snapshot) keeps running where it was.
    std::string knownIP = meta::stringAt(pod, "status.podIP");
    if (meta::stringAt(pod, "status.phase") == "Running" && !knownIP.empty() &&
        addressesInUse_.insert(knownIP).second) {
      tracked.firstSeen = now - startDelay_;
      tracked.podIP = knownIP;
    }
    it = pods_.emplace(uid, tracked).first;
  }
  Tracked& tracked = it->second;
  const sim::TimePoint startedAt = tracked.firstSeen + startDelay_;

  sim::PodObservation observed;
  observed.hostIP = kSimulatedHostIP;
  observed.startTime = tracked.firstSeen;
  const bool started = now >= startedAt;
  if (started) {
    if (tracked.podIP.empty()) tracked.podIP = allocateAddress();
    observed.phase = "Running";
    observed.podIP = tracked.podIP;
  } else {
    observed.wakeAt = startedAt;
  }
  for (const auto& [name, image] : sim::podContainers(pod)) {
    sim::ContainerObservation container;
    container.name = name;
    container.image = image;
    if (started) {
      container.state = sim::ContainerObservation::State::Running;
      container.ready = true;
      container.startedAt = startedAt;
    } else {
      container.reason = "ContainerCreating";
    }
    observed.containers.push_back(std::move(container));
  }
  return observed;
}

bool SimulatedPodRuntime::stop(const std::string&, std::chrono::seconds) {
  return true;
}

void SimulatedPodRuntime::forget(const std::string& uid) {
  std::lock_guard lock(mutex_);
  auto it = pods_.find(uid);
  if (it == pods_.end()) return;
  addressesInUse_.erase(it->second.podIP);
  pods_.erase(it);
}

}  // namespace flotilla::apiserver
