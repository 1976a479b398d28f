// Render rules of haproxy.cfg, line by line (forms verified in shared/notes/haproxy-gateway.md).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "render/gateway_render.h"
#include "render_fixtures.h"

namespace flotilla::render::testing {
namespace {

using nlohmann::json;

std::string config(const GatewayInputs& inputs, const GatewayRenderOptions& options = {}) {
  return renderGateway(inputs, options).haproxyConfig;
}

// True when `text` is one whole line of the config (indented directives are matched with their 4 spaces).
bool hasLine(const std::string& cfg, const std::string& text) {
  return cfg.find("\n" + text + "\n") != std::string::npos;
}
bool hasDirective(const std::string& cfg, const std::string& text) {
  return hasLine(cfg, "    " + text);
}

std::size_t positionOf(const std::string& cfg, const std::string& text) {
  return cfg.find("\n    " + text + "\n");
}

// The text of one backend section, from its "backend" line to the next blank line.
std::string backendSection(const std::string& cfg, const std::string& name) {
  const auto start = cfg.find("\nbackend " + name + "\n");
  if (start == std::string::npos) return "";
  return cfg.substr(start, cfg.find("\n\n", start + 1) - start + 1);
}

// The shop with its users Route replaced by one built from `rule` (hostname shop.example.com).
GatewayInputs withUsersRule(const json& rule) {
  auto inputs = shopInputs();
  for (auto& r : inputs.routes) {
    if (r.metadata.name == "users") r = route(routeJson("shop", "users", {rule}, {"shop.example.com"}));
  }
  return inputs;
}

json usersRule() {
  return prefixRule("/api/users", "user-service");
}

TEST(HaproxyConfig, GlobalIsMasterWorkerFriendly) {
  const auto cfg = config(shopInputs());
  EXPECT_TRUE(hasDirective(cfg,
                           "stats socket \"${FLOTILLA_RUNTIME_DIR-/var/run/flotilla}/admin.sock\" mode 600 level "
                           "admin expose-fd listeners"));
  EXPECT_TRUE(hasDirective(cfg, "hard-stop-after 30s"));
  EXPECT_EQ(cfg.find("daemon"), std::string::npos);
  GatewayRenderOptions options;
  options.runtimeDir = "/run/gw";
  EXPECT_NE(config(shopInputs(), options).find("${FLOTILLA_RUNTIME_DIR-/run/gw}/admin.sock"), std::string::npos);
}

TEST(HaproxyConfig, DefaultsCarryReloadAndRetryBehaviourAndTheGatewayTimeout) {
  auto inputs = shopInputs();
  inputs.gateway.spec.defaults.timeout = api::Duration::seconds(45);
  const auto cfg = config(inputs);
  for (const char* line : {"mode http", "option idle-close-on-response", "option redispatch 1", "timeout server 45s",
                           "timeout queue 45s", "retry-on conn-failure"}) {
    EXPECT_TRUE(hasDirective(cfg, line)) << line;
  }
  EXPECT_NE(cfg.find(R"(log-format '{"time":"%tr")"), std::string::npos);
  EXPECT_NE(cfg.find(R"("route":"%[var(txn.route)]","backend":"%b")"), std::string::npos);
}

TEST(HaproxyConfig, StatsFrontendServesPrometheusMetrics) {
  GatewayRenderOptions options;
  options.statsPort = 9100;
  const auto cfg = config(shopInputs(), options);
  EXPECT_TRUE(hasLine(cfg, "frontend stats"));
  EXPECT_TRUE(hasDirective(cfg, "bind \"${FLOTILLA_BIND_ADDRESS}:9100\" name stats"));
  EXPECT_TRUE(hasDirective(cfg, "http-request use-service prometheus-exporter if { path /metrics }"));
}

TEST(HaproxyConfig, RequestIdAndTraceparentAsVerified) {
  const auto cfg = config(shopInputs());
  const std::vector<std::string> lines = {
      "http-request del-header X-Request-ID if { req.hdr_cnt(x-request-id) gt 1 } || { req.hdr(x-request-id),length gt "
      "128 } || { req.hdr(x-request-id) -m reg [^A-Za-z0-9._:-] }",
      "http-request set-header X-Request-ID %[uuid()] unless { req.hdr(x-request-id) -m found }",
      "unique-id-format %[req.hdr(x-request-id)]",
      "http-request set-var(txn.rid) unique-id",
      "http-request del-header traceparent unless { req.hdr(traceparent) -m reg "
      "^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$ }",
      "http-request set-header traceparent 00-%[uuid(),regsub(-,,g)]-%[uuid(),regsub(-,,g),bytes(0,16)]-01 unless { "
      "req.hdr(traceparent) -m found }",
      "http-response set-header X-Request-ID %[unique-id]"};
  std::size_t last = 0;
  for (const auto& line : lines) {
    const auto at = positionOf(cfg, line);
    ASSERT_NE(at, std::string::npos) << line;
    EXPECT_GT(at, last) << line;
    last = at;
  }
  EXPECT_EQ(cfg.find("unique-id-header"), std::string::npos);  // it would add a second X-Request-ID
}

TEST(HaproxyConfig, PathMatchesAreSegmentAwareAnchoredAndQuoted) {
  json rule = usersRule();
  rule["matches"] = json::array({{{"path", {{"type", "PathPrefix"}, {"value", "/api/users/"}}}},
                                 {{"path", {{"type", "Exact"}, {"value", "/api/me"}}}},
                                 {{"path", {{"type", "RegularExpression"}, {"value", "/api/v[0-9]+"}}}},
                                 {{"path", {{"type", "PathPrefix"}, {"value", "/"}}}}});
  const auto cfg = config(withUsersRule(rule));
  EXPECT_TRUE(hasDirective(cfg, "acl path_shop_users_r0_m0 path -m str -- '/api/users'"));
  EXPECT_TRUE(hasDirective(cfg, "acl path_shop_users_r0_m0 path_beg -- '/api/users/'"));
  EXPECT_TRUE(hasDirective(cfg, "acl path_shop_users_r0_m1 path -m str -- '/api/me'"));
  EXPECT_TRUE(hasDirective(cfg, "acl path_shop_users_r0_m2 path_reg -- '^(?:/api/v[0-9]+)$'"));
  EXPECT_TRUE(hasDirective(cfg, "acl path_shop_users_r0_m3 path_beg -- '/'"));
  EXPECT_EQ(cfg.find("path_dir"), std::string::npos);
}

TEST(HaproxyConfig, HostsMethodsAndHeadersInTheDecisionLine) {
  json rule = usersRule();
  rule["matches"][0]["methods"] = json::array({"POST", "GET"});
  rule["matches"][0]["headers"] =
      json::array({{{"name", "X-Canary"}, {"value", "1"}},
                   {{"name", "x-version"}, {"type", "RegularExpression"}, {"value", "2\\..*"}}});
  auto inputs = withUsersRule(rule);
  for (auto& r : inputs.routes) {
    if (r.metadata.name == "users") r.spec.hostnames = {"shop.example.com", "*.shop.example.org"};
  }
  const auto cfg = config(inputs);
  EXPECT_TRUE(hasDirective(cfg, "http-request set-var(txn.host) req.hdr(host),field(1,:),lower,regsub(\\.$,)"));
  EXPECT_TRUE(hasDirective(cfg, "acl host_shop.example.com var(txn.host) -m str -- 'shop.example.com'"));
  EXPECT_TRUE(hasDirective(cfg, "acl hostw_shop.example.org var(txn.host) -m end -- '.shop.example.org'"));
  EXPECT_TRUE(hasDirective(cfg, "acl method_shop_users_r0_m0 method GET POST"));
  EXPECT_TRUE(hasDirective(cfg, "acl header_shop_users_r0_m0_0 req.fhdr(x-canary) -m str -- '1'"));
  EXPECT_TRUE(hasDirective(cfg, "acl header_shop_users_r0_m0_1 req.fhdr(x-version) -m reg -- '^(?:2\\..*)$'"));
  const std::string conditions =
      " path_shop_users_r0_m0 method_shop_users_r0_m0 header_shop_users_r0_m0_0 "
      "header_shop_users_r0_m0_1";
  EXPECT_TRUE(hasDirective(
      cfg, "http-request set-var(txn.route) str(shop/users/0) if !routed host_shop.example.com" + conditions));
  EXPECT_TRUE(hasDirective(
      cfg, "http-request set-var(txn.route) str(shop/users/0) if !routed hostw_shop.example.org" + conditions));
  EXPECT_TRUE(hasDirective(cfg,
                           "http-request return status 404 content-type application/json string "
                           "'{\"error\":\"no route\"}' unless routed"));
}

TEST(HaproxyConfig, RateLimitChecksThenCountsPerReplicaShare) {
  json rule = usersRule();
  rule["rateLimit"] = {{"requestsPerSecond", 100}, {"burst", 200}};
  const auto cfg = config(withUsersRule(rule));  // the shop Gateway has 2 replicas: 50/s, burst 100 each
  const std::string track = "http-request track-sc0 int(1) table rl_shop_users_r0 if route_shop_users_r0";
  const std::string refuse =
      "http-request return status 429 content-type application/json string "
      "'{\"error\":\"rate limited\",\"route\":\"shop/users/0\"}' hdr Retry-After 2 if route_shop_users_r0 "
      "{ sc_gpc0_rate(0) ge 100 }";
  const std::string count = "http-request sc-inc-gpc0(0) if route_shop_users_r0";
  ASSERT_NE(positionOf(cfg, track), std::string::npos);
  ASSERT_NE(positionOf(cfg, refuse), std::string::npos);
  ASSERT_NE(positionOf(cfg, count), std::string::npos);
  EXPECT_LT(positionOf(cfg, track), positionOf(cfg, refuse));
  EXPECT_LT(positionOf(cfg, refuse), positionOf(cfg, count));  // only accepted requests count
  EXPECT_TRUE(hasLine(cfg, "backend rl_shop_users_r0"));
  EXPECT_TRUE(hasDirective(cfg, "stick-table type integer size 1 expire 10s store gpc0_rate(2s)"));

  rule["rateLimit"] = {{"requestsPerSecond", 30}};
  EXPECT_TRUE(
      hasDirective(config(withUsersRule(rule)), "stick-table type integer size 1 expire 10s store gpc0_rate(1s)"));
}

TEST(HaproxyConfig, WeightedBackendsPickOnceAndFailOver) {
  const auto cfg = config(shopInputs());
  const std::string acl = "route_shop_users_r0";
  EXPECT_TRUE(hasDirective(cfg, "http-request set-var(txn.pick) rand(100) if " + acl));
  EXPECT_TRUE(hasDirective(cfg, "http-request set-var(txn.be) str(be_shop_users_r0_user-service) if " + acl));
  EXPECT_TRUE(hasDirective(cfg, "http-request set-var(txn.be) str(be_shop_users_r0_user-service-v2) if " + acl +
                                    " { var(txn.pick) -m int ge 90 }"));
  EXPECT_TRUE(hasDirective(cfg, "http-request set-var(txn.be) str(be_shop_users_r0_user-service-v2) if " + acl +
                                    " { var(txn.be) -m str be_shop_users_r0_user-service } !{ "
                                    "nbsrv(be_shop_users_r0_user-service) gt 0 } { "
                                    "nbsrv(be_shop_users_r0_user-service-v2) gt 0 }"));
  EXPECT_TRUE(hasDirective(cfg, "use_backend %[var(txn.be)]"));
}

TEST(HaproxyConfig, FallbackAnswersAtOnceWhenNoServerIsUsable) {
  auto inputs = shopInputs();
  auto& policy = inputs.breakerPolicies[0].spec;
  policy.fallback = {502, "orders are resting", ""};
  policy.halfOpen.probeInterval = api::Duration::milliseconds(2500);
  const auto cfg = config(inputs);
  // In every backend: the frontend sends a request to a backend without usable servers only when no other backend
  // of the rule has one (see the fail-over lines).
  EXPECT_TRUE(hasDirective(backendSection(cfg, "be_shop_orders_r0_order-service"),
                           "http-request return status 502 content-type application/json string "
                           "'{\"error\":\"orders are resting\"}' hdr Retry-After 3 if !{ nbsrv gt 0 } !{ stopping }"));
  EXPECT_TRUE(hasDirective(backendSection(cfg, "be_shop_users_r0_user-service-v2"),
                           "http-request return status 502 content-type application/json string "
                           "'{\"error\":\"orders are resting\"}' hdr Retry-After 3 if !{ nbsrv gt 0 } !{ stopping }"));
}

TEST(HaproxyConfig, FallbackServiceGetsItsOwnBackend) {
  auto inputs = shopInputs();
  inputs.breakerPolicies[0].spec.fallback.service = "payment-service";
  const auto cfg = config(inputs);
  const std::string fallback = "be_shop_orders_r0_fallback_payment-service";
  EXPECT_TRUE(hasDirective(cfg, "http-request set-var(txn.be) str(" + fallback +
                                    ") if route_shop_orders_r0 !{ "
                                    "nbsrv(be_shop_orders_r0_order-service) gt 0 } !{ stopping }"));
  // With several backends, the fallback takes over from whichever one is still chosen after the fail-over.
  EXPECT_TRUE(hasDirective(cfg,
                           "http-request set-var(txn.be) str(be_shop_users_r0_fallback_payment-service) if "
                           "route_shop_users_r0 { var(txn.be) -m str be_shop_users_r0_user-service-v2 } !{ "
                           "nbsrv(be_shop_users_r0_user-service-v2) gt 0 } !{ stopping }"));
  EXPECT_TRUE(hasLine(cfg, "backend " + fallback));
  EXPECT_TRUE(hasLine(cfg, "# route shop/orders rule 0 fallback -> Microservice shop/payment-service port http"));
  EXPECT_NE(backendSection(cfg, fallback).find("if !{ nbsrv gt 0 }"), std::string::npos);
}

TEST(HaproxyConfig, LargestRulesStayWithinHaproxyLineLimits) {
  // 16 headers, every method, 16 weighted backends and a fallback service: HAProxy reads at most 64 words a line.
  json rule = usersRule();
  json headers = json::array();
  for (int h = 0; h < 16; ++h) {
    headers.push_back({{"name", "x-h" + std::to_string(h)},
                       {"type", h % 2 ? "Exact" : "RegularExpression"},
                       {"value", "v" + std::to_string(h)}});
  }
  rule["matches"][0]["headers"] = headers;
  rule["matches"][0]["methods"] =
      json::array({"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"});
  auto inputs = withUsersRule(rule);
  json backends = json::array();
  for (int b = 0; b < 16; ++b) {
    const std::string name = "svc-" + std::to_string(b);
    inputs.microservices.push_back(microservice(microserviceJson("shop", name)));
    backends.push_back({{"service", name}, {"weight", 1 + b}});
  }
  for (auto& r : inputs.routes) {
    if (r.metadata.name == "users") {
      rule["backends"] = backends;
      r = route(routeJson("shop", "users", {rule}, {"shop.example.com"}));
    }
  }
  inputs.breakerPolicies[0].spec.fallback.service = "payment-service";
  const auto rendered = renderGateway(inputs);
  ASSERT_TRUE(rendered.routeVerdicts.back().rendered) << rendered.routeVerdicts.back().accepted.message;
  const auto check = haproxyCheck(rendered.haproxyConfig);
  EXPECT_EQ(check.exitCode, 0) << check.output;
}

TEST(HaproxyConfig, RewritesHappenInTheBackendOnly) {
  const auto rewriteLine = [](const json& rewrite, json matches = nullptr) {
    json rule = usersRule();
    rule["rewrite"] = rewrite;
    if (!matches.is_null()) rule["matches"] = matches;
    const auto cfg = config(withUsersRule(rule));
    const auto backend = cfg.find("\nbackend be_shop_users_r0_user-service\n");
    const auto at = cfg.find("    http-request replace-path ", backend);
    const auto setPath = cfg.find("    http-request set-path ", backend);
    const auto start = std::min(at, setPath);
    EXPECT_NE(start, std::string::npos);
    EXPECT_EQ(cfg.rfind("http-request replace-path", backend), std::string::npos);  // never in the frontend
    return cfg.substr(start + 4, cfg.find('\n', start) - start - 4);
  };
  EXPECT_EQ(rewriteLine({{"pathPrefix", "/"}}), R"(http-request replace-path '^(?:/api/users)(?:/(.*))?$' '/\1')");
  EXPECT_EQ(rewriteLine({{"pathPrefix", "/v2"}}), R"(http-request replace-path '^(?:/api/users)(/.*)?$' '/v2\1')");
  EXPECT_EQ(rewriteLine({{"pathPrefix", "/v2/"}}),
            R"(http-request replace-path '^(?:/api/users)(?:/(.*))?$' '/v2/\1')");
  EXPECT_EQ(rewriteLine({{"pathPrefix", "/"}},
                        json::array({{{"path", {{"type", "PathPrefix"}, {"value", "/api"}}}},
                                     {{"path", {{"type", "PathPrefix"}, {"value", "/api/users.v1"}}}}})),
            R"(http-request replace-path '^(?:/api/users\.v1|/api)(?:/(.*))?$' '/\1')");
  EXPECT_EQ(rewriteLine({{"fullPath", "/status"}}), "http-request set-path '/status'");
}

TEST(HaproxyConfig, HeaderModifiersInTheBackend) {
  json rule = usersRule();
  rule["requestHeaders"] = {{"set", json::array({{{"name", "X-Env"}, {"value", "prod"}}})},
                            {"add", json::array({{{"name", "X-Via"}, {"value", "flotilla"}}})},
                            {"remove", json::array({"X-Debug"})}};
  rule["responseHeaders"] = {{"set", json::array({{{"name", "Cache-Control"}, {"value", "no-store"}}})}};
  const auto cfg = config(withUsersRule(rule));
  const auto backend = cfg.find("\nbackend be_shop_users_r0_user-service\n");
  for (const char* line :
       {"http-request del-header 'X-Debug'", "http-request set-header 'X-Env' 'prod'",
        "http-request add-header 'X-Via' 'flotilla'", "http-response set-header 'Cache-Control' 'no-store'"}) {
    EXPECT_GT(positionOf(cfg, line), backend) << line;
  }
}

TEST(HaproxyConfig, RetriesAreCappedAndAlwaysRetryConnectFailures) {
  json rule = usersRule();
  rule["retries"] = {{"attempts", 5}, {"retryOn", json::array({"5xx", "timeout", "404"})}};
  const auto cfg = backendSection(config(withUsersRule(rule)), "be_shop_users_r0_user-service");
  ASSERT_FALSE(cfg.empty());
  EXPECT_TRUE(hasDirective(cfg, "retries 3"));  // default-breaker: maxRetries 3
  EXPECT_TRUE(hasDirective(cfg, "retry-on conn-failure 500 502 503 504 response-timeout 404"));
  EXPECT_TRUE(hasDirective(cfg, "option http-buffer-request"));

  const auto plain = backendSection(config(withUsersRule(usersRule())), "be_shop_users_r0_user-service");
  EXPECT_TRUE(hasDirective(plain, "retries 2"));
  EXPECT_TRUE(hasDirective(plain, "retry-on conn-failure"));
  EXPECT_FALSE(hasDirective(plain, "option http-buffer-request"));
}

TEST(HaproxyConfig, TimeoutsPerAttemptCappedByTheRequestTimeout) {
  const auto serverTimeout = [](const json& timeout, const json& retries = nullptr) {
    json rule = usersRule();
    rule["timeout"] = timeout;
    if (!retries.is_null()) rule["retries"] = retries;
    const auto cfg = config(withUsersRule(rule));
    const auto at = cfg.find("    timeout server ", cfg.find("\nbackend be_shop_users_r0_user-service\n"));
    return cfg.substr(at + 19, cfg.find('\n', at) - at - 19);
  };
  EXPECT_EQ(serverTimeout(json::object()), "30s");  // the Gateway default
  EXPECT_EQ(serverTimeout({{"request", "5s"}}), "5s");
  EXPECT_EQ(serverTimeout({{"request", "5s"}, {"backendRequest", "2s"}}), "2s");
  EXPECT_EQ(serverTimeout({{"request", "5s"}}, {{"attempts", 2}, {"perTryTimeout", "1500ms"}}), "1500ms");
}

// HAProxy has no deadline across attempts: retried timeouts must fit in the whole-request timeout.
TEST(HaproxyConfig, TimeoutRetriesFitInTheRequestTimeout) {
  const auto backend = [](const json& timeout, const json& retries) {
    json rule = usersRule();
    if (!timeout.is_null()) rule["timeout"] = timeout;
    rule["retries"] = retries;
    return backendSection(config(withUsersRule(rule)), "be_shop_users_r0_user-service");
  };
  // 2 retries of 1.5 s attempts would take 4.5 s > 2 s: timeouts are not retried, refused connections still are.
  auto cfg =
      backend({{"request", "2s"}},
              {{"attempts", 2}, {"perTryTimeout", "1500ms"}, {"retryOn", json::array({"timeout", "connect-failure"})}});
  EXPECT_TRUE(hasDirective(cfg, "retries 2"));
  EXPECT_TRUE(hasDirective(cfg, "retry-on conn-failure")) << cfg;
  // Three 1 s attempts fit in 3 s: 2 retries of the 3 asked for.
  cfg = backend({{"request", "3s"}}, {{"attempts", 3}, {"perTryTimeout", "1s"}, {"retryOn", json::array({"timeout"})}});
  EXPECT_TRUE(hasDirective(cfg, "retries 2"));
  EXPECT_TRUE(hasDirective(cfg, "retry-on conn-failure response-timeout"));
  // Without a whole-request timeout nothing bounds them; retries of other failures are not limited either.
  cfg = backend(nullptr, {{"attempts", 3}, {"perTryTimeout", "1s"}, {"retryOn", json::array({"timeout"})}});
  EXPECT_TRUE(hasDirective(cfg, "retries 3"));
  EXPECT_TRUE(hasDirective(cfg, "retry-on conn-failure response-timeout"));
  cfg = backend({{"request", "2s"}}, {{"attempts", 2}, {"perTryTimeout", "1500ms"}, {"retryOn", json::array({"5xx"})}});
  EXPECT_TRUE(hasDirective(cfg, "retries 2"));
  EXPECT_TRUE(hasDirective(cfg, "retry-on conn-failure 500 502 503 504"));
}

TEST(HaproxyConfig, BreakerAndBulkheadOnEveryServer) {
  auto inputs = shopInputs();
  auto& policy = inputs.breakerPolicies[0].spec;
  policy.consecutiveFailures = 7;
  policy.halfOpen = {api::Duration::seconds(2), 3};
  policy.maxConnections = 100;
  policy.maxPendingRequests = 40;
  policy.maxRequestsPerConnection = 10;
  const auto cfg = config(inputs);
  // payment-service runs 2 replicas: the service-wide 100 connections become 50 per endpoint.
  EXPECT_TRUE(hasDirective(cfg,
                           "default-server check inter 2s fastinter 2s downinter 2s rise 3 fall 3 observe layer7 "
                           "error-limit 7 on-error mark-down max-reuse 9 maxconn 50"));
  EXPECT_TRUE(hasDirective(cfg,
                           "http-request return status 503 content-type application/json string "
                           "'{\"error\":\"too many pending requests\"}' hdr Retry-After 1 if { queue ge 40 }"));
  EXPECT_TRUE(hasDirective(cfg, "option httpchk GET '/healthz'"));

  policy.failureOn = {"connect-failure"};
  policy.scaleLimitsWithReplicas = false;
  policy.maxPendingRequests = 0;
  policy.maxRequestsPerConnection = 0;
  const auto layer4 = config(inputs);
  EXPECT_TRUE(hasDirective(layer4,
                           "default-server check inter 2s fastinter 2s downinter 2s rise 3 fall 3 observe "
                           "layer4 error-limit 7 on-error mark-down maxconn 100"));
  EXPECT_EQ(layer4.find("queue ge"), std::string::npos);
}

TEST(HaproxyConfig, SlotsFollowReplicasOrMaxReplicas) {
  auto inputs = shopInputs();
  auto cfg = config(inputs);
  EXPECT_TRUE(hasDirective(cfg, "server-template ep 1-13 127.0.0.1:1 disabled"));  // orders: maxReplicas 10 + 25 %
  EXPECT_TRUE(hasDirective(cfg, "server-template ep 1-4 127.0.0.1:1 disabled"));   // at least 4
  inputs.slotCounts[{"shop", "order-service"}] = 6;
  EXPECT_TRUE(hasDirective(config(inputs), "server-template ep 1-6 127.0.0.1:1 disabled"));
  GatewayRenderOptions options;
  options.minSlots = 2;
  EXPECT_TRUE(hasDirective(config(shopInputs(), options), "server-template ep 1-3 127.0.0.1:1 disabled"));
}

TEST(HaproxyConfig, BlocksNameTheirCustomResources) {
  const auto cfg = config(shopInputs());
  EXPECT_TRUE(hasLine(cfg, "# route shop/users rule 0 -> Microservice shop/user-service port http (weight 90)"));
  EXPECT_TRUE(hasLine(cfg, "# breaker: BreakerPolicy shop/default-breaker (Gateway default)"));
  EXPECT_TRUE(hasDirective(cfg, "# route shop/users rule 0"));
  EXPECT_TRUE(hasDirective(cfg, "# Gateway shop/public"));
}

TEST(HaproxyConfig, ListenersBindUnprivilegedPortsWithTlsAndRedirect) {
  auto inputs = shopInputs();
  inputs.gateway.spec.listeners = {{"web", 80, "HTTP", std::nullopt, true},
                                   {"secure", 8443, "HTTPS", api::ListenerTls{{"shop-tls"}}, false}};
  const auto cfg = config(inputs);
  EXPECT_TRUE(hasDirective(cfg, "bind \"${FLOTILLA_BIND_ADDRESS}:8080\" name web"));
  EXPECT_TRUE(hasDirective(cfg,
                           "bind \"${FLOTILLA_BIND_ADDRESS}:8443\" name secure ssl crt "
                           "\"${FLOTILLA_CERT_DIR-/var/run/flotilla/certs}/shop-tls.pem\" alpn h2,http/1.1"));
  EXPECT_TRUE(hasDirective(cfg,
                           "http-request redirect location https://%[req.hdr(host),field(1,:)]:8443%[pathq] "
                           "code 301 if { so_name web }"));
  inputs.gateway.spec.listeners[1].port = 443;
  EXPECT_TRUE(hasDirective(config(inputs),
                           "http-request redirect location https://%[req.hdr(host),field(1,:)]%[pathq] "
                           "code 301 if { so_name web }"));
}

}  // namespace
}  // namespace flotilla::render::testing
