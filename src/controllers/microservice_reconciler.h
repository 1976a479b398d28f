#pragma once
// One Microservice reconcile (issue 6): render the desired Deployment, Service, HPA and PDB (render/
// microservice_objects.h), refuse to touch objects that are not ours (OwnershipConflict), delete the HPA/PDB the
// spec no longer asks for, hand spec.replicas over to a new HPA without a bounce (replicas_handover.h),
// server-side apply (field manager "flotilla", force) only the objects whose live state differs from the intent
// (owned_object_diff.h), and write the status (microservice_status.h) only when it changed. Events: Created,
// Updated, Deleted, ScaledByHPA, InvalidSpec, OwnershipConflict, ApplyFailed.
//
// Reads come from the manager's informer caches; writes go through the client. Deleting the Microservice needs no
// code: every owned object carries a controller ownerReference, so the garbage collector removes them.

#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "api/types.h"
#include "controllers/microservice_status.h"
#include "controllers/status_pacing.h"
#include "kube/client.h"
#include "render/microservice_objects.h"
#include "runtime/clock.h"
#include "runtime/event_recorder.h"
#include "runtime/informer.h"
#include "runtime/reconcile.h"

namespace flotilla::controllers {

// Index of the Microservice informer: "ConfigMap/<ns>/<name>" and "Secret/<ns>/<name>" for every config source a
// Microservice with rolloutOnConfigChange reads (a change there must roll its pods).
inline constexpr const char* kConfigSourceIndex = "microservice.configSources";
std::vector<std::string> indexConfigSources(const nlohmann::json& microservice);
std::string configSourceKey(const std::string& kind, const std::string& namespace_, const std::string& name);

// Index of the EndpointSlice informer: "<ns>/<kubernetes.io/service-name label>".
inline constexpr const char* kServiceNameIndex = "endpointSlice.serviceName";
inline constexpr const char* kServiceNameLabel = "kubernetes.io/service-name";
std::vector<std::string> indexByServiceName(const nlohmann::json& endpointSlice);

class MicroserviceReconciler {
 public:
  // The informers it reads; all owned by the manager, which outlives the reconciler.
  struct Caches {
    const runtime::Informer& microservices;
    const runtime::Informer& deployments;
    const runtime::Informer& services;
    const runtime::Informer& autoscalers;
    const runtime::Informer& disruptionBudgets;
    const runtime::Informer& endpointSlices;
    const runtime::Informer& configMaps;
    const runtime::Informer& secrets;
  };

  MicroserviceReconciler(Caches caches, std::shared_ptr<kube::Client> client, runtime::EventRecorder& events,
                         const runtime::Clock& clock = runtime::realClock());

  runtime::Result reconcile(const runtime::Request& request);

 private:
  struct OwnedObject;
  struct Pass;

  render::ConfigVersions configVersions(const api::Microservice& microservice) const;
  runtime::ObjectPtr ourDeployment(const nlohmann::json& microservice) const;
  std::int64_t readyEndpoints(const std::string& namespace_, const std::string& name) const;

  runtime::Result rejectInvalid(Pass& pass, const std::string& message);
  runtime::Result rejectConflict(Pass& pass, const std::string& message);
  // Deletes an owned object the spec no longer asks for. False (and pass.error set) when that failed.
  bool removeUnwanted(Pass& pass, const OwnedObject& object);
  // Gives spec.replicas to the hand-over manager before the first apply without it (see replicas_handover.h).
  bool handOverReplicas(Pass& pass, const nlohmann::json& liveDeployment);
  // Applies `desired` unless the live object already matches it. Returns the object as it now is (null and
  // pass.error set when the apply failed).
  runtime::ObjectPtr applyIfChanged(Pass& pass, const OwnedObject& object, const nlohmann::json& desired);
  runtime::Result finish(Pass& pass, MicroserviceObservation observation);
  // What the reconcile returns once the status is written (or needed no write).
  static runtime::Result resultOf(const Pass& pass, const MicroserviceObservation& observation);
  bool writeStatus(Pass& pass, const nlohmann::json& status);

  Caches caches_;
  std::shared_ptr<kube::Client> client_;
  runtime::EventRecorder& events_;
  const runtime::Clock& clock_;
  StatusPacer statusPacer_;
};

}  // namespace flotilla::controllers
