#pragma once
// Watches the gateway's own ConfigMap (list+watch with a metadata.name field selector, so the agent's Role can be
// limited to that one name) through a runtime::Informer, which reconnects and relists on its own after errors.

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "gateway/gateway_config.h"
#include "kube/client.h"
#include "runtime/informer.h"

namespace flotilla::gateway {

class ConfigSource {
 public:
  struct Snapshot {
    bool present = false;  // the ConfigMap exists
    std::optional<GatewayConfig> config;
    std::string error;  // present but unusable
  };

  // `onChange` runs on the informer's thread after every change; it must be quick (wake the agent).
  ConfigSource(std::shared_ptr<kube::Client> client, std::string namespace_, std::string name,
               std::function<void()> onChange, runtime::MetricsFactory& metrics);
  ~ConfigSource();

  void start();
  void stop();
  bool synced() const { return informer_.hasSynced(); }
  Snapshot current() const;

 private:
  const std::string namespace_;
  const std::string name_;
  runtime::Informer informer_;
  mutable std::mutex mutex_;
  mutable std::string parsedVersion_;  // resourceVersion of `parsed_`
  mutable Snapshot parsed_;
};

}  // namespace flotilla::gateway
