# shellcheck shell=bash disable=SC2034 # its variables are used by the scripts that source it
# Shared by the live fault suite tests/reliability/fault_*.sh (issue 10, "Faults the operator must survive"; sourced,
# not a test itself). Each script runs its own `flotilla apiserver --simulate-workloads` and one or two
# `flotilla operator` processes (hack/lib/stack.bash), declares Microservices with the real kubectl, switches faults
# on through the emulator's POST /debug/faults and then checks two things:
#   - the cluster converged to exactly the declared state (lf_wait_converged: every Microservice Ready for its
#     generation with its Deployment, Service, HPA and PDB matching the spec, each owned by exactly one Microservice
#     that exists; no orphan, no duplicate, nothing left of a deleted Microservice);
#   - what the operator sent, from the request log (GET /debug/requests, user agent "... (operator) ...").
# FLOTILLA_SOAK=1 (hack/soak.sh) selects the issue's full durations; CI uses shorter ones (lf_duration).
# On failure the scratch directory with every process's log is kept and named.
set -uo pipefail

root=${FLOTILLA_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
binary=${FLOTILLA_BINARY:-$root/build/flotilla}
test_name=$(basename "$0" .sh)

for tool in kubectl python3 curl; do
  command -v "$tool" >/dev/null || { echo "$test_name: $tool is not installed (hack/install-deps.sh)" >&2; exit 1; }
done
[ -x "$binary" ] || { echo "$test_name: no flotilla binary at $binary" >&2; exit 1; }

work=$(mktemp -d -t "flotilla-$test_name-XXXXXX")
# shellcheck source-path=SCRIPTDIR source=../../hack/lib/stack.bash
source "$root/hack/lib/stack.bash"
LF_FAILED=0
lf_cleanup() {
  stack_stop
  if [ "$LF_FAILED" = 1 ]; then
    echo "$test_name: logs kept in $work (apiserver.err, operator*.err, requests*.json)" >&2
  else
    rm -rf "$work"
  fi
}
trap lf_cleanup EXIT

fail() {
  LF_FAILED=1
  echo "$test_name: FAILED: $*" >&2
  [ -s "$work/last.out" ] && { echo "--- last output ($work/last.out):" >&2; tail -30 "$work/last.out" >&2; }
  local log
  for log in "$work"/operator*.err; do
    [ -s "$log" ] || continue
    echo "--- $log (warnings and errors, tail):" >&2
    grep -v '"level":"info"' "$log" | tail -10 >&2
  done
  exit 1
}
step() { echo "== $(date -u +%H:%M:%S) $*"; }
run() { "$@" >"$work/last.out" 2>&1 || fail "'$*' exited $?"; }

# lf_duration CI-SECONDS SOAK-SECONDS: the CI duration, or the soak one under FLOTILLA_SOAK=1.
lf_duration() { if [ "${FLOTILLA_SOAK:-0}" = 1 ]; then echo "$2"; else echo "$1"; fi; }

# lf_py ARGS... <<'PY': python3 with the program on stdin (no bytecode written anywhere).
lf_py() { PYTHONDONTWRITEBYTECODE=1 python3 - "$@"; }

# --- the stack -------------------------------------------------------------------------------------------------

# lf_start_apiserver [flags...]: the emulator with simulated workloads, the CRDs, the Lease namespace and the test
# namespace "faults". Sets LF_API (its URL).
lf_start_apiserver() {
  stack_start_apiserver --simulate-workloads "$@" || fail "the API emulator did not start ($work/apiserver.err)"
  LF_API=$STACK_APISERVER_URL
  run kubectl apply -f "$root/crds/"
  run kubectl wait --for=condition=Established crd --all --timeout=30s
  run kubectl create namespace flotilla-system
  run kubectl create namespace faults
}

# lf_restart_apiserver: the emulator again, on the same port (and with the same flags, so the same --data-dir).
lf_restart_apiserver() {
  local port=${LF_API##*:}
  stack_spawn apiserver "$binary" apiserver --listen "127.0.0.1:$port" --kubeconfig-out "$KUBECONFIG" "$@"
  stack_wait 30 curl -fsS "$LF_API/readyz" || fail "the API emulator did not come back on port $port ($work/apiserver.err)"
}

# lf_start_operator NAME [flags...]: an operator process logging to $work/NAME.err (JSON), no leader election unless
# the flags ask for it. Sets LF_METRICS[NAME] and LF_HEALTH[NAME] (host:port).
declare -gA LF_METRICS=() LF_HEALTH=()
lf_start_operator() {
  local name=$1
  shift
  STACK_OPERATOR_NAME=$name stack_start_operator --log-format json --leader-elect=false "$@" ||
    fail "operator $name did not start ($work/$name.err)"
  LF_METRICS[$name]=$STACK_OPERATOR_METRICS
  LF_HEALTH[$name]=$STACK_OPERATOR_HEALTH
}

# lf_fault JSON: POST /debug/faults.
lf_fault() {
  curl -fsS -X POST "$LF_API/debug/faults" -d "$1" >"$work/last.out" 2>&1 || fail "POST /debug/faults $1 failed"
}

# lf_ready NAME: the operator's /readyz answers 200.
lf_ready() { curl -fsS --max-time 2 "http://${LF_HEALTH[$1]}/readyz" >/dev/null 2>&1; }

# lf_reconciles NAME: the sum of controller_runtime_reconcile_total over controllers and results.
lf_reconciles() {
  curl -fsS --max-time 5 "http://${LF_METRICS[$1]}/metrics" |
    awk '/^controller_runtime_reconcile_total[{ ]/ { sum += $NF } END { printf "%d\n", sum }'
}

# --- declared state --------------------------------------------------------------------------------------------

# lf_microservices PREFIX FROM TO [IMAGE-TAG]: YAML of Microservices PREFIX-FROM .. PREFIX-TO in namespace faults,
# in three shapes so every owned kind is exercised: every 4th autoscaled (an HPA, no spec.replicas), every 3rd with a
# PodDisruptionBudget, the rest with 1 or 2 fixed replicas.
lf_microservices() {
  local prefix=$1 from=$2 to=$3 tag=${4:-1} i
  for ((i = from; i <= to; i++)); do
    printf -- '---\napiVersion: flotilla.io/v1alpha1\nkind: Microservice\nmetadata: {name: %s-%d, namespace: faults}\n' \
      "$prefix" "$i"
    printf 'spec:\n  image: flotilla/echo:%s\n  ports: [{name: http, port: 8080}]\n' "$tag"
    if ((i % 4 == 0)); then
      printf '  autoscaling: {minReplicas: 1, maxReplicas: 3, targetCPUUtilization: 80}\n'
    else
      printf '  replicas: %d\n' $((i % 2 + 1))
    fi
    if ((i % 3 == 0)); then printf '  disruptionBudget: {minAvailable: 1}\n'; fi
  done
}

# lf_apply: kubectl apply -f - with the YAML on stdin.
lf_apply() { kubectl apply -f - >"$work/last.out" 2>&1 || fail "kubectl apply failed"; }

# lf_state_problems: what differs between the declared Microservices of namespace faults and what the cluster has,
# one line each (nothing when it converged). $work/expected-names, when it exists, lists the Microservices that must
# exist (one per line), so a lost create or a lost delete shows too.
lf_state_problems() {
  kubectl get -n faults microservices,deployments,services,horizontalpodautoscalers,poddisruptionbudgets -o json \
    >"$work/state.json" 2>"$work/state.err" || { echo "kubectl get failed: $(cat "$work/state.err")"; return; }
  lf_py "$work/state.json" "$work/expected-names" <<'PY'
import json, os, sys
items = json.load(open(sys.argv[1]))["items"]
by_kind = {}
for i in items:
    by_kind.setdefault(i["kind"], {})[i["metadata"]["name"]] = i
ms = by_kind.get("Microservice", {})
problems = []
if os.path.exists(sys.argv[2]):
    expected = set(open(sys.argv[2]).read().split())
    if set(ms) != expected:
        problems.append(f"Microservices: missing {sorted(expected - set(ms))[:5]}, unexpected {sorted(set(ms) - expected)[:5]}")
uids = {m["metadata"]["uid"]: n for n, m in ms.items()}

# Every owned object: exactly one owner reference, to a Microservice that exists, of the same name.
for kind in ("Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget"):
    for name, o in by_kind.get(kind, {}).items():
        refs = o["metadata"].get("ownerReferences", [])
        labels = o["metadata"].get("labels", {})
        if not refs:
            if labels.get("app.kubernetes.io/managed-by") == "flotilla":
                problems.append(f"{kind} {name}: managed by flotilla but has no owner (orphan)")
            continue
        if len(refs) != 1 or not refs[0].get("controller"):
            problems.append(f"{kind} {name}: {len(refs)} owner references {refs}")
        elif refs[0]["kind"] == "Microservice" and uids.get(refs[0]["uid"]) != name:
            problems.append(f"{kind} {name}: owner {refs[0]['name']}/{refs[0]['uid']} does not exist (orphan)")

def owned(kind, name, m):
    o = by_kind.get(kind, {}).get(name)
    if o is None:
        return None
    refs = o["metadata"].get("ownerReferences", [])
    return o if refs and refs[0]["uid"] == m["metadata"]["uid"] else None

for name, m in sorted(ms.items()):
    spec, status = m["spec"], m.get("status", {})
    ready = [c for c in status.get("conditions", []) if c["type"] == "Ready"]
    if status.get("observedGeneration") != m["metadata"]["generation"]:
        problems.append(f"Microservice {name}: observedGeneration {status.get('observedGeneration')} != generation {m['metadata']['generation']}")
    if not ready or ready[0]["status"] != "True":
        problems.append(f"Microservice {name}: not Ready {ready[:1]}")
    d = owned("Deployment", name, m)
    if d is None:
        problems.append(f"Microservice {name}: no Deployment of its own")
    else:
        c = d["spec"]["template"]["spec"]["containers"][0]
        if c["image"] != spec["image"]:
            problems.append(f"Deployment {name}: image {c['image']} != {spec['image']}")
        if "autoscaling" not in spec and d["spec"].get("replicas") != spec.get("replicas", 1):
            problems.append(f"Deployment {name}: replicas {d['spec'].get('replicas')} != {spec.get('replicas', 1)}")
    s = owned("Service", name, m)
    if s is None:
        problems.append(f"Microservice {name}: no Service of its own")
    elif ([(p["name"], p["port"], p.get("targetPort")) for p in s["spec"]["ports"]] !=
          [(p["name"], p["port"], p.get("targetPort", p["port"])) for p in spec["ports"]]):
        problems.append(f"Service {name}: ports {s['spec']['ports']} != {spec['ports']}")
    h = by_kind.get("HorizontalPodAutoscaler", {}).get(name)
    if "autoscaling" in spec:
        a = spec["autoscaling"]
        if owned("HorizontalPodAutoscaler", name, m) is None:
            problems.append(f"Microservice {name}: no HPA of its own")
        elif (h["spec"]["minReplicas"], h["spec"]["maxReplicas"]) != (a.get("minReplicas", 1), a["maxReplicas"]):
            problems.append(f"HPA {name}: {h['spec']['minReplicas']}..{h['spec']['maxReplicas']} != {a}")
    elif h is not None:
        problems.append(f"HPA {name}: exists but the Microservice has no autoscaling")
    p = by_kind.get("PodDisruptionBudget", {}).get(name)
    if "disruptionBudget" in spec:
        if owned("PodDisruptionBudget", name, m) is None:
            problems.append(f"Microservice {name}: no PDB of its own")
        elif p["spec"].get("minAvailable") != spec["disruptionBudget"].get("minAvailable"):
            problems.append(f"PDB {name}: minAvailable {p['spec'].get('minAvailable')} != {spec['disruptionBudget']}")
    elif p is not None:
        problems.append(f"PDB {name}: exists but the Microservice has no disruptionBudget")
for line in problems[:15]:
    print(line)
if len(problems) > 15:
    print(f"... and {len(problems) - 15} more")
PY
}

lf_converged() { [ -z "$(lf_state_problems)" ]; }

# lf_wait_converged SECONDS WHAT: polls until the state converged; fails naming what still differs.
lf_wait_converged() {
  local deadline=$((SECONDS + $1)) problems
  while :; do
    problems=$(lf_state_problems)
    [ -z "$problems" ] && return 0
    [ $SECONDS -ge $deadline ] && { echo "$problems" >"$work/last.out"; fail "$2: not converged after $1 s"; }
    sleep 1
  done
}

# lf_expect_names PREFIX FROM TO [PREFIX FROM TO ...]: writes $work/expected-names.
lf_expect_names() {
  : >"$work/expected-names"
  while [ $# -ge 3 ]; do
    seq -f "$1-%g" "$2" "$3" >>"$work/expected-names"
    shift 3
  done
}

# lf_mark_user NAME: what a user (not Flotilla) writes on Microservice NAME and its Deployment and Service: a label,
# an annotation, and on the Deployment a field Flotilla does not set (spec.minReadySeconds). lf_user_marks_kept
# NAME checks they are all still there.
lf_mark_user() {
  run kubectl -n faults label ms "$1" team=blue --overwrite
  run kubectl -n faults annotate ms "$1" example.com/note=user --overwrite
  run kubectl -n faults label deployment "$1" team=blue --overwrite
  run kubectl -n faults annotate deployment "$1" example.com/note=user --overwrite
  run kubectl -n faults annotate service "$1" example.com/note=user --overwrite
  run kubectl -n faults patch deployment "$1" --type merge -p '{"spec":{"minReadySeconds":7}}'
}
lf_user_marks_kept() {
  local name=$1 got
  got=$(kubectl -n faults get ms "$name" -o 'jsonpath={.metadata.labels.team} {.metadata.annotations.example\.com/note}')
  [ "$got" = "blue user" ] || fail "Microservice $name lost the user's label/annotation (got '$got')"
  got=$(kubectl -n faults get deployment "$name" \
    -o 'jsonpath={.metadata.labels.team} {.metadata.annotations.example\.com/note} {.spec.minReadySeconds}')
  [ "$got" = "blue user 7" ] || fail "Deployment $name lost the user's label/annotation/minReadySeconds (got '$got')"
  got=$(kubectl -n faults get service "$name" -o 'jsonpath={.metadata.annotations.example\.com/note}')
  [ "$got" = user ] || fail "Service $name lost the user's annotation (got '$got')"
}

# --- the request log -------------------------------------------------------------------------------------------

lf_last_index() {
  curl -fsS "$LF_API/debug/requests?since=999999999999" | python3 -c 'import json,sys; print(json.load(sys.stdin)["lastIndex"])'
}

# lf_requests SINCE FILE: the request log after index SINCE as JSON in FILE.
lf_requests() { curl -fsS "$LF_API/debug/requests?since=$1" >"$2" || fail "GET /debug/requests failed"; }

# lf_operator_writes SINCE: the operator's writes after index SINCE, Lease renewals excepted, one
# "verb resource[/sub] namespace/name code" line each.
lf_operator_writes() {
  lf_requests "$1" "$work/writes.json"
  lf_py "$work/writes.json" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["items"]:
    if "(operator)" not in r.get("userAgent", "") or r["resource"] == "leases": continue
    if r["verb"] not in ("create", "update", "patch", "delete", "deletecollection"): continue
    sub = "/" + r["subresource"] if r.get("subresource") else ""
    print(r["verb"], r["resource"] + sub, r.get("namespace", "") + "/" + r.get("name", ""), r["code"])
PY
}

# lf_wait_quiet SECONDS: until the operator has not written for 3 s; fails after SECONDS.
lf_wait_quiet() {
  local deadline=$((SECONDS + $1)) since start=$SECONDS
  since=$(lf_last_index)
  while [ $SECONDS -lt $deadline ]; do
    sleep 1
    if [ -n "$(lf_operator_writes "$since")" ]; then
      since=$(lf_last_index)
      start=$SECONDS
    elif [ $((SECONDS - start)) -ge 3 ]; then
      return 0
    fi
  done
  lf_operator_writes "$since" | tail -20 >"$work/last.out"
  fail "the operator kept writing for $1 s"
}

# lf_report TEXT: the script's one-line summary (what was tried, what was measured), which hack/soak.sh --report
# puts in its table.
lf_report() { echo "fault report: $*"; }
