// Route precedence: a table of requests -> expected Route, evaluated twice, independently:
//  1. by interpreting the rendered haproxy.cfg text (acl lines and the ordered set-var(txn.route) lines) with a
//     small matcher that mimics HAProxy's ACL semantics for exactly the forms the renderer emits;
//  2. by matching the RouteTable's entries in their sorted order against the request.
// Both must give the expected Route, and the config's decision lines must be in the table's order.

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <regex>
#include <sstream>

#include "render/gateway_render.h"
#include "render/haproxy_config.h"
#include "render/route_table.h"
#include "render_fixtures.h"

namespace flotilla::render::testing {
namespace {

using nlohmann::json;

struct Request {
  std::string host;
  std::string method;
  std::string path;                                 // may carry a query string
  std::map<std::string, std::string> headers = {};  // lower-case names
};

struct Case {
  Request request;
  std::string expected;  // Route name, or "" for the 404
};

// ---------------------------------------------------------------- the Routes

json rule(const json& match) {
  return {{"matches", json::array({match})}, {"backends", json::array({{{"service", "user-service"}}})}};
}
json prefix(const std::string& p) {
  return {{"path", {{"type", "PathPrefix"}, {"value", p}}}};
}
json exact(const std::string& p) {
  return {{"path", {{"type", "Exact"}, {"value", p}}}};
}
json regex(const std::string& p) {
  return {{"path", {{"type", "RegularExpression"}, {"value", p}}}};
}
json with(json match, const char* key, json value) {
  match[key] = std::move(value);
  return match;
}
json header(const std::string& name, const std::string& value, const std::string& type = "Exact") {
  return json::array({{{"name", name}, {"value", value}, {"type", type}}});
}

GatewayInputs precedenceWorld() {
  GatewayInputs inputs = shopInputs();
  inputs.routes.clear();
  const std::string shop = "shop.example.com";
  const auto add = [&](const std::string& name, const json& match, std::vector<std::string> hosts,
                       const std::string& created) {
    inputs.routes.push_back(route(routeJson("shop", name, {rule(match)}, hosts, created)));
  };
  const std::string t1 = "2024-01-01T00:00:00Z", t2 = "2024-02-01T00:00:00Z", t3 = "2024-03-01T00:00:00Z",
                    t4 = "2024-04-01T00:00:00Z";
  add("public", prefix("/public"), {}, t1);
  add("api", prefix("/api"), {shop}, t1);
  add("users", prefix("/api/users/"), {shop}, t1);  // trailing '/' is ignored
  add("users-exact", exact("/api/users/me"), {shop}, t2);
  add("canary", with(prefix("/api/users"), "headers", header("x-canary", "1")), {shop}, t3);
  add("beta", with(prefix("/api/users"), "headers", header("X-Version", "2\\.[0-9]+", "RegularExpression")), {shop},
      t4);
  add("users-post", with(prefix("/api/users"), "methods", json::array({"POST"})), {shop}, t2);
  add("wild", prefix("/api/users"), {"*.example.com"}, t1);
  add("wild-deep", prefix("/"), {"*.deep.example.com"}, t1);
  add("v1", prefix("/v1"), {shop}, t1);
  add("items-regex", regex("/v[0-9]+/items"), {shop}, t1);
  add("tie-old", with(prefix("/tie"), "methods", json::array({"GET"})), {shop}, t1);
  add("tie-new", with(prefix("/tie"), "methods", json::array({"GET", "POST"})), {shop}, t2);
  add("tie-b", with(prefix("/name"), "methods", json::array({"GET"})), {shop}, t1);
  add("tie-a", with(prefix("/name"), "methods", json::array({"GET", "PUT"})), {shop}, t1);
  return inputs;
}

std::vector<Case> cases() {
  const std::string shop = "shop.example.com";
  return {
      {{shop, "GET", "/api/users/7"}, "users"},
      {{shop, "GET", "/api/users"}, "users"},
      {{shop, "GET", "/api/users/"}, "users"},
      {{shop, "GET", "/api/users?x=1"}, "users"},
      {{shop, "GET", "/api/usersx"}, "api"},
      {{shop, "GET", "/api"}, "api"},
      {{shop, "GET", "/apix"}, ""},
      {{shop, "GET", "/api/users/me"}, "users-exact"},
      {{shop, "GET", "/api/users/me/"}, "users"},
      {{shop, "GET", "/api/users/me", {{"x-canary", "1"}}}, "users-exact"},
      {{shop, "GET", "/api/users/7", {{"x-canary", "1"}}}, "canary"},
      {{shop, "GET", "/api/users/7", {{"x-canary", "2"}}}, "users"},
      {{shop, "POST", "/api/users/7"}, "users-post"},
      {{shop, "POST", "/api/users/7", {{"x-canary", "1"}}}, "canary"},
      {{shop, "GET", "/api/users/7", {{"x-version", "2.5"}}}, "beta"},
      {{shop, "GET", "/api/users/7", {{"x-version", "2.5x"}}}, "users"},
      {{shop, "GET", "/api/users/7", {{"x-canary", "1"}, {"x-version", "2.5"}}}, "canary"},
      {{"SHOP.Example.COM:8080", "GET", "/api/users/7"}, "users"},
      {{"shop.example.com.", "GET", "/api/users/7"}, "users"},
      {{"api.example.com", "GET", "/api/users/7"}, "wild"},
      {{"a.b.example.com", "GET", "/api/users"}, "wild"},
      {{"example.com", "GET", "/api/users/7"}, ""},
      {{"evilexample.com", "GET", "/api/users/7"}, ""},
      {{"x.deep.example.com", "GET", "/api/users/7"}, "wild-deep"},
      {{shop, "GET", "/v1/items"}, "v1"},
      {{shop, "GET", "/v2/items"}, "items-regex"},
      {{shop, "GET", "/v2/items/3"}, ""},
      {{"other.org", "GET", "/public/x"}, "public"},
      {{shop, "GET", "/public"}, "public"},
      {{shop, "GET", "/tie"}, "tie-old"},
      {{shop, "POST", "/tie/1"}, "tie-new"},
      {{shop, "DELETE", "/tie"}, ""},
      {{shop, "GET", "/name"}, "tie-a"},
      {{shop, "PUT", "/name/x"}, "tie-a"},
  };
}

std::string routeKeyOf(const std::string& name) {
  return name.empty() ? "" : "shop/" + name + "/0";
}

std::string pathOnly(const std::string& path) {
  return path.substr(0, path.find('?'));
}

// HAProxy's req.hdr(host),field(1,:),lower,regsub(\.$,)
std::string normalisedHost(const std::string& host) {
  std::string h = host.substr(0, host.find(':'));
  std::transform(h.begin(), h.end(), h.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (!h.empty() && h.back() == '.') h.pop_back();
  return h;
}

// ---------------------------------------------------------------- matcher 1: the config text

// Splits a config line into words the way HAProxy does for the forms we emit: spaces separate, '...' is literal,
// and a backslash outside quotes escapes the next character ('\'' writes a quote).
std::vector<std::string> words(const std::string& line) {
  std::vector<std::string> out;
  std::string word;
  bool inWord = false, quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '\'') {
        quoted = false;
      } else {
        word += c;
      }
    } else if (c == '\'') {
      quoted = inWord = true;
    } else if (c == '\\' && i + 1 < line.size()) {
      word += line[++i];
      inWord = true;
    } else if (c == ' ') {
      if (inWord) out.push_back(word);
      word.clear();
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) out.push_back(word);
  return out;
}

struct AclTest {
  std::string fetch;                  // var(txn.host) | path | path_beg | path_reg | method | req.fhdr(NAME)
  std::string match;                  // str | end | beg | reg
  std::vector<std::string> patterns;  // any of them
};

class ConfigMatcher {
 public:
  explicit ConfigMatcher(const std::string& config) {
    std::istringstream lines(config);
    for (std::string line; std::getline(lines, line);) {
      const auto w = words(line);
      if (w.size() >= 4 && w[0] == "acl" && w[1] != "routed" && w[1].rfind("route_", 0) != 0) {
        AclTest test{w[2], "str", {}};
        if (w[2] == "path_beg") test.match = "beg";
        if (w[2] == "path_reg") test.match = "reg";
        std::size_t first = 3;
        if (w[first] == "-m") {
          test.match = w[first + 1];
          first += 2;
        }
        if (w[first] == "--") ++first;
        test.patterns.assign(w.begin() + first, w.end());
        acls_[w[1]].push_back(test);
      } else if (w.size() > 3 && w[0] == "http-request" && w[1] == "set-var(txn.route)") {
        decisions_.push_back(w);
      }
    }
  }

