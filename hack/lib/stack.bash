# Shared by hack/quickstart.sh and the end-to-end tests: start the local Flotilla stack (API emulator, operator,
# Prometheus) as separate processes with logs in files, on free ports, and stop exactly the processes it started.
# Source it; it expects `$binary` (the flotilla executable) and `$work` (a scratch directory) to be set.
#
#   stack_start_apiserver [flags...]   → exports KUBECONFIG (and a private HOME for kubectl's caches); sets
#                                        STACK_APISERVER_URL
#   stack_start_operator [flags...]    → sets STACK_OPERATOR_METRICS / STACK_OPERATOR_HEALTH (host:port)
#   stack_stop                         → TERM (then KILL after 10 s) to every process started here, newest first
#   stack_stop_one NAME                → the same for the one process started as NAME (e.g. operator), which
#                                        can then be started again
#   stack_pid NAME                     → the pid of the process started as NAME
#   stack_wait SECONDS CMD...          → retries CMD every 0.2 s until it succeeds; status 1 on timeout
#   stack_require NAME TOOL...         → exits with "NAME: TOOL is not installed" unless every TOOL is on the PATH
#                                        and $binary is executable (before anything is started)

STACK_PIDS=()
declare -gA STACK_PID_OF=()

stack_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

stack_wait() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -ge $deadline ] && return 1
    sleep 0.2
  done
}

stack_require() {
  local name=$1 tool
  shift
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "$name: $tool is not installed" >&2; exit 1; }
  done
  [ -x "$binary" ] || { echo "$name: no flotilla binary at $binary" >&2; exit 1; }
}

# stack_spawn NAME CMD...: runs CMD in the background with stdout/stderr in $work/NAME.out / .err.
stack_spawn() {
  local name=$1
  shift
  "$@" >"$work/$name.out" 2>"$work/$name.err" &
  STACK_PIDS+=($!)
  STACK_PID_OF[$name]=$!
}

stack_pid() {
  echo "${STACK_PID_OF[$1]:-}"
}

# stack_terminate PID: TERM, up to 10 s to exit, then KILL.
stack_terminate() {
  local pid=$1
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -KILL "$pid" 2>/dev/null || true
  # The process's own exit status (143 after TERM) is not ours: callers may run under `set -e`.
  wait "$pid" 2>/dev/null || true
}

stack_stop_one() {
  local pid=${STACK_PID_OF[$1]:-} i kept=()
  [ -n "$pid" ] || return 0
  stack_terminate "$pid"
  for i in "${STACK_PIDS[@]}"; do [ "$i" = "$pid" ] || kept+=("$i"); done
  STACK_PIDS=("${kept[@]}")
  unset "STACK_PID_OF[$1]"
}

stack_start_apiserver() {
  export KUBECONFIG=$work/kubeconfig
  # kubectl caches discovery and OpenAPI under ~/.kube/cache; a private HOME keeps runs from seeing each other's.
  export HOME=$work/home
  mkdir -p "$HOME"
  stack_spawn apiserver "$binary" apiserver --listen 127.0.0.1:0 --kubeconfig-out "$KUBECONFIG" "$@"
  if ! stack_wait 30 grep -q '^listening on ' "$work/apiserver.out"; then
    echo "stack: flotilla apiserver did not start; its log ($work/apiserver.err):" >&2
    tail -20 "$work/apiserver.err" >&2
    return 1
  fi
  STACK_APISERVER_URL=$(sed -n 's/^listening on //p' "$work/apiserver.out")
}

stack_start_operator() {
  # STACK_OPERATOR_NAME names the process (default operator): a second replica runs as another name.
  local name=${STACK_OPERATOR_NAME:-operator}
  STACK_OPERATOR_METRICS=127.0.0.1:$(stack_free_port)
  STACK_OPERATOR_HEALTH=127.0.0.1:$(stack_free_port)
  stack_spawn "$name" "$binary" operator --kubeconfig "$KUBECONFIG" \
    --metrics-bind-address "$STACK_OPERATOR_METRICS" --health-probe-bind-address "$STACK_OPERATOR_HEALTH" "$@"
  if ! stack_wait 60 curl -fsS "http://$STACK_OPERATOR_HEALTH/healthz"; then
    echo "stack: flotilla operator did not become healthy; its log ($work/$name.err):" >&2
    tail -20 "$work/$name.err" >&2
    return 1
  fi
}

stack_stop() {
  local i pid
  for ((i = ${#STACK_PIDS[@]} - 1; i >= 0; i--)); do
    stack_terminate "${STACK_PIDS[$i]}"
  done
  STACK_PIDS=()
  STACK_PID_OF=()
}
