#!/usr/bin/env bash
# `flotilla render --diff`, the analysis findings and the kubectl plugin against a live stack (issue 12):
# `flotilla apiserver --simulate-workloads` and `flotilla operator` as separate processes, examples/shop/ applied
# with the real kubectl. Then: --diff of the shop exits 0 once the operator converged (also with no files: the
# cluster's own CRs); a local image change makes it exit 1 and show the image line, and the cluster is untouched; a
# deliberately bad extra file trips the analysis (FLT001/FLT002/FLT003/FLT005/FLT006 in `flotilla render`, FLT004
# with live replicas in --diff); `kubectl flotilla status`, found by the real kubectl through a kubectl-flotilla
# symlink on the PATH, shows the shop's Gateway → Routes → Microservices → endpoints tree.
set -uo pipefail

root=${FLOTILLA_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
binary=${FLOTILLA_BINARY:-$root/build/flotilla}
# shellcheck source-path=SCRIPTDIR source=../../hack/lib/stack.bash
source "$root/hack/lib/stack.bash"
stack_require render_diff_plugin kubectl python3 curl

work=$(mktemp -d -t flotilla-render-diff-XXXXXX)
cleanup() {
  stack_stop
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "render_diff_plugin: FAILED: $*" >&2
  [ -s "$work/last.out" ] && { echo "--- last output:" >&2; tail -40 "$work/last.out" >&2; }
  [ -s "$work/last.err" ] && { echo "--- last stderr:" >&2; tail -20 "$work/last.err" >&2; }
  exit 1
}
step() { echo "== $*"; }
run() { "$@" >"$work/last.out" 2>&1 || fail "'$*' exited $?"; }
# status_of CMD...: runs CMD with stdout in last.out and stderr in last.err; prints its exit status.
status_of() {
  local rc=0
  "$@" >"$work/last.out" 2>"$work/last.err" || rc=$?
  echo "$rc"
}
expect_out() { grep -qF -- "$1" "$work/last.out" || fail "expected '$1' in stdout"; }
expect_err() { grep -qF -- "$1" "$work/last.err" || fail "expected '$1' in stderr"; }
# expect_finding SEVERITY CODE OBJECT: "<severity>: [file:doc: ]<code> <object>: ..." in stderr.
expect_finding() {
  grep -Eq -- "^$1: (.*: )?$2 $3: " "$work/last.err" || fail "expected a $1 $2 about $3 in stderr"
}

step "start the API emulator (simulated workloads) and the operator"
stack_start_apiserver --simulate-workloads || fail "the API emulator did not start"
run kubectl apply -f "$root/crds/"
run kubectl wait --for=condition=Established crd --all --timeout=30s
stack_start_operator --leader-elect=false --log-format json || fail "the operator did not start"

step "--diff before the shop exists: everything is to be created (exit 1)"
rc=$(status_of "$binary" render --diff -f "$root/examples/shop/")
[ "$rc" = 1 ] || fail "render --diff of a missing shop exited $rc, want 1"
expect_out "to create, 0 to change, 0 to delete"
expect_out "+++ desired apps/v1 Deployment shop/user-service"

step "apply examples/shop/ and wait for the operator to converge"
run kubectl apply -f "$root/examples/shop/"
run kubectl wait --for=condition=Ready microservice --all -n shop --timeout=60s
# Converged = nothing left to change; poll, the Gateway's objects may still be on their way.
stack_wait 60 "$binary" render --diff -f "$root/examples/shop/" ||
  { status_of "$binary" render --diff -f "$root/examples/shop/" >/dev/null; fail "render --diff never reached exit 0"; }

step "--diff of the converged shop exits 0, from the files and from the cluster's own CRs"
rc=$(status_of "$binary" render --diff -f "$root/examples/shop/")
[ "$rc" = 0 ] || fail "render --diff of the converged shop exited $rc"
expect_out "no changes"
rc=$(status_of "$binary" render --diff --kubeconfig "$KUBECONFIG")
[ "$rc" = 0 ] || fail "render --diff without files exited $rc"

step "a local image change: exit 1, the image line shown, nothing written"
mkdir -p "$work/shop"
cp "$root"/examples/shop/*.yaml "$work/shop/"
sed -i 's#image: flotilla/echo:1#image: flotilla/echo:2#' "$work/shop/order-service.yaml"
grep -q 'flotilla/echo:2' "$work/shop/order-service.yaml" || fail "the test could not edit order-service.yaml"
rc=$(status_of "$binary" render --diff -f "$work/shop/order-service.yaml")
[ "$rc" = 1 ] || fail "render --diff of a changed image exited $rc, want 1"
expect_out "-        image: flotilla/echo:1"
expect_out "+        image: flotilla/echo:2"
expect_out "0 to create, 1 to change, 0 to delete"
expect_out "change	apps/v1 Deployment shop/order-service"
[ -n "${FLOTILLA_E2E_SHOW:-}" ] && cat "$work/last.out"
grep -q '^+.*resourceVersion\|^-.*managedFields\|^[-+]status:' "$work/last.out" && fail "server-populated fields in the diff"
image=$(kubectl -n shop get deployment order-service -o 'jsonpath={.spec.template.spec.containers[0].image}')
[ "$image" = flotilla/echo:1 ] || fail "render --diff changed the cluster (image $image)"

step "autoscaling dropped: the operator would delete the HPA and set replicas"
python3 - "$root/examples/shop/order-service.yaml" "$work/fixed.yaml" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
text, n = re.subn(r"  autoscaling:\n(    .*\n)+", "  replicas: 3\n", text)
assert n == 1, "order-service.yaml has no autoscaling block"
open(sys.argv[2], "w").write(text)
PY
rc=$(status_of "$binary" render --diff -f "$work/fixed.yaml")
[ "$rc" = 1 ] || fail "render --diff without autoscaling exited $rc, want 1"
expect_out "delete	autoscaling/v2 HorizontalPodAutoscaler shop/order-service"
expect_out "+  replicas: 3"
kubectl -n shop get hpa order-service >/dev/null 2>&1 || fail "render --diff deleted the HPA"

step "an object someone else controls is flagged: the operator will not take it over"
run kubectl -n shop create deployment foreign --image=nginx
cat >"$work/foreign.yaml" <<'YAML'
apiVersion: flotilla.io/v1alpha1
kind: Microservice
metadata: {name: foreign, namespace: shop}
spec:
  image: flotilla/echo:1
  ports: [{name: http, port: 8080}]
YAML
rc=$(status_of "$binary" render --diff -f "$work/foreign.yaml")
[ "$rc" = 1 ] || fail "render --diff of a Microservice over a foreign Deployment exited $rc, want 1"
expect_out "change	apps/v1 Deployment shop/foreign  (not controlled by Microservice shop/foreign"
expect_out "create	v1 Service shop/foreign"
run kubectl -n shop delete deployment foreign

step "a Route change shows in the Gateway's config, not as a new object"
sed -i 's#value: /api/orders#value: /api/purchases#' "$work/shop/routes.yaml"
rc=$(status_of "$binary" render --diff -f "$work/shop/routes.yaml")
[ "$rc" = 1 ] || fail "render --diff of a changed Route exited $rc, want 1"
expect_out "change	v1 ConfigMap shop/public-config"
expect_out "/api/purchases"

step "a broken --kubeconfig is an error (exit 2), not a diff"
rc=$(status_of "$binary" render --diff -f "$root/examples/shop/" --kubeconfig "$work/missing")
[ "$rc" = 2 ] || fail "render --diff with a missing kubeconfig exited $rc, want 2"

step "analysis findings for a deliberately bad extra file"
cat >"$work/bad.yaml" <<'YAML'
apiVersion: flotilla.io/v1alpha1
kind: BreakerPolicy
metadata: {name: forgotten, namespace: shop}
spec: {consecutiveFailures: 3}
---
apiVersion: flotilla.io/v1alpha1
kind: Microservice
metadata: {name: lonely, namespace: shop}
spec:
  image: flotilla/echo:1
  ports: [{name: http, port: 8080}]
---
# PathPrefix / on every host beats any regex match: the Route below it is never reached.
apiVersion: flotilla.io/v1alpha1
kind: Route
metadata: {name: catch-all, namespace: shop, creationTimestamp: "2026-01-01T00:00:00Z"}
spec:
  gatewayRef: {name: public}
  rules:
    - matches: [{path: {type: PathPrefix, value: /}}]
      backends: [{service: order-service}]
---
apiVersion: flotilla.io/v1alpha1
kind: Route
metadata: {name: legacy, namespace: shop}
spec:
  gatewayRef: {name: public}
  rules:
    - matches: [{path: {type: RegularExpression, value: "/legacy/.*"}}]
      backends: [{service: order-service}]
---
apiVersion: flotilla.io/v1alpha1
kind: Route
metadata: {name: typo, namespace: shop}
spec:
  gatewayRef: {name: pubilc}
  rules:
    - backends: [{service: ordr-service}]
YAML
rc=$(status_of "$binary" render -f "$root/examples/shop/" -f "$work/bad.yaml")
[ "$rc" = 1 ] || fail "render with an error finding (FLT005) exited $rc, want 1"
expect_finding warning FLT001 "BreakerPolicy shop/forgotten"
expect_finding warning FLT002 "Route shop/legacy"
expect_finding info FLT003 "Microservice shop/lonely"
expect_finding error FLT005 "Route shop/typo"
expect_finding warning FLT006 "Route shop/typo"
expect_err "warning: $work/bad.yaml:1: FLT001 BreakerPolicy shop/forgotten"
rc=$(status_of "$binary" render -f "$root/examples/shop/")
[ "$rc" = 0 ] || fail "render of the shop alone exited $rc"
grep -q FLT "$work/last.err" && fail "the shop alone has findings: $(cat "$work/last.err")"

step "FLT004 needs the live replica count: an autoscaled max below the running replicas"
# order-service autoscales (min 2); its Deployment runs 2 now. A max of 1 below that is flagged by --diff.
replicas=$(kubectl -n shop get deployment order-service -o 'jsonpath={.status.replicas}')
if [ -z "$replicas" ] || [ "$replicas" -lt 2 ]; then fail "order-service runs '$replicas' replicas; the check needs >= 2"; fi
python3 - "$root/examples/shop/order-service.yaml" "$work/order-service.yaml" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
text = re.sub(r"minReplicas: \d+", "minReplicas: 1", text)
text, n = re.subn(r"maxReplicas: \d+", "maxReplicas: 1", text)
assert n == 1, "order-service.yaml has no maxReplicas"
open(sys.argv[2], "w").write(text)
PY
rc=$(status_of "$binary" render --diff -f "$work/order-service.yaml")
[ "$rc" = 1 ] || fail "render --diff of the lowered max exited $rc, want 1"
expect_finding warning FLT004 "Microservice shop/order-service"
status_of "$binary" render -f "$work/order-service.yaml" >/dev/null
grep -q FLT004 "$work/last.err" && fail "FLT004 offline: there are no live replicas to compare with"

step "kubectl flotilla status through the real kubectl"
plugins=$work/plugins
mkdir -p "$plugins"
ln -s "$binary" "$plugins/kubectl-flotilla"
export PATH="$plugins:$PATH"
# kubectl exits 1 when it warns (e.g. another kubectl-flotilla later on the PATH is overshadowed): only the listing
# matters here.
status_of kubectl plugin list >/dev/null
grep -qF "$plugins/kubectl-flotilla" "$work/last.out" || fail "kubectl plugin list does not find $plugins/kubectl-flotilla"
run kubectl flotilla status -n shop
[ -n "${FLOTILLA_E2E_SHOW:-}" ] && cat "$work/last.out"
expect_out "Gateway shop/public  Accepted=True"
for route in users orders payments; do expect_out "Route shop/$route"; done
for ms in user-service user-service-v2 order-service payment-service; do expect_out "Microservice shop/$ms"; done
expect_out "weight 90"
grep -Eq '^ .*[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+:8080 .*(ready|not-ready).*circuit closed' "$work/last.out" ||
  fail "no endpoint with its circuit state in the tree"
rc=$(status_of kubectl flotilla status -n shop nope)
[ "$rc" = 1 ] || fail "status of a Gateway that does not exist exited $rc, want 1"
expect_out "no Gateways found in namespace shop named nope"
run kubectl flotilla render -f "$root/examples/shop/"
expect_out "kind: Deployment"
rc=$(status_of kubectl flotilla render --diff -f "$root/examples/shop/")
[ "$rc" = 0 ] || fail "kubectl flotilla render --diff exited $rc, want 0"

echo "render_diff_plugin: ok"