  // The route key the first matching decision line sets, or "" (HAProxy then answers 404).
  std::string route(const Request& r) const {
    for (const auto& w : decisions_) {
      if (conditionHolds(w, r)) return w[2].substr(4, w[2].size() - 5);  // str(KEY)
    }
    return "";
  }

 private:
  bool aclHolds(const std::string& name, const Request& r) const {
    const auto it = acls_.find(name);
    if (it == acls_.end()) {
      ADD_FAILURE() << "undeclared acl " << name;
      return false;
    }
    return std::any_of(it->second.begin(), it->second.end(), [&](const AclTest& t) {
      std::string value;
      if (t.fetch == "var(txn.host)") {
        value = normalisedHost(r.host);
      } else if (t.fetch == "method") {
        value = r.method;
      } else if (t.fetch.rfind("req.fhdr(", 0) == 0) {
        const auto header = r.headers.find(t.fetch.substr(9, t.fetch.size() - 10));
        if (header == r.headers.end()) return false;
        value = header->second;
      } else {
        value = pathOnly(r.path);
      }
      return std::any_of(t.patterns.begin(), t.patterns.end(),
                         [&](const std::string& pattern) { return test(t.match, value, pattern); });
    });
  }

  static bool test(const std::string& match, const std::string& value, const std::string& pattern) {
    if (match == "str") return value == pattern;
    if (match == "end") return value.size() >= pattern.size() && value.ends_with(pattern);
    if (match == "beg") return value.starts_with(pattern);
    if (match == "reg") return std::regex_search(value, std::regex(pattern));
    ADD_FAILURE() << "unexpected match " << match;
    return false;
  }

