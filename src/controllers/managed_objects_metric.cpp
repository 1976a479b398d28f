#include "controllers/managed_objects_metric.h"

#include <memory>

#include "api/types.h"
#include "runtime/object.h"

namespace flotilla::controllers {

void trackManagedObjects(runtime::Informer& informer, const std::string& kind, const std::string& ownerKind,
                         runtime::MetricsFactory& metrics) {
  std::shared_ptr<runtime::Gauge> gauge = metrics.gauge(
      kManagedObjectsMetric, "Objects controlled by Flotilla custom resources, by kind", {{"kind", kind}});
  auto managed = [ownerKind](const nlohmann::json& object) {
    const auto controller = runtime::controllerOf(object);
    return controller && controller->kind == ownerKind && runtime::groupOf(controller->apiVersion) == api::kGroup;
  };
  runtime::EventHandler handler;
  handler.onAdd = [gauge, managed](const nlohmann::json& object) {
    if (managed(object)) gauge->increment();
  };
  handler.onUpdate = [gauge, managed](const nlohmann::json& before, const nlohmann::json& after) {
    const bool was = managed(before);
    const bool is = managed(after);
    if (is && !was) gauge->increment();
    if (was && !is) gauge->decrement();
  };
  handler.onDelete = [gauge, managed](const nlohmann::json& object) {
    if (managed(object)) gauge->decrement();
  };
  informer.addEventHandler(std::move(handler));
}

}  // namespace flotilla::controllers
