// Injection attempts (haproxy-gateway.md §12): every CR string that could reach haproxy.cfg is either rejected with
// a field error (the Route is left out and the config is exactly what it is without it) or rendered quoted so that
// HAProxy reads it as one literal word. The config stays valid for the real `haproxy -c` in every case.

#include <gtest/gtest.h>

#include <functional>

#include "render/gateway_render.h"
#include "render_fixtures.h"

namespace flotilla::render::testing {
namespace {

using nlohmann::json;

const std::vector<std::string> kPayloads = {
    "/x\nbind :1",              // a real newline: a second directive
    "/x\\nX-B: injected",       // the text \n, which HAProxy turns into a newline outside single quotes
    "/x\\x0a",                  // \xNN likewise
    "/x#comment",               // '#' starts a comment
    "/x' if { path_beg / } '",  // closing the quote to inject a condition
    "/x\" \"y",                 // double quotes
    "/x%[env(HOME)]",           // log-format sample fetch reading the environment
    "/x${HOME}",                // environment expansion inside double quotes
    "-f /etc/passwd",           // an ACL flag: read patterns from a file
    "/x y",                     // a space: a second word
    "/x\r",                     // a carriage return
};

struct Field {
  std::string name;
  std::string errorPath;  // where the field error must be reported
  std::function<void(api::Route&, const std::string&)> set;
};

std::vector<Field> fields() {
  return {
      {"hostname", "spec.hostnames[0]", [](api::Route& r, const std::string& v) { r.spec.hostnames = {v}; }},
      {"prefix", "spec.rules[0].matches[0].path.value",
       [](api::Route& r, const std::string& v) { r.spec.rules[0].matches[0].path->value = v; }},
      {"exact", "spec.rules[0].matches[0].path.value",
       [](api::Route& r, const std::string& v) {
         r.spec.rules[0].matches[0].path = api::PathMatch{api::PathMatchType::Exact, v};
       }},
      {"regex", "spec.rules[0].matches[0].path.value",
       [](api::Route& r, const std::string& v) {
         r.spec.rules[0].matches[0].path = api::PathMatch{api::PathMatchType::RegularExpression, v};
       }},
      {"method", "spec.rules[0].matches[0].methods[0]",
       [](api::Route& r, const std::string& v) { r.spec.rules[0].matches[0].methods = {v}; }},
      {"header name", "spec.rules[0].matches[0].headers[0].name",
       [](api::Route& r, const std::string& v) {
         r.spec.rules[0].matches[0].headers = {{api::HeaderMatchType::Exact, v, "1"}};
       }},
      {"header value", "spec.rules[0].matches[0].headers[0].value",
       [](api::Route& r, const std::string& v) {
         r.spec.rules[0].matches[0].headers = {{api::HeaderMatchType::Exact, "x-a", v}};
       }},
      {"set-header value", "spec.rules[0].requestHeaders.set[0].value",
       [](api::Route& r, const std::string& v) {
         r.spec.rules[0].requestHeaders.set = {{"x-a", v}};
       }},
      {"response header name", "spec.rules[0].responseHeaders.add[0].name",
       [](api::Route& r, const std::string& v) {
         r.spec.rules[0].responseHeaders.add = {{v, "1"}};
       }},
      {"removed header", "spec.rules[0].requestHeaders.remove[0]",
       [](api::Route& r, const std::string& v) { r.spec.rules[0].requestHeaders.remove = {v}; }},
      {"rewrite prefix", "spec.rules[0].rewrite.pathPrefix",
       [](api::Route& r, const std::string& v) {
         r.spec.rules[0].rewrite = api::PathRewrite{v, std::nullopt};
       }},
      {"rewrite full path", "spec.rules[0].rewrite.fullPath",
       [](api::Route& r, const std::string& v) {
         r.spec.rules[0].rewrite = api::PathRewrite{std::nullopt, v};
       }},
  };
}

api::Route probeRoute() {
  return route(routeJson("shop", "probe", {prefixRule("/probe", "user-service")}));
}

bool hasErrorAt(const RouteVerdict& verdict, const std::string& path) {
  for (const auto& error : verdict.errors) {
    if (error.path == path) return true;
  }
  return false;
}

const RouteVerdict* probeVerdict(const GatewayRender& rendered) {
  for (const auto& v : rendered.routeVerdicts) {
    if (v.route.name == "probe") return &v;
  }
  return nullptr;
}

// A space inside a header value is legitimate, and so is \x0a inside a regex (PCRE's own escape for a newline
// byte): both are accepted and rendered as one single-quoted word, where HAProxy's parser expands nothing.
std::string acceptedAs(const Field& field, const std::string& payload) {
  if (payload == "/x y" && (field.name == "header value" || field.name == "set-header value")) return " '/x y'";
  if (payload == "/x\\x0a" && field.name == "regex") return " '^(?:/x\\x0a)$'";
  return "";
}

TEST(Injection, EveryPayloadInEveryFieldIsRejectedWithItsPathOrSafelyQuoted) {
  const std::string baseline = renderGateway(shopInputs()).haproxyConfig;
  int accepted = 0;
  for (const auto& field : fields()) {
    for (const auto& payload : kPayloads) {
      auto inputs = shopInputs();
      auto probe = probeRoute();
      field.set(probe, payload);
      inputs.routes.push_back(probe);
      const auto rendered = renderGateway(inputs);
      const RouteVerdict* verdict = probeVerdict(rendered);
      ASSERT_NE(verdict, nullptr);
      const std::string what = field.name + " = " + json(payload).dump();
      if (const auto word = acceptedAs(field, payload); !word.empty()) {
        ++accepted;
        EXPECT_TRUE(verdict->rendered) << what << ": " << verdict->accepted.message;
        EXPECT_NE(rendered.haproxyConfig.find(word), std::string::npos) << what;
        const auto check = haproxyCheck(rendered.haproxyConfig);
        EXPECT_EQ(check.exitCode, 0) << what << "\n" << check.output;
        continue;
      }
      EXPECT_FALSE(verdict->rendered) << what;
      EXPECT_EQ(verdict->accepted.reason, "InvalidSpec") << what;
      EXPECT_TRUE(hasErrorAt(*verdict, field.errorPath)) << what << ": " << verdict->accepted.message;
      EXPECT_EQ(rendered.haproxyConfig, baseline) << what;
    }
  }
  EXPECT_EQ(accepted, 3);
}

TEST(Injection, HeaderRegexWithSpacesAndDashIsQuotedAfterDoubleDash) {
  auto inputs = shopInputs();
  auto probe = probeRoute();
  probe.spec.rules[0].matches[0].headers = {{api::HeaderMatchType::RegularExpression, "x-a", "-f /etc/passwd"}};
  inputs.routes.push_back(probe);
  const auto rendered = renderGateway(inputs);
  ASSERT_TRUE(probeVerdict(rendered)->rendered);
  EXPECT_NE(
      rendered.haproxyConfig.find("acl header_shop_probe_r0_m0_0 req.fhdr(x-a) -m reg -- '^(?:-f /etc/passwd)$'\n"),
      std::string::npos);
  const auto check = haproxyCheck(rendered.haproxyConfig);
  EXPECT_EQ(check.exitCode, 0) << check.output;
}

TEST(Injection, RegexCannotEscapeItsAnchors) {
  // Unbalanced on its own, balanced once wrapped: must still be refused.
  for (const std::string regex : {"/a)|(?:.*", "x)(y"}) {
    auto inputs = shopInputs();
    auto probe = probeRoute();
    probe.spec.rules[0].matches[0].path = api::PathMatch{api::PathMatchType::RegularExpression, regex};
    inputs.routes.push_back(probe);
    EXPECT_FALSE(probeVerdict(renderGateway(inputs))->rendered) << regex;
  }
}

TEST(Injection, PercentInHeaderValuesIsDoubledForLogFormat) {
  auto inputs = shopInputs();
  auto probe = probeRoute();
  probe.spec.rules[0].requestHeaders.set = {{"x-discount", "100% off"}};
  probe.spec.rules[0].rewrite = api::PathRewrite{std::nullopt, "/a%20b"};
  inputs.routes.push_back(probe);
  const auto rendered = renderGateway(inputs);
  ASSERT_TRUE(probeVerdict(rendered)->rendered) << probeVerdict(rendered)->accepted.message;
  EXPECT_NE(rendered.haproxyConfig.find("http-request set-header 'x-discount' '100%% off'"), std::string::npos);
  EXPECT_NE(rendered.haproxyConfig.find("http-request set-path '/a%%20b'"), std::string::npos);
  const auto check = haproxyCheck(rendered.haproxyConfig);
  EXPECT_EQ(check.exitCode, 0) << check.output;
}

TEST(Injection, FallbackBodyInjectionMakesThePolicysRoutesInvalid) {
  auto inputs = shopInputs();
  inputs.breakerPolicies[0].spec.fallback.body = "down' if { path / } #\n%[env(HOME)]";
  const auto rendered = renderGateway(inputs);
  for (const auto& verdict : rendered.routeVerdicts) {
    EXPECT_EQ(verdict.accepted.reason, "InvalidSpec") << verdict.route.str();
    EXPECT_NE(verdict.accepted.message.find("spec.fallback.body"), std::string::npos);
  }
  EXPECT_EQ(rendered.haproxyConfig.find("env(HOME)"), std::string::npos);
  const auto check = haproxyCheck(rendered.haproxyConfig);
  EXPECT_EQ(check.exitCode, 0) << check.output;
}

TEST(Injection, ReturnBodiesAreLiteralStrings) {
  // `return ... string` is not log-format (verified): a body is JSON-encoded and single-quoted, nothing more.
  auto inputs = shopInputs();
  inputs.breakerPolicies[0].spec.fallback.body = "50% of 'nothing'";
  const auto rendered = renderGateway(inputs);
  // The api validation refuses quotes in bodies; the renderer would still have quoted them.
  EXPECT_FALSE(rendered.routeVerdicts[0].rendered);
  inputs.breakerPolicies[0].spec.fallback.body = "50% down";
  const auto ok = renderGateway(inputs);
  EXPECT_NE(ok.haproxyConfig.find("string '{\"error\":\"50% down\"}'"), std::string::npos);
  const auto check = haproxyCheck(ok.haproxyConfig);
  EXPECT_EQ(check.exitCode, 0) << check.output;
}

}  // namespace
}  // namespace flotilla::render::testing
