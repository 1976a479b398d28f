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

// A field path ("spec.rules[0].matches[1].path.value") made into a string only when an error names it: checking
// thousands of valid Routes must not build a path string per field. Parents live on the caller's stack.
class FieldPath {
 public:
  explicit FieldPath(std::string_view root, std::optional<std::size_t> index = std::nullopt)
      : name_(root), index_(index) {}
  // parent + name (+ "[index]"); name starts with '.' for a field, empty for an index alone.
  FieldPath(const FieldPath& parent, std::string_view name, std::optional<std::size_t> index = std::nullopt)
      : parent_(&parent), name_(name), index_(index) {}

  std::string str() const {
    std::string out = parent_ ? parent_->str() : std::string();
    out += name_;
    if (index_) out += "[" + std::to_string(*index_) + "]";
    return out;
  }

 private:
  const FieldPath* parent_ = nullptr;
  std::string_view name_;
  std::optional<std::size_t> index_;
};

// A regex must compile alone (so it cannot close our ^(?: ... )$ wrapper early) and wrapped.
void checkRegex(const FieldPath& path, const std::string& regex, bool allowSpace, FieldErrors& errors) {
  if (auto error = pcreError(regex)) {
    errors.push_back({path.str(), "does not compile as a PCRE2 regular expression: " + *error});
  } else if (auto wrapped = pcreError("^(?:" + regex + ")$")) {
    errors.push_back({path.str(), "cannot be anchored as a whole-value match: " + *wrapped});
  } else if (!(allowSpace ? api::isSafeHeaderRegex(regex) : api::isSafePathRegex(regex))) {
    errors.push_back({path.str(),
                      "must be a regular expression in the syntax PCRE2 and ECMAScript share, at most 1024 "
                      "printable ASCII characters without quotes, '#', '%[' or '${'" +
                          std::string(allowSpace ? "" : " or spaces")});
  }
}

void checkPath(const FieldPath& path, const std::string& value, FieldErrors& errors) {
  if (!api::isSafeConfigPath(value)) {
    errors.push_back({path.str(),
                      "must start with '/' and contain only [A-Za-z0-9/._~%-] (with %XX escapes), at most 1024 "
                      "characters"});
  }
}

constexpr const char* kUnsafeHeaderValue =
    "must be printable ASCII without quotes, '\\', '#', '%[' or '${', a leading '-' or surrounding spaces";
constexpr const char* kUnsafeHeaderName = "must be a header name made of [A-Za-z0-9_.-]";

void checkMatch(const FieldPath& path, const api::RouteMatch& match, FieldErrors& errors) {
  if (match.path) {
    const FieldPath valuePath(path, ".path.value");
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
    if (!upperLetters)
      errors.push_back({FieldPath(path, ".methods", m).str(), "must be an upper-case HTTP method name"});
  }
  for (std::size_t h = 0; h < match.headers.size(); ++h) {
    const auto& header = match.headers[h];
    const FieldPath headerPath(path, ".headers", h);
    if (!api::isSafeHeaderName(header.name)) {
      errors.push_back({FieldPath(headerPath, ".name").str(), kUnsafeHeaderName});
    }
    if (header.type == api::HeaderMatchType::RegularExpression) {
      checkRegex(FieldPath(headerPath, ".value"), header.value, /*allowSpace=*/true, errors);
    } else if (!api::isSafeHeaderValue(header.value)) {
      errors.push_back({FieldPath(headerPath, ".value").str(), kUnsafeHeaderValue});
    }
  }
}

void checkHeaderModifier(const FieldPath& path, const api::HeaderModifier& modifier, FieldErrors& errors) {
  const auto checkValues = [&](const FieldPath& listPath, const std::vector<api::HeaderValue>& values) {
    for (std::size_t i = 0; i < values.size(); ++i) {
      const FieldPath entry(listPath, "", i);
      if (!api::isSafeHeaderName(values[i].name)) {
        errors.push_back({FieldPath(entry, ".name").str(), kUnsafeHeaderName});
      }
      if (values[i].value.empty()) {
        // HAProxy drops an empty '' argument: `set-header X ''` fails the whole config.
        errors.push_back({FieldPath(entry, ".value").str(), "must not be empty"});
      } else if (!api::isSafeHeaderValue(values[i].value)) {
        errors.push_back({FieldPath(entry, ".value").str(), kUnsafeHeaderValue});
      }
    }
  };
  checkValues(FieldPath(path, ".set"), modifier.set);
  checkValues(FieldPath(path, ".add"), modifier.add);
  for (std::size_t i = 0; i < modifier.remove.size(); ++i) {
    if (!api::isSafeHeaderName(modifier.remove[i])) {
      errors.push_back({FieldPath(path, ".remove", i).str(), kUnsafeHeaderName});
    }
  }
}

