#pragma once
// Everything the Manager needs from a cluster, as one seam: informers' list/watch, the leader Lease and the Event
// sink. KubeClusterAccess (kube_adapters.h) is the real one; tests hand the manager fakes.

#include <memory>
#include <string>

#include "kube/resource.h"
#include "runtime/event_recorder.h"
#include "runtime/leader_election.h"
#include "runtime/list_watcher.h"

namespace flotilla::runtime {

class ClusterAccess {
 public:
  virtual ~ClusterAccess() = default;
  // `namespace_` empty: all namespaces.
  virtual std::shared_ptr<ListerWatcher> listerWatcher(const kube::ResourceRef& resource,
                                                       const std::string& namespace_) = 0;
  virtual std::unique_ptr<LeaseStore> leaseStore(const std::string& namespace_, const std::string& name) = 0;
  virtual std::unique_ptr<EventSink> eventSink() = 0;
};

}  // namespace flotilla::runtime
