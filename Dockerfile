# gocsan with the Go toolchain, for CI steps:
#
#   docker build -t gocsan .
#   docker run --rm -v "$PWD":/src -w /src --user "$(id -u):$(id -g)" gocsan test ./...
#
# It runs as the unprivileged user gocsan (uid 10001) unless told
# otherwise; --user with the host's uid makes the outputs written to the
# bind mount (-sarif=FILE, -junit=FILE) the host user's. HOME is writable
# by any uid. The kernel collector needs more: see docs/ci.md.
#
# The bases are build arguments so that an image laid out like the
# official golang ones (Go in /usr/local/go, GOPATH=/go) can stand in
# where Docker Hub cannot be reached: scripts/image/build-and-smoke.sh
# builds this file with podman from a Debian base it makes, and
# smoke-tests the image (docs/ci.md).
# GOCSAN_VERSION is what "gocsan version" prints first (default: the
# module version Go records, "(devel)" for a source tree).
ARG GO_IMAGE=golang:1.26
ARG RUNTIME_IMAGE=golang:1.26-alpine

FROM ${GO_IMAGE} AS build
ARG GOPROXY
ARG GOCSAN_VERSION
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# Static and reproducible: no cgo, no local paths in the binary.
RUN CGO_ENABLED=0 go build -trimpath -buildvcs=false -ldflags="-s -w -X main.version=${GOCSAN_VERSION}" -o /out/gocsan ./cmd/gocsan

# The image needs the Go toolchain itself: gocsan drives go build and
# go test. Alpine's golang image is a third of the Debian one.
FROM ${RUNTIME_IMAGE}
# The user is written to /etc/passwd directly: Alpine's adduser and
# Debian's take different flags. HOME is sticky and world-writable, like
# /tmp, so that the image also runs under --user with any uid.
RUN echo 'gocsan:x:10001:10001:gocsan:/home/gocsan:/sbin/nologin' >>/etc/passwd && \
    echo 'gocsan:x:10001:' >>/etc/group && \
    mkdir -p /home/gocsan && chown 10001:10001 /home/gocsan && chmod 1777 /home/gocsan
COPY --from=build /out/gocsan /usr/local/bin/gocsan
# gocsan compiles its runtime into the programs it instruments, from its
# own source: GOCSAN_ROOT points it there.
COPY --from=build /src/go.mod /src/go.sum /opt/gocsan/
COPY --from=build /src/runtime /opt/gocsan/runtime
COPY --from=build /src/report /opt/gocsan/report
# The go command's build cache and gocsan's (its runtime archives and a
# run's reports) go under HOME; modules under GOPATH=/go, which the
# golang images make world-writable.
ENV GOCSAN_ROOT=/opt/gocsan \
    GOTOOLCHAIN=local \
    GOFLAGS=-buildvcs=false \
    HOME=/home/gocsan
USER gocsan
WORKDIR /src
ENTRYPOINT ["gocsan"]
CMD ["help"]
