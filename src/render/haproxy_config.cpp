#include "render/haproxy_config.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "api/names.h"
#include "render/haproxy_text.h"
#include "render/sha256.h"

namespace flotilla::render {
namespace {

constexpr std::string_view kIndent = "    ";
constexpr const char* kDefaultRuntimeDir = "/var/run/flotilla";
constexpr const char* kDefaultCertDir = "/var/run/flotilla/certs";

// JSON access log: route, backend, status and timings, one object per line (Tw/Tc/Tr are -1 when not reached).
constexpr const char* kLogFormat =
    R"('{"time":"%tr","client":"%ci:%cp","frontend":"%ft","route":"%[var(txn.route)]","backend":"%b",)"
    R"("server":"%s","method":"%HM","path":"%{+E}HP","status":%ST,"bytes":%B,"request_ms":%TR,"queue_ms":%Tw,)"
    R"("connect_ms":%Tc,"response_ms":%Tr,"total_ms":%Ta,"retries":"%rc","termination":"%tsc",)"
    R"("request_id":"%{+E}ID"}')";

// Each line is appended piece by piece (w.line("acl ", name, " ", pattern)) rather than built from temporaries
// joined with '+': a 5,000-Route config has over 100,000 lines, and the temporaries' allocations and copies were
// most of the text's cost.
class Writer {
 public:
  template <typename... Parts>
  void top(const Parts&... parts) {
    append("", parts...);
  }
  void separate() {
    if (!out_.empty()) out_ += "\n";
  }
  void section(std::string_view header) {
    separate();
    append("", header);
  }
  template <typename... Parts>
  void topComment(const Parts&... parts) {
    append("# ", parts...);
  }
  template <typename... Parts>
  void line(const Parts&... parts) {
    append(kIndent, parts...);
  }
  template <typename... Parts>
  void comment(const Parts&... parts) {
    append("    # ", parts...);
  }
  void blank() { out_ += "\n"; }
  void raw(std::string_view text) { out_ += text; }
  std::string take() { return std::move(out_); }

