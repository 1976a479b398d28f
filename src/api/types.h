#pragma once
// Typed model of Flotilla's four custom resources (group flotilla.io, version v1alpha1).
// Parsing (parse.h) fills these from JSON and applies defaults; validation (validate.h) checks them.
// Fields that Flotilla copies verbatim into Kubernetes objects (env, resources, probes...) stay JSON so that
// every Kubernetes field the user writes survives without Flotilla having to model it.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/duration.h"

namespace flotilla::api {

inline constexpr const char* kGroup = "flotilla.io";
inline constexpr const char* kVersion = "v1alpha1";
inline constexpr const char* kApiVersion = "flotilla.io/v1alpha1";

struct ObjectMeta {
  std::string name;
  std::string namespace_;
  std::string uid;
  std::string resourceVersion;
  std::string creationTimestamp;  // RFC 3339, as the API server wrote it
  std::int64_t generation = 0;
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;
  bool deleting = false;  // metadata.deletionTimestamp is set
};

// Kubernetes IntOrString (e.g. maxSurge: 25% or 1, port: http or 8080).
struct IntOrString {
  std::optional<std::int64_t> intValue;
  std::string stringValue;
  bool isInt() const { return intValue.has_value(); }
  nlohmann::json toJson() const { return isInt() ? nlohmann::json(*intValue) : nlohmann::json(stringValue); }
};

struct LocalObjectRef {
  std::string name;
};

struct NamespacedRef {
  std::string name;
  std::string namespace_;  // empty = the referring object's namespace
};

// ---------------------------------------------------------------- Microservice

struct ServicePort {
  std::string name;
  std::int32_t port = 0;
  std::optional<std::int32_t> targetPort;  // defaults to port
  std::string protocol = "TCP";            // TCP | UDP | SCTP
  std::string appProtocol;                 // e.g. http, grpc (informational)
};

struct Autoscaling {
  std::int32_t minReplicas = 1;
  std::int32_t maxReplicas = 0;
  std::optional<std::int32_t> targetCPUUtilization;     // percent of requests
  std::optional<std::int32_t> targetMemoryUtilization;  // percent of requests
  nlohmann::json behavior;                              // autoscaling/v2 HorizontalPodAutoscalerBehavior, verbatim
};

struct DisruptionBudget {
  std::optional<IntOrString> minAvailable;
  std::optional<IntOrString> maxUnavailable;
};

struct RolloutStrategy {
  IntOrString maxSurge{std::nullopt, "25%"};
  IntOrString maxUnavailable{std::nullopt, "25%"};
};

struct PodTemplateOverlay {
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;
};

struct MicroserviceSpec {
  std::string image;
  std::string imagePullPolicy;  // empty = Kubernetes default
  std::vector<std::string> command;
  std::vector<std::string> args;
  std::vector<ServicePort> ports;
  nlohmann::json env = nlohmann::json::array();         // []core/v1.EnvVar
  nlohmann::json envFrom = nlohmann::json::array();     // []core/v1.EnvFromSource
  nlohmann::json resources = nlohmann::json::object();  // core/v1.ResourceRequirements
  std::optional<std::int32_t> replicas;                 // only without autoscaling; default 1
  std::optional<Autoscaling> autoscaling;
  nlohmann::json probes = nlohmann::json::object();  // {readiness, liveness, startup}: core/v1.Probe each
  std::optional<DisruptionBudget> disruptionBudget;
  RolloutStrategy strategy;
  std::optional<LocalObjectRef> breakerPolicyRef;
  std::string serviceAccountName;
  PodTemplateOverlay podTemplate;
  bool rolloutOnConfigChange = false;
};

struct Microservice {
  ObjectMeta metadata;
  MicroserviceSpec spec;
  nlohmann::json status = nlohmann::json::object();
};

// ---------------------------------------------------------------- Route

enum class PathMatchType { Exact, PathPrefix, RegularExpression };
enum class HeaderMatchType { Exact, RegularExpression };

struct PathMatch {
  PathMatchType type = PathMatchType::PathPrefix;
  std::string value = "/";
};

struct HeaderMatch {
  HeaderMatchType type = HeaderMatchType::Exact;
  std::string name;
  std::string value;
};

struct RouteMatch {
  std::optional<PathMatch> path;  // absent = PathPrefix "/"
  std::vector<std::string> methods;
  std::vector<HeaderMatch> headers;
};

struct PathRewrite {
  std::optional<std::string> pathPrefix;  // replaces the matched prefix
  std::optional<std::string> fullPath;    // replaces the whole path
};

struct HeaderValue {
  std::string name;
  std::string value;
};

struct HeaderModifier {
  std::vector<HeaderValue> set;
  std::vector<HeaderValue> add;
  std::vector<std::string> remove;
  bool empty() const { return set.empty() && add.empty() && remove.empty(); }
};

struct BackendRef {
  std::string service;              // a Microservice in the Route's namespace
  std::optional<IntOrString> port;  // name or number; absent = the Microservice's first port
  std::int32_t weight = 1;
};

struct RouteTimeouts {
  std::optional<Duration> request;         // whole request including retries → 504
  std::optional<Duration> backendRequest;  // one attempt
};

struct RetryPolicy {
  std::int32_t attempts = 0;
  std::optional<Duration> perTryTimeout;
  std::vector<std::string> retryOn;  // connect-failure | 5xx | reset | timeout | "503"-style codes
};

struct RateLimit {
  std::int32_t requestsPerSecond = 0;
  std::int32_t burst = 0;  // 0 = requestsPerSecond
};

struct RouteRule {
  std::string name;  // optional, used in generated names and status
  std::vector<RouteMatch> matches;
  std::optional<PathRewrite> rewrite;
  HeaderModifier requestHeaders;
  HeaderModifier responseHeaders;
  std::vector<BackendRef> backends;
  RouteTimeouts timeout;
  std::optional<RetryPolicy> retries;
  std::optional<LocalObjectRef> breakerPolicyRef;
  std::optional<RateLimit> rateLimit;
};

struct RouteSpec {
  NamespacedRef gatewayRef;
  std::vector<std::string> hostnames;  // empty = any host
  std::vector<RouteRule> rules;
};

struct Route {
  ObjectMeta metadata;
  RouteSpec spec;
  nlohmann::json status = nlohmann::json::object();
};

// ---------------------------------------------------------------- BreakerPolicy

struct HalfOpen {
  Duration probeInterval = Duration::seconds(5);
  std::int32_t successesToClose = 2;
};

struct Fallback {
  std::int32_t status = 503;
  std::string body = "service unavailable";
  std::string service;  // a Microservice to send traffic to instead; empty = answer with status/body
};

struct HealthCheck {
  std::string path = "/healthz";
};

struct BreakerPolicySpec {
  std::int32_t consecutiveFailures = 5;
  Duration openDuration = Duration::seconds(60);
  HalfOpen halfOpen;
  std::vector<std::string> failureOn{"5xx", "connect-failure", "timeout"};
  std::int32_t maxConnections = 1024;
  std::int32_t maxPendingRequests = 1024;
  std::int32_t maxRequestsPerConnection = 0;  // 0 = unlimited
  std::int32_t maxRetries = 3;
  bool scaleLimitsWithReplicas = true;
  Fallback fallback;
  HealthCheck healthCheck;
};

struct BreakerPolicy {
  ObjectMeta metadata;
  BreakerPolicySpec spec;
  nlohmann::json status = nlohmann::json::object();
};

// ---------------------------------------------------------------- Gateway

struct ListenerTls {
  LocalObjectRef secretRef;  // kubernetes.io/tls Secret in the Gateway's namespace
};

struct Listener {
  std::string name;
  std::int32_t port = 0;
  std::string protocol = "HTTP";  // HTTP | HTTPS
  std::optional<ListenerTls> tls;
  bool redirectToHttps = false;  // HTTP listener answers 301 to the HTTPS listener
};

enum class RouteNamespacesFrom { Same, All, Selector };

struct AllowedRoutes {
  RouteNamespacesFrom from = RouteNamespacesFrom::Same;
  nlohmann::json selector = nlohmann::json::object();  // metav1.LabelSelector on namespaces, for Selector
};

struct GatewayService {
  std::string type = "ClusterIP";  // ClusterIP | NodePort | LoadBalancer
  std::map<std::string, std::string> annotations;
};

struct GatewayDefaults {
  std::optional<Duration> timeout;
  std::optional<LocalObjectRef> breakerPolicyRef;
};

struct GatewaySpec {
  std::optional<std::int32_t> replicas;  // default 1 without autoscaling
  std::optional<Autoscaling> autoscaling;
  std::string image = "flotilla/gateway:latest";
  nlohmann::json resources = nlohmann::json::object();
  GatewayService service;
  std::vector<Listener> listeners;
  AllowedRoutes allowedRoutes;
  GatewayDefaults defaults;
};

struct Gateway {
  ObjectMeta metadata;
  GatewaySpec spec;
  nlohmann::json status = nlohmann::json::object();
};

// ---------------------------------------------------------------- any resource

// A Kubernetes object of any other kind (Deployment, ConfigMap...), kept verbatim.
struct OtherObject {
  std::string apiVersion;
  std::string kind;
  ObjectMeta metadata;
  nlohmann::json object = nlohmann::json::object();
};

// What one YAML/JSON document decodes to (parse.h: parseResource).
using AnyResource = std::variant<Microservice, Route, BreakerPolicy, Gateway, OtherObject>;

inline const ObjectMeta& metadataOf(const AnyResource& resource) {
  return std::visit([](const auto& r) -> const ObjectMeta& { return r.metadata; }, resource);
}

inline std::string_view kindOf(const AnyResource& resource) {
  struct Kind {
    std::string_view operator()(const Microservice&) const { return "Microservice"; }
    std::string_view operator()(const Route&) const { return "Route"; }
    std::string_view operator()(const BreakerPolicy&) const { return "BreakerPolicy"; }
    std::string_view operator()(const Gateway&) const { return "Gateway"; }
    std::string_view operator()(const OtherObject& o) const { return o.kind; }
  };
  return std::visit(Kind{}, resource);
}

}  // namespace flotilla::api
