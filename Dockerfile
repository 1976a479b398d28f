# The Flotilla image: one `flotilla` binary for the operator (`flotilla operator`, chart image flotilla/operator)
# and the gateway pods (`flotilla gateway`, which supervises HAProxy; image flotilla/gateway). Build the binary on
# Debian 12 first (hack/test.sh, or cmake --build build --target flotilla), then:
#
#   docker build --build-arg FLOTILLA_BINARY=build/flotilla -t flotilla/operator:dev -t flotilla/gateway:dev .
#
# The pods run it as uid/gid 65532 with a read-only root filesystem, no capabilities and RuntimeDefault seccomp
# (the restricted Pod Security Standard); HAProxy binds only ports >= 1024. docs/security.md explains why.
# tests/reliability/container_security/dockerfile_test.cpp checks this file.

FROM debian:12-slim

# The shared libraries the binary links (ldd build/flotilla), HAProxy 2.6, and CA certificates for TLS to the API
# server. No recommends, no package lists left behind.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        ca-certificates \
        haproxy \
        libbrotli1 \
        libcivetweb1 \
        libcpprest2.10 \
        libfmt9 \
        libpcre2-8-0 \
        libprometheus-cpp-core1.0 \
        libspdlog1.10 \
        libssl3 \
        libstdc++6 \
        libyaml-cpp0.7 \
        zlib1g \
    && rm -rf /var/lib/apt/lists/*

ARG FLOTILLA_BINARY=build/flotilla
COPY ${FLOTILLA_BINARY} /usr/local/bin/flotilla

# Non-root, numeric so that Kubernetes' runAsNonRoot can verify it without an /etc/passwd entry.
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/flotilla"]
