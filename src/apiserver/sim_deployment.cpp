#include "apiserver/sim_deployment.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <set>

#include "apiserver/object_meta.h"
#include "apiserver/sim_objects.h"

namespace flotilla::apiserver::sim {
namespace {

constexpr std::int64_t kDefaultRevisionHistoryLimit = 10;
constexpr std::int64_t kDefaultProgressDeadlineSeconds = 600;

// Condition reasons, as kube-controller-manager words them.
constexpr const char* kMinimumReplicasAvailable = "MinimumReplicasAvailable";
constexpr const char* kNewReplicaSetCreated = "NewReplicaSetCreated";
constexpr const char* kFoundNewReplicaSet = "FoundNewReplicaSet";
constexpr const char* kReplicaSetUpdated = "ReplicaSetUpdated";
constexpr const char* kNewReplicaSetAvailable = "NewReplicaSetAvailable";
constexpr const char* kProgressDeadlineExceeded = "ProgressDeadlineExceeded";
constexpr const char* kDeploymentPaused = "DeploymentPaused";
constexpr const char* kDeploymentResumed = "DeploymentResumed";

// Deployment annotations that are not copied onto its ReplicaSets.
const std::set<std::string>& annotationsNotCopied() {
  static const std::set<std::string> skip{"kubectl.kubernetes.io/last-applied-configuration",
                                          kRevisionAnnotation,
                                          "deployment.kubernetes.io/revision-history",
                                          kDesiredReplicasAnnotation,
                                          kMaxReplicasAnnotation,
                                          "deprecated.deployment.rollback.to"};
  return skip;
}

std::int64_t specReplicas(const json& object) {
  return intAt(object, "spec.replicas", 1);
}
std::int64_t statusInt(const json& object, const char* field) {
  return intAt(object, std::string("status.") + field, 0);
}

std::optional<std::int64_t> annotationInt(const json& object, const char* key) {
  const json* annotations = meta::find(object, "metadata.annotations");
  if (!annotations || !annotations->is_object()) return std::nullopt;
  auto it = annotations->find(key);
  if (it == annotations->end() || !it->is_string()) return std::nullopt;
  try {
    std::size_t used = 0;
    const std::string& text = it->get_ref<const std::string&>();
    std::int64_t value = std::stoll(text, &used);
    if (used != text.size()) return std::nullopt;
    return value;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

void setAnnotation(json& object, const std::string& key, const std::string& value) {
  object["metadata"]["annotations"][key] = value;
}

// Kubernetes' SetDeploymentCondition: no change when status and reason are the same; lastTransitionTime kept
// when only the reason changes; the condition moves to the end of the list.
void setDeploymentCondition(json& conditions, const std::string& type, const std::string& status,
                            const std::string& reason, const std::string& message, TimePoint now) {
  if (!conditions.is_array()) conditions = json::array();
  std::string stamp = formatRfc3339(now);
  json condition{{"type", type},       {"status", status},        {"reason", reason},
                 {"message", message}, {"lastUpdateTime", stamp}, {"lastTransitionTime", stamp}};
  json kept = json::array();
  for (const auto& existing : conditions) {
    if (existing.value("type", "") != type) {
      kept.push_back(existing);
      continue;
    }
    if (existing.value("status", "") == status && existing.value("reason", "") == reason) return;
    if (existing.value("status", "") == status && existing.contains("lastTransitionTime")) {
      condition["lastTransitionTime"] = existing["lastTransitionTime"];
    }
  }
  kept.push_back(std::move(condition));
  conditions = std::move(kept);
}

void removeCondition(json& conditions, const std::string& type) {
  if (!conditions.is_array()) return;
  json kept = json::array();
  for (const auto& existing : conditions) {
    if (existing.value("type", "") != type) kept.push_back(existing);
  }
  conditions = std::move(kept);
}

bool sameTemplateIgnoringHash(const json& replicaSet, const json& deploymentTemplate) {
  const json* rsTemplate = meta::find(replicaSet, "spec.template");
  if (!rsTemplate) return false;
  json copy = *rsTemplate;
  if (copy.contains("metadata") && copy["metadata"].contains("labels")) {
    copy["metadata"]["labels"].erase(kPodTemplateHashLabel);
    if (copy["metadata"]["labels"].empty()) copy["metadata"].erase("labels");
  }
  json expected = deploymentTemplate;
  if (expected.contains("metadata") && expected["metadata"].contains("labels") &&
      expected["metadata"]["labels"].empty()) {
    expected["metadata"].erase("labels");
  }
  return copy == expected;
}

// One reconcile of one Deployment. The ReplicaSets are working copies: a scale decided early in the pass is
// seen by the decisions after it, as in kube-controller-manager, and every change becomes a write.
class DeploymentSync {
 public:
  DeploymentSync(const json& deployment, const ObjectRefs& replicaSets, const ObjectRefs& pods, TimePoint now)
      : d_(deployment), pods_(pods), now_(now) {
    for (const json& rs : replicaSets) {
      if (isControlledBy(rs, meta::uid(d_))) replicaSets_.push_back(rs);
    }
    std::sort(replicaSets_.begin(), replicaSets_.end(), createdBefore);
    const json* statusConditions = meta::find(d_, "status.conditions");
    conditions_ = statusConditions && statusConditions->is_array() ? *statusConditions : json::array();
    collisionCount_ = intAt(d_, "status.collisionCount", 0);
    const json* podTemplate = meta::find(d_, "spec.template");
    template_ = podTemplate ? *podTemplate : json::object();
    hash_ = podTemplateHash(template_, collisionCount_);
    replicas_ = std::max<std::int64_t>(0, specReplicas(d_));
    rolling_ = meta::stringAt(d_, "spec.strategy.type") != "Recreate";
    fenceposts_ = resolveFenceposts(d_);
    progressDeadline_ = intAt(d_, "spec.progressDeadlineSeconds", kDefaultProgressDeadlineSeconds);
  }

  Plan run() {
    if (meta::isDeleting(d_)) {
      findReplicaSets(false);
      return finish(false);
    }
    checkPausedConditions();
    findReplicaSets(false);
    if (meta::find(d_, "spec.paused") && d_["spec"]["paused"] == true) {
      scale();
      cleanup();
      return finish(false);
    }
    if (isScalingEvent()) {
      scale();
      return finish(false);
    }
    return rolling_ ? rolloutRolling() : rolloutRecreate();
  }

 private:
  // ---------------------------------------------------------------- finding and creating ReplicaSets

  // Splits the ReplicaSets into the new one (matching the current template) and the old ones; syncs revision
  // annotations; creates the new one when asked and missing.
  void findReplicaSets(bool createIfMissing) {
    newIndex_.reset();
    for (std::size_t i = 0; i < replicaSets_.size(); ++i) {
      const json& rs = replicaSets_[i];
      std::string label = labelValue(rs, kPodTemplateHashLabel);
      // Our own ReplicaSets carry the hash of the template they were made from; others are compared by template.
      if (!newIndex_ && (label == hash_ || sameTemplateIgnoringHash(rs, template_))) newIndex_ = i;
    }
    std::int64_t maxOldRevision = 0;
    for (std::size_t i = 0; i < replicaSets_.size(); ++i) {
      if (newIndex_ && *newIndex_ == i) continue;
      maxOldRevision = std::max(maxOldRevision, annotationInt(replicaSets_[i], kRevisionAnnotation).value_or(0));
    }
    const std::int64_t newRevision = maxOldRevision + 1;

    if (newIndex_) {
      json& rs = replicaSets_[*newIndex_];
      bool changed = copyDeploymentAnnotations(rs);
      if (annotationInt(rs, kRevisionAnnotation).value_or(0) < newRevision) {
        setAnnotation(rs, kRevisionAnnotation, std::to_string(newRevision));
        changed = true;
      }
      if (intAt(rs, "spec.minReadySeconds", 0) != intAt(d_, "spec.minReadySeconds", 0)) {
        rs["spec"]["minReadySeconds"] = intAt(d_, "spec.minReadySeconds", 0);
        changed = true;
      }
      if (changed) updateReplicaSet(*newIndex_);
      setDeploymentRevision(annotationValue(rs, kRevisionAnnotation));
      if (hasProgressDeadline() && !findCondition(conditions_, "Progressing")) {
        setDeploymentCondition(conditions_, "Progressing", "True", kFoundNewReplicaSet,
                               "Found new replica set \"" + meta::name(rs) + "\"", now_);
      }
      return;
    }
    if (!createIfMissing) return;

    const std::string name = meta::name(d_) + "-" + hash_;
    for (const auto& rs : replicaSets_) {
      if (meta::name(rs) == name) {
        // A ReplicaSet of ours has this name but another template: a hash collision. Kubernetes bumps
        // status.collisionCount so that the next hash differs.
        collisionCount_ += 1;
        return;
      }
    }
    json podTemplate = template_;
    podTemplate["metadata"]["labels"][kPodTemplateHashLabel] = hash_;
    json selector = meta::find(d_, "spec.selector") ? d_["spec"]["selector"] : json::object();
    selector["matchLabels"][kPodTemplateHashLabel] = hash_;
    json rs{{"apiVersion", kReplicaSets.apiVersion()}, {"kind", kReplicaSets.kind}};
    rs["metadata"] = objectMetaFor(name, meta::namespaceOf(d_), podTemplate["metadata"]["labels"],
                                   controllerReference(d_, kDeployments));
    rs["spec"] = json{{"replicas", 0},
                      {"minReadySeconds", intAt(d_, "spec.minReadySeconds", 0)},
                      {"selector", std::move(selector)},
                      {"template", std::move(podTemplate)}};
    copyDeploymentAnnotations(rs);
    setAnnotation(rs, kRevisionAnnotation, std::to_string(newRevision));
    setReplicasAnnotations(rs);
    rs["spec"]["replicas"] = newReplicaSetReplicas(std::nullopt);
    plan_.writes.push_back(Write::create(kReplicaSets, rs, kControllerManager));
    replicaSets_.push_back(std::move(rs));
    newIndex_ = replicaSets_.size() - 1;
    setDeploymentRevision(std::to_string(newRevision));
    setDeploymentCondition(conditions_, "Progressing", "True", kNewReplicaSetCreated,
                           "Created new replica set \"" + name + "\"", now_);
  }

  bool copyDeploymentAnnotations(json& rs) const {
    const json* annotations = meta::find(d_, "metadata.annotations");
    if (!annotations || !annotations->is_object()) return false;
    bool changed = false;
    for (const auto& [key, value] : annotations->items()) {
      if (annotationsNotCopied().count(key)) continue;
      const json* current = meta::find(rs, "metadata.annotations");
      if (current && current->contains(key) && (*current)[key] == value) continue;
      rs["metadata"]["annotations"][key] = value;
      changed = true;
    }
    return changed;
  }

  bool setReplicasAnnotations(json& rs) const {
    std::string desired = std::to_string(replicas_);
    std::string max = std::to_string(replicas_ + maxSurge());
    bool changed = false;
    if (annotationValue(rs, kDesiredReplicasAnnotation) != desired) {
      setAnnotation(rs, kDesiredReplicasAnnotation, desired);
      changed = true;
    }
    if (annotationValue(rs, kMaxReplicasAnnotation) != max) {
      setAnnotation(rs, kMaxReplicasAnnotation, max);
      changed = true;
    }
    return changed;
  }

  void setDeploymentRevision(const std::string& revision) {
    if (revision.empty()) return;
    if (annotationValue(d_, kRevisionAnnotation) == revision) return;
    setAnnotation(d_, kRevisionAnnotation, revision);
    deploymentMetadataChanged_ = true;
  }

  // ---------------------------------------------------------------- sizes

  std::int64_t maxSurge() const { return rolling_ ? fenceposts_.maxSurge : 0; }
  std::int64_t maxUnavailable() const {
    if (!rolling_ || replicas_ == 0) return 0;
    return std::min(fenceposts_.maxUnavailable, replicas_);
  }
  bool hasProgressDeadline() const { return progressDeadline_ != std::numeric_limits<std::int32_t>::max(); }

  json* newRs() { return newIndex_ ? &replicaSets_[*newIndex_] : nullptr; }
  std::vector<std::size_t> oldIndexes(bool activeOnly) const {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < replicaSets_.size(); ++i) {
      if (newIndex_ && *newIndex_ == i) continue;
      if (activeOnly && specReplicas(replicaSets_[i]) <= 0) continue;
      out.push_back(i);
    }
    return out;
  }
  std::int64_t sumSpecReplicas() const {
    std::int64_t total = 0;
    for (const auto& rs : replicaSets_) total += std::max<std::int64_t>(0, specReplicas(rs));
    return total;
  }
  std::int64_t sumStatus(const char* field) const {
    std::int64_t total = 0;
    for (const auto& rs : replicaSets_) total += statusInt(rs, field);
    return total;
  }

  // Kubernetes' NewRSNewReplicas: how big the new ReplicaSet may be now.
  std::int64_t newReplicaSetReplicas(std::optional<std::int64_t> currentNewReplicas) const {
    std::int64_t current = currentNewReplicas.value_or(0);
    if (!rolling_) return replicas_;
    std::int64_t currentPods = sumSpecReplicas();
    std::int64_t maxTotal = replicas_ + maxSurge();
    if (currentPods >= maxTotal) return current;
    std::int64_t scaleUp = std::min(maxTotal - currentPods, replicas_ - current);
    return current + scaleUp;
  }

  // Sets a ReplicaSet's size (and its replicas annotations); true when the size changed.
  bool scaleReplicaSet(std::size_t index, std::int64_t size) {
    json& rs = replicaSets_[index];
    bool sizeChanged = specReplicas(rs) != size;
    bool annotationsChanged = setReplicasAnnotations(rs);
    if (sizeChanged) rs["spec"]["replicas"] = size;
    if (sizeChanged || annotationsChanged) updateReplicaSet(index);
    return sizeChanged;
  }

  void updateReplicaSet(std::size_t index) { updatedReplicaSets_.insert(index); }

  // ---------------------------------------------------------------- strategies

  Plan rolloutRolling() {
    findReplicaSets(true);
    if (!newRs()) return finish(true);  // collision: status carries the new collisionCount, retried next pass
    if (reconcileNewReplicaSet()) return finish(true);
    if (reconcileOldReplicaSets()) return finish(true);
    if (isComplete(computeStatus())) cleanup();
    return finish(true);
  }

  Plan rolloutRecreate() {
    findReplicaSets(false);
    bool scaledDown = false;
    for (auto index : oldIndexes(true)) scaledDown |= scaleReplicaSet(index, 0);
    if (scaledDown || oldPodsRunning()) return finish(true);
    if (!newRs()) {
      findReplicaSets(true);
      if (!newRs()) return finish(true);
    }
    scaleReplicaSet(*newIndex_, replicas_);
    if (isComplete(computeStatus())) cleanup();
    return finish(true);
  }

  bool oldPodsRunning() const {
    for (auto index : oldIndexes(false)) {
      if (statusInt(replicaSets_[index], "replicas") > 0) return true;
      std::string uid = meta::uid(replicaSets_[index]);
      for (const json& pod : pods_) {
        if (isControlledBy(pod, uid) && !podIsTerminal(pod)) return true;
      }
    }
    return false;
  }

  bool reconcileNewReplicaSet() {
    std::int64_t current = specReplicas(*newRs());
    if (current == replicas_) return false;
    if (current > replicas_) return scaleReplicaSet(*newIndex_, replicas_);
    return scaleReplicaSet(*newIndex_, newReplicaSetReplicas(current));
  }

  bool reconcileOldReplicaSets() {
    auto olds = oldIndexes(true);
    std::int64_t oldPods = 0;
    for (auto index : olds) oldPods += specReplicas(replicaSets_[index]);
    if (oldPods == 0) return false;
    std::int64_t allPods = sumSpecReplicas();
    std::int64_t minAvailable = replicas_ - maxUnavailable();
    const json& newRsObject = *newRs();
    std::int64_t newUnavailable = specReplicas(newRsObject) - statusInt(newRsObject, "availableReplicas");
    std::int64_t maxScaledDown = allPods - minAvailable - newUnavailable;
    if (maxScaledDown <= 0) return false;

    // First the old pods that are not available anyway (they cost no availability), oldest ReplicaSet first.
    std::int64_t cleaned = 0;
    for (auto index : olds) {
      if (cleaned >= maxScaledDown) break;
      const json& rs = replicaSets_[index];
      std::int64_t size = specReplicas(rs), available = statusInt(rs, "availableReplicas");
      if (size == 0 || size == available) continue;
      std::int64_t down = std::min(maxScaledDown - cleaned, size - available);
      scaleReplicaSet(index, size - down);
      cleaned += down;
    }

    // Then available old pods, as far as availability allows.
    std::int64_t scaledDown = 0;
    std::int64_t availablePods = sumStatus("availableReplicas");
    if (availablePods > minAvailable) {
      std::int64_t total = availablePods - minAvailable;
      for (auto index : oldIndexes(true)) {
        if (scaledDown >= total) break;
        std::int64_t size = specReplicas(replicaSets_[index]);
        std::int64_t down = std::min(size, total - scaledDown);
        scaleReplicaSet(index, size - down);
        scaledDown += down;
      }
    }
    return cleaned + scaledDown > 0;
  }

  // ---------------------------------------------------------------- scaling events and paused rollouts

  bool isScalingEvent() const {
    for (std::size_t i = 0; i < replicaSets_.size(); ++i) {
      if (specReplicas(replicaSets_[i]) <= 0) continue;
      auto desired = annotationInt(replicaSets_[i], kDesiredReplicasAnnotation);
      if (desired && *desired != replicas_) return true;
    }
    return false;
  }

  // Kubernetes' scale(): one active ReplicaSet takes the whole size; a saturated new one retires the old ones;
  // otherwise the change is spread proportionally over the active ReplicaSets.
  void scale() {
    std::vector<std::size_t> active;
    for (std::size_t i = 0; i < replicaSets_.size(); ++i) {
      if (specReplicas(replicaSets_[i]) > 0) active.push_back(i);
    }
    if (active.size() <= 1 && !replicaSets_.empty()) {
      std::size_t target;
      if (active.size() == 1) {
        target = active[0];
      } else if (newIndex_) {
        target = *newIndex_;
      } else {
        target = replicaSets_.size() - 1;  // the newest (sorted oldest first)
      }
      if (specReplicas(replicaSets_[target]) != replicas_) scaleReplicaSet(target, replicas_);
      return;
    }
    if (replicaSets_.empty()) return;
    if (newRs() && specReplicas(*newRs()) == replicas_ &&
        annotationInt(*newRs(), kDesiredReplicasAnnotation).value_or(-1) == replicas_ &&
        statusInt(*newRs(), "availableReplicas") == replicas_) {
      for (auto index : oldIndexes(true)) scaleReplicaSet(index, 0);
      return;
    }
    if (!rolling_) return;

    std::int64_t allReplicas = 0;
    for (auto index : active) allReplicas += specReplicas(replicaSets_[index]);
    std::int64_t allowed = replicas_ > 0 ? replicas_ + maxSurge() : 0;
    std::int64_t toAdd = allowed - allReplicas;
    // Scaling up favours the largest and newest ReplicaSets; scaling down the largest and oldest.
    std::sort(active.begin(), active.end(), [&](std::size_t a, std::size_t b) {
      std::int64_t sa = specReplicas(replicaSets_[a]), sb = specReplicas(replicaSets_[b]);
      if (sa != sb) return sa > sb;
      return toAdd > 0 ? createdBefore(replicaSets_[b], replicaSets_[a])
                       : createdBefore(replicaSets_[a], replicaSets_[b]);
    });
    std::map<std::size_t, std::int64_t> sizes;
    std::int64_t added = 0;
    for (auto index : active) {
      std::int64_t size = specReplicas(replicaSets_[index]);
      std::int64_t proportion = toAdd == 0 ? 0 : proportionOf(replicaSets_[index], toAdd, added);
      sizes[index] = size + proportion;
      added += proportion;
    }
    for (std::size_t i = 0; i < active.size(); ++i) {
      std::size_t index = active[i];
      if (i == 0 && toAdd != 0) sizes[index] = std::max<std::int64_t>(0, sizes[index] + toAdd - added);
      scaleReplicaSet(index, sizes[index]);
    }
  }

  // Kubernetes' GetProportion: this ReplicaSet's share of a scaling change, from its max-replicas annotation.
  std::int64_t proportionOf(const json& rs, std::int64_t toAdd, std::int64_t added) const {
    std::int64_t size = specReplicas(rs);
    if (size == 0 || toAdd == added) return 0;
    std::int64_t fraction;
    if (replicas_ == 0) {
      fraction = -size;
    } else {
      std::int64_t deploymentReplicas = replicas_ + maxSurge();
      std::int64_t annotated = annotationInt(rs, kMaxReplicasAnnotation).value_or(statusInt(d_, "replicas"));
      if (annotated <= 0) annotated = deploymentReplicas;
      double newSize = static_cast<double>(size * deploymentReplicas) / static_cast<double>(annotated);
      fraction = static_cast<std::int64_t>(std::llround(newSize)) - size;
    }
    std::int64_t allowed = toAdd - added;
    return toAdd > 0 ? std::min(fraction, allowed) : std::max(fraction, allowed);
  }

  void checkPausedConditions() {
    if (!hasProgressDeadline()) return;
    const json* progressing = findCondition(conditions_, "Progressing");
    if (progressing && progressing->value("reason", "") == kProgressDeadlineExceeded) return;
    bool pausedCondition = progressing && progressing->value("reason", "") == kDeploymentPaused;
    bool paused = meta::find(d_, "spec.paused") && d_["spec"]["paused"] == true;
    if (paused && !pausedCondition) {
      setDeploymentCondition(conditions_, "Progressing", "Unknown", kDeploymentPaused, "Deployment is paused", now_);
    } else if (!paused && pausedCondition) {
      setDeploymentCondition(conditions_, "Progressing", "Unknown", kDeploymentResumed, "Deployment is resumed", now_);
    }
  }

  // Deletes old, empty ReplicaSets beyond spec.revisionHistoryLimit, lowest revision first.
  void cleanup() {
    std::int64_t limit = intAt(d_, "spec.revisionHistoryLimit", kDefaultRevisionHistoryLimit);
    std::vector<std::size_t> cleanable;
    for (auto index : oldIndexes(false)) {
      if (!meta::isDeleting(replicaSets_[index])) cleanable.push_back(index);
    }
    auto excess = static_cast<std::int64_t>(cleanable.size()) - limit;
    if (excess <= 0) return;
    std::sort(cleanable.begin(), cleanable.end(), [&](std::size_t a, std::size_t b) {
      auto ra = annotationInt(replicaSets_[a], kRevisionAnnotation).value_or(0);
      auto rb = annotationInt(replicaSets_[b], kRevisionAnnotation).value_or(0);
      if (ra != rb) return ra < rb;
      return createdBefore(replicaSets_[a], replicaSets_[b]);
    });
    for (std::int64_t i = 0; i < excess; ++i) {
      const json& rs = replicaSets_[cleanable[static_cast<std::size_t>(i)]];
      if (statusInt(rs, "replicas") != 0 || specReplicas(rs) != 0 ||
          meta::generation(rs) > statusInt(rs, "observedGeneration")) {
        continue;
      }
      plan_.writes.push_back(Write::remove(kReplicaSets, rs, kControllerManager));
    }
  }

  // ---------------------------------------------------------------- status

  json computeStatus() const {
    std::int64_t available = sumStatus("availableReplicas");
    std::int64_t unavailable = std::max<std::int64_t>(0, sumSpecReplicas() - available);
    json status = json::object();
    auto put = [&status](const char* field, std::int64_t value) {
      if (value != 0) status[field] = value;  // omitempty, as the API serialises DeploymentStatus
    };
    put("observedGeneration", meta::generation(d_));
    put("replicas", sumStatus("replicas"));
    put("updatedReplicas", newIndex_ ? statusInt(replicaSets_[*newIndex_], "replicas") : 0);
    put("readyReplicas", sumStatus("readyReplicas"));
    put("availableReplicas", available);
    put("unavailableReplicas", unavailable);
    put("collisionCount", collisionCount_);
    json conditions = conditions_;
    if (available >= replicas_ - maxUnavailable()) {
      setDeploymentCondition(conditions, "Available", "True", kMinimumReplicasAvailable,
                             "Deployment has minimum availability.", now_);
    } else {
      setDeploymentCondition(conditions, "Available", "False", kMinimumReplicasAvailable,
                             "Deployment does not have minimum availability.", now_);
    }
    status["conditions"] = std::move(conditions);
    return status;
  }

  bool isComplete(const json& status) const {
    return intAt(status, "updatedReplicas", 0) == replicas_ && intAt(status, "replicas", 0) == replicas_ &&
           intAt(status, "availableReplicas", 0) == replicas_ &&
           intAt(status, "observedGeneration", 0) >= meta::generation(d_);
  }

  bool isProgressing(const json& status) const {
    auto oldReplicas = [](const json& s) { return intAt(s, "replicas", 0) - intAt(s, "updatedReplicas", 0); };
    const json* previous = meta::find(d_, "status");
    json before = previous ? *previous : json::object();
    return intAt(status, "updatedReplicas", 0) > intAt(before, "updatedReplicas", 0) ||
           oldReplicas(status) < oldReplicas(before) ||
           intAt(status, "readyReplicas", 0) > intAt(before, "readyReplicas", 0) ||
           intAt(status, "availableReplicas", 0) > intAt(before, "availableReplicas", 0);
  }

  bool timedOut(const json& status) const {
    const json* progressing = findCondition(status["conditions"], "Progressing");
    if (!progressing) return false;
    std::string reason = progressing->value("reason", "");
    if (reason == kNewReplicaSetAvailable) return false;
    if (reason == kProgressDeadlineExceeded) return true;
    auto from = timeAt(*progressing, "lastUpdateTime");
    return from && *from + std::chrono::seconds(progressDeadline_) < now_;
  }

  // Kubernetes' syncRolloutStatus: the Progressing condition follows the rollout.
  void updateProgressing(json& status) {
    json& conditions = status["conditions"];
    if (!hasProgressDeadline()) {
      removeCondition(conditions, "Progressing");
      return;
    }
    const json* current = findCondition(conditions, "Progressing");
    bool alreadyComplete = current && current->value("reason", "") == kNewReplicaSetAvailable &&
                           intAt(status, "replicas", 0) == intAt(status, "updatedReplicas", 0);
    if (alreadyComplete) return;
    std::string subject = newIndex_ ? "ReplicaSet \"" + meta::name(replicaSets_[*newIndex_]) + "\""
                                    : "Deployment \"" + meta::name(d_) + "\"";
    if (isComplete(status)) {
      setDeploymentCondition(conditions, "Progressing", "True", kNewReplicaSetAvailable,
                             subject + " has successfully progressed.", now_);
    } else if (isProgressing(status)) {
      // Progress refreshes lastUpdateTime even when the reason stays the same (the deadline restarts).
      std::string transition = formatRfc3339(now_);
      if (current && current->value("status", "") == "True") {
        transition = current->value("lastTransitionTime", transition);
      }
      removeCondition(conditions, "Progressing");
      conditions.push_back(json{{"type", "Progressing"},
                                {"status", "True"},
                                {"reason", kReplicaSetUpdated},
                                {"message", subject + " is progressing."},
                                {"lastUpdateTime", formatRfc3339(now_)},
                                {"lastTransitionTime", transition}});
    } else if (timedOut(status)) {
      setDeploymentCondition(conditions, "Progressing", "False", kProgressDeadlineExceeded,
                             subject + " has timed out progressing.", now_);
    }
    // Look again when the deadline would pass without progress.
    const json* progressing = findCondition(conditions, "Progressing");
    if (progressing && progressing->value("reason", "") != kNewReplicaSetAvailable &&
        progressing->value("reason", "") != kProgressDeadlineExceeded && progressing->value("status", "") == "True") {
      if (auto from = timeAt(*progressing, "lastUpdateTime")) {
        plan_.wakeNoLaterThan(*from + std::chrono::seconds(progressDeadline_ + 1));
      }
    }
  }

  Plan finish(bool rollout) {
    json status = computeStatus();
    if (rollout) updateProgressing(status);
    for (auto index : updatedReplicaSets_) {
      plan_.writes.push_back(Write::update(kReplicaSets, replicaSets_[index], kControllerManager));
    }
    if (deploymentMetadataChanged_) plan_.writes.push_back(Write::update(kDeployments, d_, kControllerManager));
    const json* previous = meta::find(d_, "status");
    if (!previous || *previous != status) {
      json updated = d_;
      updated["status"] = std::move(status);
      plan_.writes.push_back(Write::updateStatus(kDeployments, std::move(updated), kControllerManager));
    }
    return std::move(plan_);
  }

  json d_;
  const ObjectRefs& pods_;
  const TimePoint now_;
  std::vector<json> replicaSets_;  // oldest first
  std::optional<std::size_t> newIndex_;
  std::set<std::size_t> updatedReplicaSets_;
  json conditions_;
  std::int64_t collisionCount_ = 0;
  json template_;
  std::string hash_;
  std::int64_t replicas_ = 1;
  bool rolling_ = true;
  Fenceposts fenceposts_;
  std::int64_t progressDeadline_ = kDefaultProgressDeadlineSeconds;
  bool deploymentMetadataChanged_ = false;
  Plan plan_;
};

}  // namespace

Fenceposts resolveFenceposts(const json& deployment) {
  std::int64_t replicas = std::max<std::int64_t>(0, intAt(deployment, "spec.replicas", 1));
  const json* rolling = meta::find(deployment, "spec.strategy.rollingUpdate");
  json surge = rolling && rolling->contains("maxSurge") ? (*rolling)["maxSurge"] : json("25%");
  json unavailable = rolling && rolling->contains("maxUnavailable") ? (*rolling)["maxUnavailable"] : json("25%");
  Fenceposts out;
  out.maxSurge = std::max<std::int64_t>(0, scaledValue(surge, replicas, true, 0).value_or(0));
  out.maxUnavailable = std::max<std::int64_t>(0, scaledValue(unavailable, replicas, false, 0).value_or(0));
  // Both zero would deadlock the rollout: Kubernetes then allows one unavailable pod.
  if (out.maxSurge == 0 && out.maxUnavailable == 0) out.maxUnavailable = 1;
  return out;
}

Plan reconcileDeployment(const json& deployment, const ObjectRefs& replicaSets, const ObjectRefs& pods, TimePoint now) {
  return DeploymentSync(deployment, replicaSets, pods, now).run();
}

}  // namespace flotilla::apiserver::sim
