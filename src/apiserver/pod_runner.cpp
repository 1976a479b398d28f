#include "apiserver/pod_runner.h"

#include <unistd.h>
#include <algorithm>
#include <csignal>
#include <filesystem>
#include <set>

#include <spdlog/spdlog.h>

#include "apiserver/http_call.h"
#include "apiserver/object_meta.h"
#include "apiserver/sim_objects.h"

namespace flotilla::apiserver {

using nlohmann::json;
using SteadyClock = std::chrono::steady_clock;

namespace {

constexpr auto kShutdownGrace = std::chrono::seconds(3);
constexpr std::int64_t kDefaultGraceSeconds = 30;

// What a pod's containers kept in its scratch directory (pod_launch.h) goes with the pod.
void removeScratchDirectory(const std::string& uid) {
  const std::string directory = podScratchDirectory(uid);
  if (directory.empty()) return;
  std::error_code ec;
  std::filesystem::remove_all(directory, ec);
}

// Like a kubelet, the runner keeps what a container writes for `kubectl logs`, across restarts (appended), and
// bounded: past kMaxLogBytes the file starts afresh (writers append, so they carry on at the new end).
constexpr std::uintmax_t kMaxLogBytes = 10 * 1024 * 1024;  // the kubelet's default containerLogMaxSize

std::string prepareContainerLog(const std::string& uid, const std::string& container) {
  const std::string path = containerLogPath(uid, container);
  if (path.empty()) return path;
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  return ec ? std::string() : path;
}

void capContainerLog(const std::string& uid, const std::string& container) {
  const std::string path = containerLogPath(uid, container);
  if (path.empty()) return;
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (!ec && size > kMaxLogBytes) std::filesystem::resize_file(path, 0, ec);
}

std::string defaultBinary() {
  char buffer[4096];
  ssize_t n = readlink("/proc/self/exe", buffer, sizeof buffer - 1);
  return n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : "flotilla";
}

// A probe about to be sent, collected under the lock and run without it.
struct ProbeJob {
  std::string uid;
  std::size_t container = 0;
  std::uint64_t run = 0;
  enum class Kind { Http, Tcp, Pass } kind = Kind::Pass;
  HttpCall call;
  bool passed = false;
};

// A probe port: a number, or the name of one of the container's ports.
std::optional<std::uint16_t> probePort(const json& port, const json& container) {
  if (port.is_number_integer()) return port.get<std::uint16_t>();
  if (!port.is_string()) return std::nullopt;
  const json* ports = meta::find(container, "ports");
  if (ports && ports->is_array()) {
    for (const auto& p : *ports) {
      if (p.value("name", "") == port.get<std::string>() && p.contains("containerPort")) {
        return p["containerPort"].get<std::uint16_t>();
      }
    }
  }
  return std::nullopt;
}

}  // namespace

struct PodRunner::Container {
  std::string name;
  std::string image;
  json spec;
  bool runnable = false;
  std::unique_ptr<ChildProcess> process;
  std::uint64_t run = 0;  // counts starts, so a probe answer for an earlier run is dropped
  sim::TimePoint startedAt;
  SteadyClock::time_point steadyStartedAt;
  SteadyClock::time_point nextStart{};
  std::int64_t restartCount = 0;
  int backoffSteps = 0;
  bool ready = false;
  int successes = 0;
  int failures = 0;
  bool everStarted = false;
  bool finished = false;  // ended and not restarted (restartPolicy)
  std::string waitingReason = "ContainerCreating";
  std::string waitingMessage;
  std::optional<sim::ContainerObservation::Termination> terminated;
  std::optional<sim::ContainerObservation::Termination> lastTermination;
};

struct PodRunner::Pod {
  std::string uid;
  std::string namespace_;
  std::string name;
  json object;  // the pod as first seen (its spec does not change)
  std::string address;
  std::vector<std::uint16_t> ports;
  std::string restartPolicy = "Always";
  std::int64_t graceSeconds = kDefaultGraceSeconds;
  sim::TimePoint startTime;
  std::vector<Container> containers;
  std::string failedReason;
  std::string failedMessage;
  bool everReady = false;
  bool stopRequested = false;
  bool termSent = false;
  bool stopped = false;
  bool forgotten = false;
  SteadyClock::time_point stopDeadline;
};

PodRunner::PodRunner(PodRunnerOptions options, LaunchTable launches, EnvSourceLookup envSources)
    : options_([&] {
        if (options.flotillaBinary.empty()) options.flotillaBinary = defaultBinary();
        return options;
      }()),
      launches_(std::move(launches)),
      envSources_(std::move(envSources)),
      addresses_(options_.firstAddress) {
  thread_ = std::thread([this] { supervise(); });
}

PodRunner::~PodRunner() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

bool PodRunner::runs(const json& pod) const {
  for (const auto& [name, image] : sim::podContainers(pod)) {
    if (launches_.find(image)) return true;
  }
  return false;
}

void PodRunner::setChangeListener(std::function<void(const std::string&)> listener) {
  std::lock_guard lock(mutex_);
  listener_ = std::move(listener);
}

sim::PodObservation PodRunner::observe(const json& pod, sim::TimePoint now) {
  std::lock_guard lock(mutex_);
  const std::string uid = meta::uid(pod);
  auto it = pods_.find(uid);
  if (it == pods_.end()) {
    auto tracked = std::make_unique<Pod>();
    tracked->uid = uid;
    tracked->namespace_ = meta::namespaceOf(pod);
    tracked->name = meta::name(pod);
    tracked->object = pod;
    tracked->startTime = now;
    tracked->restartPolicy = meta::stringAt(pod, "spec.restartPolicy");
    if (tracked->restartPolicy.empty()) tracked->restartPolicy = "Always";
    tracked->graceSeconds = sim::intAt(pod, "spec.terminationGracePeriodSeconds", kDefaultGraceSeconds);
    std::set<std::uint16_t> ports;
    const json* containers = meta::find(pod, "spec.containers");
    for (const auto& spec : containers && containers->is_array() ? *containers : json::array()) {
      Container container;
      container.name = spec.value("name", "");
      container.image = spec.value("image", "");
      container.spec = spec;
      container.runnable = launches_.find(container.image) != nullptr;
      if (container.runnable) {
        const json* containerPorts = meta::find(spec, "ports");
        for (const auto& p : containerPorts && containerPorts->is_array() ? *containerPorts : json::array()) {
          if (p.value("protocol", "TCP") == "TCP" && p.contains("containerPort")) {
            ports.insert(p["containerPort"].get<std::uint16_t>());
          }
        }
        if (!containerPorts) ports.insert(firstContainerPort(spec, 8080));
      }
      tracked->containers.push_back(std::move(container));
    }
    tracked->ports.assign(ports.begin(), ports.end());
    it = pods_.emplace(uid, std::move(tracked)).first;
    wake_.notify_all();  // start it now rather than at the next tick
  }
  return observationOf(*it->second);
}

bool PodRunner::stop(const std::string& uid, std::chrono::seconds grace) {
  std::unique_lock lock(mutex_);
  auto it = pods_.find(uid);
  if (it == pods_.end()) return true;
  Pod& pod = *it->second;
  if (!pod.stopRequested) {
    pod.stopRequested = true;
    pod.stopDeadline = SteadyClock::now() + grace;
    lock.unlock();
    wake_.notify_all();
    return false;
  }
  return pod.stopped;
}

void PodRunner::forget(const std::string& uid) {
  std::unique_lock lock(mutex_);
  auto it = pods_.find(uid);
  if (it == pods_.end()) return;
  Pod& pod = *it->second;
  pod.forgotten = true;
  if (!pod.stopRequested) {
    pod.stopRequested = true;
    pod.stopDeadline = SteadyClock::now() + std::chrono::seconds(pod.graceSeconds);
  }
  lock.unlock();
  wake_.notify_all();
}

pid_t PodRunner::pidOf(const std::string& uid, const std::string& container) const {
  std::lock_guard lock(mutex_);
  auto it = pods_.find(uid);
  if (it == pods_.end()) return 0;
  for (const auto& c : it->second->containers) {
    if (c.name == container && c.process) return c.process->pid();
  }
  return 0;
}

void PodRunner::supervise() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    std::set<std::string> changed;
    std::vector<ProbeJob> probes;
    for (auto it = pods_.begin(); it != pods_.end();) {
      Pod& pod = *it->second;
      if (tick(pod)) changed.insert(pod.namespace_);
      if (pod.stopped && pod.forgotten) {
        removeScratchDirectory(pod.uid);
        it = pods_.erase(it);
        continue;
      }
      if (!pod.stopRequested) {
        for (std::size_t i = 0; i < pod.containers.size(); ++i) {
          Container& c = pod.containers[i];
          if (!c.runnable || !c.process) continue;
          ProbeJob job;
          job.uid = pod.uid;
          job.container = i;
          job.run = c.run;
          const json* readiness = meta::find(c.spec, "readinessProbe");
          std::int64_t timeoutSeconds = readiness ? sim::intAt(*readiness, "timeoutSeconds", 1) : 1;
          auto timeout = std::min(options_.probeTimeout, std::chrono::milliseconds(timeoutSeconds * 1000));
          job.call.host = pod.address;
          job.call.timeout = timeout;
          if (readiness && readiness->contains("httpGet")) {
            const json& get = (*readiness)["httpGet"];
            auto port = probePort(get.value("port", json()), c.spec);
            job.kind = ProbeJob::Kind::Http;
            job.call.port = port.value_or(0);
            job.call.target = get.value("path", "/");
            if (get.contains("httpHeaders") && get["httpHeaders"].is_array()) {
              for (const auto& h : get["httpHeaders"]) job.call.headers[h.value("name", "")] = h.value("value", "");
            }
          } else if (readiness && readiness->contains("tcpSocket")) {
            job.kind = ProbeJob::Kind::Tcp;
            job.call.port = probePort((*readiness)["tcpSocket"].value("port", json()), c.spec).value_or(0);
          } else if (readiness) {
            job.kind = ProbeJob::Kind::Pass;  // exec / grpc probes cannot be emulated: they pass
          } else if (meta::find(c.spec, "ports")) {
            // No probe: a kubelet would call it ready once running; waiting for the port keeps tests from
            // racing a server that is still starting.
            job.kind = ProbeJob::Kind::Tcp;
            job.call.port = firstContainerPort(c.spec, 0);
          }
          probes.push_back(std::move(job));
        }
      }
      ++it;
    }

