#pragma once
// An in-memory Lease with resourceVersion checks (409 on a stale update, AlreadyExists on a second create), and a
// per-client view that can be cut off from it (a network partition) or interleaved with another client's calls.

#include <functional>
#include <mutex>

#include "kube/errors.h"
#include "runtime/leader_election.h"

namespace flotilla::runtime::testing {

class FakeLeaseServer {
 public:
  kube::Result<Lease> get() {
    std::lock_guard lock(mutex_);
    if (!lease_) return kube::errorFromResponse(404, R"({"kind":"Status","code":404,"reason":"NotFound"})");
    return *lease_;
  }
  kube::Result<Lease> create(const LeaseRecord& record) {
    std::lock_guard lock(mutex_);
    if (lease_) return kube::errorFromResponse(409, R"({"kind":"Status","code":409,"reason":"AlreadyExists"})");
    lease_ = Lease{record, std::to_string(++version_)};
    return *lease_;
  }
  kube::Result<Lease> update(const Lease& lease) {
    std::lock_guard lock(mutex_);
    if (!lease_) return kube::errorFromResponse(404, R"({"kind":"Status","code":404,"reason":"NotFound"})");
    if (lease.resourceVersion != lease_->resourceVersion) {
      return kube::errorFromResponse(409, R"({"kind":"Status","code":409,"reason":"Conflict"})");
    }
    lease_ = Lease{lease.record, std::to_string(++version_)};
    ++updates_;
    return *lease_;
  }
  std::optional<Lease> current() const {
    std::lock_guard lock(mutex_);
    return lease_;
  }
  int updates() const {
    std::lock_guard lock(mutex_);
    return updates_;
  }

 private:
  mutable std::mutex mutex_;
  std::optional<Lease> lease_;
  int version_ = 0;
  int updates_ = 0;
};

class FakeLeaseStore final : public LeaseStore {
 public:
  explicit FakeLeaseStore(FakeLeaseServer& server) : server_(server) {}

  kube::Result<Lease> get() override {
    if (partitioned) return kube::transportError("partitioned");
    return server_.get();
  }
  kube::Result<Lease> create(const LeaseRecord& record) override {
    if (partitioned) return kube::transportError("partitioned");
    return server_.create(record);
  }
  kube::Result<Lease> update(const Lease& lease) override {
    if (partitioned) return kube::transportError("partitioned");
    if (beforeUpdate) std::exchange(beforeUpdate, nullptr)();
    return server_.update(lease);
  }
  std::string describe() const override { return "flotilla-system/flotilla-leader"; }

  std::atomic<bool> partitioned{false};
  std::function<void()> beforeUpdate;  // runs once, just before the next update reaches the server

 private:
  FakeLeaseServer& server_;
};

}  // namespace flotilla::runtime::testing
