#include "render/route_checks.h"

#include <algorithm>

#include "api/names.h"
#include "api/validate.h"
#include "render/haproxy_text.h"

namespace flotilla::render {
namespace {

using api::FieldErrors;

std::string indexed(const std::string& path, std::size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

// A regex must compile alone (so it cannot close our ^(?: ... )$ wrapper early) and wrapped.
void checkRegex(const std::string& path, const std::string& regex, bool allowSpace, FieldErrors& errors) {
  if (auto error = pcreError(regex)) {
    errors.push_back({path, "does not compile as a PCRE2 regular expression: " + *error});
  } else if (auto wrapped = pcreError("^(?:" + regex + ")$")) {
    errors.push_back({path, "cannot be anchored as a whole-value match: " + *wrapped});
  } else if (!(allowSpace ? api::isSafeHeaderRegex(regex) : api::isSafePathRegex(regex))) {
    errors.push_back({path,
                      "must be a regular expression in the syntax PCRE2 and ECMAScript share, at most 1024 "
                      "printable ASCII characters without quotes, '#', '%[' or '${'" +
                          std::string(allowSpace ? "" : " or spaces")});
  }
}

void checkPath(const std::string& path, const std::string& value, FieldErrors& errors) {
  if (!api::isSafeConfigPath(value)) {
    errors.push_back({path,
                      "must start with '/' and contain only [A-Za-z0-9/._~%-] (with %XX escapes), at most 1024 "
                      "characters"});
  }
}

void checkMatch(const std::string& path, const api::RouteMatch& match, FieldErrors& errors) {
  if (match.path) {
    const std::string valuePath = path + ".path.value";
    if (match.path->type == api::PathMatchType::RegularExpression) {
      checkRegex(valuePath, match.path->value, /*allowSpace=*/false, errors);
    } else {
      checkPath(valuePath, match.path->value, errors);
    }
  }
  for (std::size_t m = 0; m < match.methods.size(); ++m) {
    const auto& method = match.methods[m];
    const bool upperLetters = !method.empty() && method.size() <= 32 &&
                              std::all_of(method.begin(), method.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
    if (!upperLetters) errors.push_back({indexed(path + ".methods", m), "must be an upper-case HTTP method name"});
  }
  for (std::size_t h = 0; h < match.headers.size(); ++h) {
    const auto& header = match.headers[h];
    const std::string headerPath = indexed(path + ".headers", h);
    if (!api::isSafeHeaderName(header.name)) {
      errors.push_back({headerPath + ".name", "must be a header name made of [A-Za-z0-9_.-]"});
    }
    if (header.type == api::HeaderMatchType::RegularExpression) {
      checkRegex(headerPath + ".value", header.value, /*allowSpace=*/true, errors);
    } else if (!api::isSafeHeaderValue(header.value)) {
      errors.push_back({headerPath + ".value",
                        "must be printable ASCII without quotes, '\\', '#', '%[' or '${', "
                        "a leading '-' or surrounding spaces"});
    }
  }
}

void checkHeaderModifier(const std::string& path, const api::HeaderModifier& modifier, FieldErrors& errors) {
  const auto checkValues = [&](const std::string& listPath, const std::vector<api::HeaderValue>& values) {
    for (std::size_t i = 0; i < values.size(); ++i) {
      const std::string entry = indexed(listPath, i);
      if (!api::isSafeHeaderName(values[i].name)) {
        errors.push_back({entry + ".name", "must be a header name made of [A-Za-z0-9_.-]"});
      }
      if (values[i].value.empty()) {
        // HAProxy drops an empty '' argument: `set-header X ''` fails the whole config.
        errors.push_back({entry + ".value", "must not be empty"});
      } else if (!api::isSafeHeaderValue(values[i].value)) {
        errors.push_back({entry + ".value",
                          "must be printable ASCII without quotes, '\\', '#', '%[' or '${', "
                          "a leading '-' or surrounding spaces"});
      }
    }
  };
  checkValues(path + ".set", modifier.set);
  checkValues(path + ".add", modifier.add);
  for (std::size_t i = 0; i < modifier.remove.size(); ++i) {
    if (!api::isSafeHeaderName(modifier.remove[i])) {
      errors.push_back({indexed(path + ".remove", i), "must be a header name made of [A-Za-z0-9_.-]"});
    }
  }
}

void checkRewrite(const std::string& path, const api::RouteRule& rule, FieldErrors& errors) {
  if (!rule.rewrite) return;
  const auto& rewrite = *rule.rewrite;
  if (rewrite.pathPrefix && rewrite.fullPath) {
    errors.push_back({path, "set either pathPrefix or fullPath, not both"});
  }
  if (rewrite.fullPath) checkPath(path + ".fullPath", *rewrite.fullPath, errors);
  if (rewrite.pathPrefix) {
    checkPath(path + ".pathPrefix", *rewrite.pathPrefix, errors);
    // Like Gateway API's ReplacePrefixMatch: the prefix to replace must be a PathPrefix match.
    for (const auto& match : rule.matches) {
      if (match.path && match.path->type != api::PathMatchType::PathPrefix) {
        errors.push_back({path + ".pathPrefix", "needs every match of the rule to be a PathPrefix match"});
        break;
      }
    }
  }
}

void checkPositive(const std::string& path, const std::optional<api::Duration>& duration, FieldErrors& errors) {
  if (duration && duration->nanos <= 0) errors.push_back({path, "must be a positive duration"});
}

void checkRule(const std::string& path, const api::RouteRule& rule, FieldErrors& errors) {
  for (std::size_t m = 0; m < rule.matches.size(); ++m)
    checkMatch(indexed(path + ".matches", m), rule.matches[m], errors);
  checkRewrite(path + ".rewrite", rule, errors);
  checkHeaderModifier(path + ".requestHeaders", rule.requestHeaders, errors);
  checkHeaderModifier(path + ".responseHeaders", rule.responseHeaders, errors);
  if (rule.backends.empty()) errors.push_back({path + ".backends", "must list at least one backend"});
  bool anyWeight = false;
  for (std::size_t b = 0; b < rule.backends.size(); ++b) {
    const auto& backend = rule.backends[b];
    const std::string backendPath = indexed(path + ".backends", b);
    if (backend.weight < 0 || backend.weight > 1000000) {
      errors.push_back({backendPath + ".weight", "must be 0..1000000"});
    }
    anyWeight = anyWeight || backend.weight > 0;
    // A '/' means a namespace was given: that is a reference problem (RefNotPermitted), reported separately.
    if (backend.service.find('/') == std::string::npos && !api::isDns1035Label(backend.service)) {
      errors.push_back({backendPath + ".service", "must be a Microservice name (DNS-1035 label)"});
    }
  }
  if (!rule.backends.empty() && !anyWeight) errors.push_back({path + ".backends", "all weights are 0"});
  checkPositive(path + ".timeout.request", rule.timeout.request, errors);
  checkPositive(path + ".timeout.backendRequest", rule.timeout.backendRequest, errors);
  if (rule.retries) {
    if (rule.retries->attempts < 0 || rule.retries->attempts > 100) {
      errors.push_back({path + ".retries.attempts", "must be 0..100"});
    }
    checkPositive(path + ".retries.perTryTimeout", rule.retries->perTryTimeout, errors);
    for (std::size_t i = 0; i < rule.retries->retryOn.size(); ++i) {
      if (!retryOnKeywords(rule.retries->retryOn[i])) {
        errors.push_back({indexed(path + ".retries.retryOn", i),
                          "must be connect-failure, 5xx, reset, timeout or one of the status codes "
                          "401 403 404 408 425 500 501 502 503 504"});
      }
    }
  }
  if (rule.rateLimit) {
    if (rule.rateLimit->requestsPerSecond < 1) {
      errors.push_back({path + ".rateLimit.requestsPerSecond", "must be at least 1"});
    }
    if (rule.rateLimit->burst < 0) errors.push_back({path + ".rateLimit.burst", "must not be negative"});
  }
}

api::FieldErrors merged(api::FieldErrors errors, const api::FieldErrors& more) {
  for (const auto& error : more) {
    const bool known = std::any_of(errors.begin(), errors.end(), [&](const auto& e) { return e.path == error.path; });
    if (!known) errors.push_back(error);
  }
  return errors;
}

}  // namespace

std::optional<std::vector<std::string>> retryOnKeywords(std::string_view value) {
  if (value == "connect-failure") return std::vector<std::string>{"conn-failure"};
  if (value == "5xx") return std::vector<std::string>{"500", "502", "503", "504"};
  if (value == "reset") return std::vector<std::string>{"empty-response"};
  if (value == "timeout") return std::vector<std::string>{"response-timeout"};
  for (const char* code : {"401", "403", "404", "408", "425", "500", "501", "502", "503", "504"}) {
    if (value == code) return std::vector<std::string>{code};
  }
  return std::nullopt;
}

bool isKnownFailureKind(std::string_view value) {
  return value == "5xx" || value == "connect-failure" || value == "timeout" || value == "reset";
}

api::FieldErrors checkRouteRenderable(const api::Route& route) {
  FieldErrors errors;
  // Names end up in ACL, variable and section names: they must be what the API server allows, nothing more.
  if (!api::isDns1123Subdomain(route.metadata.name)) {
    errors.push_back({"metadata.name", "must be a DNS-1123 subdomain"});
  }
  if (!api::isDns1123Label(route.metadata.namespace_)) {
    errors.push_back({"metadata.namespace", "must be a DNS-1123 label"});
  }
  for (std::size_t i = 0; i < route.spec.hostnames.size(); ++i) {
    if (!api::isValidHostname(route.spec.hostnames[i])) {
      errors.push_back({indexed("spec.hostnames", i), "must be a lower-case DNS name, optionally starting with '*.'"});
    }
  }
  if (route.spec.rules.empty()) errors.push_back({"spec.rules", "must list at least one rule"});
  for (std::size_t r = 0; r < route.spec.rules.size(); ++r)
    checkRule(indexed("spec.rules", r), route.spec.rules[r], errors);
  return errors;
}

api::FieldErrors checkBreakerPolicyRenderable(const api::BreakerPolicySpec& spec) {
  FieldErrors errors;
  if (spec.consecutiveFailures < 0 || spec.consecutiveFailures > 10000) {
    errors.push_back({"spec.consecutiveFailures", "must be 0..10000"});
  }
  if (spec.openDuration.nanos < 0) errors.push_back({"spec.openDuration", "must not be negative"});
  if (spec.halfOpen.probeInterval.toMilliseconds() < 1) {
    errors.push_back({"spec.halfOpen.probeInterval", "must be at least 1ms"});
  }
  if (spec.halfOpen.successesToClose < 1 || spec.halfOpen.successesToClose > 1000) {
    errors.push_back({"spec.halfOpen.successesToClose", "must be 1..1000"});
  }
  for (std::size_t i = 0; i < spec.failureOn.size(); ++i) {
    if (!isKnownFailureKind(spec.failureOn[i])) {
      errors.push_back({indexed("spec.failureOn", i), "must be 5xx, connect-failure, timeout or reset"});
    }
  }
  if (spec.maxConnections < 0) errors.push_back({"spec.maxConnections", "must not be negative"});
  if (spec.maxPendingRequests < 0) errors.push_back({"spec.maxPendingRequests", "must not be negative"});
  if (spec.maxRequestsPerConnection < 0) errors.push_back({"spec.maxRequestsPerConnection", "must not be negative"});
  if (spec.maxRetries < 0) errors.push_back({"spec.maxRetries", "must not be negative"});
  if (spec.fallback.status < 200 || spec.fallback.status > 599) {
    errors.push_back({"spec.fallback.status", "must be 200..599"});
  }
  if (jsonBody(spec.fallback.body).size() > kMaxResponseBodyLength) {
    errors.push_back({"spec.fallback.body", "is longer than 4096 characters once JSON-encoded"});
  }
  if (!spec.fallback.service.empty() && !api::isDns1035Label(spec.fallback.service)) {
    errors.push_back({"spec.fallback.service", "must be a Microservice name (DNS-1035 label)"});
  }
  checkPath("spec.healthCheck.path", spec.healthCheck.path, errors);
  return errors;
}

api::FieldErrors checkMicroserviceRenderable(const api::Microservice& microservice) {
  FieldErrors errors;
  const auto& ports = microservice.spec.ports;
  for (std::size_t i = 0; i < ports.size(); ++i) {
    if (!ports[i].name.empty() && !api::isIanaServiceName(ports[i].name)) {
      errors.push_back({indexed("spec.ports", i) + ".name", "must be an IANA service name"});
    }
  }
  return errors;
}

api::FieldErrors routeSpecErrors(const api::Route& route) {
  return merged(api::validateRoute(route), checkRouteRenderable(route));
}

api::FieldErrors breakerPolicySpecErrors(const api::BreakerPolicy& policy) {
  return merged(api::validateBreakerPolicy(policy), checkBreakerPolicyRenderable(policy.spec));
}

}  // namespace flotilla::render
