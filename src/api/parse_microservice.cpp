#include "api/parse_object.h"

namespace flotilla::api {
namespace parsing {

void readAutoscaling(FieldReader& reader, Autoscaling& autoscaling) {
  reader.read("minReplicas", autoscaling.minReplicas);
  reader.read("maxReplicas", autoscaling.maxReplicas);
  reader.read("targetCPUUtilization", autoscaling.targetCPUUtilization);
  reader.read("targetMemoryUtilization", autoscaling.targetMemoryUtilization);
  reader.readRaw("behavior", autoscaling.behavior, nlohmann::json::value_t::object);
}

}  // namespace parsing

namespace {

void readPort(FieldReader& reader, ServicePort& port) {
  reader.read("name", port.name);
  reader.read("port", port.port);
  reader.read("targetPort", port.targetPort);
  reader.read("protocol", port.protocol);
  reader.read("appProtocol", port.appProtocol);
}

void readDisruptionBudget(FieldReader& reader, DisruptionBudget& budget) {
  reader.read("minAvailable", budget.minAvailable);
  reader.read("maxUnavailable", budget.maxUnavailable);
}

void readMicroserviceSpec(FieldReader& reader, MicroserviceSpec& spec) {
  using value_t = nlohmann::json::value_t;
  reader.read("image", spec.image);
  reader.read("imagePullPolicy", spec.imagePullPolicy);
  reader.read("command", spec.command);
  reader.read("args", spec.args);
  reader.readList<ServicePort>("ports", spec.ports, readPort);
  reader.readRaw("env", spec.env, value_t::array);
  reader.readRaw("envFrom", spec.envFrom, value_t::array);
  reader.readRaw("resources", spec.resources, value_t::object);
  reader.read("replicas", spec.replicas);
  reader.readOptional<Autoscaling>("autoscaling", spec.autoscaling, parsing::readAutoscaling);
  reader.readRaw("probes", spec.probes, value_t::object);
  reader.readOptional<DisruptionBudget>("disruptionBudget", spec.disruptionBudget, readDisruptionBudget);
  reader.readObject("strategy", [&spec](FieldReader& strategy) {
    strategy.read("maxSurge", spec.strategy.maxSurge);
    strategy.read("maxUnavailable", spec.strategy.maxUnavailable);
  });
  reader.read("breakerPolicyRef", spec.breakerPolicyRef);
  reader.read("serviceAccountName", spec.serviceAccountName);
  reader.readObject("podTemplate", [&spec](FieldReader& overlay) {
    overlay.read("labels", spec.podTemplate.labels);
    overlay.read("annotations", spec.podTemplate.annotations);
  });
  reader.read("rolloutOnConfigChange", spec.rolloutOnConfigChange);
}

}  // namespace

Parsed<Microservice> parseMicroservice(const nlohmann::json& object) {
  return parsing::parseObject<Microservice>(object, "Microservice", readMicroserviceSpec);
}

}  // namespace flotilla::api
