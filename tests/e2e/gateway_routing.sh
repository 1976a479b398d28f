#!/usr/bin/env bash
# The gateway's routing, end to end (issue 7, items 1–3): Routes applied with the real kubectl are rendered by the
# operator into HAProxy's config, loaded by the gateway pod (agent + real HAProxy) and checked with real requests.
#   - a table of request cases (paths Exact / PathPrefix / RegularExpression, hostnames exact and wildcard,
#     methods, header matches, precedence between all of them) → the echo service that must answer;
#   - no match → 404 with a JSON body; a conflicting Route and one with a missing backend are reported in their
#     status and left out while every other Route keeps working;
#   - rewrites (pathPrefix, fullPath) and request/response header set/add/remove;
#   - a 90/10 weighted split measured over 2,000 requests (within ±3 points).
# shellcheck source-path=SCRIPTDIR source=gateway_common.bash
source "$(dirname "$0")/gateway_common.bash"

ns=routing
step "start the stack (apiserver --run-pods, CRDs, operator)"
gw_start_stack

step "apply the Gateway, 16 echo Microservices and the Routes"
route() { # route NAME SERVICE MATCH-YAML [EXTRA-SPEC-YAML]: a one-rule Route on Gateway edge
  cat <<YAML
---
apiVersion: flotilla.io/v1alpha1
kind: Route
metadata: {name: $1, namespace: $ns}
spec:
  gatewayRef: {name: edge}
${4:-}
  rules:
    - matches: [$3]
      backends: [{service: $2}]
YAML
}
{
  gw_edge_gateway $ns with-namespace
  gw_microservices $ns 1 me users admin items shop wild orders order-writes canary beta both old new rewrite v1 v2
  route me me '{path: {type: Exact, value: /api/users/me}}'
  route users users '{path: {type: PathPrefix, value: /api/users}}'
  route admin admin '{path: {type: PathPrefix, value: /api/users/admin/}}'
  route items items '{path: {type: RegularExpression, value: "/items/[0-9]+"}}, {path: {type: RegularExpression, value: "/api/users/[0-9]+"}}'
  route shop shop '{path: {value: /api}}' '  hostnames: [shop.example.com]'
  route wild wild '{path: {value: /}}' '  hostnames: ["*.example.com"]'
  route orders orders '{path: {value: /api/orders}}'
  route order-writes order-writes '{path: {value: /api/orders}, methods: [POST, PUT]}'
  route canary canary '{path: {value: /api/orders}, headers: [{name: X-Canary, value: "1"}]}'
  route beta beta '{path: {value: /api/orders}, headers: [{type: RegularExpression, name: x-user, value: "beta-[0-9]+"}]}'
  route both both '{path: {value: /api/orders}, headers: [{name: x-canary, value: "1"}, {type: RegularExpression, name: X-User, value: "beta-.*"}]}'
  route zz-old old '{path: {value: /tie}, headers: [{name: x-a, value: "1"}]}'
  route broken missing '{path: {value: /broken}}'
  cat <<YAML
---
apiVersion: flotilla.io/v1alpha1
kind: Route
metadata: {name: rewrite, namespace: $ns}
spec:
  gatewayRef: {name: edge}
  rules:
    - name: prefix
      matches: [{path: {type: PathPrefix, value: /old/api}}]
      rewrite: {pathPrefix: /new}
      requestHeaders:
        set: [{name: X-Env, value: prod}]
        add: [{name: X-Added, value: one}]
        remove: [X-Secret]
      responseHeaders:
        set: [{name: X-Served-By, value: gateway}]
        add: [{name: X-Extra, value: "yes"}]
        remove: [Server]
      backends: [{service: rewrite}]
    - name: full
      matches: [{path: {type: Exact, value: /legacy}}]
      rewrite: {fullPath: /modern/index}
      backends: [{service: rewrite}]
    - name: strip
      matches: [{path: {type: PathPrefix, value: /strip}}]
      rewrite: {pathPrefix: /}
      backends: [{service: rewrite}]
---
apiVersion: flotilla.io/v1alpha1
kind: Route
metadata: {name: split, namespace: $ns}
spec:
  gatewayRef: {name: edge}
  rules:
    - matches: [{path: {value: /split}}]
      backends: [{service: v1, weight: 90}, {service: v2, weight: 10}]
YAML
} >"$work/routing.yaml"
gw_apply <"$work/routing.yaml"
# Creation timestamps have one-second resolution: these two Routes must be newer than the ones above.
sleep 1.1
{
  route aa-new new '{path: {value: /tie}, headers: [{name: x-b, value: "1"}]}'
  route dup users '{path: {type: PathPrefix, value: /api/users}}'
} | gw_apply

step "wait until the Gateway and its Routes are Programmed"
gw_wait_programmed $ns edge
gw_wait_routes_programmed $ns me users admin items shop wild orders order-writes canary beta both zz-old aa-new rewrite split
gateway=$(gw_listener $ns edge http) || exit 1
echo "   gateway listener http at $gateway"

