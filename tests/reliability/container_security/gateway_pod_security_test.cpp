// The gateway Deployment the Gateway controller applies passes the "restricted" Pod Security Standard whatever
// the Gateway asks for (TLS, autoscaling, many listeners, low ports, resources) and whatever the operator's render
// options, and HAProxy never needs privileges: every port it binds in the pod is >= 1024 and the Service maps the
// public ports (80, 443...) onto them. (The chart's operator Deployment and helm-test Pod are checked by
// tests/e2e/chart_pod_security.sh.)

#include <gtest/gtest.h>

#include <functional>
#include <set>

#include "render/gateway_render.h"
#include "render_fixtures.h"
#include "restricted_pod_security.h"

namespace flotilla::reliability {
namespace {

using nlohmann::json;
using render::GatewayInputs;
using render::GatewayRenderOptions;

struct Variant {
  std::string name;
  std::function<void(GatewayInputs&, GatewayRenderOptions&)> apply;
};

std::vector<Variant> variants() {
  return {
      {"the shop", [](GatewayInputs&, GatewayRenderOptions&) {}},
      {"TLS with a redirect and resources",
       [](GatewayInputs& in, GatewayRenderOptions&) {
         in.gateway.spec.listeners = {{"http", 80, "HTTP", std::nullopt, true},
                                      {"https", 443, "HTTPS", api::ListenerTls{{"shop-tls"}}, false}};
         in.gateway.spec.resources = {{"requests", {{"cpu", "100m"}}}, {"limits", {{"memory", "256Mi"}}}};
       }},
      {"autoscaling",
       [](GatewayInputs& in, GatewayRenderOptions&) {
         in.gateway.spec.replicas.reset();
         in.gateway.spec.autoscaling = api::Autoscaling{2, 6, 75, std::nullopt, json::object()};
       }},
      {"sixteen listeners, low and high ports",
       [](GatewayInputs& in, GatewayRenderOptions&) {
         in.gateway.spec.listeners.clear();
         for (int i = 0; i < 16; ++i) {
           const int port = i % 2 ? 10000 + i : 20 + i;
           in.gateway.spec.listeners.push_back({"l" + std::to_string(i), port, "HTTP", std::nullopt, false});
         }
       }},
      {"Routes from other namespaces",
       [](GatewayInputs& in, GatewayRenderOptions&) {
         in.gateway.spec.allowedRoutes.from = api::RouteNamespacesFrom::All;
         in.microservices.push_back(render::testing::microservice(render::testing::microserviceJson("team-x", "api")));
         in.routes.push_back(render::testing::route(
             render::testing::routeJson("team-x", "api", {render::testing::prefixRule("/team-x", "api")})));
       }},
      {"other render options",
       [](GatewayInputs&, GatewayRenderOptions& options) {
         options.runAsUser = 1000;
         options.lowPortOffset = 9000;
         options.runtimeDir = "/run/gw";
         options.certDir = "/run/gw/certs";
       }},
  };
}

std::string listed(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& line : lines) out += "\n  " + line;
  return out;
}

TEST(GatewayPodSecurity, EveryVariantIsRestricted) {
  for (const auto& variant : variants()) {
    auto inputs = render::testing::shopInputs();
    GatewayRenderOptions options;
    variant.apply(inputs, options);
    const auto rendered = render::renderGateway(inputs, options);
    ASSERT_TRUE(rendered.gatewayErrors.empty()) << variant.name << ": " << rendered.gatewayErrors.front().toString();
    const json& deployment = rendered.objects.deployment;
    const json& pod = deployment["spec"]["template"];
    const auto violations = restrictedViolations(pod["spec"], pod["metadata"]);
    EXPECT_TRUE(violations.empty()) << variant.name << ":" << listed(violations);

    // Beyond the standard: the root filesystem is read-only, with emptyDirs where HAProxy and the agent write.
    std::set<std::string> mounts;
    for (const auto& c : pod["spec"]["containers"]) {
      EXPECT_EQ(c["securityContext"]["readOnlyRootFilesystem"], true) << variant.name;
      for (const auto& m : c["volumeMounts"]) mounts.insert(m["mountPath"].get<std::string>());
    }
    EXPECT_TRUE(mounts.contains("/tmp")) << variant.name;
    EXPECT_TRUE(mounts.contains(options.runtimeDir)) << variant.name;
    EXPECT_EQ(pod["spec"]["securityContext"]["runAsUser"], options.runAsUser) << variant.name;

    // HAProxy binds only unprivileged ports; the Service carries the public ones.
    std::set<std::int64_t> containerPorts;
    for (const auto& c : pod["spec"]["containers"]) {
      for (const auto& port : c["ports"]) {
        EXPECT_GE(port["containerPort"].get<std::int64_t>(), 1024) << variant.name << ": " << port.dump();
        containerPorts.insert(port["containerPort"].get<std::int64_t>());
      }
    }
    const auto& servicePorts = rendered.objects.service["spec"]["ports"];
    ASSERT_EQ(servicePorts.size(), inputs.gateway.spec.listeners.size()) << variant.name;
    for (std::size_t i = 0; i < servicePorts.size(); ++i) {
      EXPECT_EQ(servicePorts[i]["port"], inputs.gateway.spec.listeners[i].port) << variant.name;
      EXPECT_TRUE(containerPorts.contains(servicePorts[i]["targetPort"].get<std::int64_t>()))
          << variant.name << ": Service port " << servicePorts[i].dump() << " targets no container port";
    }
  }
}

// The check must be able to fail: each loosening of a compliant pod is reported.
TEST(GatewayPodSecurity, TheCheckCatchesEveryLooseningOfThePod) {
  const json good = render::renderGateway(render::testing::shopInputs()).objects.deployment["spec"]["template"];
  ASSERT_TRUE(restrictedViolations(good["spec"], good["metadata"]).empty());
  const std::vector<std::pair<std::string, std::function<void(json & pod)>>> loosenings = {
      {"privileged", [](json& p) { p["spec"]["containers"][0]["securityContext"]["privileged"] = true; }},
      {"allowPrivilegeEscalation",
       [](json& p) { p["spec"]["containers"][0]["securityContext"]["allowPrivilegeEscalation"] = true; }},
      {"runAsNonRoot",
       [](json& p) {
         p["spec"]["containers"][0]["securityContext"].erase("runAsNonRoot");
         p["spec"]["securityContext"].erase("runAsNonRoot");
       }},
      {"runAsUser", [](json& p) { p["spec"]["securityContext"]["runAsUser"] = 0; }},
      {"seccompProfile",
       [](json& p) { p["spec"]["containers"][0]["securityContext"]["seccompProfile"]["type"] = "Unconfined"; }},
      {"capabilities.drop",
       [](json& p) { p["spec"]["containers"][0]["securityContext"]["capabilities"].erase("drop"); }},
      {"adds capability",
       [](json& p) { p["spec"]["containers"][0]["securityContext"]["capabilities"]["add"] = {"SYS_ADMIN"}; }},
      {"hostNetwork", [](json& p) { p["spec"]["hostNetwork"] = true; }},
      {"hostPort", [](json& p) { p["spec"]["containers"][0]["ports"][0]["hostPort"] = 80; }},
      {"is not allowed",
       [](json& p) {
         p["spec"]["volumes"].push_back({{"name", "h"}, {"hostPath", {{"path", "/"}}}});
       }},
      {"procMount", [](json& p) { p["spec"]["containers"][0]["securityContext"]["procMount"] = "Unmasked"; }},
      {"sysctl",
       [](json& p) {
         p["spec"]["securityContext"]["sysctls"] = {{{"name", "kernel.msgmax"}, {"value", "1"}}};
       }},
      {"AppArmor",
       [](json& p) {
         p["metadata"]["annotations"]["container.apparmor.security.beta.kubernetes.io/gateway"] = "unconfined";
       }},
      {"seLinuxOptions",
       [](json& p) {
         p["spec"]["securityContext"]["seLinuxOptions"] = {{"type", "spc_t"}};
       }},
  };
  for (const auto& [what, loosen] : loosenings) {
    json pod = good;
    loosen(pod);
    const auto violations = restrictedViolations(pod["spec"], pod["metadata"]);
    EXPECT_NE(listed(violations).find(what), std::string::npos) << what << " not reported:" << listed(violations);
  }
}

}  // namespace
}  // namespace flotilla::reliability
