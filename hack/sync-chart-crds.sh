#!/usr/bin/env bash
# The repo's crds/ is the one source of the CRDs; the chart ships copies in charts/flotilla/crds/ because Helm
# only installs CRDs from inside the chart. This script makes the copy (removing CRDs that no longer exist) or,
# with --check, only reports drift and exits 1 so a test can fail on it.
# Usage: hack/sync-chart-crds.sh [--check]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source_dir=$root/crds
chart_dir=$root/charts/flotilla/crds

check=false
case "${1:-}" in
  --check) check=true ;;
  "") ;;
  -h | --help) sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "sync-chart-crds: unknown argument '$1' (usage: $0 [--check])" >&2; exit 2 ;;
esac

shopt -s nullglob
sources=("$source_dir"/*.yaml)
[ ${#sources[@]} -gt 0 ] || { echo "sync-chart-crds: no CRDs in $source_dir" >&2; exit 1; }

drift=()
for src in "${sources[@]}"; do
  copy=$chart_dir/$(basename "$src")
  if [ ! -f "$copy" ]; then
    drift+=("missing in chart: $(basename "$src")")
  elif ! cmp -s "$src" "$copy"; then
    drift+=("differs from crds/: $(basename "$src")")
  fi
done
for copy in "$chart_dir"/*; do
  [ -f "$source_dir/$(basename "$copy")" ] || drift+=("not in crds/ (stale): $(basename "$copy")")
done

if $check; then
  if [ ${#drift[@]} -gt 0 ]; then
    echo "sync-chart-crds: charts/flotilla/crds/ has drifted from crds/:" >&2
    printf '  %s\n' "${drift[@]}" >&2
    echo "run hack/sync-chart-crds.sh to copy them again" >&2
    exit 1
  fi
  echo "sync-chart-crds: charts/flotilla/crds/ matches crds/ (${#sources[@]} files)"
  exit 0
fi

mkdir -p "$chart_dir"
for copy in "$chart_dir"/*; do
  [ -f "$source_dir/$(basename "$copy")" ] || rm -f -- "$copy"
done
cp -- "${sources[@]}" "$chart_dir/"
echo "sync-chart-crds: copied ${#sources[@]} CRDs to charts/flotilla/crds/"
