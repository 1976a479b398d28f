#include "apiserver/request_log.h"

namespace flotilla::apiserver {

nlohmann::json RequestRecord::toJson() const {
  return {{"index", index},
          {"time", time},
          {"method", method},
          {"verb", verb},
          {"path", path},
          {"query", query},
          {"group", group},
          {"version", version},
          {"resource", resource},
          {"subresource", subresource},
          {"namespace", namespace_},
          {"name", name},
          {"userAgent", userAgent},
          {"user", user},
          {"contentType", contentType},
          {"fieldManager", fieldManager},
          {"code", code},
          {"durationMs", durationMs}};
}

std::uint64_t RequestLog::append(RequestRecord record) {
  std::lock_guard lock(mutex_);
  record.index = next_++;
  records_.push_back(std::move(record));
  while (records_.size() > capacity_) records_.pop_front();
  return records_.back().index;
}

std::vector<RequestRecord> RequestLog::since(std::uint64_t after) const {
  std::lock_guard lock(mutex_);
  std::vector<RequestRecord> out;
  for (const auto& record : records_) {
    if (record.index > after) out.push_back(record);
  }
  return out;
}

std::uint64_t RequestLog::lastIndex() const {
  std::lock_guard lock(mutex_);
  return next_ - 1;
}

void RequestLog::clear() {
  std::lock_guard lock(mutex_);
  records_.clear();
}

}  // namespace flotilla::apiserver
