#pragma once
// Leader election on a coordination.k8s.io/v1 Lease, with client-go's algorithm:
//  - a candidate takes the lease when it is free (no holder: released) or expired: nobody renewed it for its
//    leaseDurationSeconds, measured on the candidate's own clock from when it last saw the record change (so
//    clock skew between machines does not matter);
//  - the leader renews every retryPeriod; if it cannot renew for renewDeadline it stops leading. Because
//    renewDeadline < leaseDuration, a leader always gives up before anyone else may take over;
//  - writes use optimistic concurrency (resourceVersion): of two racing candidates one gets 409 and stays follower;
//  - on clean shutdown the leader releases the lease (empty holder, leaseDurationSeconds 1) so a standby takes over
//    at its next retry instead of waiting out the lease.
// Metric: leader_election_master_status{name} (1 while leading).

#include <atomic>
#include <functional>
#include <mutex>
#include <optional>
#include <random>
#include <string>

#include "kube/result.h"
#include "runtime/clock.h"
#include "runtime/metrics.h"

namespace flotilla::runtime {

struct LeaseRecord {
  std::string holderIdentity;
  int leaseDurationSeconds = 0;
  std::optional<WallTime> acquireTime;
  std::optional<WallTime> renewTime;
  int leaseTransitions = 0;
  bool operator==(const LeaseRecord&) const = default;
};

struct Lease {
  LeaseRecord record;
  std::string resourceVersion;
};

// Access to one Lease object (namespace and name fixed by the implementation).
class LeaseStore {
 public:
  virtual ~LeaseStore() = default;
  virtual kube::Result<Lease> get() = 0;                              // NotFound when there is none yet
  virtual kube::Result<Lease> create(const LeaseRecord& record) = 0;  // AlreadyExists when another was first
  virtual kube::Result<Lease> update(const Lease& lease) = 0;         // Conflict when resourceVersion is stale
  virtual std::string describe() const = 0;                           // "namespace/name", for logs
};

struct LeaderElectionConfig {
  std::string name;      // the lease name: label of leader_election_master_status and logs
  std::string identity;  // unique per process: defaultLeaderIdentity()
  Duration leaseDuration = std::chrono::seconds(15);
  Duration renewDeadline = std::chrono::seconds(10);
  Duration retryPeriod = std::chrono::seconds(2);
  bool releaseOnStop = true;
};

// Why a configuration cannot work (leaseDuration > renewDeadline > 1.2 × retryPeriod > 0, identity set), or nullopt.
std::optional<std::string> validate(const LeaderElectionConfig& config);

// $POD_NAME when set (the Downward API), else the host name.
std::string podOrHostName();
// podOrHostName() + "_" + a random suffix, so two processes never share an identity.
std::string defaultLeaderIdentity();

struct LeaderCallbacks {
  // Called on the elector's thread. onStartedLeading must return quickly (start work elsewhere);
  // onStoppedLeading must stop all leader-only work before returning: the lease is released right after it.
  std::function<void()> onStartedLeading;
  std::function<void()> onStoppedLeading;
  std::function<void(const std::string& leader)> onNewLeader;
};

class LeaderElector {
 public:
  LeaderElector(LeaseStore& store, LeaderElectionConfig config, LeaderCallbacks callbacks = {},
                const Clock& clock = realClock(), MetricsFactory& metrics = noopMetrics());
  ~LeaderElector();

  // Campaigns until leading, then renews. Returns when `stop` is requested (releasing the lease if it led and
  // releaseOnStop) or when leadership is lost (lostLeadership() then tells so).
  void run(std::stop_token stop);

  // One step of run(): an acquire or renew attempt, and stepping down when the renew deadline has passed.
  // Returns when the next step is due. Public so tests can drive electors deterministically on a fake clock.
  TimePoint tick();
  // One attempt to take or keep the lease; true when this elector holds it afterwards.
  bool tryAcquireOrRenew();
  // Stops leading (onStoppedLeading) and gives the lease up if held. True when released (or not held).
  bool release();

  // Leading, and the last successful renewal is less than renewDeadline old.
  bool isLeader() const;
  bool lostLeadership() const { return lost_.load(); }
  // The holder this elector last observed ("" when none).
  std::string observedLeader() const;
  const std::string& identity() const { return config_.identity; }
  const LeaderElectionConfig& config() const { return config_; }

 private:
  void becomeLeader();
  void stopLeading();
  void observe(const Lease& lease, TimePoint now);

  LeaseStore& store_;
  const LeaderElectionConfig config_;
  const LeaderCallbacks callbacks_;
  const Clock& clock_;
  std::shared_ptr<Gauge> masterStatus_;

  mutable std::mutex mutex_;
  std::optional<Lease> observed_;
  TimePoint observedTime_{};
  TimePoint lastRenew_{};
  bool leading_ = false;
  std::mt19937 rng_;
  std::atomic<bool> lost_{false};
};

}  // namespace flotilla::runtime