    lock.unlock();
    for (auto& job : probes) {
      switch (job.kind) {
        case ProbeJob::Kind::Http: {
          auto outcome = performHttpCall(job.call);
          job.passed = outcome.ok() && outcome.reply->status >= 200 && outcome.reply->status < 400;
          break;
        }
        case ProbeJob::Kind::Tcp:
          job.passed = job.call.port != 0 && tcpConnects(job.call.host, job.call.port, job.call.timeout);
          break;
        case ProbeJob::Kind::Pass:
          job.passed = true;
          break;
      }
    }
    lock.lock();
    for (const auto& job : probes) {
      auto it = pods_.find(job.uid);
      if (it == pods_.end() || it->second->stopRequested) continue;
      Container& c = it->second->containers[job.container];
      if (!c.process || c.run != job.run) continue;
      const json* readiness = meta::find(c.spec, "readinessProbe");
      std::int64_t successThreshold = readiness ? sim::intAt(*readiness, "successThreshold", 1) : 1;
      std::int64_t failureThreshold = readiness ? sim::intAt(*readiness, "failureThreshold", 3) : 3;
      bool before = c.ready;
      if (job.passed) {
        c.failures = 0;
        if (++c.successes >= successThreshold) c.ready = it->second->everReady = true;
      } else {
        c.successes = 0;
        if (++c.failures >= failureThreshold) c.ready = false;
      }
      if (c.ready != before) changed.insert(it->second->namespace_);
    }

