#!/usr/bin/env bash
# The README's first command: the whole shop running locally, no cluster needed.
#   1. installs what is missing and builds flotilla;
#   2. starts the local stack, each part its own process with a log file: the Kubernetes API emulator with simulated
#      workloads and real pods (`flotilla apiserver --simulate-workloads --run-pods`), the operator, and Prometheus;
#   3. applies the CRDs and examples/shop/ with the real kubectl and waits until everything is Ready/Programmed;
#   4. tells a short story with real requests through the HAProxy gateway: routing, a canary split, a rate limit, a
#      circuit breaker opening and closing, and autoscaling picked up without a reload;
#   5. leaves the stack running until Ctrl-C (or exits at once with --no-wait, as hack/test.sh runs it).
# Usage: hack/quickstart.sh [--no-wait]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
no_wait=false
for arg in "$@"; do
  case $arg in
    --no-wait) no_wait=true ;;
    -h | --help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "quickstart: unknown argument '$arg' (try --help)" >&2; exit 2 ;;
  esac
done
# The same optimised (-O2) build as hack/test.sh, so running both commands builds once. (-O3 Release trips a GCC 12
# false positive in -Wrestrict, GCC bug 105329, under -Werror.)
build=${FLOTILLA_QUICKSTART_BUILD_DIR:-$root/build}
work=$(mktemp -d /tmp/flotilla-quickstart.XXXXXX)
binary=$build/flotilla
lock=/tmp/flotilla-quickstart.lock
current_step=""

bold() { printf '\033[1m%s\033[0m\n' "$*"; }
step() { current_step=$*; printf '\n'; bold "==> $*"; }
say() { printf '    %s\n' "$*"; }
fail() {
  echo >&2
  echo "quickstart: FAILED in step \"$current_step\": $*" >&2
  echo "quickstart: logs are in $work (apiserver.err, operator.err, prometheus.err); they are kept" >&2
  keep_work=true
  exit 1
}
# progress SECONDS MESSAGE CMD...: waits for CMD with a spinner; fails the step on timeout.
progress() {
  local seconds=$1 message=$2 spin='|/-\' i=0
  shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -ge $deadline ] && { printf '\r'; fail "$message: not done after ${seconds}s"; }
    [ -t 1 ] && printf '\r    %s %s' "${spin:i++%4:1}" "$message"
    sleep 0.5
  done
  [ -t 1 ] && printf '\r'
  say "$message: done"
}

# shellcheck source=lib/stack.bash
source "$root/hack/lib/stack.bash"

keep_work=false
cleanup() {
  # Best effort: a process that already exited must not turn a good run into a failure.
  set +e
  stack_stop
  [ -f "$lock" ] && [ "$(cat "$lock" 2>/dev/null)" = "$$" ] && rm -f "$lock"
  $keep_work || rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -f "$lock" ] && kill -0 "$(cat "$lock")" 2>/dev/null; then
  echo "quickstart: another quickstart is running (pid $(cat "$lock")); stop it with Ctrl-C in its terminal" \
    "or 'kill $(cat "$lock")', then run this again." >&2
  exit 1
fi
echo $$ >"$lock"

step "Installing dependencies (hack/install-deps.sh)"
"$root/hack/install-deps.sh" >"$work/install-deps.log" 2>&1 || { cat "$work/install-deps.log" >&2; fail "hack/install-deps.sh failed"; }
say "all present"

step "Building flotilla in $build (the first build takes a while on 2 cores)"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$work/build.log" 2>&1 || fail "cmake configure failed: see $work/build.log"
cmake --build "$build" --target flotilla -j "$(nproc)" >>"$work/build.log" 2>&1 &
build_pid=$!
progress 7200 "compiling" bash -c "! kill -0 $build_pid"
wait $build_pid || { keep_work=true; fail "build failed: see $work/build.log"; }
say "$("$binary" version | head -1)"

source "$root/hack/lib/demo_story.bash"
demo_main

if $no_wait; then
  step "Done (--no-wait): stopping everything"
else
  step "The stack is running. Press Ctrl-C to stop it (every process started here is stopped, $work removed)."
  while true; do sleep 3600; done
fi
