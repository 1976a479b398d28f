#!/usr/bin/env bash
# Live fault 5 (issue 10): the operator is killed with SIGKILL in the middle of a large apply (200 Microservices, the
# kill once about 60 Deployments exist), and a new operator process is started. It must converge to exactly the
# declared state with no duplicate and no orphaned owned object (every Deployment, Service, HPA and PDB has exactly
# one owner reference, to a Microservice that exists, of its own name) and keep what the user wrote.
# The client rate limit is raised (--kube-api-qps 100) so 200 Microservices converge in about a minute.
# shellcheck source-path=SCRIPTDIR source=live_faults.bash
source "$(dirname "$0")/live_faults.bash"

count=200
step "start the emulator and the operator"
lf_start_apiserver
lf_start_operator operator --kube-api-qps 100 --kube-api-burst 200

step "10 Microservices converge; the user marks k-1"
lf_microservices k 1 10 | lf_apply
lf_expect_names k 1 10
lf_wait_converged 60 "the first 10"
lf_mark_user k-1

step "apply $((count - 10)) more; SIGKILL the operator midway"
lf_microservices k 11 "$count" >"$work/k.yaml"
kubectl apply -f "$work/k.yaml" >"$work/apply.out" 2>&1 &
apply_pid=$!
deployments() { kubectl -n faults get deployments --no-headers 2>/dev/null | wc -l; }
at_least_deployments() { [ "$(deployments)" -ge "$1" ]; }
stack_wait 120 at_least_deployments 60 || fail "the operator did not get to 60 Deployments"
kill -KILL "$(stack_pid operator)"
killed_at=$(deployments)
echo "   killed with $killed_at Deployments in place"
stack_stop_one operator 2>/dev/null
wait "$apply_pid" || { cp "$work/apply.out" "$work/last.out"; fail "kubectl apply failed"; }
echo "   kubectl apply done: $(deployments) Deployments"
lf_expect_names k 1 "$count"

step "a new operator converges: no duplicate, no orphan"
lf_start_operator operator-2 --kube-api-qps 100 --kube-api-burst 200
lf_wait_converged 180 "after the restart"
lf_user_marks_kept k-1
run kubectl -n faults get deployments,services,hpa,pdb --no-headers
echo "   $(grep -c '^deployment' "$work/last.out") Deployments, $(grep -c '^service' "$work/last.out") Services," \
  "$(grep -c '^horizontalpodautoscaler' "$work/last.out") HPAs, $(grep -c '^poddisruptionbudget' "$work/last.out") PDBs"

step "delete 50: their objects go, nothing else does"
run kubectl -n faults delete ms $(seq -f 'k-%g' 151 200) --wait=false
lf_expect_names k 1 150
lf_wait_converged 120 "after deleting 50"
lf_report "SIGKILL at ${killed_at} of $count Deployments during a $count-Microservice apply, new process: exact state (no duplicate, no orphan), then 50 deleted cleanly"
echo "$test_name: passed"