    auto listener = listener_;
    if (!changed.empty() && listener) {
      lock.unlock();
      for (const auto& ns : changed) listener(ns);
      lock.lock();
    }
    if (stopping_) break;
    wake_.wait_for(lock, options_.probeInterval);
  }

  // Shutting down: SIGTERM everything, give it a moment, then let the ChildProcess destructors SIGKILL the rest.
  // (This must happen on this thread: children die with the thread that started them.)
  for (auto& [uid, pod] : pods_) {
    for (auto& c : pod->containers) {
      if (c.process) c.process->signal(SIGTERM);
    }
  }
  auto deadline = SteadyClock::now() + kShutdownGrace;
  for (auto& [uid, pod] : pods_) {
    for (auto& c : pod->containers) {
      if (!c.process) continue;
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
      c.process->waitFor(std::max(left, std::chrono::milliseconds(0)));
      c.process.reset();
    }
    if (!pod->address.empty()) addresses_.release(pod->address);
    removeScratchDirectory(uid);
  }
  pods_.clear();
}

bool PodRunner::tick(Pod& pod) {
  if (pod.stopRequested) return stopTick(pod);
  bool changed = false;
  if (pod.failedReason.empty() && pod.address.empty()) {
    // A pod that ran before (the emulator restarted) gets its old address back if it is free.
    auto address = addresses_.allocate(pod.ports, meta::stringAt(pod.object, "status.podIP"));
    if (!address) {
      pod.failedReason = "AddressUnavailable";
      pod.failedMessage = "no loopback address has the pod's ports free";
      return true;
    }
    pod.address = *address;
    changed = true;
  }
  if (!pod.failedReason.empty()) return changed;
  for (auto& c : pod.containers) {
    if (c.runnable) changed |= checkExit(pod, c);
    if (c.process) capContainerLog(pod.uid, c.name);
  }
  changed |= relocateIfPortsTaken(pod);
  for (auto& c : pod.containers) {
    if (c.runnable && !c.process && !c.finished && SteadyClock::now() >= c.nextStart) changed |= startContainer(pod, c);
  }
  return changed;
}

