#pragma once
// flotilla_managed_objects{kind}: how many objects of each kind Flotilla's CRs control right now. Kept up to date
// from informer notifications (+1 when an object controlled by a flotilla.io `ownerKind` appears, -1 when it goes
// or loses that controller), so it costs nothing per reconcile. Several controllers may track the same `kind` for
// different owner kinds (Deployments of Microservices and of Gateways): they add to the same series.

#include <string>

#include "runtime/informer.h"
#include "runtime/metrics.h"

namespace flotilla::controllers {

inline constexpr const char* kManagedObjectsMetric = "flotilla_managed_objects";

// Adds the informer handler. `kind` is the label value ("Deployment"); the gauge lives as long as the handler.
void trackManagedObjects(runtime::Informer& informer, const std::string& kind, const std::string& ownerKind,
                         runtime::MetricsFactory& metrics);

}  // namespace flotilla::controllers
