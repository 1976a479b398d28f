#pragma once
// What kube-controller-manager's garbage collector and namespace controller, and apiextensions-apiserver's CRD
// finalizer, do for a cluster: cascade deletions along ownerReferences (background: dependents after the owner;
// foreground: dependents first, then the owner's `foregroundDeletion` finalizer goes; orphan: ownerReferences
// removed, then the `orphan` finalizer goes), empty terminating namespaces, and delete a CRD's objects before the
// CRD itself goes.
//
// It follows the store's change feed and works on one background thread, outside the store's lock.

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "apiserver/object_store.h"
#include "apiserver/resource_service.h"

namespace flotilla::apiserver {

class GarbageCollector {
 public:
  GarbageCollector(ObjectStore& store, ResourceService& service);
  ~GarbageCollector();
  GarbageCollector(const GarbageCollector&) = delete;
  GarbageCollector& operator=(const GarbageCollector&) = delete;

  void start();
  void stop();
  // Looks at every stored object once (after a restore from a snapshot).
  void resyncAll();
  // True once nothing is queued or waiting (tests use it to wait for cascades).
  bool waitIdle(std::chrono::milliseconds timeout);

 private:
  struct Item {
    enum class Kind { OwnerGone, OwnerCheck, Terminating, Dependent } kind;
    std::string uid;  // OwnerGone / OwnerCheck
    ObjectRef ref;    // Terminating / Dependent
  };

  void onChange(const ChangeEvent& change);
  void enqueue(Item item);
  void run();
  void process(const Item& item);
  // Returns false while the terminating object still waits for something (it is retried periodically).
  bool finishTerminating(const ObjectRef& ref);
  bool emptyNamespace(const ResourceInfo& resource, const nlohmann::json& ns);
  bool cleanUpCrd(const ResourceInfo& resource, const nlohmann::json& crd);
  bool orphanDependents(const ResourceInfo& resource, const nlohmann::json& owner);
  bool deleteDependentsFirst(const ResourceInfo& resource, const nlohmann::json& owner);
  void collectDependentsOf(const std::string& uid);
  void checkOwners(const ObjectRef& ref);
  void deleteObject(const ObjectRef& ref, const std::string& policy);
  void removeFinalizer(const ResourceInfo& resource, const nlohmann::json& object, const std::string& finalizer);
  ResourcePtr resourceFor(const std::string& storageKey) const;

  ObjectStore& store_;
  ResourceService& service_;
  int listenerId_ = 0;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::deque<Item> queue_;
  std::set<ObjectRef> waiting_;  // terminating objects waiting for their dependents / content
  bool busy_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace flotilla::apiserver
