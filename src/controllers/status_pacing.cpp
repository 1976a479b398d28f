#include "controllers/status_pacing.h"

#include <map>

namespace flotilla::controllers {
namespace {

// type → status of the headline conditions.
std::map<std::string, std::string> headlineStatuses(const nlohmann::json& status) {
  std::map<std::string, std::string> out;
  auto conditions = status.find("conditions");
  if (conditions == status.end() || !conditions->is_array()) return out;
  for (const auto& condition : *conditions) {
    if (!condition.is_object()) continue;
    const std::string type = condition.value("type", "");
    for (const char* headline : kHeadlineConditions) {
      if (type == headline) out[type] = condition.value("status", "");
    }
  }
  return out;
}

}  // namespace

bool isProgressOnly(const nlohmann::json& previous, const nlohmann::json& next) {
  if (!previous.is_object() || !next.is_object()) return false;
  if (previous.value("observedGeneration", -1) != next.value("observedGeneration", -2)) return false;
  const auto before = headlineStatuses(previous);
  return before.size() == std::size(kHeadlineConditions) && before == headlineStatuses(next);
}

runtime::Duration StatusPacer::holdBack(const std::string& key, const nlohmann::json& previous,
                                        const nlohmann::json& next) {
  if (!isProgressOnly(previous, next)) return runtime::Duration::zero();
  std::lock_guard lock(mutex_);
  auto last = lastWrite_.find(key);
  if (last == lastWrite_.end()) return runtime::Duration::zero();
  const runtime::Duration waited = clock_.now() - last->second;
  return waited >= interval_ ? runtime::Duration::zero() : interval_ - waited;
}

void StatusPacer::written(const std::string& key) {
  const runtime::TimePoint now = clock_.now();
  std::lock_guard lock(mutex_);
  // Pruned in bulk once it has grown: an entry older than the interval holds nothing back any more.
  if (lastWrite_.size() >= 1024) forgetExpiredLocked(now);
  lastWrite_[key] = now;
}

void StatusPacer::forgetExpiredLocked(runtime::TimePoint now) {
  std::erase_if(lastWrite_, [&](const auto& entry) { return now - entry.second >= interval_; });
}

}  // namespace flotilla::controllers
