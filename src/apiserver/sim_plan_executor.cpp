#include "apiserver/sim_plan_executor.h"

#include <functional>
#include <set>

#include <spdlog/spdlog.h>

#include "apiserver/object_meta.h"

namespace flotilla::apiserver::sim {
namespace {

std::string objectKey(const std::string& storageKey, const std::string& ns, const std::string& name) {
  return storageKey + "/" + ns + "/" + name;
}

std::string lastWriteKey(WriteKind kind, const std::string& objectKey) {
  return std::to_string(static_cast<int>(kind)) + "/" + objectKey;
}

std::size_t contentHash(const json& object) {
  json copy = object;
  if (copy.contains("metadata")) {
    copy["metadata"].erase("resourceVersion");
    copy["metadata"].erase("managedFields");
  }
  return std::hash<std::string>{}(copy.dump());
}

}  // namespace

bool PlanExecutor::execute(const Plan& plan) {
  std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> advanced;  // object → (planned, current) version
  std::set<std::string> failed;
  for (Write write : plan.writes) {
    const std::string key = objectKey(write.resource.storageKey(), write.namespace_, write.name);
    if (failed.count(key)) continue;
    std::uint64_t planned = write.object.is_object() ? meta::resourceVersion(write.object) : 0;
    if (auto it = advanced.find(key); it != advanced.end() && planned != 0 && planned == it->second.first) {
      write.object["metadata"]["resourceVersion"] = std::to_string(it->second.second);
    }
    const std::string writeKey = lastWriteKey(write.kind, key);
    std::size_t hash = 0;
    if (write.kind == WriteKind::Update || write.kind == WriteKind::UpdateStatus) {
      hash = contentHash(write.object);
      auto last = lastWrites_.find(writeKey);
      if (last != lastWrites_.end() && last->second.contentHash == hash &&
          last->second.resultVersion == target_.storedVersion(write)) {
        continue;
      }
    }
    PlanTarget::Applied applied = target_.apply(write);
    switch (applied.outcome) {
      case PlanTarget::Outcome::Ok:
        spdlog::debug("workload simulator: {}", write.describe());
        if (applied.resourceVersion != 0) {
          advanced[key] = {advanced.count(key) ? advanced[key].first : planned, applied.resourceVersion};
          if (hash != 0) lastWrites_[writeKey] = LastWrite{hash, applied.resourceVersion};
        }
        continue;
      case PlanTarget::Outcome::Exists:    // a generated name was taken, or a namesake appeared
      case PlanTarget::Outcome::Gone:      // it went meanwhile: its deletion brings the next pass
      case PlanTarget::Outcome::Conflict:  // changed meanwhile
        spdlog::debug("workload simulator: {} did not apply (will look again): {}", write.describe(), applied.error);
        break;
      case PlanTarget::Outcome::Failed:
        spdlog::warn("workload simulator: {} failed: {}", write.describe(), applied.error);
        break;
    }
    failed.insert(key);
  }
  return failed.empty();
}

void PlanExecutor::forget(const std::string& storageKey, const std::string& namespace_, const std::string& name) {
  std::string key = objectKey(storageKey, namespace_, name);
  for (WriteKind kind : {WriteKind::Update, WriteKind::UpdateStatus}) lastWrites_.erase(lastWriteKey(kind, key));
}

}  // namespace flotilla::apiserver::sim