bool PodRunner::relocateIfPortsTaken(Pod& pod) {
  // Another program (another emulator running tests in parallel) may have taken the address between allocation
  // and the container's start: the container then exits at once, before it was ever ready. While none of the
  // pod's containers runs, a port that cannot be bound is someone else's: move the pod to a free address.
  if (pod.everReady || pod.address.empty()) return false;
  for (const auto& c : pod.containers) {
    if (c.process) return false;
  }
  bool taken = false;
  for (auto port : pod.ports) taken = taken || !LoopbackAddressPool::canBind(pod.address, port);
  if (!taken) return false;
  auto address = addresses_.allocate(pod.ports);
  if (!address) return false;
  spdlog::debug("pod {}/{}: {} is taken by another program, moving to {}", pod.namespace_, pod.name, pod.address,
                *address);
  addresses_.release(pod.address);
  pod.address = *address;
  for (auto& c : pod.containers) c.nextStart = SteadyClock::now();
  return true;
}

bool PodRunner::startContainer(Pod& pod, Container& c) {
  const LaunchBuilder* builder = launches_.find(c.image);
  std::string error;
  std::optional<ContainerLaunch> launch;
  if (builder) {
    LaunchContext context{pod.object, c.spec, pod.address, options_.flotillaBinary, &envSources_, options_.kubeconfig};
    launch = (*builder)(context, error);
  }
  auto backOff = [&](std::string reason, std::string message) {
    c.waitingReason = std::move(reason);
    c.waitingMessage = std::move(message);
    c.nextStart = SteadyClock::now() + options_.restartBackoff;
    return true;
  };
  if (!launch) return backOff("CreateContainerConfigError", error);
  ChildSpec spec;
  spec.argv = launch->argv;
  spec.env = launch->env;
  spec.inheritEnvironment = false;  // a container sees only its own environment
  spec.env.emplace("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
  spec.env.emplace("HOSTNAME", pod.name);
  spec.silenceOutput = options_.silenceOutput;
  if (options_.silenceOutput) spec.outputFile = prepareContainerLog(pod.uid, c.name);
  auto process = ChildProcess::spawn(spec, error);
  if (!process) return backOff("RunContainerError", error);
  spdlog::debug("pod {}/{}: started container {} (pid {}) on {}", pod.namespace_, pod.name, c.name, process->pid(),
                pod.address);
  c.process = std::move(process);
  c.run += 1;
  c.startedAt = std::chrono::system_clock::now();
  c.steadyStartedAt = SteadyClock::now();
  c.ready = false;
  c.successes = c.failures = 0;
  c.everStarted = true;
  c.waitingReason.clear();
  c.waitingMessage.clear();
  return true;
}

bool PodRunner::checkExit(Pod& pod, Container& c) {
  if (!c.process) return false;
  auto exit = c.process->poll();
  if (!exit) return false;
  sim::ContainerObservation::Termination ended;
  ended.exitCode = exit->signal ? 128 + exit->signal : exit->exitCode;
  ended.reason = ended.exitCode == 0 ? "Completed" : "Error";
  ended.startedAt = c.startedAt;
  ended.finishedAt = std::chrono::system_clock::now();
  spdlog::debug("pod {}/{}: container {} {}", pod.namespace_, pod.name, c.name, exit->describe());
  c.process.reset();
  c.ready = false;
  bool restart = pod.restartPolicy == "Always" || (pod.restartPolicy == "OnFailure" && ended.exitCode != 0);
  if (!restart) {
    c.terminated = ended;
    c.finished = true;
    return true;
  }
  // A container that ran for a good while starts its back-off afresh, as the kubelet's does.
  if (SteadyClock::now() - c.steadyStartedAt > 2 * options_.maxRestartBackoff) c.backoffSteps = 0;
  auto delay = options_.restartBackoff * (1LL << std::min(c.backoffSteps, 20));
  delay = std::min<std::chrono::milliseconds>(delay, options_.maxRestartBackoff);
  c.backoffSteps += 1;
  c.restartCount += 1;
  c.lastTermination = ended;
  c.nextStart = SteadyClock::now() + delay;
  c.waitingReason = "CrashLoopBackOff";
  c.waitingMessage = "back-off " + std::to_string(delay.count()) + "ms restarting failed container=" + c.name +
                     " pod=" + pod.name + "_" + pod.namespace_ + "(" + pod.uid + ")";
  return true;
}

bool PodRunner::stopTick(Pod& pod) {
  bool changed = false;
  if (!pod.termSent) {
    for (auto& c : pod.containers) {
      if (c.process) c.process->signal(SIGTERM);
    }
    pod.termSent = true;
    changed = true;
  }
  bool running = false;
  for (auto& c : pod.containers) {
    if (!c.process) continue;
    if (auto exit = c.process->poll()) {
      c.terminated = sim::ContainerObservation::Termination{exit->signal ? 128 + exit->signal : exit->exitCode,
                                                            "Completed", c.startedAt, std::chrono::system_clock::now()};
      c.process.reset();
      c.ready = false;
      c.finished = true;
      changed = true;
      continue;
    }
    running = true;
    if (SteadyClock::now() >= pod.stopDeadline) c.process->signal(SIGKILL);
  }
  if (!running && !pod.stopped) {
    pod.stopped = true;
    if (!pod.address.empty()) addresses_.release(pod.address);
    changed = true;
  }
  return changed;
}

sim::PodObservation PodRunner::observationOf(const Pod& pod) const {
  sim::PodObservation observed;
  observed.hostIP = "127.0.0.1";
  observed.startTime = pod.startTime;
  observed.podIP = pod.stopped ? "" : pod.address;
  bool anyStarted = false, allFinished = true, allSucceeded = true;
  for (const auto& c : pod.containers) {
    sim::ContainerObservation container;
    container.name = c.name;
    container.image = c.image;
    container.restartCount = c.restartCount;
    container.lastTermination = c.lastTermination;
    if (!c.runnable) {
      // Not runnable here: simulated as running and ready from the pod's start.
      container.state = sim::ContainerObservation::State::Running;
      container.ready = !pod.stopped;
      container.startedAt = pod.startTime;
      allFinished = false;
    } else if (c.process) {
      container.state = sim::ContainerObservation::State::Running;
      container.ready = c.ready;
      container.startedAt = c.startedAt;
      anyStarted = true;
      allFinished = false;
    } else if (c.finished) {
      container.state = sim::ContainerObservation::State::Terminated;
      container.terminated = c.terminated;
      anyStarted = true;
      allSucceeded = allSucceeded && c.terminated && c.terminated->exitCode == 0;
    } else {
      container.reason = c.waitingReason.empty() ? "ContainerCreating" : c.waitingReason;
      container.message = c.waitingMessage;
      anyStarted = anyStarted || c.everStarted;
      allFinished = false;
    }
    observed.containers.push_back(std::move(container));
  }
  if (!pod.failedReason.empty()) {
    observed.phase = "Failed";
    observed.reason = pod.failedReason;
    observed.message = pod.failedMessage;
  } else if (allFinished && !pod.containers.empty() && !pod.stopRequested) {
    observed.phase = allSucceeded ? "Succeeded" : "Failed";
  } else {
    observed.phase = anyStarted ? "Running" : "Pending";
  }
  return observed;
}

}  // namespace flotilla::apiserver