step "a conflicting Route and one with a missing backend are reported, not rendered"
[ "$(gw_route_condition $ns dup Accepted)" = "False/Conflicted" ] ||
  fail "Route dup: Accepted is $(gw_route_condition $ns dup Accepted), want False/Conflicted"
[ "$(gw_route_condition $ns broken ResolvedRefs)" = "False/BackendNotFound" ] ||
  fail "Route broken: ResolvedRefs is $(gw_route_condition $ns broken ResolvedRefs), want False/BackendNotFound"
for route in dup broken; do
  case $(gw_route_condition $ns $route Programmed) in
    False/*) ;;
    *) fail "Route $route: Programmed is $(gw_route_condition $ns $route Programmed), want False" ;;
  esac
done
run kubectl -n $ns get route dup -o 'jsonpath={.status.parents[0].conditions[?(@.type=="Accepted")].message}'
grep -q "routing/users" "$work/last.out" || fail "the Conflicted message does not name the older Route routing/users"

step "routing table: 37 request cases through HAProxy"
gw_python "$gateway" <<'PY' || fail "routing table"
import sys
import gateway_http as gh

gateway = sys.argv[1]
# (method, Host header or None, path, extra headers, expected service or 404)
cases = [
    ("GET", None, "/api/users/me", {}, "me"),                      # Exact beats the /api/users prefix
    ("GET", None, "/api/users/me?x=1", {}, "me"),                  # the query is not part of the path
    ("GET", None, "/api/users/me/", {}, "users"),                  # Exact is exact
    ("GET", None, "/api/users/me/settings", {}, "users"),
    ("GET", None, "/api/users", {}, "users"),                      # PathPrefix matches the prefix itself,
    ("GET", None, "/api/users/", {}, "users"),                     # with a slash,
    ("GET", None, "/api/users/7", {}, "users"),                    # and beats a RegularExpression
    ("GET", None, "/api/usersx", {}, 404),                         # segment-aware
    ("GET", None, "/api/users/admin", {}, "admin"),                # the longer prefix wins (written with a
    ("GET", None, "/api/users/admin/9", {}, "admin"),              # trailing slash, still segment-aware)
    ("GET", None, "/api/users/administrator", {}, "users"),
    ("GET", None, "/items/42", {}, "items"),                       # RegularExpression, anchored
    ("GET", None, "/items/42/x", {}, 404),
    ("GET", None, "/items/abc", {}, 404),
    ("GET", None, "/items", {}, 404),
    ("GET", "shop.example.com", "/api/users/me", {}, "shop"),      # an exact hostname beats any path of a
    ("GET", "SHOP.Example.com:8080", "/api/orders", {}, "shop"),   # Route without hostnames; case and port
    ("GET", "shop.example.com.", "/api/x", {}, "shop"),            # and a trailing dot do not matter
    ("GET", "shop.example.com", "/static/x", {}, "wild"),          # no match there: the wildcard Route
    ("GET", "a.example.com", "/api/users/me", {}, "wild"),         # the wildcard beats Routes without hosts
    ("GET", "a.b.example.com", "/", {}, "wild"),
    ("GET", "example.com", "/api/users/me", {}, "me"),             # *.example.com is not example.com
    ("GET", "evilexample.com", "/api/users", {}, "users"),         # nor evilexample.com
    ("GET", None, "/api/orders/1", {}, "orders"),
    ("POST", None, "/api/orders/1", {}, "order-writes"),           # method-restricted beats unrestricted
    ("PUT", None, "/api/orders", {}, "order-writes"),
    ("DELETE", None, "/api/orders/1", {}, "orders"),
    ("GET", None, "/api/orders", {"X-Canary": "1"}, "canary"),     # a header match
    ("GET", None, "/api/orders", {"x-canary": "2"}, "orders"),
    ("GET", None, "/api/orders", {"X-CANARY": "1"}, "canary"),     # header names are case-insensitive
    ("GET", None, "/api/orders", {"X-User": "beta-12"}, "beta"),   # RegularExpression header, anchored
    ("GET", None, "/api/orders", {"X-User": "beta-x"}, "orders"),
    ("GET", None, "/api/orders", {"X-Canary": "1", "X-User": "beta-3"}, "both"),  # more header matches win
    ("POST", None, "/api/orders", {"X-Canary": "1"}, "canary"),    # header matches beat a method match
    ("GET", None, "/tie", {"x-a": "1", "x-b": "1"}, "old"),        # equal rank: the older Route (zz-old)
    ("GET", None, "/tie", {"x-b": "1"}, "new"),
    ("GET", None, "/broken", {}, 404),                             # the Route with a missing backend
]
checks = gh.Checks("routing")

def answer(case):
    method, host, path, headers, _ = case
    headers = dict(headers)
    if host:
        headers["Host"] = host
    return gh.request(gateway, path, method=method, headers=headers)

# New endpoints pass their health checks before they get traffic: wait until every service answers once.
expected_services = {c[4] for c in cases if c[4] != 404}
def all_served():
    return all(answer(c).service == c[4] for c in cases if c[4] != 404)
checks.check(gh.poll(60, all_served, 0.5), "not every service answered through the gateway within 60 s")

for case in cases:
    a = answer(case)
    got = a.service if a.status == 200 else a.status
    checks.check(got == case[4], "%s %s (Host %s, headers %s): got %s, want %s"
                 % (case[0], case[2], case[1], case[3], a.describe(), case[4]))
    if case[4] == 404:
        checks.check(a.status == 404 and a.json == {"error": "no route"} and
                     a.header("Content-Type") == "application/json",
                     "%s: want 404 with a JSON body, got %s %r (%s)" % (case[2], a.status, a.body, a.header("Content-Type")))
    elif a.status == 200:
        checks.check(a.json.get("method") == case[0], "%s %s arrived as %s" % (case[0], case[2], a.json.get("method")))
checks.done("%d cases, %d services: all as expected" % (len(cases), len(expected_services)))
PY

step "rewrites and header changes"
gw_python "$gateway" <<'PY' || fail "rewrites and header changes"
import sys
import gateway_http as gh

gateway = sys.argv[1]
checks = gh.Checks("rewrite")
checks.check(gh.wait_served(gateway, ["/strip"]), "Route rewrite is not served within 60 s")
for path, want_path, want_query in [
    ("/old/api/x/y?q=1", "/new/x/y", "q=1"),   # pathPrefix replaces the matched prefix, the query stays
    ("/old/api", "/new", ""),
    ("/old/api/", "/new/", ""),
    ("/legacy?z=2", "/modern/index", "z=2"),   # fullPath replaces the whole path
    ("/strip/7", "/7", ""),                    # pathPrefix "/" strips the prefix
    ("/strip", "/", ""),
]:
    a = gh.request(gateway, path)
    checks.check(a.status == 200 and a.service == "rewrite" and a.json["path"] == want_path and
                 a.json["query"] == want_query,
                 "%s: want %s?%s at the backend, got %s %s" % (path, want_path, want_query, a.describe(),
                                                               a.json and (a.json.get("path"), a.json.get("query"))))

a = gh.request(gateway, "/old/api/h", headers={"X-Env": "dev", "X-Added": "zero", "X-Secret": "s3cr3t"})
seen = a.json["headers"] if a.json else {}
checks.check(seen.get("x-env") == "prod", "request set: X-Env arrived as %r, want 'prod'" % seen.get("x-env"))
checks.check(seen.get("x-added") == "zero, one", "request add: X-Added arrived as %r, want 'zero, one'" % seen.get("x-added"))
checks.check("x-secret" not in seen, "request remove: X-Secret still arrived")
checks.check(a.header_values("X-Served-By") == ["gateway"],
             "response set: X-Served-By is %r, want ['gateway']" % a.header_values("X-Served-By"))
checks.check(a.header("X-Extra") == "yes", "response add: X-Extra is %r" % a.header("X-Extra"))
checks.check(a.header("Server") is None, "response remove: Server is still %r" % a.header("Server"))

# The header changes belong to their rule only.
b = gh.request(gateway, "/strip/h", headers={"X-Secret": "s"})
checks.check(b.json and b.json["headers"].get("x-secret") == "s" and "x-env" not in b.json["headers"],
             "another rule of the Route changed request headers: %s" % (b.json and b.json["headers"]))
checks.check(b.header("Server") == "flotilla-echo" and b.header("X-Served-By") == b.pod,
             "another rule of the Route changed response headers: %r" % b.headers)
checks.done("rewrites and header set/add/remove as declared")
PY

step "weighted split: 90/10 over 2,000 requests"
gw_python "$gateway" <<'PY' || fail "weighted split"
import collections
import sys
import gateway_http as gh

checks = gh.Checks("split")
# Both backends serve before counting (an endpoint still in its first health checks would skew the split).
checks.check(gh.poll(60, lambda: {gh.request(sys.argv[1], "/split").service for _ in range(30)} == {"v1", "v2"}, 0.3),
             "v1 and v2 do not both serve within 60 s")
client = gh.Client(sys.argv[1])
counts = collections.Counter()
for i in range(2000):
    a = client.request("/split/%d" % i)
    counts[a.service if a.status == 200 else a.status] += 1
share = 100.0 * counts["v1"] / 2000
print("   v1 %d, v2 %d, other %d: v1 share %.1f%%" % (counts["v1"], counts["v2"], 2000 - counts["v1"] - counts["v2"], share))
checks.check(counts["v1"] + counts["v2"] == 2000, "not every request reached v1 or v2: %s" % dict(counts))
checks.check(87.0 <= share <= 93.0, "v1 got %.1f%% of the traffic, want 90 ± 3" % share)
checks.done()
PY

echo "$test_name: all steps passed"
