#!/usr/bin/env bash
# `flotilla render`: the shop renders cleanly (exit 0, every object kind present, config accepted by the real
# haproxy -c); each file in tests/data/invalid makes it exit 1 and name the field path its header promises.
set -euo pipefail
bin=${FLOTILLA_BINARY:?}; src=${FLOTILLA_SOURCE_DIR:?}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$bin" render -f "$src/examples/shop" -o "$work/shop" 2>"$work/shop.err" || { cat "$work/shop.err"; fail "shop render exited $?"; }
for kind in deployment service horizontalpodautoscaler poddisruptionbudget configmap role rolebinding serviceaccount; do
  ls "$work/shop" | grep -q "_${kind}_" || fail "no $kind rendered for the shop"
done
haproxy -c -q -f "$work/shop/shop_public_haproxy.cfg" || fail "haproxy -c rejected the shop config"
"$bin" render -f "$src/examples/shop" >"$work/shop.yaml" || fail "render to stdout failed"
grep -q "kind: Deployment" "$work/shop.yaml" || fail "stdout has no Deployment"
"$bin" render -f "$src/examples/shop" | cmp -s - "$work/shop.yaml" || fail "render output is not deterministic"

checked=0
for file in "$src"/tests/data/invalid/*.yaml; do
  expected=$(sed -n 's/^# expect-error: //p' "$file")
  [ -n "$expected" ] || fail "$file has no '# expect-error:' header"
  status=0
  "$bin" render -f "$src/examples/shop" -f "$file" >/dev/null 2>"$work/err" || status=$?
  [ $status -eq 1 ] || { cat "$work/err"; fail "$(basename "$file"): exit $status, want 1"; }
  grep -F "$(basename "$file")" "$work/err" | grep -qF -- "$expected" ||
    { cat "$work/err"; fail "$(basename "$file"): no error naming '$expected' at the file's location"; }
  checked=$((checked + 1))
done
[ $checked -ge 5 ] || fail "only $checked invalid examples checked"

status=0; "$bin" render >/dev/null 2>&1 || status=$?
[ $status -eq 2 ] || fail "render without -f should exit 2, got $status"
echo "render_cli: shop ok, $checked invalid examples refused with their field paths"
