#pragma once
// Watches the EndpointSlices of every namespace the config's backends live in (one runtime::Informer per
// namespace, started when a namespace first appears in backends.json; the gateway Role grants list/watch there).

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "kube/client.h"
#include "render/gateway_inputs.h"
#include "runtime/informer.h"

namespace flotilla::gateway {

class EndpointSource {
 public:
  // `onChange` runs on an informer thread after every slice change; it must be quick (wake the agent).
  EndpointSource(std::shared_ptr<kube::Client> client, std::function<void()> onChange,
                 runtime::MetricsFactory& metrics);
  ~EndpointSource();

  // Starts watching namespaces not watched yet (namespaces no longer needed keep their cheap watch).
  void watchNamespaces(const std::vector<std::string>& namespaces);
  // True when every watched namespace has been listed once.
  bool synced() const;
  // Endpoints of every Service in the watched namespaces.
  std::map<render::ObjectKey, std::vector<render::Endpoint>> endpoints() const;
  void stop();

 private:
  std::shared_ptr<kube::Client> client_;
  std::function<void()> onChange_;
  runtime::MetricsFactory& metrics_;
  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<runtime::Informer>> informers_;  // by namespace
};

}  // namespace flotilla::gateway
