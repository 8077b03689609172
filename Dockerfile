# gocsan with the Go toolchain, for CI steps:
#
#   docker build -t gocsan .
#   docker run --rm -v "$PWD":/src -w /src gocsan test ./...
#
# It runs as the unprivileged user gocsan (uid 10001); with a bind mount
# the host directory must be readable by that uid (and writable for
# outputs such as -sarif=FILE), or run with --user "$(id -u):$(id -g)".
# The kernel collector needs more: see docs/ci.md.

FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# Static and reproducible: no cgo, no local paths in the binary.
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/gocsan ./cmd/gocsan

# The image needs the Go toolchain itself: gocsan drives go build and
# go test. Alpine's golang image is a third of the Debian one.
FROM golang:1.26-alpine
RUN adduser -D -u 10001 -h /home/gocsan gocsan
COPY --from=build /out/gocsan /usr/local/bin/gocsan
# gocsan compiles its runtime into the programs it instruments, from its
# own source: GOCSAN_ROOT points it there.
COPY --from=build /src/go.mod /src/go.sum /opt/gocsan/
COPY --from=build /src/runtime /opt/gocsan/runtime
COPY --from=build /src/report /opt/gocsan/report
ENV GOCSAN_ROOT=/opt/gocsan \
    GOTOOLCHAIN=local \
    GOFLAGS=-buildvcs=false \
    HOME=/home/gocsan \
    GOPATH=/home/gocsan/go \
    GOCACHE=/home/gocsan/.cache/go-build
USER gocsan
WORKDIR /src
ENTRYPOINT ["gocsan"]
CMD ["help"]
