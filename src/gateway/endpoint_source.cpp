#include "gateway/endpoint_source.h"

#include "gateway/endpoint_slices.h"
#include "kube/well_known_resources.h"
#include "runtime/kube_adapters.h"

namespace flotilla::gateway {

EndpointSource::EndpointSource(std::shared_ptr<kube::Client> client, std::function<void()> onChange,
                               runtime::MetricsFactory& metrics)
    : client_(std::move(client)), onChange_(std::move(onChange)), metrics_(metrics) {}

EndpointSource::~EndpointSource() {
  stop();
}

void EndpointSource::watchNamespaces(const std::vector<std::string>& namespaces) {
  std::lock_guard lock(mutex_);
  for (const auto& ns : namespaces) {
    if (informers_.count(ns)) continue;
    runtime::InformerOptions options;
    options.resource = "endpointslices.discovery.k8s.io/" + ns;  // one series per namespace
    options.reflector.name = "gateway-endpointslices-" + ns;
    auto informer = std::make_unique<runtime::Informer>(
        std::make_shared<runtime::KubeListerWatcher>(client_, kube::resources::kEndpointSlices, ns), options,
        runtime::realClock(), metrics_);
    auto notify = [this](const nlohmann::json&) { onChange_(); };
    informer->addEventHandler({notify, [this](const nlohmann::json&, const nlohmann::json&) { onChange_(); }, notify});
    informer->start();
    informers_.emplace(ns, std::move(informer));
  }
}

bool EndpointSource::synced() const {
  std::lock_guard lock(mutex_);
  for (const auto& [ns, informer] : informers_) {
    if (!informer->hasSynced()) return false;
  }
  return true;
}

std::map<render::ObjectKey, std::vector<render::Endpoint>> EndpointSource::endpoints() const {
  std::vector<nlohmann::json> slices;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [ns, informer] : informers_) {
      for (const auto& object : informer->cache().list()) slices.push_back(*object);
    }
  }
  return endpointsByService(slices);
}

void EndpointSource::stop() {
  std::lock_guard lock(mutex_);
  for (auto& [ns, informer] : informers_) informer->stop();
}

}  // namespace flotilla::gateway
