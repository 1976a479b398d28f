#include "api/parse_object.h"

namespace flotilla::api {
namespace {

void readListenerTls(FieldReader& reader, ListenerTls& tls) {
  reader.read("secretRef", tls.secretRef);
}

void readListener(FieldReader& reader, Listener& listener) {
  reader.read("name", listener.name);
  reader.read("port", listener.port);
  reader.read("protocol", listener.protocol);
  reader.readOptional<ListenerTls>("tls", listener.tls, readListenerTls);
  reader.read("redirectToHttps", listener.redirectToHttps);
}

void readGatewaySpec(FieldReader& reader, GatewaySpec& spec) {
  using value_t = nlohmann::json::value_t;
  reader.read("replicas", spec.replicas);
  reader.readOptional<Autoscaling>("autoscaling", spec.autoscaling, parsing::readAutoscaling);
  reader.read("image", spec.image);
  reader.readRaw("resources", spec.resources, value_t::object);
  reader.readObject("service", [&spec](FieldReader& service) {
    service.read("type", spec.service.type);
    service.read("annotations", spec.service.annotations);
  });
  reader.readList<Listener>("listeners", spec.listeners, readListener);
  reader.readObject("allowedRoutes", [&spec](FieldReader& allowed) {
    allowed.readObject("namespaces", [&spec](FieldReader& namespaces) {
      namespaces.readEnum<RouteNamespacesFrom>("from", spec.allowedRoutes.from,
                                               {{"Same", RouteNamespacesFrom::Same},
                                                {"All", RouteNamespacesFrom::All},
                                                {"Selector", RouteNamespacesFrom::Selector}});
      namespaces.readRaw("selector", spec.allowedRoutes.selector, value_t::object);
    });
  });
  reader.readObject("defaults", [&spec](FieldReader& defaults) {
    defaults.read("timeout", spec.defaults.timeout);
    defaults.read("breakerPolicyRef", spec.defaults.breakerPolicyRef);
  });
}

}  // namespace

Parsed<Gateway> parseGateway(const nlohmann::json& object) {
  return parsing::parseObject<Gateway>(object, "Gateway", readGatewaySpec);
}

}  // namespace flotilla::api
