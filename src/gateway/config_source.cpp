#include "gateway/config_source.h"

#include "kube/well_known_resources.h"
#include "runtime/kube_adapters.h"
#include "runtime/object.h"

namespace flotilla::gateway {
namespace {

runtime::InformerOptions informerOptions(const std::string& name) {
  runtime::InformerOptions options;
  options.resource = "configmaps";
  options.reflector.name = "gateway-config";
  options.reflector.fieldSelector = "metadata.name=" + name;
  return options;
}

}  // namespace

ConfigSource::ConfigSource(std::shared_ptr<kube::Client> client, std::string namespace_, std::string name,
                           std::function<void()> onChange, runtime::MetricsFactory& metrics)
    : namespace_(std::move(namespace_)),
      name_(std::move(name)),
      informer_(std::make_shared<runtime::KubeListerWatcher>(std::move(client), kube::resources::kConfigMaps,
                                                             this->namespace_),
                informerOptions(name_), runtime::realClock(), metrics) {
  auto notify = [onChange](const nlohmann::json&) { onChange(); };
  informer_.addEventHandler({notify, [onChange](const nlohmann::json&, const nlohmann::json&) { onChange(); }, notify});
}

ConfigSource::~ConfigSource() {
  stop();
}

void ConfigSource::start() {
  informer_.start();
}

void ConfigSource::stop() {
  informer_.stop();
}

ConfigSource::Snapshot ConfigSource::current() const {
  const auto object = informer_.cache().get(namespace_, name_);
  std::lock_guard lock(mutex_);
  if (!object) {
    parsedVersion_.clear();
    parsed_ = {};
    return parsed_;
  }
  const std::string version = runtime::resourceVersionOf(*object);
  if (version.empty() || version != parsedVersion_) {
    Snapshot snapshot;
    snapshot.present = true;
    snapshot.config = configFromConfigMap(*object, snapshot.error);
    parsed_ = std::move(snapshot);
    parsedVersion_ = version;
  }
  return parsed_;
}

}  // namespace flotilla::gateway