void checkRewrite(const FieldPath& path, const api::RouteRule& rule, FieldErrors& errors) {
  if (!rule.rewrite) return;
  const auto& rewrite = *rule.rewrite;
  if (rewrite.pathPrefix && rewrite.fullPath) {
    errors.push_back({path.str(), "set either pathPrefix or fullPath, not both"});
  }
  if (rewrite.fullPath) checkPath(FieldPath(path, ".fullPath"), *rewrite.fullPath, errors);
  if (rewrite.pathPrefix) {
    checkPath(FieldPath(path, ".pathPrefix"), *rewrite.pathPrefix, errors);
    // Like Gateway API's ReplacePrefixMatch: the prefix to replace must be a PathPrefix match.
    for (const auto& match : rule.matches) {
      if (match.path && match.path->type != api::PathMatchType::PathPrefix) {
        errors.push_back(
            {FieldPath(path, ".pathPrefix").str(), "needs every match of the rule to be a PathPrefix match"});
        break;
      }
    }
  }
}

void checkPositive(const FieldPath& path, const std::optional<api::Duration>& duration, FieldErrors& errors) {
  if (duration && duration->nanos <= 0) errors.push_back({path.str(), "must be a positive duration"});
}

void checkRule(const FieldPath& path, const api::RouteRule& rule, FieldErrors& errors) {
  for (std::size_t m = 0; m < rule.matches.size(); ++m)
    checkMatch(FieldPath(path, ".matches", m), rule.matches[m], errors);
  checkRewrite(FieldPath(path, ".rewrite"), rule, errors);
  checkHeaderModifier(FieldPath(path, ".requestHeaders"), rule.requestHeaders, errors);
  checkHeaderModifier(FieldPath(path, ".responseHeaders"), rule.responseHeaders, errors);
  if (rule.backends.empty()) errors.push_back({FieldPath(path, ".backends").str(), "must list at least one backend"});
  bool anyWeight = false;
  for (std::size_t b = 0; b < rule.backends.size(); ++b) {
    const auto& backend = rule.backends[b];
    const FieldPath backendPath(path, ".backends", b);
    if (backend.weight < 0 || backend.weight > 1000000) {
      errors.push_back({FieldPath(backendPath, ".weight").str(), "must be 0..1000000"});
    }
    anyWeight = anyWeight || backend.weight > 0;
    // A '/' means a namespace was given: that is a reference problem (RefNotPermitted), reported separately.
    if (backend.service.find('/') == std::string::npos && !api::isDns1035Label(backend.service)) {
      errors.push_back({FieldPath(backendPath, ".service").str(), "must be a Microservice name (DNS-1035 label)"});
    }
  }
  if (!rule.backends.empty() && !anyWeight) errors.push_back({FieldPath(path, ".backends").str(), "all weights are 0"});
  checkPositive(FieldPath(path, ".timeout.request"), rule.timeout.request, errors);
  checkPositive(FieldPath(path, ".timeout.backendRequest"), rule.timeout.backendRequest, errors);
  if (rule.retries) {
    if (rule.retries->attempts < 0 || rule.retries->attempts > 100) {
      errors.push_back({FieldPath(path, ".retries.attempts").str(), "must be 0..100"});
    }
    checkPositive(FieldPath(path, ".retries.perTryTimeout"), rule.retries->perTryTimeout, errors);
    for (std::size_t i = 0; i < rule.retries->retryOn.size(); ++i) {
      if (!retryOnKeywords(rule.retries->retryOn[i])) {
        errors.push_back({FieldPath(path, ".retries.retryOn", i).str(),
                          "must be connect-failure, 5xx, reset, timeout or one of the status codes "
                          "401 403 404 408 425 500 501 502 503 504"});
      }
    }
  }
  if (rule.rateLimit) {
    if (rule.rateLimit->requestsPerSecond < 1) {
      errors.push_back({FieldPath(path, ".rateLimit.requestsPerSecond").str(), "must be at least 1"});
    }
    if (rule.rateLimit->burst < 0)
      errors.push_back({FieldPath(path, ".rateLimit.burst").str(), "must not be negative"});
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
  for (std::size_t r = 0; r < route.spec.rules.size(); ++r) {
    checkRule(FieldPath("spec.rules", r), route.spec.rules[r], errors);
  }
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
  checkPath(FieldPath("spec.healthCheck.path"), spec.healthCheck.path, errors);
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