  // words: http-request set-var(txn.route) str(KEY) if !routed <acl names...>; all of them must hold.
  bool conditionHolds(const std::vector<std::string>& w, const Request& r) const {
    EXPECT_EQ(w[3], "if");
    EXPECT_EQ(w[4], "!routed");
    for (std::size_t i = 5; i < w.size(); ++i) {
      if (!aclHolds(w[i], r)) return false;
    }
    return true;
  }

  std::map<std::string, std::vector<AclTest>> acls_;
  std::vector<std::vector<std::string>> decisions_;
};

// ---------------------------------------------------------------- matcher 2: the RouteTable

bool entryMatches(const MatchEntry& e, const Request& r) {
  const std::string host = normalisedHost(r.host), path = pathOnly(r.path);
  if (e.host.kind == HostPattern::Kind::Exact && host != e.host.value) return false;
  if (e.host.kind == HostPattern::Kind::Wildcard && !host.ends_with(e.host.value)) return false;
  switch (e.path.type) {
    case api::PathMatchType::Exact:
      if (path != e.path.value) return false;
      break;
    case api::PathMatchType::PathPrefix:
      if (e.path.value != "/" && path != e.path.value && !path.starts_with(e.path.value + "/")) return false;
      break;
    case api::PathMatchType::RegularExpression:
      if (!std::regex_match(path, std::regex(e.path.value))) return false;
      break;
  }
  if (!e.methods.empty() && std::find(e.methods.begin(), e.methods.end(), r.method) == e.methods.end()) return false;
  for (const auto& h : e.headers) {
    const auto value = r.headers.find(h.name);
    if (value == r.headers.end()) return false;
    const bool ok = h.type == api::HeaderMatchType::Exact ? value->second == h.value
                                                          : std::regex_match(value->second, std::regex(h.value));
    if (!ok) return false;
  }
  return true;
}

std::string tableRoute(const RouteTable& table, const Request& r) {
  for (const auto& entry : table.entries) {
    if (entryMatches(entry, r)) return table.rules[entry.rule].routeKey;
  }
  return "";
}

std::string describe(const Request& r) {
  std::string text = r.method + " " + r.host + r.path;
  for (const auto& [name, value] : r.headers) text += " " + name + ":" + value;
  return text;
}

TEST(Precedence, EveryRouteOfTheWorldIsRendered) {
  const auto verdicts = computeRouteVerdicts(precedenceWorld());
  ASSERT_EQ(verdicts.size(), 15u);
  for (const auto& v : verdicts) EXPECT_TRUE(v.rendered) << v.route.str() << ": " << v.accepted.message;
}

TEST(Precedence, TheRenderedConfigRoutesEachRequestAsExpected) {
  const auto rendered = renderGateway(precedenceWorld());
  const ConfigMatcher matcher(rendered.haproxyConfig);
  for (const auto& c : cases()) {
    EXPECT_EQ(matcher.route(c.request), routeKeyOf(c.expected)) << describe(c.request);
  }
}

TEST(Precedence, TheRouteTableOrderRoutesEachRequestAsExpected) {
  const auto table = buildRouteTable(precedenceWorld(), {});
  for (const auto& c : cases()) {
    EXPECT_EQ(tableRoute(table, c.request), routeKeyOf(c.expected)) << describe(c.request);
  }
}

TEST(Precedence, ConfigDecisionLinesFollowTheTableOrder) {
  const auto inputs = precedenceWorld();
  const auto table = buildRouteTable(inputs, {});
  std::vector<std::string> expected;
  for (const auto& entry : table.entries) expected.push_back(table.rules[entry.rule].routeKey);
  EXPECT_EQ(routeDecisionOrder(renderGateway(inputs).haproxyConfig), expected);
  // Spot checks of the documented order.
  const auto position = [&](const std::string& name) {
    return std::find(expected.begin(), expected.end(), routeKeyOf(name)) - expected.begin();
  };
  EXPECT_LT(position("users-exact"), position("canary"));  // Exact before any prefix
  EXPECT_LT(position("canary"), position("users-post"));   // more headers before methods
  EXPECT_LT(position("users-post"), position("users"));    // methods before none
  EXPECT_LT(position("users"), position("api"));           // longer prefix first
  EXPECT_LT(position("v1"), position("items-regex"));      // prefix before regex
  EXPECT_LT(position("api"), position("wild"));            // exact host before wildcard
  EXPECT_LT(position("wild-deep"), position("wild"));      // longer wildcard suffix first
  EXPECT_LT(position("wild"), position("public"));         // wildcard before any host
  EXPECT_LT(position("tie-old"), position("tie-new"));     // older first
  EXPECT_LT(position("tie-a"), position("tie-b"));         // then by name
}

TEST(Precedence, ConfigWithTheWorldPassesHaproxyCheck) {
  const auto check = haproxyCheck(renderGateway(precedenceWorld()).haproxyConfig);
  EXPECT_EQ(check.exitCode, 0) << check.output;
}

}  // namespace
}  // namespace flotilla::render::testing
