#pragma once
// Limits the validation enforces, in one place. They match the CRD schemas (hack/gen-crds.py) where those have the
// same rule, and HAProxy's own limits where the value ends up in haproxy.cfg.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "api/duration.h"

namespace flotilla::api::limits {

// Any object: how deeply its JSON may nest (api/json_depth.h). Real objects stay far below (a Microservice's
// autoscaling.behavior is about 7 levels deep); kube-apiserver's own JSON limit is 10,000.
inline constexpr std::size_t kMaxObjectDepth = 100;

// Ports and replica counts.
inline constexpr std::int32_t kMinPort = 1;
inline constexpr std::int32_t kMaxPort = 65535;
inline constexpr std::int32_t kMaxMicroserviceReplicas = 10000;
inline constexpr std::int32_t kMaxGatewayReplicas = 1000;
inline constexpr std::int32_t kMaxAutoscalingReplicas = 10000;
// HPA utilization targets are percentages of the requests and may exceed 100 (burstable pods).
inline constexpr std::int32_t kMinUtilizationTarget = 1;
inline constexpr std::int32_t kMaxUtilizationTarget = 1000;
inline constexpr std::int64_t kMaxStabilizationWindowSeconds = 3600;  // autoscaling/v2 validation
inline constexpr std::int64_t kMaxScalingPolicyPeriodSeconds = 1800;  // autoscaling/v2 validation
inline constexpr std::size_t kMaxScalingPolicies = 8;
inline constexpr int kMaxPercent = 100;

// Microservice lists and strings.
inline constexpr std::size_t kMaxPorts = 16;
inline constexpr std::size_t kMaxEnv = 256;
inline constexpr std::size_t kMaxEnvFrom = 32;
inline constexpr std::size_t kMaxCommand = 64;
inline constexpr std::size_t kMaxArgs = 256;
inline constexpr std::size_t kMaxImageLength = 1024;
inline constexpr std::size_t kMaxAppProtocolLength = 64;
inline constexpr std::size_t kMaxLabelsOrAnnotations = 64;
inline constexpr std::size_t kMaxAnnotationValueLength = 4096;
inline constexpr std::size_t kMaxResourceEntries = 16;
inline constexpr std::array<std::string_view, 3> kProtocols{"TCP", "UDP", "SCTP"};
inline constexpr std::array<std::string_view, 3> kImagePullPolicies{"Always", "IfNotPresent", "Never"};
inline constexpr std::array<std::string_view, 3> kProbeKinds{"readiness", "liveness", "startup"};
inline constexpr std::array<std::string_view, 4> kProbeHandlers{"httpGet", "tcpSocket", "grpc", "exec"};

// Route (Gateway API's limits, and HAProxy's retry-on keywords).
inline constexpr std::size_t kMaxHostnames = 16;
inline constexpr std::size_t kMaxRules = 32;
inline constexpr std::size_t kMaxMatches = 16;
inline constexpr std::size_t kMaxHeaderMatches = 16;
inline constexpr std::size_t kMaxBackends = 16;
inline constexpr std::size_t kMaxHeaderModifiers = 16;
inline constexpr std::size_t kMaxRetryOn = 16;
inline constexpr std::int32_t kMaxWeight = 1'000'000;
inline constexpr std::int32_t kMaxRetryAttempts = 10;
inline constexpr std::int32_t kMaxRequestsPerSecond = 1'000'000;
inline constexpr std::int32_t kMaxBurst = 1'000'000;
inline constexpr Duration kMaxTimeout = Duration::seconds(24 * 3600);
inline constexpr std::array<std::string_view, 9> kMethods{"GET",     "HEAD",    "POST",  "PUT",  "DELETE",
                                                          "CONNECT", "OPTIONS", "TRACE", "PATCH"};
inline constexpr std::array<std::string_view, 4> kRetryOnKinds{"connect-failure", "5xx", "reset", "timeout"};
// The status codes HAProxy 2.6's retry-on accepts (others fail `haproxy -c`).
inline constexpr std::array<std::string_view, 10> kRetryableStatusCodes{"401", "403", "404", "408", "425",
                                                                        "500", "501", "502", "503", "504"};

// BreakerPolicy.
inline constexpr std::int32_t kMinConsecutiveFailures = 1;
inline constexpr std::int32_t kMaxConsecutiveFailures = 1000;  // HAProxy error-limit
inline constexpr Duration kMinOpenDuration = Duration::seconds(1);
inline constexpr Duration kMaxOpenDuration = Duration::seconds(24 * 3600);
inline constexpr Duration kMinProbeInterval = Duration::milliseconds(100);
inline constexpr Duration kMaxProbeInterval = Duration::seconds(3600);
inline constexpr std::int32_t kMinSuccessesToClose = 1;
inline constexpr std::int32_t kMaxSuccessesToClose = 100;
inline constexpr std::int32_t kMaxConnectionLimit = 1'000'000;
inline constexpr std::int32_t kMinFallbackStatus = 200;
inline constexpr std::int32_t kMaxFallbackStatus = 599;
inline constexpr std::size_t kMaxFallbackBodyLength = 1024;
inline constexpr std::array<std::string_view, 4> kFailureKinds{"5xx", "connect-failure", "timeout", "reset"};

// Gateway.
inline constexpr std::size_t kMaxListeners = 16;
inline constexpr std::array<std::string_view, 2> kListenerProtocols{"HTTP", "HTTPS"};
inline constexpr std::array<std::string_view, 3> kServiceTypes{"ClusterIP", "NodePort", "LoadBalancer"};
inline constexpr std::array<std::string_view, 4> kSelectorOperators{"In", "NotIn", "Exists", "DoesNotExist"};

}  // namespace flotilla::api::limits
