#!/usr/bin/env bash
# Live fault 8 (issue 10): other field managers change the Deployments and Services Flotilla manages, over and
# over, while it reconciles them and while 409 Conflict is injected into its writes:
#   - kubectl apply --server-side --field-manager=someone-else --force-conflicts takes Flotilla's fields (replicas
#     of a fixed-size Microservice, the image) and adds its own (a label, an annotation, a container env var);
#   - kubectl patch (manager kubectl-patch) scales the Deployment, annotates the Service, changes its targetPort;
#   - kubectl replace (what kubectl edit sends: a PUT with the resourceVersion) changes the image, adds a label.
# Flotilla's fields must come back, every foreign field must stay, the 409s are retried until they succeed, and
# Flotilla only ever writes with server-side apply as field manager "flotilla" (never a PUT of a whole object).
# 20 s of concurrent edits in CI, 60 s under FLOTILLA_SOAK=1.
# shellcheck source-path=SCRIPTDIR source=live_faults.bash
source "$(dirname "$0")/live_faults.bash"

edit_seconds=$(lf_duration 20 60)
names=(f-1 f-2 f-5)  # fixed replicas (f-4 would be autoscaled)

step "start the emulator and the operator; 8 Microservices converge"
lf_start_apiserver
lf_start_operator operator
lf_microservices f 1 8 | lf_apply
lf_expect_names f 1 8
lf_wait_converged 90 "8 Microservices"
lf_mark_user f-1

foreign_apply() {
  kubectl apply --server-side --field-manager=someone-else --force-conflicts -f - <<YAML
apiVersion: apps/v1
kind: Deployment
metadata:
  name: $1
  namespace: faults
  labels: {someone-else/label: kept}
  annotations: {someone-else/annotation: kept}
spec:
  replicas: 5
  selector: {matchLabels: {app.kubernetes.io/name: $1, flotilla.io/microservice: $1}}
  template:
    metadata: {labels: {app.kubernetes.io/name: $1, flotilla.io/microservice: $1}}
    spec:
      containers:
        - name: $1
          image: someone-else/image:1
          env: [{name: SOMEONE_ELSE, value: kept}]
YAML
}
# kubectl edit: read, change, PUT with the resourceVersion read (a 409 when Flotilla wrote in between: edit again).
foreign_edit() {
  kubectl -n faults get deployment "$1" -o json |
    python3 -c 'import json,sys; o=json.load(sys.stdin); o["metadata"]["labels"]["edited-by"]="hand"; o["spec"]["template"]["spec"]["containers"][0]["image"]="hand/edit:1"; print(json.dumps(o))' |
    kubectl replace -f -
}

since=$(lf_last_index)
step "$edit_seconds s of foreign edits on ${names[*]}, and 409s injected into Flotilla's applies"
lf_fault '{"errors": [{"code": 409, "count": 10, "verb": "patch", "resource": "deployments", "userAgent": "(operator)"},
                      {"code": 409, "count": 4, "verb": "patch", "resource": "services", "userAgent": "(operator)"}]}'
end=$((SECONDS + edit_seconds))
edits=0
while [ $SECONDS -lt $end ]; do
  for name in "${names[@]}"; do
    foreign_apply "$name" >"$work/last.out" 2>&1 || fail "the server-side apply of someone-else failed"
    kubectl -n faults patch deployment "$name" --type merge -p '{"spec":{"replicas":7}}' >"$work/last.out" 2>&1 ||
      fail "kubectl patch failed"
    kubectl -n faults annotate service "$name" someone-else/annotation=kept --overwrite >"$work/last.out" 2>&1 ||
      fail "kubectl annotate failed"
    kubectl -n faults patch service "$name" --type json -p '[{"op":"replace","path":"/spec/ports/0/targetPort","value":9090}]' \
      >"$work/last.out" 2>&1 || fail "kubectl patch of the Service failed"
    foreign_edit "$name" >/dev/null 2>&1 || true  # a 409 here is kubectl edit's normal outcome under contention
    edits=$((edits + 5))
  done
  sleep 0.5
done
lf_fault '{"reset": true}'
echo "   $edits foreign writes"

step "Flotilla's fields restored, foreign fields kept"
lf_wait_converged 90 "after the foreign edits"
lf_user_marks_kept f-1
for name in "${names[@]}"; do
  got=$(kubectl -n faults get deployment "$name" -o \
    'jsonpath={.metadata.labels.someone-else/label} {.metadata.annotations.someone-else/annotation} {.spec.template.spec.containers[0].env[?(@.name=="SOMEONE_ELSE")].value}')
  [ "$got" = "kept kept kept" ] || fail "Deployment $name lost someone-else's label/annotation/env (got '$got')"
  got=$(kubectl -n faults get service "$name" -o 'jsonpath={.metadata.annotations.someone-else/annotation}')
  [ "$got" = kept ] || fail "Service $name lost someone-else's annotation"
done

step "409s retried through the queue; only server-side apply as flotilla"
lf_wait_quiet 60
lf_requests "$since" "$work/requests-conflicts.json"
lf_py "$work/requests-conflicts.json" <<'PY' >"$work/last.out" || fail "conflict handling (see above)"
import json, sys
records = [r for r in json.load(open(sys.argv[1]))["items"] if "(operator)" in r.get("userAgent", "")]
def key(r): return (r["resource"], r.get("subresource", ""), r.get("namespace", ""), r.get("name", ""))
ok = True
conflicts = [(i, r) for i, r in enumerate(records) if r["code"] == 409]
print(f"409s the operator got: {len(conflicts)}")
if len(conflicts) < 14: print("fewer 409s than injected"); ok = False
for i, r in conflicts:
    if not any(key(n) == key(r) and n["verb"] == "patch" and n["code"] < 300 for n in records[i + 1:]):
        print("a 409 never followed by a successful apply:", key(r)); ok = False
owned = [r for r in records if r["resource"] in ("deployments", "services", "horizontalpodautoscalers", "poddisruptionbudgets")]
blind = [r for r in owned if r["verb"] in ("update", "create")]
not_ssa = [r for r in owned if r["verb"] == "patch" and (r.get("fieldManager") != "flotilla" or "apply-patch" not in r.get("contentType", ""))]
if blind: print("whole-object writes:", [(r["verb"], r["resource"], r["name"]) for r in blind[:5]]); ok = False
if not_ssa: print("patches that are not server-side apply by flotilla:", [(r["contentType"], r.get("fieldManager")) for r in not_ssa[:5]]); ok = False
print(f"writes to owned objects: {len(owned)}, all server-side apply as flotilla" if not blind and not not_ssa else "")
sys.exit(0 if ok else 1)
PY
sed 's/^/   /' "$work/last.out"
lf_report "${edit_seconds} s of foreign edits ($edits writes: SSA --force-conflicts, patch, replace) + 14 injected 409s: Flotilla's fields restored, foreign label/annotation/env kept; $(paste -sd';' "$work/last.out")"
echo "$test_name: passed"
