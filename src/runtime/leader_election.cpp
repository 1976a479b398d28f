#include "runtime/leader_election.h"

#include <unistd.h>

#include <cstdlib>

#include "observability/logging.h"
#include "runtime/backoff.h"

namespace flotilla::runtime {

namespace {

// client-go's JitterFactor: a candidate retries after retryPeriod × [1, 1.2), so candidates drift apart.
constexpr double kRetryJitter = 0.2;

const observability::Logger& log() {
  static const observability::Logger logger("leader-election");
  return logger;
}

}  // namespace

std::optional<std::string> validate(const LeaderElectionConfig& config) {
  if (config.identity.empty()) return "leader election identity must not be empty";
  if (config.retryPeriod <= Duration::zero()) return "retryPeriod must be positive";
  if (config.renewDeadline <= std::chrono::duration_cast<Duration>(config.retryPeriod * (1.0 + kRetryJitter))) {
    return "renewDeadline must be greater than retryPeriod × 1.2";
  }
  if (config.leaseDuration <= config.renewDeadline) return "leaseDuration must be greater than renewDeadline";
  if (config.leaseDuration < std::chrono::seconds(1)) return "leaseDuration must be at least 1s";
  return std::nullopt;
}

std::string podOrHostName() {
  if (const char* pod = std::getenv("POD_NAME"); pod && *pod) return pod;
  char host[256] = {};
  return gethostname(host, sizeof host - 1) == 0 && host[0] ? host : "flotilla";
}

std::string defaultLeaderIdentity() {
  const std::string base = podOrHostName();
  std::mt19937_64 rng(Backoff::randomSeed());
  char suffix[17];
  std::snprintf(suffix, sizeof suffix, "%016llx", static_cast<unsigned long long>(rng()));
  return base + "_" + suffix;
}

LeaderElector::LeaderElector(LeaseStore& store, LeaderElectionConfig config, LeaderCallbacks callbacks,
                             const Clock& clock, MetricsFactory& metrics)
    : store_(store),
      config_(std::move(config)),
      callbacks_(std::move(callbacks)),
      clock_(clock),
      masterStatus_(metrics.gauge("leader_election_master_status",
                                  "Gauge of if the reporting system is master of the relevant lease, 0 indicates "
                                  "backup, 1 indicates master. 'name' is the string used to identify the lease.",
                                  {{"name", config_.name}})),
      rng_(static_cast<std::mt19937::result_type>(Backoff::randomSeed())) {
  masterStatus_->set(0);
}

LeaderElector::~LeaderElector() = default;

bool LeaderElector::isLeader() const {
  std::lock_guard lock(mutex_);
  return leading_ && clock_.now() < lastRenew_ + config_.renewDeadline;
}

std::string LeaderElector::observedLeader() const {
  std::lock_guard lock(mutex_);
  return observed_ ? observed_->record.holderIdentity : std::string();
}

void LeaderElector::observe(const Lease& lease, TimePoint now) {
  std::string previous;
  bool changed;
  {
    std::lock_guard lock(mutex_);
    changed = !observed_ || observed_->record != lease.record || observed_->resourceVersion != lease.resourceVersion;
    if (!changed) return;
    previous = observed_ ? observed_->record.holderIdentity : std::string();
    observed_ = lease;
    observedTime_ = now;
  }
  if (previous != lease.record.holderIdentity && !lease.record.holderIdentity.empty()) {
    log().info("new leader observed", {{"lease", store_.describe()}, {"leader", lease.record.holderIdentity}});
    if (callbacks_.onNewLeader) callbacks_.onNewLeader(lease.record.holderIdentity);
  }
}

bool LeaderElector::tryAcquireOrRenew() {
  // Taken before talking to the server: our idea of when we last renewed is never later than the write itself,
  // which keeps our renew deadline ahead of anyone else's expiry computation.
  const TimePoint now = clock_.now();
  const WallTime wallNow = clock_.wallNow();
  const int leaseSeconds = static_cast<int>(std::chrono::ceil<std::chrono::seconds>(config_.leaseDuration).count());

  auto current = store_.get();
  if (!current.ok()) {
    if (!current.is(kube::ErrorKind::NotFound)) {
      log().debug("could not read lease", {{"lease", store_.describe()}, {"error", current.error().toString()}});
      return false;
    }
    auto created = store_.create(LeaseRecord{config_.identity, leaseSeconds, wallNow, wallNow, 0});
    if (!created.ok()) return false;  // someone else created it first
    observe(*created, now);
    std::lock_guard lock(mutex_);
    lastRenew_ = now;
    return true;
  }

  observe(*current, now);
  const LeaseRecord& held = current->record;
  const bool heldByUs = held.holderIdentity == config_.identity;
  {
    std::lock_guard lock(mutex_);
    const bool expired = observedTime_ + std::chrono::seconds(held.leaseDurationSeconds) <= now;
    if (!held.holderIdentity.empty() && !heldByUs && !expired) return false;
  }

  LeaseRecord next{config_.identity, leaseSeconds, wallNow, wallNow, held.leaseTransitions + 1};
  if (heldByUs) {
    next.acquireTime = held.acquireTime;
    next.leaseTransitions = held.leaseTransitions;
  }
  auto updated = store_.update(Lease{next, current->resourceVersion});
  if (!updated.ok()) {
    log().debug("could not update lease", {{"lease", store_.describe()}, {"error", updated.error().toString()}});
    return false;
  }
  observe(*updated, now);
  std::lock_guard lock(mutex_);
  lastRenew_ = now;
  return true;
}

bool LeaderElector::release() {
  stopLeading();  // leader-only work ends before anyone else can take the lease
  Lease released;
  {
    std::lock_guard lock(mutex_);
    if (!observed_ || observed_->record.holderIdentity != config_.identity) return true;
    const WallTime wallNow = clock_.wallNow();
    released =
        Lease{LeaseRecord{"", 1, wallNow, wallNow, observed_->record.leaseTransitions}, observed_->resourceVersion};
  }
  auto updated = store_.update(released);
  if (!updated.ok()) {
    log().error("failed to release lease", {{"lease", store_.describe()}, {"error", updated.error().toString()}});
    return false;
  }
  observe(*updated, clock_.now());
  log().info("released lease", {{"lease", store_.describe()}, {"identity", config_.identity}});
  return true;
}

void LeaderElector::becomeLeader() {
  {
    std::lock_guard lock(mutex_);
    leading_ = true;
  }
  masterStatus_->set(1);
  log().info("became leader", {{"lease", store_.describe()}, {"identity", config_.identity}});
  if (callbacks_.onStartedLeading) callbacks_.onStartedLeading();
}

void LeaderElector::stopLeading() {
  {
    std::lock_guard lock(mutex_);
    if (!leading_) return;
    leading_ = false;
  }
  masterStatus_->set(0);
  if (callbacks_.onStoppedLeading) callbacks_.onStoppedLeading();
}

TimePoint LeaderElector::tick() {
  bool wasLeading;
  {
    std::lock_guard lock(mutex_);
    wasLeading = leading_;
  }
  const bool holds = tryAcquireOrRenew();
  const TimePoint now = clock_.now();
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const Duration jittered =
      std::chrono::duration_cast<Duration>(config_.retryPeriod * (1.0 + kRetryJitter * unit(rng_)));

  if (!wasLeading) {
    if (!holds) return now + jittered;
    becomeLeader();
    return now + config_.retryPeriod;
  }
  if (holds) return now + config_.retryPeriod;

  TimePoint deadline;
  {
    std::lock_guard lock(mutex_);
    deadline = lastRenew_ + config_.renewDeadline;
  }
  if (now < deadline) return std::min(now + config_.retryPeriod, deadline);
  log().error("leader election lost: could not renew the lease within the renew deadline",
              {{"lease", store_.describe()}, {"identity", config_.identity}});
  lost_ = true;
  stopLeading();
  return now + jittered;
}

void LeaderElector::run(std::stop_token stop) {
  log().info("attempting to acquire leader lease", {{"lease", store_.describe()}, {"identity", config_.identity}});
  while (!stop.stop_requested()) {
    const bool lostBefore = lost_;
    const TimePoint next = tick();
    if (lost_ && !lostBefore) return;
    clock_.sleepUntil(next, stop);
  }
  bool wasLeading;
  {
    std::lock_guard lock(mutex_);
    wasLeading = leading_;
  }
  if (wasLeading && config_.releaseOnStop) {
    release();
  } else {
    stopLeading();
  }
}

}  // namespace flotilla::runtime
