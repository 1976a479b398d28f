#pragma once
// Writing a custom resource's status without no-op writes, and announcing condition changes as Events.

#include <string>

#include <nlohmann/json.hpp>

#include "kube/client.h"
#include "runtime/event_recorder.h"

namespace flotilla::controllers {

// True when `live`.status holds every top-level field of `fields` with exactly the same value. A null field (the
// merge patch removes it) holds when the status lacks it.
bool statusHolds(const nlohmann::json& live, const nlohmann::json& fields);

// Merge-patches `fields` into the status subresource of `live` unless statusHolds. Fields the controller does not
// send are left alone; a null field is removed. Returns whether it wrote. `onlyIfUnchanged` makes the write
// conditional on `live`'s resourceVersion (Conflict when the cache was stale): for a caller that derives Events
// from the difference to the previous status and must not announce one change twice.
kube::Result<bool> patchStatusIfChanged(kube::Client& client, const kube::ResourceRef& resource,
                                        const nlohmann::json& live, const nlohmann::json& fields,
                                        bool onlyIfUnchanged = false);

// One Event on `object` per condition whose status or reason differs from `previous` (or is new): Normal when True,
// Warning when False or Unknown. Pending is not announced (it is where every change passes through; what follows is).
// `context` prefixes each message, e.g. "Gateway shop/public: ".
void recordConditionEvents(runtime::EventRecorder& recorder, const nlohmann::json& object,
                           const nlohmann::json& previous, const nlohmann::json& conditions,
                           const std::string& context = {});

}  // namespace flotilla::controllers
