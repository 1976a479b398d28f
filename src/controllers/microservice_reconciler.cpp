#include "controllers/microservice_reconciler.h"

#include <chrono>
#include <vector>

#include "api/parse.h"
#include "api/validate.h"
#include "controllers/conditions.h"
#include "controllers/object_state.h"
#include "controllers/owned_object_diff.h"
#include "controllers/ownership.h"
#include "controllers/replicas_handover.h"
#include "kube/well_known_resources.h"
#include "runtime/object.h"
#include "runtime/wall_time.h"

namespace flotilla::controllers {
namespace {

constexpr const char* kMicroserviceKind = "Microservice";
// How often at most a Microservice's status is written while only its rollout's progress moves (status_pacing.h).
constexpr auto kProgressStatusInterval = std::chrono::seconds(1);

std::string join(const std::vector<std::string>& parts, const char* separator) {
  std::string out;
  for (const auto& part : parts) out += (out.empty() ? "" : separator) + part;
  return out;
}

std::string describe(const api::FieldErrors& errors) {
  std::vector<std::string> parts;
  for (const auto& error : errors) parts.push_back(error.toString());
  return join(parts, "; ");
}

std::string selectorOf(const std::string& name) {
  std::vector<std::string> terms;
  for (const auto& [key, value] : render::microserviceSelectorLabels(name)) terms.push_back(key + "=" + value);
  return join(terms, ",");
}

std::optional<std::int64_t> intAt(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<std::int64_t>();
}

// The Ready condition's reason and message: a new problem (a changed one) is worth one Warning Event.
std::string readyCause(const nlohmann::json& status) {
  auto conditions = status.find("conditions");
  if (conditions == status.end()) return {};
  const auto* ready = findCondition(*conditions, "Ready");
  return ready ? ready->value("reason", "") + "\n" + ready->value("message", "") : std::string();
}

}  // namespace

std::string configSourceKey(const std::string& kind, const std::string& namespace_, const std::string& name) {
  return kind + "/" + namespace_ + "/" + name;
}

std::vector<std::string> indexConfigSources(const nlohmann::json& microservice) {
  auto parsed = api::parseMicroservice(microservice);
  if (!parsed.value.spec.rolloutOnConfigChange) return {};
  std::vector<std::string> keys;
  for (const auto& source : render::referencedConfigSources(parsed.value)) {
    keys.push_back(configSourceKey(source.kind, runtime::namespaceOf(microservice), source.name));
  }
  return keys;
}

std::vector<std::string> indexByServiceName(const nlohmann::json& endpointSlice) {
  auto labels = runtime::labelsOf(endpointSlice);
  auto it = labels.find(kServiceNameLabel);
  if (it == labels.end() || it->second.empty()) return {};
  return {runtime::objectKey(runtime::namespaceOf(endpointSlice), it->second)};
}

struct MicroserviceReconciler::OwnedObject {
  const kube::ResourceRef& resource;
  const runtime::Informer& informer;
  std::optional<nlohmann::json> desired;  // nullopt: the spec does not ask for one
  runtime::ObjectPtr live;                // our object of that name as cached (null: none, or not ours)
};

struct MicroserviceReconciler::Pass {
  runtime::ObjectPtr object;  // the Microservice as cached
  std::string namespace_;
  std::string name;
  std::string uid;
  observability::Logger log;
  std::string error;         // why a write failed
  bool retryAtOnce = false;  // the failure was a 409: requeue instead of backing off as an error
};

MicroserviceReconciler::MicroserviceReconciler(Caches caches, std::shared_ptr<kube::Client> client,
                                               runtime::EventRecorder& events, const runtime::Clock& clock)
    : caches_(caches),
      client_(std::move(client)),
      events_(events),
      clock_(clock),
      statusPacer_(kProgressStatusInterval, clock) {}

runtime::Result MicroserviceReconciler::reconcile(const runtime::Request& request) {
  runtime::ObjectPtr object = caches_.microservices.cache().get(request.namespace_, request.name);
  // Gone or going: the garbage collector removes what it owned (ownerReferences), nothing for us to do.
  if (!object || isBeingDeleted(*object)) return runtime::Result::done();
  Pass pass{object, request.namespace_, request.name, runtime::uidOf(*object), runtime::reconcileLogger(), {}, false};

  auto parsed = api::parseMicroservice(*object);
  if (!parsed.ok()) return rejectInvalid(pass, describe(parsed.errors));
  const api::Microservice& microservice = parsed.value;
  if (auto problems = api::validateMicroservice(microservice); !problems.empty()) {
    return rejectInvalid(pass, describe(problems));
  }

  render::MicroserviceObjects desired = render::renderMicroservice(microservice, configVersions(microservice));
  // Service first, so that endpoints exist when the pods get ready; the HPA after the Deployment it scales.
  std::vector<OwnedObject> owned{
      {kube::resources::kServices, caches_.services, desired.service, nullptr},
      {kube::resources::kDeployments, caches_.deployments, desired.deployment, nullptr},
      {kube::resources::kHorizontalPodAutoscalers, caches_.autoscalers, desired.horizontalPodAutoscaler, nullptr},
      {kube::resources::kPodDisruptionBudgets, caches_.disruptionBudgets, desired.podDisruptionBudget, nullptr},
  };
  OwnedObject& deployment = owned[1];
  OwnedObject& autoscaler = owned[2];

  std::vector<std::string> conflicts;
  for (auto& o : owned) {
    runtime::ObjectPtr live = o.informer.cache().get(pass.namespace_, pass.name);
    if (live && !isControlledBy(*live, kMicroserviceKind, pass.uid)) {
      // Someone else's object with our name: never changed, never deleted.
      if (o.desired) {
        conflicts.push_back(o.resource.kind + " " + pass.name + " already exists and is not owned by this " +
                            "Microservice (" + describeController(*live) + ")");
      }
      live = nullptr;
    }
    o.live = std::move(live);
  }
  if (!conflicts.empty()) return rejectConflict(pass, join(conflicts, "; "));

  MicroserviceObservation observation;
  observation.generation = runtime::generationOf(*object);
  observation.url = render::microserviceUrl(microservice);
  observation.selector = selectorOf(pass.name);

  // An HPA the spec dropped goes first: it must stop scaling before Flotilla's apply sets spec.replicas again,
  // or the two would fight over the count once more (no bounce when leaving autoscaling).
  bool ok = true;
  for (auto& o : owned) {
    if (ok && !o.desired && o.live) ok = removeUnwanted(pass, o);
  }
  if (ok && desired.horizontalPodAutoscaler && deployment.live && !autoscaler.live) {
    ok = handOverReplicas(pass, *deployment.live);
  }
  runtime::ObjectPtr deploymentNow = deployment.live;
  runtime::ObjectPtr autoscalerNow = autoscaler.live;
  for (auto& o : owned) {
    if (!ok || !o.desired) continue;
    auto now = applyIfChanged(pass, o, withAppliedHash(*o.desired));
    if (!now) {
      ok = false;
      continue;
    }
    if (&o == &deployment) deploymentNow = now;
    if (&o == &autoscaler) autoscalerNow = now;
  }
  if (!ok) {
    observation.outcome = ReconcileOutcome::ApplyFailed;
    observation.message = pass.error;
  }
  observation.deployment = deploymentNow.get();
  observation.autoscaler = desired.horizontalPodAutoscaler ? autoscalerNow.get() : nullptr;
  return finish(pass, observation);
}

render::ConfigVersions MicroserviceReconciler::configVersions(const api::Microservice& microservice) const {
  render::ConfigVersions versions;
  // Only an opted-in Microservice hashes its config sources into the pod template (render::renderMicroservice).
  if (!microservice.spec.rolloutOnConfigChange) return versions;
  for (const auto& source : render::referencedConfigSources(microservice)) {
    const auto& informer = source.kind == "Secret" ? caches_.secrets : caches_.configMaps;
    if (auto found = informer.cache().get(microservice.metadata.namespace_, source.name)) {
      versions[source] = runtime::resourceVersionOf(*found);
    }
  }
  return versions;
}

runtime::ObjectPtr MicroserviceReconciler::ourDeployment(const nlohmann::json& microservice) const {
  auto live = caches_.deployments.cache().get(runtime::namespaceOf(microservice), runtime::nameOf(microservice));
  if (live && isControlledBy(*live, kMicroserviceKind, runtime::uidOf(microservice))) return live;
  return nullptr;
}

std::int64_t MicroserviceReconciler::readyEndpoints(const std::string& namespace_, const std::string& name) const {
  auto slices = caches_.endpointSlices.cache().byIndex(kServiceNameIndex, runtime::objectKey(namespace_, name));
  std::vector<const nlohmann::json*> pointers;
  for (const auto& slice : slices) pointers.push_back(slice.get());
  return countReadyEndpoints(pointers);
}

runtime::Result MicroserviceReconciler::rejectInvalid(Pass& pass, const std::string& message) {
  pass.log.info("invalid spec; owned objects left as they are", {{"error", message}});
  MicroserviceObservation observation;
  observation.generation = runtime::generationOf(*pass.object);
  observation.selector = selectorOf(pass.name);
  observation.outcome = ReconcileOutcome::InvalidSpec;
  observation.message = message;
  // The url comes from the spec we cannot trust; keep what the status said while the spec was valid.
  observation.url = statusOf(*pass.object).value("url", "");
  auto deployment = ourDeployment(*pass.object);
  observation.deployment = deployment.get();
  return finish(pass, observation);
}

runtime::Result MicroserviceReconciler::rejectConflict(Pass& pass, const std::string& message) {
  pass.log.info("ownership conflict; nothing applied", {{"error", message}});
  MicroserviceObservation observation;
  observation.generation = runtime::generationOf(*pass.object);
  observation.selector = selectorOf(pass.name);
  observation.outcome = ReconcileOutcome::OwnershipConflict;
  observation.message = message;
  observation.url = statusOf(*pass.object).value("url", "");
  return finish(pass, observation);
}

bool MicroserviceReconciler::removeUnwanted(Pass& pass, const OwnedObject& object) {
  kube::DeleteOptions options;
  options.preconditionUid = runtime::uidOf(*object.live);  // only the incarnation we saw is ours
  auto removed = client_->remove(object.resource, pass.namespace_, pass.name, options);
  if (!removed.ok() && !removed.is(kube::ErrorKind::NotFound)) {
    pass.error = "deleting " + object.resource.kind + " " + pass.name + ": " + removed.error().toString();
    pass.retryAtOnce = removed.is(kube::ErrorKind::Conflict);
    return false;
  }
  pass.log.info("deleted owned object the spec no longer asks for", {{"kind", object.resource.kind}});
  events_.normal(*pass.object, "Deleted", object.resource.kind + " " + pass.name + " deleted: no longer in the spec");
  return true;
}

bool MicroserviceReconciler::handOverReplicas(Pass& pass, const nlohmann::json& liveDeployment) {
  // The cache has no managedFields: read the Deployment itself to see whether our apply still owns the count.
  auto fresh = client_->get(kube::resources::kDeployments, pass.namespace_, pass.name);
  if (fresh.is(kube::ErrorKind::NotFound)) return true;
  if (!fresh.ok()) {
    pass.error = "reading Deployment " + pass.name + ": " + fresh.error().toString();
    return false;
  }
  if (!appliesReplicas(*fresh, client_->options().fieldManager)) return true;
  kube::ApplyOptions options;
  options.fieldManager = kReplicasHandoverManager;
  auto handed = client_->apply(kube::resources::kDeployments, replicasHandover(*fresh), options);
  if (!handed.ok()) {
    pass.error = "handing spec.replicas of Deployment " + pass.name + " over: " + handed.error().toString();
    pass.retryAtOnce = handed.is(kube::ErrorKind::Conflict);
    return false;
  }
  pass.log.info("handed spec.replicas over to the autoscaler",
                {{"replicas", replicasHandover(*fresh)["spec"]["replicas"]},
                 {"cachedVersion", runtime::resourceVersionOf(liveDeployment)}});
  return true;
}

runtime::ObjectPtr MicroserviceReconciler::applyIfChanged(Pass& pass, const OwnedObject& object,
                                                          const nlohmann::json& desired) {
  std::optional<std::string> difference;
  if (object.live) {
    difference = firstDifference(desired, *object.live);
    if (!difference) return object.live;
  }
  auto applied = client_->apply(object.resource, desired);
  if (!applied.ok()) {
    pass.error = "applying " + object.resource.kind + " " + pass.name + ": " + applied.error().toString();
    pass.retryAtOnce = applied.is(kube::ErrorKind::Conflict);
    pass.log.info("apply failed", {{"kind", object.resource.kind}, {"error", applied.error().toString()}});
    return nullptr;
  }
  const std::string what = object.resource.kind + " " + pass.name;
  if (!object.live) {
    pass.log.info("created owned object", {{"kind", object.resource.kind}});
    events_.normal(*pass.object, "Created", what + " created");
  } else if (*difference == std::string("metadata.annotations.") + kAnnotationAppliedHash) {
    pass.log.info("updated owned object to the current spec", {{"kind", object.resource.kind}});
    events_.normal(*pass.object, "Updated", what + " updated to the current spec");
  } else {
    // Our intent did not change, the object did: someone edited a field Flotilla owns.
    pass.log.info("restored a field changed by someone else", {{"kind", object.resource.kind}, {"field", *difference}});
    events_.normal(*pass.object, "Updated", what + " updated: restored " + *difference);
  }
  return std::make_shared<const nlohmann::json>(std::move(applied.value()));
}

runtime::Result MicroserviceReconciler::finish(Pass& pass, MicroserviceObservation observation) {
  observation.readyEndpoints = readyEndpoints(pass.namespace_, pass.name);
  const nlohmann::json& previous = statusOf(*pass.object);
  nlohmann::json status = computeMicroserviceStatus(observation, previous, runtime::formatTime(clock_.wallNow()));

  if (status == previous) return resultOf(pass, observation);
  const std::string key = runtime::objectKey(pass.namespace_, pass.name);
  if (observation.outcome == ReconcileOutcome::Applied) {
    // Before any Event: a held write comes back here with the same previous status.
    if (const auto wait = statusPacer_.holdBack(key, previous, status); wait > runtime::Duration::zero()) {
      return runtime::Result::requeueAfter(wait);
    }
  }
  if (observation.outcome != ReconcileOutcome::Applied && readyCause(status) != readyCause(previous)) {
    const auto* ready = findCondition(status["conditions"], "Ready");
    events_.warning(*pass.object, ready ? ready->value("reason", "") : "ReconcileFailed", observation.message);
  }
  const auto before = intAt(previous, "desiredReplicas");
  const auto after = intAt(status, "desiredReplicas");
  if (before && after && *before != *after) {
    events_.normal(*pass.object, "ScaledByHPA",
                   "HorizontalPodAutoscaler " + pass.name + " changed the desired replicas from " +
                       std::to_string(*before) + " to " + std::to_string(*after));
  }
  if (!writeStatus(pass, status)) {
    return pass.retryAtOnce ? runtime::Result::requeue() : runtime::Result::error(pass.error);
  }
  statusPacer_.written(key);
  return resultOf(pass, observation);
}

runtime::Result MicroserviceReconciler::resultOf(const Pass& pass, const MicroserviceObservation& observation) {
  switch (observation.outcome) {
    case ReconcileOutcome::Applied:
      return runtime::Result::done();
    case ReconcileOutcome::InvalidSpec:
    case ReconcileOutcome::OwnershipConflict:
      // Retrying cannot help: a spec edit or the other object's removal triggers the next reconcile.
      return runtime::Result::terminalError(observation.message);
    case ReconcileOutcome::ApplyFailed:
      break;
  }
  return pass.retryAtOnce ? runtime::Result::requeue() : runtime::Result::error(observation.message);
}

bool MicroserviceReconciler::writeStatus(Pass& pass, const nlohmann::json& status) {
  nlohmann::json configuration = {
      {"apiVersion", api::kApiVersion},
      {"kind", kMicroserviceKind},
      {"metadata", {{"name", pass.name}, {"namespace", pass.namespace_}}},
      {"status", status},
  };
  auto written = client_->applyStatus(kube::resources::kMicroservices, configuration);
  if (written.ok() || written.is(kube::ErrorKind::NotFound)) return true;  // NotFound: deleted meanwhile
  pass.error = "writing the status: " + written.error().toString();
  pass.retryAtOnce = written.is(kube::ErrorKind::Conflict);
  return false;
}

}  // namespace flotilla::controllers
