#!/usr/bin/env bash
# The README's first command: install what is missing, build (Release), and show Flotilla at work on the example shop.
# Today the demo is offline: it renders every manifest and the gateway's haproxy.cfg from examples/shop and checks the
# config with the real HAProxy. The live stack (API emulator, operator, gateway, Prometheus) grows into this script.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# The same optimised (-O2) build as hack/test.sh, so running both commands builds once. (-O3 Release trips a GCC 12
# false positive in -Wrestrict, GCC bug 105329, under -Werror.)
build=${FLOTILLA_QUICKSTART_BUILD_DIR:-$root/build}
out=${FLOTILLA_QUICKSTART_OUT:-$(mktemp -d /tmp/flotilla-quickstart.XXXXXX)}

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
fail() { echo "quickstart: $*" >&2; exit 1; }

step "Installing dependencies (hack/install-deps.sh)"
"$root/hack/install-deps.sh" || fail "dependency installation failed (see above)"

step "Building flotilla (optimised) in $build"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null || fail "cmake configure failed"
cmake --build "$build" --target flotilla -j "$(nproc)" >"$out/build.log" 2>&1 || fail "build failed: see $out/build.log"
flotilla=$build/flotilla
"$flotilla" version

step "Rendering examples/shop (flotilla render -f examples/shop -o $out/rendered)"
"$flotilla" render -f "$root/examples/shop" -o "$out/rendered" || fail "render reported errors (see above)"
ls -1 "$out/rendered" | sed 's/^/  /'

step "The manifests Flotilla will apply"
"$flotilla" render -f "$root/examples/shop"

step "Checking the gateway config with the real HAProxy (haproxy -c)"
for cfg in "$out"/rendered/*haproxy.cfg; do
  haproxy -c -f "$cfg" || fail "haproxy rejected $cfg"
done

step "Done"
echo "Rendered output: $out/rendered"
