#include "fuzz_case.h"

#include <algorithm>

#include "api/parse.h"
#include "api/validate.h"
#include "render_fixtures.h"

namespace flotilla::reliability {
namespace {

using nlohmann::json;

// Decodes one object; on success validates it and keeps the typed value.
template <typename T, typename Validate>
void decodeInto(FuzzCase& c, const api::Parsed<T>& parsed, Validate validate, std::optional<T>& out) {
  if (!parsed.ok()) {
    c.parsed = false;
    c.errors.insert(c.errors.end(), parsed.errors.begin(), parsed.errors.end());
    return;
  }
  const auto problems = validate(parsed.value);
  c.errors.insert(c.errors.end(), problems.begin(), problems.end());
  out = parsed.value;
}

// The shop Gateway's own listener plus the case's: validateGateway judges a listener among its neighbours.
json gatewayWithListener(const json& listener) {
  return {{"apiVersion", "flotilla.io/v1alpha1"},
          {"kind", "Gateway"},
          {"metadata", {{"name", "public"}, {"namespace", "shop"}}},
          {"spec", {{"listeners", json::array({{{"name", "http"}, {"port", 80}}, listener})}}}};
}

std::optional<std::size_t> listenerIndex(const FuzzCase& c, const render::GatewayInputs& inputs) {
  const auto& listeners = inputs.gateway.spec.listeners;
  for (std::size_t k = 0; k < listeners.size(); ++k) {
    const auto& l = listeners[k];
    const bool sameTls = l.tls.has_value() == c.listener->tls.has_value() &&
                         (!l.tls || l.tls->secretRef.name == c.listener->tls->secretRef.name);
    if (l.name == c.listener->name && l.port == c.listener->port && l.protocol == c.listener->protocol && sameTls) {
      return k;
    }
  }
  return std::nullopt;
}

std::vector<std::string> listenerErrors(const FuzzCase& c, const render::GatewayInputs& inputs,
                                        const api::FieldErrors& gatewayErrors) {
  std::vector<std::string> found;
  const auto k = listenerIndex(c, inputs);
  if (!k) return {"listener not among the Gateway's listeners"};
  const std::string prefix = "spec.listeners[" + std::to_string(*k) + "]";
  for (const auto& error : gatewayErrors) {
    if (error.path.starts_with(prefix)) found.push_back(error.toString());
  }
  return found;
}

const render::RouteVerdict* verdictOf(const FuzzCase& c, const std::vector<render::RouteVerdict>& verdicts) {
  const auto it = std::find_if(verdicts.begin(), verdicts.end(),
                               [&](const render::RouteVerdict& v) { return v.route == render::keyOf(*c.route); });
  return it == verdicts.end() ? nullptr : &*it;
}

}  // namespace

std::string FuzzCase::describe() const {
  return field->name + " = " + value.dump(-1, ' ', true, json::error_handler_t::replace) + " (case " +
         std::to_string(index) + ")";
}

FuzzCase decodeCase(int index, const InjectionField& field, const json& value) {
  FuzzCase c;
  c.index = index;
  c.field = &field;
  c.value = value;
  c.parsed = true;
  CaseObjects objects = baseCase(index, field.owner);
  field.set(objects, value);
  // A listener case is about the Gateway alone: no Route, so that a refused listener leaves nothing behind.
  if (field.owner != FieldOwner::Listener) decodeInto(c, api::parseRoute(objects.route), api::validateRoute, c.route);
  if (objects.policy) decodeInto(c, api::parseBreakerPolicy(*objects.policy), api::validateBreakerPolicy, c.policy);
  if (objects.microservice) {
    decodeInto(c, api::parseMicroservice(*objects.microservice), api::validateMicroservice, c.microservice);
  }
  if (objects.listener) {
    std::optional<api::Gateway> gateway;
    decodeInto(c, api::parseGateway(gatewayWithListener(*objects.listener)), api::validateGateway, gateway);
    if (gateway) c.listener = gateway->spec.listeners.at(1);
  }
  return c;
}

render::GatewayInputs inputsWith(const std::vector<const FuzzCase*>& cases) {
  auto inputs = render::testing::shopInputs();
  for (const FuzzCase* c : cases) {
    if (c->route) inputs.routes.push_back(*c->route);
    if (c->policy) inputs.breakerPolicies.push_back(*c->policy);
    if (c->microservice) inputs.microservices.push_back(*c->microservice);
    if (c->listener) inputs.gateway.spec.listeners.push_back(*c->listener);
  }
  return inputs;
}

bool caseRendered(const FuzzCase& c, const render::GatewayInputs& inputs, const api::FieldErrors& gatewayErrors,
                  const std::vector<render::RouteVerdict>& verdicts) {
  if (c.listener) return listenerErrors(c, inputs, gatewayErrors).empty();
  const auto* verdict = verdictOf(c, verdicts);
  return verdict != nullptr && verdict->rendered;
}

std::string renderRefusal(const FuzzCase& c, const render::GatewayInputs& inputs, const api::FieldErrors& gatewayErrors,
                          const std::vector<render::RouteVerdict>& verdicts) {
  if (c.listener) {
    std::string out;
    for (const auto& error : listenerErrors(c, inputs, gatewayErrors)) out += (out.empty() ? "" : "; ") + error;
    return out;
  }
  const auto* verdict = verdictOf(c, verdicts);
  if (verdict == nullptr) return "no verdict for the Route";
  const auto& failed = verdict->accepted.status ? verdict->resolvedRefs : verdict->accepted;
  return failed.reason + ": " + failed.message;
}

}  // namespace flotilla::reliability
