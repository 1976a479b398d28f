#!/usr/bin/env bash
# The chart's crds/ holds exactly the repository's crds/ (hack/sync-chart-crds.sh --check), and the check does
# notice drift: a changed, a missing and a stale file in a scratch copy of the tree each make it fail.
source "$(dirname "$0")/chart_common.bash"

"$root/hack/sync-chart-crds.sh" --check >"$scratch/check" 2>&1 ||
  fail "charts/flotilla/crds/ differs from crds/ (run hack/sync-chart-crds.sh): $(cat "$scratch/check")"

# Every CRD really is there, and each is a CustomResourceDefinition of group flotilla.io.
for crd in microservices routes breakerpolicies gateways; do
  file=$chart/crds/$crd.flotilla.io.yaml
  [ -f "$file" ] || fail "charts/flotilla/crds/ lacks $crd.flotilla.io.yaml"
  grep -q '^kind: CustomResourceDefinition$' "$file" || fail "$file is not a CustomResourceDefinition"
  grep -q "^  name: $crd.flotilla.io$" "$file" || fail "$file does not define $crd.flotilla.io"
done

# The same check on scratch copies with drift, which it must report.
copy_tree() {
  rm -rf "$scratch/tree"
  mkdir -p "$scratch/tree/hack" "$scratch/tree/charts/flotilla"
  cp "$root/hack/sync-chart-crds.sh" "$scratch/tree/hack/"
  cp -r "$root/crds" "$scratch/tree/crds"
  cp -r "$chart/crds" "$scratch/tree/charts/flotilla/crds"
}
expect_drift() {
  local what=$1 message=$2
  if "$scratch/tree/hack/sync-chart-crds.sh" --check >"$scratch/drift" 2>&1; then
    fail "sync-chart-crds.sh --check did not notice $what"
  fi
  grep -qF "$message" "$scratch/drift" || fail "sync-chart-crds.sh --check on $what said: $(cat "$scratch/drift")"
}
copy_tree
echo "# edited" >>"$scratch/tree/crds/routes.flotilla.io.yaml"
expect_drift "an edited CRD" "differs from crds/: routes.flotilla.io.yaml"
copy_tree
rm "$scratch/tree/charts/flotilla/crds/gateways.flotilla.io.yaml"
expect_drift "a missing copy" "missing in chart: gateways.flotilla.io.yaml"
copy_tree
echo "kind: CustomResourceDefinition" >"$scratch/tree/charts/flotilla/crds/old.flotilla.io.yaml"
expect_drift "a stale copy" "not in crds/ (stale): old.flotilla.io.yaml"
# ...and the sync itself repairs all of it.
"$scratch/tree/hack/sync-chart-crds.sh" >/dev/null
"$scratch/tree/hack/sync-chart-crds.sh" --check >/dev/null 2>&1 || fail "sync-chart-crds.sh did not repair the drift"
[ ! -e "$scratch/tree/charts/flotilla/crds/old.flotilla.io.yaml" ] || fail "sync-chart-crds.sh kept a stale CRD"
