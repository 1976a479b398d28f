#!/usr/bin/env bash
# Live fault 7 (issue 10): the API server is unreachable for 60 s (the emulator is stopped, then started again with
# the same --data-dir on the same port). Meanwhile the operator keeps running on its cache and reports not-ready on
# /readyz (live on /healthz); afterwards it reconnects, reports ready, converges (a change made after the restart
# is applied) and never deletes anything: the request log of the new emulator holds no delete from the operator and
# every owned object keeps its uid (nothing was deleted and recreated). 60 s down in CI and under FLOTILLA_SOAK=1.
# shellcheck source-path=SCRIPTDIR source=live_faults.bash
source "$(dirname "$0")/live_faults.bash"

down_seconds=$(lf_duration 60 60)
server_flags=(--simulate-workloads --data-dir "$work/data")

step "start the emulator (--data-dir) and the operator; 30 Microservices converge"
lf_start_apiserver --data-dir "$work/data"
lf_start_operator operator
lf_microservices d 1 30 | lf_apply
lf_expect_names d 1 30
lf_wait_converged 90 "30 Microservices"
lf_mark_user d-1
lf_wait_quiet 60
owned_uids() {
  kubectl -n faults get deployments,services,hpa,pdb -o 'jsonpath={range .items[*]}{.kind}/{.metadata.name}={.metadata.uid}{"\n"}{end}' | sort
}
owned_uids >"$work/uids-before"

step "stop the API server for $down_seconds s"
stack_stop_one apiserver
down_at=$SECONDS
stack_wait 30 sh -c "! curl -fsS --max-time 2 http://${LF_HEALTH[operator]}/readyz" ||
  fail "the operator still reports ready with the API server gone"
echo "   /readyz not ready $((SECONDS - down_at)) s after the API server went away"
while [ $((SECONDS - down_at)) -lt "$down_seconds" ]; do
  kill -0 "$(stack_pid operator)" 2>/dev/null || fail "the operator exited while the API server was down"
  curl -fsS --max-time 2 "http://${LF_HEALTH[operator]}/healthz" >/dev/null || fail "/healthz failed while the API server was down"
  ! lf_ready operator || fail "/readyz said ready while the API server was down"
  sleep 2
done

step "start it again (same data, same port)"
lf_restart_apiserver "${server_flags[@]}"
stack_wait 60 lf_ready operator || fail "the operator did not report ready again within 60 s"
run kubectl -n faults patch ms d-2 --type merge -p '{"spec":{"image":"flotilla/echo:5"}}'
lf_wait_converged 90 "after the API server came back"
lf_user_marks_kept d-1
owned_uids >"$work/uids-after"
diff "$work/uids-before" "$work/uids-after" >"$work/last.out" || fail "owned objects were deleted and recreated"

step "no delete from the operator"
lf_wait_quiet 60
deletes=$(lf_operator_writes 0 | grep -c '^delete' || true)
echo "   operator writes since the restart: $(lf_operator_writes 0 | wc -l), deletes: $deletes"
[ "$deletes" = 0 ] || { lf_operator_writes 0 | grep '^delete' >"$work/last.out"; fail "the operator deleted objects"; }
lf_report "API server stopped ${down_seconds} s and restarted from --data-dir: /readyz false while down, ready again, change after restart applied, owned uids unchanged, operator deletes 0"
echo "$test_name: passed"
