#include "gateway/agent.h"

#include <sys/stat.h>

#include <filesystem>

#include "gateway/certificates.h"
#include "gateway/config_validator.h"
#include "gateway/endpoint_sync.h"
#include "gateway/open_circuits.h"
#include "render/endpoint_slots.h"

namespace flotilla::gateway {
namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kLivenessStall = std::chrono::seconds(90);  // a pass never takes this long, reloads included
constexpr auto kEndpointListWait = std::chrono::seconds(5);

std::string certDirOf(const AgentOptions& options) {
  return options.certDir.empty() ? options.runtimeDir + "/certs" : options.certDir;
}

HaproxyOptions haproxyOptions(const AgentOptions& options) {
  HaproxyOptions h;
  h.binary = options.haproxyBinary;
  h.runtimeDir = options.runtimeDir;
  h.environment = options.haproxyEnvironment;
  h.environment["FLOTILLA_RUNTIME_DIR"] = options.runtimeDir;
  h.environment["FLOTILLA_CERT_DIR"] = certDirOf(options);
  return h;
}

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

Agent::Agent(AgentOptions options, std::shared_ptr<kube::Client> client, observability::MetricsRegistry& registry)
    : options_(std::move(options)),
      client_(std::move(client)),
      registry_(registry),
      log_(observability::Logger("gateway").with(
          {{"configMap", options_.configMapNamespace + "/" + options_.configMapName}})),
      runtimeMetrics_(registry),
      metrics_(registry),
      haproxyOptions_(haproxyOptions(options_)),
      haproxy_(haproxyOptions_),
      configSource_(
          client_, options_.configMapNamespace, options_.configMapName, [this] { wake(); }, runtimeMetrics_),
      endpointSource_(
          client_, [this] { wake(); }, runtimeMetrics_),
      reporter_(client_, options_.podNamespace, options_.podName, options_.statusRetry) {
  health_.addLivenessCheck("agent", [this]() -> std::optional<std::string> {
    const auto last = Clock::time_point(Clock::duration(heartbeat_.load()));
    if (Clock::now() - last > kLivenessStall) return "the agent loop has not run for over 90 s";
    return std::nullopt;
  });
  health_.addLivenessCheck("haproxy-master", [this]() -> std::optional<std::string> {
    // Before the first config there is no HAProxy yet, and during a reload the master re-executes itself.
    if (!ready_.load() || reloading_.load()) return std::nullopt;
    std::string error;
    if (haproxy_.masterCli().showProc(error)) return std::nullopt;
    if (reloading_.load()) return std::nullopt;  // a reload began while we asked
    return "master CLI does not answer: " + error;
  });
  health_.addReadinessCheck("config-loaded", [this]() -> std::optional<std::string> {
    if (ready_.load()) return std::nullopt;
    return "no gateway config loaded yet";
  });
}

Agent::~Agent() {
  configSource_.stop();
  endpointSource_.stop();
}

// `haproxy -c` sees the same environment as the master: the config expands the same variables.
ValidatorOptions Agent::validatorOptions() const {
  return {haproxyOptions_.binary, haproxyOptions_.environment};
}

void Agent::wake() {
  std::lock_guard lock(wakeMutex_);
  woken_ = true;
  wakeCv_.notify_all();
}

bool Agent::prepareRuntimeDir() {
  std::error_code ec;
  for (const auto& dir : {options_.runtimeDir, certDirOf(options_)}) {
    std::filesystem::create_directories(dir, ec);
    if (ec) {
      log_.error("cannot create directory", {{"path", dir}, {"error", ec.message()}});
      return false;
    }
  }
  chmod(options_.runtimeDir.c_str(), 0700);  // sockets and certificates: the agent's user only
  return true;
}

bool Agent::startEndpoints() {
  if (observability::isDisabledBindAddress(options_.agentAddress)) return true;
  std::vector<observability::EndpointRoute> routes;
  routes.push_back({"/healthz", [this](const observability::EndpointRequest& request) {
                      return health_.liveness(request.query.find("verbose") != std::string::npos);
                    }});
  routes.push_back({"/readyz", [this](const observability::EndpointRequest& request) {
                      return health_.readiness(request.query.find("verbose") != std::string::npos);
                    }});
  routes.push_back(
      {"/metrics", [this](const observability::EndpointRequest&) {
         return observability::EndpointResponse{200, "text/plain; version=0.0.4; charset=utf-8", registry_.serialize()};
       }});
  auto started = observability::EndpointServer::start(options_.agentAddress, std::move(routes));
  if (!started) {
    log_.error("cannot serve the agent endpoints", {{"address", options_.agentAddress}, {"error", started.error}});
    return false;
  }
  server_ = std::move(started.server);
  agentPort_ = server_->port();
  log_.info("serving /metrics, /healthz, /readyz", {{"address", options_.agentAddress}, {"port", agentPort_.load()}});
  return true;
}

// After an agent restart: adopt the HAProxy still running, or restart the last good config from disk, so traffic
// is served before (or without) the API server.
void Agent::recoverFromDisk() {
  if (auto text = readFile(haproxy_.paths().lastGood)) {
    auto json = nlohmann::json::parse(*text, nullptr, false);
    loaded_ = gatewayConfigFromJson(json);
  }
  if (haproxy_.adopt()) {
    log_.info("adopted the running HAProxy",
              {{"pid", haproxy_.masterPid()}, {"loadedHash", loaded_ ? loaded_->hash : std::string()}});
  } else if (loaded_ && std::filesystem::exists(haproxy_.paths().config)) {
    if (validateConfigFile(haproxy_.paths().config, validatorOptions()).valid) {
      const auto started = haproxy_.start();
      log_.info("restarted HAProxy with the last good config", {{"ok", started.ok}, {"error", started.error}});
    }
  }
  if (!haproxy_.running()) loaded_.reset();  // nothing serves: the next pass loads from the ConfigMap
  if (loaded_) {
    metrics_.configLoaded(loaded_->hash);
    ready_ = true;
    report();
  }
}

void Agent::report() {
  LoadedStatus status;
  if (loaded_) {
    status.loadedHash = loaded_->hash;
    status.loadedGeneration = loaded_->generation;
    status.openCircuits = render::encodeOpenCircuits(reportedCircuits(breakers_.circuits(), loaded_->backends));
  }
  if (!configMapError_.empty()) {
    status.error = truncateMessage("ConfigMap " + options_.configMapName + ": " + configMapError_);
  } else if (!rejectedHash_.empty() && (!loaded_ || loaded_->hash != rejectedHash_)) {
    status.error = rejectedError_;
    status.errorHash = rejectedHash_;
  }
  reporter_.publish(status);
}

// The latest ConfigMap holds the text HAProxy serves already (e.g. a bad edit was reverted, or the Gateway changed
// without changing the config): any earlier rejection is over, and the generation moves on without a reload.
void Agent::noteServing(const GatewayConfig& latest) {
  bool changed = !rejectedHash_.empty();
  rejectedHash_.clear();
  rejectedError_.clear();
  if (latest.generation != loaded_->generation || latest.gateway != loaded_->gateway) {
    loaded_->generation = latest.generation;
    loaded_->gateway = latest.gateway;
    std::string error;
    if (!writeFileAtomically(haproxy_.paths().lastGood, toJson(*loaded_).dump(), error)) {
      log_.warn("cannot keep the last good config on disk", {{"error", error}});
    }
    changed = true;
  }
  if (changed) report();
}

// The new config is what HAProxy serves already, endpoints filled in (servesTheSame): it becomes the loaded one
// without a reload, so endpoint-only changes (a Microservice scaled within its slots) never reload.
void Agent::takeOver(const GatewayConfig& config) {
  loaded_ = config;
  rejectedHash_.clear();
  rejectedError_.clear();
  std::string error;
  if (!writeFileAtomically(haproxy_.paths().lastGood, toJson(config).dump(), error)) {
    log_.warn("cannot keep the last good config on disk", {{"error", error}});
  }
  metrics_.configLoaded(config.hash);
  log_.info("took over the config without reload: HAProxy serves it already",
            {{"hash", config.hash}, {"generation", config.generation}});
  report();
  syncRuntimeState();  // backends.json may carry new limits or breaker settings
}

void Agent::rejected(const GatewayConfig& config, const std::string& error) {
  rejectedHash_ = config.hash;
  rejectedError_ = error.empty() ? "the config could not be loaded" : error;
  rejectedAt_ = Clock::now();
  metrics_.reloaded(false, 0);
  log_.error("config not loaded; the previous one keeps serving",
             {{"hash", config.hash}, {"generation", config.generation}, {"error", rejectedError_}});
  report();
}

bool Agent::load(const GatewayConfig& config) {
  const auto started = Clock::now();
  const std::string text = render::applyEndpoints(config.text, config.backends, endpointSource_.endpoints());
  const auto& paths = haproxy_.paths();
  if (auto error =
          writeCertificates(*client_, options_.configMapNamespace, referencedCertificates(text), certDirOf(options_));
      !error.empty()) {
    rejected(config, error);
    return false;
  }
  std::string error;
  if (!writeFileAtomically(paths.candidate, text, error)) {
    rejected(config, error);
    return false;
  }
  const auto validation = validateConfigFile(paths.candidate, validatorOptions());
  if (!validation.valid) {
    rejected(config, validation.errors);
    return false;
  }
  const bool hadConfig = std::filesystem::exists(paths.config);
  std::error_code ec;
  if (hadConfig)
    std::filesystem::copy_file(paths.config, paths.previousConfig, std::filesystem::copy_options::overwrite_existing,
                               ec);
  std::filesystem::rename(paths.candidate, paths.config, ec);
  if (ec) {
    rejected(config, "cannot install the config: " + ec.message());
    return false;
  }
  const bool wasRunning = haproxy_.running();
  reloading_ = true;
  const LoadResult result = wasRunning ? haproxy_.reload() : haproxy_.start();
  reloading_ = false;
  if (!result.ok) {
    // Keep the file on disk equal to what serves (or to the last good config, for the next start).
    if (hadConfig)
      std::filesystem::copy_file(paths.previousConfig, paths.config, std::filesystem::copy_options::overwrite_existing,
                                 ec);
    rejected(config, result.error);
    return false;
  }
  loaded_ = config;
  if (!writeFileAtomically(paths.lastGood, toJson(config).dump(), error)) {
    log_.warn("cannot keep the last good config on disk", {{"error", error}});
  }
  rejectedHash_.clear();
  rejectedError_.clear();
  breakers_.resetCounters();
  metrics_.reloaded(true, secondsSince(started));
  metrics_.configLoaded(config.hash);
  ready_ = true;
  log_.info(wasRunning ? "reloaded HAProxy" : "started HAProxy", {{"hash", config.hash},
                                                                  {"generation", config.generation},
                                                                  {"pid", haproxy_.masterPid()},
                                                                  {"seconds", secondsSince(started)}});
  report();
  // Runtime state does not survive a reload: re-apply the breaker holds and any endpoint change since rendering.
  syncRuntimeState();
  return true;
}

// One round of `show servers state` + `show stat`: breaker holds first, then endpoint changes. Returns true when
// a backend has more usable endpoints than slots (the caller reloads with the endpoints rendered in).
bool Agent::syncRuntimeState() {
  // Until every backend namespace has been listed, "no endpoints" may only mean "not known yet": syncing then would
  // put live servers into maintenance (right after an adoption, say).
  if (!loaded_ || !haproxy_.running() || !endpointSource_.synced()) return false;
  const AdminSocket& admin = haproxy_.admin();
  std::string error;
  auto stats = admin.serverStats(error);
  if (!stats) {
    log_.warn("cannot read server stats", {{"error", error}});
    return false;
  }
  const auto breakerCommands = breakers_.observe(*stats, loaded_->backends, Clock::now());
  for (const auto& command : breakerCommands) {
    const auto answer = admin.command(command);
    const auto errors = answer.ok() ? runtimeCommandErrors(answer.text) : std::vector<std::string>{answer.error};
    if (!errors.empty()) log_.warn("breaker command failed", {{"command", command}, {"error", errors.front()}});
  }
  const auto transitions = breakers_.takeTransitions();
  for (const auto& change : transitions) {
    metrics_.circuit(loaded_->gateway, change.key, change.route, change.to);
    log_.info("circuit " + std::string(toString(change.to)), {{"route", change.route},
                                                              {"backend", change.key.backend},
                                                              {"endpoint", change.key.endpoint},
                                                              {"from", toString(change.from)}});
  }
  if (!transitions.empty()) report();  // the open circuits on the Pod
  if (!breakerCommands.empty()) stats = admin.serverStats(error);
  auto states = admin.serversState(error);
  if (!states || !stats) {
    log_.warn("cannot read server state", {{"error", error}});
    return false;
  }
  const auto endpoints = endpointSource_.endpoints();
  std::size_t updated = 0;
  bool exhausted = false;
  std::vector<GatewayMetrics::CircuitSeries> served;
  const SlotsByBackend slots = slotsByBackend(*states, *stats);
  const std::vector<render::Endpoint> noEndpoints;
  const std::vector<SlotState> noSlots;
  for (const auto& backend : loaded_->backends) {
    const auto found = endpoints.find(backend.microservice);
    const auto slotsFound = slots.find(backend.backend);
    const auto plan =
        planEndpointSync(backend, slotsFound == slots.end() ? noSlots : slotsFound->second,
                         found == endpoints.end() ? noEndpoints : found->second, breakers_.heldOpen(backend.backend));
    exhausted = exhausted || plan.slotsExhausted;
    for (const auto& endpoint : plan.usableEndpoints) {
      const CircuitKey key{backend.backend, endpoint};
      const auto circuit = breakers_.circuits().find(key);
      served.push_back(
          {key, backend.route, circuit == breakers_.circuits().end() ? CircuitState::Closed : circuit->second.state});
    }
    for (const auto& update : plan.updates) {
      const auto answer = admin.command(update.commandLine());
      const auto errors = answer.ok() ? runtimeCommandErrors(answer.text) : std::vector<std::string>{answer.error};
      if (!errors.empty()) {
        log_.warn("runtime API command failed", {{"command", update.commandLine()}, {"error", errors.front()}});
        continue;
      }
      ++updated;
      log_.debug("endpoint slot updated", {{"backend", backend.backend}, {"command", update.commandLine()}});
    }
  }
  metrics_.circuits(loaded_->gateway, served);
  if (updated > 0) {
    metrics_.endpointUpdates(updated);
    log_.info("endpoints updated without reload", {{"servers", updated}});
  }
  return exhausted;
}

void Agent::pass() {
  heartbeat_ = Clock::now().time_since_epoch().count();
  const auto snapshot = configSource_.current();
  configMapError_ = snapshot.present && !snapshot.config ? snapshot.error : std::string();
  if (loaded_) endpointSource_.watchNamespaces(backendNamespaces(*loaded_));
  if (snapshot.config) endpointSource_.watchNamespaces(backendNamespaces(*snapshot.config));
  if (!configMapError_.empty()) report();

  const GatewayConfig* wanted = snapshot.config ? &*snapshot.config : nullptr;
  if (wanted && loaded_ && wanted->hash == loaded_->hash) noteServing(*wanted);
  const bool retryRejected = Clock::now() - rejectedAt_ >= options_.rejectedRetry;
  const bool isNew =
      wanted && (!loaded_ || wanted->hash != loaded_->hash) && (wanted->hash != rejectedHash_ || retryRejected);
  if (isNew && !endpointSource_.synced()) {
    // Render the first version of a config with its endpoints in place rather than filling them a moment later;
    // the informers wake the loop as they list. An API server that does not answer delays nothing for long.
    if (!waitingForEndpointsSince_) waitingForEndpointsSince_ = Clock::now();
    if (Clock::now() - *waitingForEndpointsSince_ < kEndpointListWait) return;
  }
  waitingForEndpointsSince_.reset();
  if (isNew && loaded_ && haproxy_.running() && endpointSource_.synced() &&
      servesTheSame(*loaded_, *wanted, endpointSource_.endpoints())) {
    takeOver(*wanted);
  } else if (isNew) {
    load(*wanted);
  } else if (!haproxy_.running()) {
    // HAProxy died (a worker crash takes the master with it): serve the last good config again.
    if (loaded_) {
      log_.warn("HAProxy is not running; starting it again with the last good config", {{"hash", loaded_->hash}});
      const GatewayConfig lastGood = *loaded_;
      ready_ = false;
      if (!load(lastGood)) loaded_.reset();
    }
  } else if (syncRuntimeState() && loaded_) {
    log_.info("endpoint slots exhausted; reloading with the endpoints rendered in", {{"hash", loaded_->hash}});
    const GatewayConfig current = *loaded_;
    load(current);
  }
  heartbeat_ = Clock::now().time_since_epoch().count();
}

int Agent::run(std::stop_token stop) {
  heartbeat_ = Clock::now().time_since_epoch().count();
  if (!prepareRuntimeDir() || !startEndpoints()) return 1;
  recoverFromDisk();
  configSource_.start();
  log_.info("gateway agent running", {{"runtimeDir", options_.runtimeDir}, {"pod", options_.podName}});
  std::stop_callback onStop(stop, [this] { wake(); });
  while (!stop.stop_requested()) {
    pass();
    std::unique_lock lock(wakeMutex_);
    wakeCv_.wait_for(lock, options_.pollInterval, [&] { return woken_ || stop.stop_requested(); });
    woken_ = false;
  }
  log_.info("stopping: HAProxy finishes its connections", {{"graceSeconds", options_.stopGrace.count() / 1000}});
  ready_ = false;
  configSource_.stop();
  endpointSource_.stop();
  haproxy_.stop(options_.stopGrace);
  server_.reset();
  return 0;
}

}  // namespace flotilla::gateway
