#include "apiserver/fault_injector.h"

namespace flotilla::apiserver {

using nlohmann::json;

bool FaultMatch::matches(const RequestInfo& info, std::string_view requestUserAgent) const {
  return (verb.empty() || verb == info.verb) && (resource.empty() || resource == info.resource) &&
         (namespace_.empty() || namespace_ == info.namespace_) && (name.empty() || name == info.name) &&
         (userAgent.empty() || requestUserAgent.find(userAgent) != std::string_view::npos);
}

json FaultMatch::toJson() const {
  json out = json::object();
  if (!verb.empty()) out["verb"] = verb;
  if (!resource.empty()) out["resource"] = resource;
  if (!namespace_.empty()) out["namespace"] = namespace_;
  if (!name.empty()) out["name"] = name;
  if (!userAgent.empty()) out["userAgent"] = userAgent;
  return out;
}

FaultMatch FaultMatch::fromJson(const json& spec) {
  FaultMatch match;
  match.verb = spec.value("verb", "");
  match.resource = spec.value("resource", "");
  match.namespace_ = spec.value("namespace", "");
  match.name = spec.value("name", "");
  match.userAgent = spec.value("userAgent", "");
  return match;
}

ApiError errorForFault(const ErrorFault& fault) {
  ApiError error;
  switch (fault.code) {
    case 429:
      error = errors::tooManyRequests(fault.retryAfterSeconds);
      break;
    case 503:
      error = errors::serviceUnavailable(fault.message.empty() ? "the server is currently unable to handle the request"
                                                               : fault.message);
      error.retryAfterSeconds = fault.retryAfterSeconds;
      break;
    case 500:
      error = errors::internal(fault.message.empty() ? "injected fault" : fault.message);
      break;
    default:
      error.code = fault.code;
      error.reason = fault.code == 409 ? "Conflict" : fault.code == 504 ? "Timeout" : "InternalError";
      error.message = fault.message.empty() ? "injected fault" : fault.message;
  }
  return error;
}

void FaultInjector::addError(ErrorFault fault) {
  std::lock_guard lock(mutex_);
  errors_.push_back(std::move(fault));
}

void FaultInjector::addLatency(LatencyFault fault) {
  std::lock_guard lock(mutex_);
  latencies_.push_back(std::move(fault));
}

void FaultInjector::reset() {
  std::lock_guard lock(mutex_);
  errors_.clear();
  latencies_.clear();
}

std::optional<ApiError> FaultInjector::takeError(const RequestInfo& info, std::string_view userAgent) {
  std::lock_guard lock(mutex_);
  for (auto it = errors_.begin(); it != errors_.end(); ++it) {
    if (!it->match.matches(info, userAgent)) continue;
    ApiError error = errorForFault(*it);
    if (it->remaining > 0 && --it->remaining == 0) errors_.erase(it);
    return error;
  }
  return std::nullopt;
}

std::chrono::milliseconds FaultInjector::takeLatency(const RequestInfo& info, std::string_view userAgent) {
  std::lock_guard lock(mutex_);
  std::chrono::milliseconds total{0};
  for (auto it = latencies_.begin(); it != latencies_.end();) {
    if (!it->match.matches(info, userAgent)) {
      ++it;
      continue;
    }
    total += it->delay;
    if (it->remaining > 0 && --it->remaining == 0) {
      it = latencies_.erase(it);
    } else {
      ++it;
    }
  }
  return total;
}

json FaultInjector::toJson() const {
  std::lock_guard lock(mutex_);
  json errors = json::array();
  for (const auto& e : errors_) {
    json entry = e.match.toJson();
    entry["code"] = e.code;
    entry["count"] = e.remaining;
    entry["retryAfterSeconds"] = e.retryAfterSeconds;
    if (!e.message.empty()) entry["message"] = e.message;
    errors.push_back(entry);
  }
  json latency = json::array();
  for (const auto& l : latencies_) {
    json entry = l.match.toJson();
    entry["ms"] = l.delay.count();
    entry["count"] = l.remaining;
    latency.push_back(entry);
  }
  return {{"errors", errors}, {"latency", latency}};
}

Status FaultInjector::applyJson(const json& spec) {
  if (!spec.is_object()) return errors::badRequest("faults: expected a JSON object");
  if (spec.value("reset", false)) reset();
  if (auto it = spec.find("errors"); it != spec.end()) {
    if (!it->is_array()) return errors::badRequest("faults: \"errors\" must be a list");
    for (const auto& e : *it) {
      if (!e.is_object() || !e.contains("code") || !e["code"].is_number_integer()) {
        return errors::badRequest("faults: every error needs an integer \"code\"");
      }
      ErrorFault fault;
      fault.code = e["code"];
      fault.remaining = e.value("count", 1);
      fault.retryAfterSeconds = e.value("retryAfterSeconds", 1);
      fault.message = e.value("message", "");
      fault.match = FaultMatch::fromJson(e);
      addError(std::move(fault));
    }
  }
  if (auto it = spec.find("latency"); it != spec.end()) {
    json list = it->is_array() ? *it : json::array({*it});
    for (const auto& l : list) {
      if (!l.is_object() || !l.contains("ms") || !l["ms"].is_number_integer()) {
        return errors::badRequest("faults: every latency needs an integer \"ms\"");
      }
      LatencyFault fault;
      fault.delay = std::chrono::milliseconds(l["ms"].get<long long>());
      fault.remaining = l.value("count", -1);
      fault.match = FaultMatch::fromJson(l);
      addLatency(std::move(fault));
    }
  }
  return Done{};
}

}  // namespace flotilla::apiserver