 private:
  template <typename... Parts>
  void append(std::string_view prefix, const Parts&... parts) {
    out_ += prefix;
    (out_ += ... += parts);
    out_ += '\n';
  }
  std::string out_;
};

// Paths are defaults of environment variables HAProxy expands in double quotes (see GatewayInputs options).
std::string envPath(const char* variable, const std::string& configured, const char* fallback, std::string_view file) {
  const std::string dir = api::isSafeConfigPath(configured) ? configured : fallback;
  return "\"${" + std::string(variable) + "-" + dir + "}/" + std::string(file) + "\"";
}

std::string bindAddress(std::int32_t port) {
  return "\"${FLOTILLA_BIND_ADDRESS}:" + std::to_string(port) + "\"";
}

std::string seconds(api::Duration d) {
  const std::int64_t ms = std::max<std::int64_t>(1000, d.toMilliseconds());
  return std::to_string((ms + 999) / 1000);
}

std::string jsonError(std::string_view error, std::string_view route = {}) {
  nlohmann::json body = {{"error", error}};
  if (!route.empty()) body["route"] = route;
  return body.dump();
}

std::string returnJson(int status, const std::string& body) {
  return "return status " + std::to_string(status) + " content-type application/json string " + singleQuoted(body);
}

std::string hostAclName(const HostPattern& host) {
  return host.kind == HostPattern::Kind::Wildcard ? "hostw_" + host.value.substr(1) : "host_" + host.value;
}

std::string routeAclName(const RenderedRule& rule) {
  return "route_" + rule.id;
}

std::string describeRule(const RenderedRule& rule) {
  std::string text = "route " + rule.route.str() + " rule " + std::to_string(rule.ruleIndex);
  if (api::isDns1123Label(rule.rule.name)) text += " (" + rule.rule.name + ")";
  return text;
}

// ---------------------------------------------------------------- global, defaults, stats

void writeGlobal(Writer& w, const GatewayRenderOptions& options) {
  w.section("global");
  w.line("log stdout format raw local0");
  w.line("stats socket " + envPath("FLOTILLA_RUNTIME_DIR", options.runtimeDir, kDefaultRuntimeDir, "admin.sock") +
         " mode 600 level admin expose-fd listeners");
  w.line("stats timeout 30s");
  w.line("hard-stop-after 30s");
  w.line("ssl-default-bind-options ssl-min-ver TLSv1.2");
}

void writeDefaults(Writer& w, const api::Gateway& gateway) {
  const std::string timeout = haproxyDuration(gateway.spec.defaults.timeout.value_or(kBuiltInTimeout));
  w.section("defaults");
  w.line("mode http");
  w.line("log global");
  w.line(std::string("log-format ") + kLogFormat);
  w.line("option idle-close-on-response");
  w.line("option redispatch 1");
  w.line("option forwardfor");
  w.line("timeout connect 5s");
  w.line("timeout client 30s");
  w.line("timeout http-request 10s");
  w.line("timeout http-keep-alive 10s");
  w.line("timeout server " + timeout);
  w.line("timeout queue " + timeout);
  w.line("retries 2");
  w.line("retry-on conn-failure");
}

void writeStats(Writer& w, const GatewayRenderOptions& options) {
  w.section("frontend stats");
  w.comment("HAProxy's Prometheus exporter and stats page (pod-internal; not part of the gateway Service)");
  w.line("bind " + bindAddress(options.statsPort) + " name stats");
  w.line("http-request set-log-level silent");
  w.line("http-request use-service prometheus-exporter if { path /metrics }");
  w.line("stats enable");
  w.line("stats uri /stats");
}

// ---------------------------------------------------------------- frontend gateway

void writeBinds(Writer& w, const ListenerPlan& plan, const GatewayRenderOptions& options) {
  for (const auto& listener : plan.listeners) {
    std::string bind = "bind " + bindAddress(listener.containerPort) + " name " + listener.name;
    std::string note = "listener " + listener.name + ": port " + std::to_string(listener.port);
    if (!listener.tlsSecret.empty()) {
      bind += " ssl crt " +
              envPath("FLOTILLA_CERT_DIR", options.certDir, kDefaultCertDir, listener.tlsSecret + ".pem") +
              " alpn h2,http/1.1";
      note += ", TLS certificate from Secret " + listener.tlsSecret;
    }
    w.comment(note);
    w.line(bind);
  }
  w.line("http-request set-header X-Forwarded-Proto https if { ssl_fc }");
  w.line("http-request set-header X-Forwarded-Proto http unless { ssl_fc }");
  if (!plan.httpsTarget) return;
  for (const auto& listener : plan.listeners) {
    if (!listener.redirectToHttps || !listener.tlsSecret.empty()) continue;
    const std::string port = plan.httpsTarget->port == 443 ? "" : ":" + std::to_string(plan.httpsTarget->port);
    w.comment("listener " + listener.name + " redirects to HTTPS (listener " + plan.httpsTarget->name + ")");
    w.line("http-request redirect location https://%[req.hdr(host),field(1,:)]" + port +
           "%[pathq] code 301 if { so_name " + listener.name + " }");
  }
}

void writeRequestId(Writer& w) {
  w.blank();
  w.comment("request id: keep a sane incoming X-Request-ID, else generate one; W3C traceparent likewise");
  w.line(
      "http-request del-header X-Request-ID if { req.hdr_cnt(x-request-id) gt 1 } || { req.hdr(x-request-id),length "
      "gt 128 } || { req.hdr(x-request-id) -m reg [^A-Za-z0-9._:-] }");
  w.line("http-request set-header X-Request-ID %[uuid()] unless { req.hdr(x-request-id) -m found }");
  w.line("unique-id-format %[req.hdr(x-request-id)]");
  w.line("http-request set-var(txn.rid) unique-id");
  w.line(
      "http-request del-header traceparent unless { req.hdr(traceparent) -m reg "
      "^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$ }");
  w.line(
      "http-request set-header traceparent 00-%[uuid(),regsub(-,,g)]-%[uuid(),regsub(-,,g),bytes(0,16)]-01 unless "
      "{ req.hdr(traceparent) -m found }");
  w.line("http-response set-header X-Request-ID %[unique-id]");
}

std::vector<std::string> pathAclPatterns(const api::PathMatch& path) {
  switch (path.type) {
    case api::PathMatchType::Exact:
      return {"path -m str -- " + singleQuoted(path.value)};
    case api::PathMatchType::RegularExpression:
      return {"path_reg -- " + singleQuoted("^(?:" + path.value + ")$")};
    case api::PathMatchType::PathPrefix:
      break;
  }
  // Segment-aware: "/p" itself or anything under "/p/"; never path_dir (it matches "/x/p/y" too).
  if (path.value == "/") return {"path_beg -- '/'"};
  return {"path -m str -- " + singleQuoted(path.value), "path_beg -- " + singleQuoted(path.value + "/")};
}

// Header and method conditions are named ACLs, so a decision line stays far below HAProxy's 64 words per line
// (16 headers inline would take 112).
std::string headerAcl(const api::HeaderMatch& header) {
  if (header.type == api::HeaderMatchType::RegularExpression) {
    return "req.fhdr(" + header.name + ") -m reg -- " + singleQuoted("^(?:" + header.value + ")$");
  }
  return "req.fhdr(" + header.name + ") -m str -- " + singleQuoted(header.value);
}

std::string matchAclName(const char* kind, const RenderedRule& rule, std::size_t match) {
  return std::string(kind) + "_" + rule.id + "_m" + std::to_string(match);
}

std::string headerAclName(const RenderedRule& rule, std::size_t match, std::size_t header) {
  return matchAclName("header", rule, match) + "_" + std::to_string(header);
}

// The ACLs of one match: its path, and its methods and headers when it has any.
void writeMatchAcls(Writer& w, const RenderedRule& rule, const MatchEntry& entry) {
  const std::string pathAcl = matchAclName("path", rule, entry.matchIndex);
  for (const auto& pattern : pathAclPatterns(entry.path)) w.line("acl ", pathAcl, " ", pattern);
  if (!entry.methods.empty()) {
    std::string line = "acl " + matchAclName("method", rule, entry.matchIndex) + " method";
    for (const auto& method : entry.methods) line += " " + method;
    w.line(line);
  }
  for (std::size_t h = 0; h < entry.headers.size(); ++h) {
    w.line("acl ", headerAclName(rule, entry.matchIndex, h), " ", headerAcl(entry.headers[h]));
  }
}

void writeRouteDecision(Writer& w, const RouteTable& table) {
  w.blank();
  w.comment("route decision: the first matching line wins (hostname, then path: Exact > longest PathPrefix >");
  w.comment("RegularExpression, then more header matches, method-specific, oldest Route, namespace/name)");
  w.line("http-request set-var(txn.host) req.hdr(host),field(1,:),lower,regsub(\\.$,)");
  w.line("acl routed var(txn.route) -m found");
  std::set<HostPattern> hosts;
  for (const auto& entry : table.entries) {
    if (entry.host.kind != HostPattern::Kind::Any) hosts.insert(entry.host);
  }
  for (const auto& host : hosts) {
    const bool wildcard = host.kind == HostPattern::Kind::Wildcard;
    w.line("acl " + hostAclName(host) + " var(txn.host) -m " + (wildcard ? "end" : "str") + " -- " +
           singleQuoted(host.value));
  }
  // Match ACLs per (rule, match), declared in rule order (entries repeat a match once per hostname).
  std::map<std::pair<std::size_t, std::size_t>, const MatchEntry*> byMatch;
  for (const auto& entry : table.entries) byMatch.emplace(std::pair{entry.rule, entry.matchIndex}, &entry);
  std::size_t lastRule = table.rules.size();
  for (const auto& [key, entry] : byMatch) {
    const RenderedRule& rule = table.rules[key.first];
    if (key.first != lastRule) w.comment(describeRule(rule));
    lastRule = key.first;
    writeMatchAcls(w, rule, *entry);
  }
  std::string line;
  for (const auto& entry : table.entries) {
    const RenderedRule& rule = table.rules[entry.rule];
    line.assign("http-request set-var(txn.route) str(").append(rule.routeKey).append(") if !routed");
    if (entry.host.kind != HostPattern::Kind::Any) line.append(" ").append(hostAclName(entry.host));
    line.append(" ").append(matchAclName("path", rule, entry.matchIndex));
    if (!entry.methods.empty()) line.append(" ").append(matchAclName("method", rule, entry.matchIndex));
    for (std::size_t h = 0; h < entry.headers.size(); ++h) {
      line.append(" ").append(headerAclName(rule, entry.matchIndex, h));
    }
    w.line(line);
  }
  w.line("http-request " + returnJson(404, jsonError("no route")) + " unless routed");
}

// Rate limits are per HAProxy process: the Route's limit is shared out over the Gateway's replicas.
struct RateWindow {
  std::int64_t limit;
  std::int64_t periodMs;
};

RateWindow rateWindow(const RenderedRule& rule) {
  const auto& rate = *rule.rule.rateLimit;
  const std::int64_t replicas = std::max<std::int32_t>(1, rule.gatewayReplicas);
  const std::int64_t rps = (rate.requestsPerSecond + replicas - 1) / replicas;
  const std::int64_t burst = (rate.burst + replicas - 1) / replicas;
  // A burst above the rate becomes a longer window: at most `burst` requests per burst/rps seconds.
  if (burst > rps) return {burst, (burst * 1000 + rps - 1) / rps};
  return {rps, 1000};
}

std::string nbsrv(const std::string& backend) {
  return "{ nbsrv(" + backend + ") gt 0 }";
}
std::string noServer(const std::string& backend) {
  return "!" + nbsrv(backend);
}
// During a reload the old worker stops its backends at once (nbsrv reads 0 there) while it still answers requests
// on connections it had accepted: those must reach the servers, not the fallback (measured: 503s on reload).
constexpr const char* kNotStopping = " !{ stopping }";

void writeRuleFrontend(Writer& w, const RenderedRule& rule) {
  const std::string acl = routeAclName(rule);
  w.blank();
  w.comment(describeRule(rule));
  w.line("acl ", acl, " var(txn.route) -m str ", rule.routeKey);
  if (rule.rule.rateLimit) {
    const auto window = rateWindow(rule);
    w.line("http-request track-sc0 int(1) table rl_" + rule.id + " if " + acl);
    w.line("http-request " + returnJson(429, jsonError("rate limited", rule.routeKey)) + " hdr Retry-After " +
           std::to_string((window.periodMs + 999) / 1000) + " if " + acl + " { sc_gpc0_rate(0) ge " +
           std::to_string(window.limit) + " }");
    w.line("http-request sc-inc-gpc0(0) if " + acl);
  }
  const auto& backends = rule.backends;
  if (backends.size() == 1) {
    w.line("http-request set-var(txn.be) str(", backends.front().name, ") if ", acl);
  } else {
    std::int64_t total = 0;
    for (const auto& backend : backends) total += backend.weight;
    w.line("http-request set-var(txn.pick) rand(" + std::to_string(total) + ") if " + acl);
    std::int64_t from = 0;
    for (const auto& backend : backends) {
      std::string line = "http-request set-var(txn.be) str(" + backend.name + ") if " + acl;
      if (from > 0) line += " { var(txn.pick) -m int ge " + std::to_string(from) + " }";
      w.line(line);
      from += backend.weight;
    }
    for (const auto& chosen : backends) {
      for (const auto& other : backends) {
        if (&chosen == &other) continue;
        w.line("http-request set-var(txn.be) str(" + other.name + ") if " + acl + " { var(txn.be) -m str " +
               chosen.name + " } " + noServer(chosen.name) + " " + nbsrv(other.name));
      }
    }
  }
  // After the fail-over above, the chosen backend has no usable server only when none of them has one.
  if (rule.fallbackBackend) {
    for (const auto& backend : backends) {
      w.line("http-request set-var(txn.be) str(" + rule.fallbackBackend->name + ") if " + acl +
             (backends.size() > 1 ? " { var(txn.be) -m str " + backend.name + " }" : "") + " " +
             noServer(backend.name) + kNotStopping);
    }
  }
}

void writeFrontend(Writer& w, const api::Gateway& gateway, const RouteTable& table, const ListenerPlan& plan,
                   const GatewayRenderOptions& options) {
  w.section("frontend gateway");
  w.comment("Gateway " + keyOf(gateway).str());
  writeBinds(w, plan, options);
  writeRequestId(w);
  writeRouteDecision(w, table);
  for (const auto& rule : table.rules) writeRuleFrontend(w, rule);
  w.blank();
  w.line("use_backend %[var(txn.be)]");
}

// ---------------------------------------------------------------- backends

// One alternation over the rule's prefixes, longest first, so a request rewrites by the prefix that matched it.
std::string prefixRewrite(const RenderedRule& rule, const std::string& replacement) {
  std::vector<std::string> prefixes;
  for (const auto& match : rule.rule.matches) {
    std::string prefix = match.path ? match.path->value : "/";
    while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
    if (std::find(prefixes.begin(), prefixes.end(), prefix) == prefixes.end()) prefixes.push_back(prefix);
  }
  if (prefixes.empty()) prefixes.push_back("");
  std::sort(prefixes.begin(), prefixes.end(),
            [](const auto& a, const auto& b) { return a.size() != b.size() ? a.size() > b.size() : a < b; });
  std::string alternatives;
  for (const auto& prefix : prefixes) alternatives += (alternatives.empty() ? "" : "|") + regexLiteral(prefix);
  // "/v2/" keeps the separator in the replacement; "/v2" takes it from the rest of the path.
  const bool slashEnds = replacement.back() == '/';
  const std::string regex = "^(?:" + alternatives + ")" + (slashEnds ? "(?:/(.*))?$" : "(/.*)?$");
  return "http-request replace-path " + singleQuoted(regex) + " " + quotedLogFormat(replacement + "\\1");
}

void writeHeaderModifier(Writer& w, const char* direction, const api::HeaderModifier& modifier) {
  for (const auto& name : modifier.remove) w.line(std::string(direction) + " del-header " + singleQuoted(name));
  for (const auto& header : modifier.set) {
    w.line(std::string(direction) + " set-header " + singleQuoted(header.name) + " " + quotedLogFormat(header.value));
  }
  for (const auto& header : modifier.add) {
    w.line(std::string(direction) + " add-header " + singleQuoted(header.name) + " " + quotedLogFormat(header.value));
  }
}

// Text that only depends on a backend's breaker settings. Thousands of backends share a handful of policies, so
// each text is kept while consecutive backends have the same settings (jsonBody parses and re-serialises JSON).
class PolicyTexts {
 public:
  const std::string& serverOptions(const api::BreakerPolicySpec& spec) {
    const auto key = std::make_tuple(spec.halfOpen.probeInterval.toMilliseconds(), spec.halfOpen.successesToClose,
                                     spec.failureOn, spec.consecutiveFailures, spec.maxRequestsPerConnection);
    if (key != serverOptionsKey_ || serverOptions_.empty()) {
      serverOptionsKey_ = key;
      serverOptions_ = serverOptionsFor(spec);
    }
    return serverOptions_;
  }

