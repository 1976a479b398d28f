#include <algorithm>

#include "api/limits.h"
#include "api/names.h"
#include "api/validate.h"
#include "api/validate_common.h"

namespace flotilla::api {
namespace {

using namespace validation;

constexpr std::string_view kHostnameMessage =
    "must be a lowercase RFC 1123 hostname of at most 253 characters, optionally starting with '*.', and not an IP "
    "address";
constexpr std::string_view kHeaderNameMessage =
    "must be an HTTP header name: at most 256 letters, digits, '-', '_' or '.', starting with a letter or digit";
constexpr std::string_view kHeaderValueMessage =
    "must be at most 4096 printable ASCII characters without quotes, '#', '\\', backquotes, '%[' or '${', and not "
    "start with '-' or start or end with a space";
constexpr std::string_view kPathRegexMessage =
    "must be a valid regular expression of at most 1024 printable ASCII characters without spaces, quotes, '#', "
    "backquotes, '%[' or '${'";
constexpr std::string_view kHeaderRegexMessage =
    "must be a valid regular expression of at most 1024 printable ASCII characters without quotes, '#', backquotes, "
    "'%[' or '${'";

void checkHostnames(FieldErrors& errors, const std::vector<std::string>& hostnames) {
  checkCount(errors, "spec.hostnames", hostnames.size(), 0, limits::kMaxHostnames);
  for (std::size_t i = 0; i < hostnames.size(); ++i) {
    if (!isValidHostname(hostnames[i])) add(errors, indexPath("spec.hostnames", i), std::string(kHostnameMessage));
  }
  checkUnique(
      errors, hostnames, [](const std::string& h) { return h; },
      [](std::size_t i) { return indexPath("spec.hostnames", i); });
}

void checkPathMatch(FieldErrors& errors, const std::string& path, const PathMatch& match) {
  const std::string valuePath = fieldPath(path, "value");
  if (match.type == PathMatchType::RegularExpression) {
    if (!isSafePathRegex(match.value)) add(errors, valuePath, std::string(kPathRegexMessage));
    return;
  }
  checkConfigPath(errors, valuePath, match.value);
}

void checkHeaderMatches(FieldErrors& errors, const std::string& path, const std::vector<HeaderMatch>& headers) {
  checkCount(errors, path, headers.size(), 0, limits::kMaxHeaderMatches);
  for (std::size_t i = 0; i < headers.size(); ++i) {
    const auto& header = headers[i];
    const std::string headerPath = indexPath(path, i);
    if (!isSafeHeaderName(header.name)) add(errors, fieldPath(headerPath, "name"), std::string(kHeaderNameMessage));
    const bool valid = header.type == HeaderMatchType::RegularExpression ? isSafeHeaderRegex(header.value)
                                                                         : isSafeHeaderValue(header.value);
    if (!valid) {
      add(errors, fieldPath(headerPath, "value"),
          std::string(header.type == HeaderMatchType::RegularExpression ? kHeaderRegexMessage : kHeaderValueMessage));
    }
  }
  // Header names are case-insensitive.
  checkUnique(
      errors, headers, [](const HeaderMatch& h) { return lowercase(h.name); },
      [&](std::size_t i) { return fieldPath(indexPath(path, i), "name"); });
}

void checkMatches(FieldErrors& errors, const std::string& rulePath, const std::vector<RouteMatch>& matches) {
  const std::string path = fieldPath(rulePath, "matches");
  checkCount(errors, path, matches.size(), 0, limits::kMaxMatches);
  for (std::size_t i = 0; i < matches.size(); ++i) {
    const auto& match = matches[i];
    const std::string matchPath = indexPath(path, i);
    if (match.path) checkPathMatch(errors, fieldPath(matchPath, "path"), *match.path);
    const std::string methodsPath = fieldPath(matchPath, "methods");
    for (std::size_t m = 0; m < match.methods.size(); ++m) {
      checkEnum(errors, indexPath(methodsPath, m), match.methods[m], limits::kMethods);
    }
    checkUnique(
        errors, match.methods, [](const std::string& m) { return m; },
        [&](std::size_t m) { return indexPath(methodsPath, m); });
    checkHeaderMatches(errors, fieldPath(matchPath, "headers"), match.headers);
  }
}

void checkRewrite(FieldErrors& errors, const std::string& rulePath, const RouteRule& rule) {
  const std::string path = fieldPath(rulePath, "rewrite");
  const auto& rewrite = *rule.rewrite;
  if (rewrite.pathPrefix.has_value() == rewrite.fullPath.has_value()) {
    add(errors, path, "must set exactly one of pathPrefix or fullPath");
  }
  if (rewrite.fullPath) checkConfigPath(errors, fieldPath(path, "fullPath"), *rewrite.fullPath);
  if (rewrite.pathPrefix) {
    checkConfigPath(errors, fieldPath(path, "pathPrefix"), *rewrite.pathPrefix);
    // Only a prefix match says which part of the path the new prefix replaces.
    const bool allPrefix = std::all_of(rule.matches.begin(), rule.matches.end(), [](const RouteMatch& m) {
      return !m.path || m.path->type == PathMatchType::PathPrefix;
    });
    if (!allPrefix) {
      add(errors, fieldPath(path, "pathPrefix"), "may only be used when every match of the rule is a PathPrefix match");
    }
  }
}

void checkHeaderModifier(FieldErrors& errors, const std::string& path, const HeaderModifier& modifier) {
  for (auto [list, name] : {std::pair{&modifier.set, "set"}, std::pair{&modifier.add, "add"}}) {
    const std::string listPath = fieldPath(path, name);
    checkCount(errors, listPath, list->size(), 0, limits::kMaxHeaderModifiers);
    for (std::size_t i = 0; i < list->size(); ++i) {
      const auto& header = (*list)[i];
      if (!isSafeHeaderName(header.name)) {
        add(errors, fieldPath(indexPath(listPath, i), "name"), std::string(kHeaderNameMessage));
      }
      if (header.value.empty()) {
        // HAProxy drops an empty '' argument, so `set-header X ''` would make the whole config invalid.
        add(errors, fieldPath(indexPath(listPath, i), "value"), "must not be empty");
      } else if (!isSafeHeaderValue(header.value)) {
        add(errors, fieldPath(indexPath(listPath, i), "value"), std::string(kHeaderValueMessage));
      }
    }
    checkUnique(
        errors, *list, [](const HeaderValue& h) { return lowercase(h.name); },
        [&](std::size_t i) { return fieldPath(indexPath(listPath, i), "name"); });
  }
  const std::string removePath = fieldPath(path, "remove");
  checkCount(errors, removePath, modifier.remove.size(), 0, limits::kMaxHeaderModifiers);
  for (std::size_t i = 0; i < modifier.remove.size(); ++i) {
    if (!isSafeHeaderName(modifier.remove[i])) add(errors, indexPath(removePath, i), std::string(kHeaderNameMessage));
  }
  checkUnique(
      errors, modifier.remove, [](const std::string& h) { return lowercase(h); },
      [&](std::size_t i) { return indexPath(removePath, i); });
}

void checkBackends(FieldErrors& errors, const std::string& rulePath, const std::vector<BackendRef>& backends) {
  const std::string path = fieldPath(rulePath, "backends");
  checkCount(errors, path, backends.size(), 1, limits::kMaxBackends);
  bool anyWeight = false;
  for (std::size_t i = 0; i < backends.size(); ++i) {
    const auto& backend = backends[i];
    const std::string backendPath = indexPath(path, i);
    // Backends are Microservices, whose names are DNS-1035 labels.
    checkName(errors, fieldPath(backendPath, "service"), backend.service, NameRule::Dns1035Label);
    if (backend.port) {
      const std::string portPath = fieldPath(backendPath, "port");
      if (backend.port->isInt()) {
        checkRange(errors, portPath, *backend.port->intValue, limits::kMinPort, limits::kMaxPort);
      } else {
        checkName(errors, portPath, backend.port->stringValue, NameRule::IanaServiceName);
      }
    }
    checkRange(errors, fieldPath(backendPath, "weight"), backend.weight, 0, limits::kMaxWeight);
    anyWeight = anyWeight || backend.weight > 0;
  }
  if (!backends.empty() && !anyWeight) add(errors, path, "at least one backend must have a weight greater than 0");
}

void checkTimeouts(FieldErrors& errors, const std::string& rulePath, const RouteTimeouts& timeout) {
  const std::string path = fieldPath(rulePath, "timeout");
  if (timeout.request) checkPositiveDuration(errors, fieldPath(path, "request"), *timeout.request, limits::kMaxTimeout);
  if (timeout.backendRequest) {
    checkPositiveDuration(errors, fieldPath(path, "backendRequest"), *timeout.backendRequest, limits::kMaxTimeout);
    if (timeout.request && *timeout.backendRequest > *timeout.request) {
      add(errors, fieldPath(path, "backendRequest"),
          "must be less than or equal to request (" + formatDuration(*timeout.request) + ")");
    }
  }
}

void checkRetries(FieldErrors& errors, const std::string& rulePath, const RetryPolicy& retries) {
  const std::string path = fieldPath(rulePath, "retries");
  checkRange(errors, fieldPath(path, "attempts"), retries.attempts, 0, limits::kMaxRetryAttempts);
  if (retries.perTryTimeout) {
    checkPositiveDuration(errors, fieldPath(path, "perTryTimeout"), *retries.perTryTimeout, limits::kMaxTimeout);
  }
  const std::string retryOnPath = fieldPath(path, "retryOn");
  checkCount(errors, retryOnPath, retries.retryOn.size(), 0, limits::kMaxRetryOn);
  for (std::size_t i = 0; i < retries.retryOn.size(); ++i) {
    const auto& value = retries.retryOn[i];
    if (!isOneOf(value, limits::kRetryOnKinds) && !isOneOf(value, limits::kRetryableStatusCodes)) {
      add(errors, indexPath(retryOnPath, i),
          "unsupported value \"" + value +
              "\": supported values: connect-failure, 5xx, reset, timeout, or one of the status codes 401, 403, "
              "404, 408, 425, 500, 501, 502, 503, 504");
    }
  }
  checkUnique(
      errors, retries.retryOn, [](const std::string& v) { return v; },
      [&](std::size_t i) { return indexPath(retryOnPath, i); });
}

void checkRateLimit(FieldErrors& errors, const std::string& rulePath, const RateLimit& limit) {
  const std::string path = fieldPath(rulePath, "rateLimit");
  checkRange(errors, fieldPath(path, "requestsPerSecond"), limit.requestsPerSecond, 1, limits::kMaxRequestsPerSecond);
  checkRange(errors, fieldPath(path, "burst"), limit.burst, 0, limits::kMaxBurst);
}

void checkRule(FieldErrors& errors, const std::string& path, const RouteRule& rule) {
  checkOptionalName(errors, fieldPath(path, "name"), rule.name, NameRule::Dns1123Label);
  checkMatches(errors, path, rule.matches);
  if (rule.rewrite) checkRewrite(errors, path, rule);
  checkHeaderModifier(errors, fieldPath(path, "requestHeaders"), rule.requestHeaders);
  checkHeaderModifier(errors, fieldPath(path, "responseHeaders"), rule.responseHeaders);
  checkBackends(errors, path, rule.backends);
  checkTimeouts(errors, path, rule.timeout);
  if (rule.retries) checkRetries(errors, path, *rule.retries);
  if (rule.breakerPolicyRef) {
    checkName(errors, fieldPath(path, "breakerPolicyRef.name"), rule.breakerPolicyRef->name, NameRule::Dns1123Label);
  }
  if (rule.rateLimit) checkRateLimit(errors, path, *rule.rateLimit);
}

}  // namespace

FieldErrors validateRoute(const Route& route) {
  FieldErrors errors;
  const auto& spec = route.spec;
  checkObjectMeta(errors, route.metadata, NameRule::Dns1123Label);
  checkName(errors, "spec.gatewayRef.name", spec.gatewayRef.name, NameRule::Dns1035Label);
  checkOptionalName(errors, "spec.gatewayRef.namespace", spec.gatewayRef.namespace_, NameRule::Dns1123Label);
  checkHostnames(errors, spec.hostnames);
  checkCount(errors, "spec.rules", spec.rules.size(), 1, limits::kMaxRules);
  for (std::size_t i = 0; i < spec.rules.size(); ++i) checkRule(errors, indexPath("spec.rules", i), spec.rules[i]);
  std::vector<std::string> ruleNames;
  std::vector<std::size_t> ruleIndexes;
  for (std::size_t i = 0; i < spec.rules.size(); ++i) {
    if (!spec.rules[i].name.empty()) {
      ruleNames.push_back(spec.rules[i].name);
      ruleIndexes.push_back(i);
    }
  }
  checkUnique(
      errors, ruleNames, [](const std::string& n) { return n; },
      [&](std::size_t i) { return fieldPath(indexPath("spec.rules", ruleIndexes[i]), "name"); });
  return errors;
}

}  // namespace flotilla::api
