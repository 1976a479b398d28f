#pragma once
// Every CR field whose value reaches haproxy.cfg, as a way to put a value into one fuzz case's objects.
//
// Case i is a Route shop/fz-<i> (hostname c<i>.fuzz.test, prefix /c<i>, backend user-service of the shop fixture)
// attached to Gateway shop/public; a BreakerPolicy field gives the rule its own policy shop/bp-<i>, a Microservice
// field its own backend shop/ms-<i>. A listener field's case is one extra listener of the Gateway (its Route is not
// used). The unique hostname and
// prefix keep the cases from conflicting with each other, so hundreds of them fit into one haproxy.cfg.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace flotilla::reliability {

enum class FieldOwner { Route, BreakerPolicy, Microservice, Listener };

// The JSON objects of one case, before decoding.
struct CaseObjects {
  int index = 0;
  nlohmann::json route;
  std::optional<nlohmann::json> policy;
  std::optional<nlohmann::json> microservice;
  std::optional<nlohmann::json> listener;  // one element of Gateway spec.listeners
};

struct InjectionField {
  std::string name;  // "Route spec.rules[].requestHeaders.set[].value"
  FieldOwner owner = FieldOwner::Route;
  bool numeric = false;                            // fuzzed mostly with numbers (adversarialNumber), else with strings
  std::string shape;                               // a plausible start for string values (adversarialString)
  std::function<nlohmann::json(int index)> clean;  // a harmless value for the clean baseline render of case `index`
  std::function<void(CaseObjects&, const nlohmann::json& value)> set;
};

const std::vector<InjectionField>& injectionFields();

// Case `index`'s objects for a field of `owner`, with every field at its clean value.
CaseObjects baseCase(int index, FieldOwner owner);

// The listener port of case `index` (unique among cases, clear of the stats and agent ports).
int listenerPortFor(int index);

}  // namespace flotilla::reliability