  // The policy's fallback answers at once when this backend has no usable server: the frontend only sends a
  // request here when no other backend of the rule (nor the fallback service) has one either.
  const std::string& fallbackResponse(const api::BreakerPolicySpec& spec) {
    const auto key =
        std::make_tuple(spec.fallback.status, spec.fallback.body, spec.halfOpen.probeInterval.toMilliseconds());
    if (key != fallbackKey_ || fallbackResponse_.empty()) {
      fallbackKey_ = key;
      fallbackResponse_ = "http-request " + returnJson(spec.fallback.status, jsonBody(spec.fallback.body)) +
                          " hdr Retry-After " + seconds(spec.halfOpen.probeInterval) + " if !{ nbsrv gt 0 }" +
                          kNotStopping;
    }
    return fallbackResponse_;
  }

 private:
  std::tuple<std::int64_t, std::int32_t, std::vector<std::string>, std::int32_t, std::int32_t> serverOptionsKey_;
  std::string serverOptions_;
  std::tuple<std::int32_t, std::string, std::int64_t> fallbackKey_;
  std::string fallbackResponse_;
};

BackendSlots slotsOf(const RenderedRule& rule, const RenderedBackend& backend, PolicyTexts& texts) {
  const auto& spec = backend.breaker.spec;
  BackendSlots slots;
  slots.backend = backend.name;
  slots.microservice = backend.microservice;
  slots.portName = backend.port.name;
  slots.targetPort = backend.port.targetPort.value_or(backend.port.port);
  slots.slots = backend.slots;
  slots.serverOptions = texts.serverOptions(spec);
  slots.maxConnections = spec.maxConnections;
  slots.scaleLimitsWithReplicas = spec.scaleLimitsWithReplicas;
  slots.currentReplicas = backend.currentReplicas;
  slots.route = rule.route.str();
  slots.rule = static_cast<std::int32_t>(rule.ruleIndex);
  slots.breakerPolicy = backend.breaker.policy ? backend.breaker.policy->str() : "";
  slots.openDurationMs = spec.openDuration.toMilliseconds();
  slots.successesToClose = spec.halfOpen.successesToClose;
  return slots;
}

bool needsBufferedRequest(const std::vector<std::string>& retryOn) {
  return std::any_of(retryOn.begin(), retryOn.end(), [](const auto& keyword) { return keyword != "conn-failure"; });
}

// `description` is describeRule(rule), made once for all the rule's backends.
void writeBackend(Writer& w, const RenderedRule& rule, const std::string& description, const RenderedBackend& backend,
                  bool fallback, std::vector<BackendSlots>& allSlots, PolicyTexts& texts) {
  static const std::string kTooManyPending =
      "http-request " + returnJson(503, jsonError("too many pending requests")) + " hdr Retry-After 1 if { queue ge ";
  const auto& spec = backend.breaker.spec;
  w.separate();
  const std::string port = backend.port.name.empty() ? std::to_string(backend.port.port) : backend.port.name;
  if (fallback) {
    w.topComment(description, " fallback -> Microservice ", backend.microservice.str(), " port ", port);
  } else {
    w.topComment(description, " -> Microservice ", backend.microservice.str(), " port ", port, " (weight ",
                 std::to_string(backend.weight), ")");
  }
  w.topComment("breaker: ", backend.breaker.describe());
  w.top("backend ", backend.name);
  w.line("balance roundrobin");
  w.line("option httpchk GET ", singleQuoted(spec.healthCheck.path));
  w.line("timeout server ", haproxyDuration(rule.serverTimeout));
  w.line("timeout queue ", haproxyDuration(rule.queueTimeout));
  w.line("retries ", std::to_string(backend.retries));
  std::string retryOn = "retry-on";
  for (const auto& keyword : backend.retryOn) retryOn.append(" ").append(keyword);
  w.line(retryOn);
  if (needsBufferedRequest(backend.retryOn)) w.line("option http-buffer-request");
  w.line(texts.fallbackResponse(rule.fallbackPolicy.spec));
  if (spec.maxPendingRequests > 0) w.line(kTooManyPending, std::to_string(spec.maxPendingRequests), " }");
  if (!fallback) {
    if (rule.rule.rewrite && rule.rule.rewrite->fullPath) {
      w.line("http-request set-path " + quotedLogFormat(*rule.rule.rewrite->fullPath));
    } else if (rule.rule.rewrite && rule.rule.rewrite->pathPrefix) {
      w.line(prefixRewrite(rule, *rule.rule.rewrite->pathPrefix));
    }
    writeHeaderModifier(w, "http-request", rule.rule.requestHeaders);
    writeHeaderModifier(w, "http-response", rule.rule.responseHeaders);
  }
  BackendSlots slots = slotsOf(rule, backend, texts);
  w.raw(renderEndpointBlock(slots, backend.endpoints));
  allSlots.push_back(std::move(slots));
}

void writeRateLimitTable(Writer& w, const RenderedRule& rule) {
  const auto window = rateWindow(rule);
  const auto& rate = *rule.rule.rateLimit;
  w.separate();
  w.topComment(describeRule(rule) + ": " + std::to_string(rate.requestsPerSecond) + " requests/s, burst " +
               std::to_string(rate.burst) + ", shared out over " + std::to_string(rule.gatewayReplicas) +
               " gateway replica(s)");
  w.top("backend rl_" + rule.id);
  const std::int64_t expireMs = std::max<std::int64_t>(10000, 2 * window.periodMs);
  w.line("stick-table type integer size 1 expire " + haproxyDuration(api::Duration::milliseconds(expireMs)) +
         " store gpc0_rate(" + haproxyDuration(api::Duration::milliseconds(window.periodMs)) + ")");
}

}  // namespace

std::string serverOptionsFor(const api::BreakerPolicySpec& spec) {
  const std::string interval = haproxyDuration(spec.halfOpen.probeInterval);
  std::string options = "check inter " + interval + " fastinter " + interval + " downinter " + interval + " rise " +
                        std::to_string(spec.halfOpen.successesToClose) + " fall 3";
  // layer7 counts 5xx, timeouts, resets and refused connects; layer4 only connection failures.
  const auto counts = [&](const char* kind) {
    return std::find(spec.failureOn.begin(), spec.failureOn.end(), kind) != spec.failureOn.end();
  };
  const bool layer7 = counts("5xx") || counts("gateway-error") || counts("timeout") || counts("reset");
  if (spec.consecutiveFailures > 0 && (layer7 || counts("connect-failure"))) {
    options += std::string(" observe ") + (layer7 ? "layer7" : "layer4") + " error-limit " +
               std::to_string(spec.consecutiveFailures) + " on-error mark-down";
  }
  if (spec.maxRequestsPerConnection > 0) {
    options += " max-reuse " + std::to_string(spec.maxRequestsPerConnection - 1);
  }
  return options;
}

HaproxyConfig renderHaproxyConfig(const api::Gateway& gateway, const RouteTable& table, const ListenerPlan& listeners,
                                  const GatewayRenderOptions& options) {
  Writer w;
  w.topComment("HAProxy configuration of Gateway " + keyOf(gateway).str() + ", rendered by Flotilla.");
  w.topComment("Do not edit: the operator rewrites it. Every block names the custom resource it comes from.");
  writeGlobal(w, options);
  writeDefaults(w, gateway);
  writeStats(w, options);
  if (!listeners.listeners.empty()) writeFrontend(w, gateway, table, listeners, options);
  HaproxyConfig config;
  PolicyTexts texts;
  for (const auto& rule : table.rules) {
    const std::string description = describeRule(rule);
    for (const auto& backend : rule.backends) {
      writeBackend(w, rule, description, backend, false, config.backends, texts);
    }
    if (rule.fallbackBackend) {
      writeBackend(w, rule, description, *rule.fallbackBackend, true, config.backends, texts);
    }
    if (rule.rule.rateLimit) writeRateLimitTable(w, rule);
  }
  config.text = w.take();
  config.hash = "sha256:" + sha256Hex(config.text);
  return config;
}

}  // namespace flotilla::render
