#pragma once
// The runtime's small interfaces implemented over kube::Client: list/watch for informers, the Lease for leader
// election, the Event sink for the recorder. Each turns the runtime's std::stop_token into kube's CancelToken so
// shutdown never waits on a request.

#include <memory>
#include <mutex>
#include <string>

#include "kube/client.h"
#include "runtime/cluster_access.h"
#include "runtime/event_recorder.h"
#include "runtime/leader_election.h"
#include "runtime/list_watcher.h"

namespace flotilla::runtime {

// Lists and watches one resource type, in one namespace or (empty) all namespaces.
class KubeListerWatcher final : public ListerWatcher {
 public:
  KubeListerWatcher(std::shared_ptr<kube::Client> client, kube::ResourceRef resource, std::string namespace_ = {});
  kube::Result<kube::ObjectList> list(const kube::ListOptions& options, std::stop_token stop) override;
  kube::Result<std::unique_ptr<WatchStream>> watch(const kube::WatchOptions& options, std::stop_token stop) override;

 private:
  std::shared_ptr<kube::Client> client_;
  const kube::ResourceRef resource_;
  const std::string namespace_;
};

// One coordination.k8s.io/v1 Lease. Updates start from the last Lease read, so fields we do not model (labels,
// annotations) survive.
class KubeLeaseStore final : public LeaseStore {
 public:
  KubeLeaseStore(std::shared_ptr<kube::Client> client, std::string namespace_, std::string name);
  kube::Result<Lease> get() override;
  kube::Result<Lease> create(const LeaseRecord& record) override;
  kube::Result<Lease> update(const Lease& lease) override;
  std::string describe() const override { return namespace_ + "/" + name_; }

 private:
  kube::Result<Lease> remember(kube::Result<nlohmann::json> object);

  std::shared_ptr<kube::Client> client_;
  const std::string namespace_;
  const std::string name_;
  std::mutex mutex_;
  nlohmann::json last_;
};

class KubeEventSink final : public EventSink {
 public:
  explicit KubeEventSink(std::shared_ptr<kube::Client> client);
  kube::Result<nlohmann::json> create(const nlohmann::json& event) override;
  kube::Result<nlohmann::json> patch(const std::string& namespace_, const std::string& name,
                                     const nlohmann::json& mergePatch) override;

 private:
  std::shared_ptr<kube::Client> client_;
};

// The manager's view of a real (or emulated) API server through one shared client.
class KubeClusterAccess final : public ClusterAccess {
 public:
  explicit KubeClusterAccess(std::shared_ptr<kube::Client> client) : client_(std::move(client)) {}
  std::shared_ptr<ListerWatcher> listerWatcher(const kube::ResourceRef& resource,
                                               const std::string& namespace_) override {
    return std::make_shared<KubeListerWatcher>(client_, resource, namespace_);
  }
  std::unique_ptr<LeaseStore> leaseStore(const std::string& namespace_, const std::string& name) override {
    return std::make_unique<KubeLeaseStore>(client_, namespace_, name);
  }
  std::unique_ptr<EventSink> eventSink() override { return std::make_unique<KubeEventSink>(client_); }
  const std::shared_ptr<kube::Client>& client() const { return client_; }

 private:
  std::shared_ptr<kube::Client> client_;
};

// Lease JSON ↔ LeaseRecord (exposed for tests).
LeaseRecord leaseRecordFromJson(const nlohmann::json& lease);
void writeLeaseRecord(const LeaseRecord& record, nlohmann::json& lease);

}  // namespace flotilla::runtime
