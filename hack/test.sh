#!/usr/bin/env bash
# The test command README.md names: configure, build, run every test (unit, integration, e2e), print a summary.
# Usage: hack/test.sh [ctest args...]   e.g. hack/test.sh -L unit   or   hack/test.sh -R render
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${FLOTILLA_BUILD_DIR:-$root/build}
jobs=${FLOTILLA_JOBS:-$(nproc)}

echo "== configure ($build)"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=${FLOTILLA_BUILD_TYPE:-RelWithDebInfo} >/dev/null
echo "== build"
cmake --build "$build" -j "$jobs"
echo "== test"
cd "$build"
status=0
ctest --output-on-failure -j "$jobs" --timeout 600 "$@" || status=$?
echo "== summary"
if [ -f Testing/Temporary/LastTestsFailed.log ] && [ $status -ne 0 ]; then
  echo "failed tests:"; sed 's/^/  /' Testing/Temporary/LastTestsFailed.log
fi
exit $status
