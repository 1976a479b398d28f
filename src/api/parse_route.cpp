#include "api/parse_object.h"

namespace flotilla::api {
namespace {

void readPathMatch(FieldReader& reader, PathMatch& path) {
  reader.readEnum<PathMatchType>("type", path.type,
                                 {{"Exact", PathMatchType::Exact},
                                  {"PathPrefix", PathMatchType::PathPrefix},
                                  {"RegularExpression", PathMatchType::RegularExpression}});
  reader.read("value", path.value);
}

void readHeaderMatch(FieldReader& reader, HeaderMatch& header) {
  reader.readEnum<HeaderMatchType>(
      "type", header.type,
      {{"Exact", HeaderMatchType::Exact}, {"RegularExpression", HeaderMatchType::RegularExpression}});
  reader.read("name", header.name);
  reader.read("value", header.value);
}

void readMatch(FieldReader& reader, RouteMatch& match) {
  reader.readOptional<PathMatch>("path", match.path, readPathMatch);
  reader.read("methods", match.methods);
  reader.readList<HeaderMatch>("headers", match.headers, readHeaderMatch);
}

void readHeaderValue(FieldReader& reader, HeaderValue& header) {
  reader.read("name", header.name);
  reader.read("value", header.value);
}

void readHeaderModifier(FieldReader& reader, HeaderModifier& modifier) {
  reader.readList<HeaderValue>("set", modifier.set, readHeaderValue);
  reader.readList<HeaderValue>("add", modifier.add, readHeaderValue);
  reader.read("remove", modifier.remove);
}

void readBackend(FieldReader& reader, BackendRef& backend) {
  reader.read("service", backend.service);
  reader.read("port", backend.port);
  reader.read("weight", backend.weight);
}

// retryOn items are failure kinds or HTTP status codes, written as strings or numbers (retryOn: [5xx, 503]).
void readRetryOn(FieldReader& reader, std::vector<std::string>& out) {
  const auto* list = reader.find("retryOn");
  if (list == nullptr) return;
  const std::string path = reader.pathOf("retryOn");
  if (!list->is_array()) {
    reader.error(path, "must be a list");
    return;
  }
  for (std::size_t i = 0; i < list->size(); ++i) {
    IntOrString item;
    if (readIntOrString((*list)[i], indexPath(path, i), item, reader.errors())) {
      out.push_back(item.isInt() ? std::to_string(*item.intValue) : item.stringValue);
    }
  }
}

void readRetries(FieldReader& reader, RetryPolicy& retries) {
  reader.read("attempts", retries.attempts);
  reader.read("perTryTimeout", retries.perTryTimeout);
  readRetryOn(reader, retries.retryOn);
}

void readRateLimit(FieldReader& reader, RateLimit& limit) {
  reader.read("requestsPerSecond", limit.requestsPerSecond);
  reader.read("burst", limit.burst);
}

void readRewrite(FieldReader& reader, PathRewrite& rewrite) {
  reader.read("pathPrefix", rewrite.pathPrefix);
  reader.read("fullPath", rewrite.fullPath);
}

void readRule(FieldReader& reader, RouteRule& rule) {
  reader.read("name", rule.name);
  reader.readList<RouteMatch>("matches", rule.matches, readMatch);
  reader.readOptional<PathRewrite>("rewrite", rule.rewrite, readRewrite);
  reader.readObject("requestHeaders", [&rule](FieldReader& r) { readHeaderModifier(r, rule.requestHeaders); });
  reader.readObject("responseHeaders", [&rule](FieldReader& r) { readHeaderModifier(r, rule.responseHeaders); });
  reader.readList<BackendRef>("backends", rule.backends, readBackend);
  reader.readObject("timeout", [&rule](FieldReader& timeout) {
    timeout.read("request", rule.timeout.request);
    timeout.read("backendRequest", rule.timeout.backendRequest);
  });
  reader.readOptional<RetryPolicy>("retries", rule.retries, readRetries);
  reader.read("breakerPolicyRef", rule.breakerPolicyRef);
  reader.readOptional<RateLimit>("rateLimit", rule.rateLimit, readRateLimit);
}

void readRouteSpec(FieldReader& reader, RouteSpec& spec) {
  reader.readObject("gatewayRef", [&spec](FieldReader& ref) {
    ref.read("name", spec.gatewayRef.name);
    ref.read("namespace", spec.gatewayRef.namespace_);
  });
  reader.read("hostnames", spec.hostnames);
  reader.readList<RouteRule>("rules", spec.rules, readRule);
}

}  // namespace

Parsed<Route> parseRoute(const nlohmann::json& object) {
  return parsing::parseObject<Route>(object, "Route", readRouteSpec);
}

}  // namespace flotilla::api
