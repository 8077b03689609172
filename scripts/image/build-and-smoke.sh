#!/usr/bin/env bash
# build-and-smoke.sh: build gocsan's container image from the repository's
# Dockerfile with podman and smoke-test it, on a Debian machine with no
# access to Docker Hub.
#
# Usage: scripts/image/build-and-smoke.sh [--no-apt] [--rebuild-base] [--smoke-only]
#
#   --no-apt        do not install podman, debootstrap, runc and golang-go
#   --rebuild-base  make the base image again even if it exists
#   --smoke-only    smoke-test the image already built (no install, no build)
#
# Environment:
#   GOCSAN_IMAGE_WORK  work directory, outside the repository (default
#                      /work/imagebuild): the base's root file system and
#                      the smoke tests' bind mounts
#   GO_VERSION         the Go toolchain in the base (default go1.26.8)
#   IMAGE              the image built (default localhost/gocsan:dev)
#   PODMAN_RUNTIME     OCI runtime (default runc)
#
# Steps (each timed):
#   1. the base: a Debian bookworm minbase made by debootstrap, with the Go
#      toolchain from the module proxy (golang.org/toolchain, the module
#      GOTOOLCHAIN downloads) fetched by Debian's golang-go, laid out like
#      the official golang images (Go in /usr/local/go on PATH,
#      GOPATH=/go world-writable), imported into podman. Reused when it
#      exists.
#   2. podman build of the Dockerfile with GO_IMAGE and RUNTIME_IMAGE set
#      to that base: the same Dockerfile users build from golang:1.26.
#   3. smoke tests: gocsan version names the build; the image runs as a
#      non-root user; gocsan test on testdata/racy in the container finds
#      its races and exits 1, and writes -sarif and -junit files to the
#      bind mount owned by the directory's owner: once for a directory
#      owned by root (the container's user 10001 mapped to host uid 0, so
#      the process is not root inside; run from the image's exported
#      file system, see smoke below) and once for a directory owned by
#      uid 1000 run with --user 1000:1000 (what docs/ci.md tells Docker
#      users to do).
#
# It takes well over 5 minutes (docs/ci.md: Building and smoke-testing
# the image here), so .ci/run does not run it.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/../.." && pwd)
WORK=${GOCSAN_IMAGE_WORK:-/work/imagebuild}
GO_VERSION=${GO_VERSION:-go1.26.8}
IMAGE=${IMAGE:-localhost/gocsan:dev}
RUNTIME=${PODMAN_RUNTIME:-runc}
BASE=localhost/gocsan-base:$GO_VERSION
APT=1
REBUILD_BASE=0
BUILD=1
for a in "$@"; do
	case "$a" in
	--no-apt) APT=0 ;;
	--rebuild-base) REBUILD_BASE=1 ;;
	--smoke-only) APT=0 BUILD=0 ;;
	*)
		echo "usage: $0 [--no-apt] [--rebuild-base] [--smoke-only]" >&2
		exit 2
		;;
	esac
done
case "$WORK" in
"$REPO" | "$REPO"/*)
	echo "GOCSAN_IMAGE_WORK=$WORK is inside the repository; choose a directory outside it" >&2
	exit 2
	;;
esac
if [ "$(id -u)" != 0 ]; then
	echo "$0: run as root (rootful podman and debootstrap)" >&2
	exit 2
fi

START=$SECONDS
step() {
	echo
	echo "== $* (at $((SECONDS - START))s)"
}
fail() {
	echo "SMOKE FAIL: $*" >&2
	exit 1
}

# The flags every podman command here needs on this kind of machine
# (nested containers, cgroup v1): runc, and resource limits the runtime
# may set. Podman's defaults (RLIMIT_NOFILE 1048576, RLIMIT_NPROC at the
# host's maximum) are refused there ("error setting rlimit ... operation
# not permitted"); the host's open-file limit and at most 32768
# processes are not.
PODMAN=(podman --runtime "$RUNTIME")
nproc=$(ulimit -u)
if [ "$nproc" = unlimited ] || [ "$nproc" -gt 32768 ]; then
	nproc=32768
fi
RUNFLAGS=(--ulimit "nofile=$(ulimit -n):$(ulimit -n)" --ulimit "nproc=$nproc:$nproc")

if [ "$APT" = 1 ]; then
	step "installing podman, debootstrap, runc, golang-go"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman debootstrap runc uidmap golang-go >/dev/null
fi
podman --version

# remove_root deletes a root file system debootstrap made, unmounting
# first what an interrupted debootstrap left mounted in it (proc, sys).
remove_root() {
	local m
	for m in $(findmnt -rn -o TARGET | grep -F "$1/" | sort -r); do
		umount -l "$m"
	done
	rm -rf --one-file-system "$1"
}

make_base() {
	local root=$WORK/rootfs
	remove_root "$root"
	mkdir -p "$WORK"
	debootstrap --variant=minbase --include=ca-certificates bookworm "$root" http://deb.debian.org/debian >"$WORK/debootstrap.log"
	# Debian's go (1.19 on bookworm) fetches the toolchain module through
	# the module proxy; its zip has no execute bits, which the go command
	# restores on bin and pkg/tool after its own download.
	local mod=golang.org/toolchain@v0.0.1-$GO_VERSION.linux-amd64
	local gomodcache=$WORK/modcache
	local dir
	# (From $WORK: outside any module, whose go.mod an old go may not read.)
	dir=$(cd "$WORK" && GOFLAGS=-modcacherw GOMODCACHE=$gomodcache GOTOOLCHAIN=local \
		/usr/lib/go/bin/go mod download -json "$mod" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
	[ -x "$dir/bin/go" ] || [ -f "$dir/bin/go" ] || fail "no toolchain in $dir"
	cp -a "$dir" "$root/usr/local/go"
	chmod -R u+w,go-w,a+rX "$root/usr/local/go"
	chmod a+x "$root"/usr/local/go/bin/* "$root"/usr/local/go/pkg/tool/linux_amd64/*
	mkdir -p "$root/go/src" "$root/go/bin"
	chmod -R 1777 "$root/go"
	rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*
	local v=${GO_VERSION#go}
	tar -C "$root" --numeric-owner -c . | podman import \
		--change "ENV PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
		--change "ENV GOLANG_VERSION=$v" \
		--change "ENV GOPATH=/go" \
		--change "ENV GOTOOLCHAIN=local" \
		--change "WORKDIR /go" \
		--change 'CMD ["bash"]' \
		- "$BASE" >/dev/null
	remove_root "$root"
}

if [ "$BUILD" = 1 ]; then
	step "base image $BASE"
	if [ "$REBUILD_BASE" = 1 ] || ! podman image exists "$BASE"; then
		make_base
	else
		echo "exists; --rebuild-base makes it again"
	fi
	"${PODMAN[@]}" run --rm "${RUNFLAGS[@]}" "$BASE" go version

	step "podman build"
	VERSION=$(git -C "$REPO" describe --tags --always --dirty 2>/dev/null || echo unknown)
	# The build stage downloads gocsan's modules. The RUN steps see the
	# host's CA bundle: where TLS goes through an intercepting proxy, as
	# on this kind of machine, Debian's bundle alone does not verify it.
	CA=/etc/ssl/certs/ca-certificates.crt
	"${PODMAN[@]}" build "${RUNFLAGS[@]}" --network=host -v "$CA:$CA:ro" \
		--build-arg GO_IMAGE="$BASE" --build-arg RUNTIME_IMAGE="$BASE" \
		--build-arg GOCSAN_VERSION="$VERSION" --build-arg GOPROXY="$(go env GOPROXY)" \
		--label "org.opencontainers.image.version=$VERSION" \
		-t "$IMAGE" "$REPO" 2>&1 | tee "$WORK/build.log" | tail -n 12
	[ "${PIPESTATUS[0]}" = 0 ] || fail "podman build failed; log in $WORK/build.log"
fi
# The version the image was built as.
VERSION=$(podman image inspect --format '{{index .Labels "org.opencontainers.image.version"}}' "$IMAGE")

step "image size and contents"
podman images --format '{{.Repository}}:{{.Tag}} {{.Size}}' "$IMAGE"
podman image inspect --format 'bytes: {{.Size}}' "$IMAGE"
"${PODMAN[@]}" run --rm "${RUNFLAGS[@]}" --entrypoint du "$IMAGE" -sh \
	/usr/local/go /usr/local/bin/gocsan /opt/gocsan /usr /var /etc 2>/dev/null || true

step "gocsan version names the build"
out=$("${PODMAN[@]}" run --rm "${RUNFLAGS[@]}" "$IMAGE" version)
echo "$out"
case "$out" in
"gocsan $VERSION ("*) ;;
*) fail "gocsan version: want gocsan $VERSION (...), have $out" ;;
esac

step "the image runs as a non-root user"
out=$("${PODMAN[@]}" run --rm "${RUNFLAGS[@]}" --entrypoint id "$IMAGE")
echo "$out"
case "$out" in
uid=0* | *"gid=0("*) fail "the image's default user is root: $out" ;;
esac

# export_rootfs unpacks the image's file system for --rootfs runs and
# collects its configuration as podman run flags (IMAGE_CONFIG).
export_rootfs() {
	ROOTFS=$WORK/image-rootfs
	remove_root "$ROOTFS"
	mkdir -p "$ROOTFS"
	local id
	id=$(podman create "$IMAGE")
	podman export "$id" | tar -x -C "$ROOTFS"
	podman rm "$id" >/dev/null
	IMAGE_CONFIG=(--user "$(podman image inspect --format '{{.Config.User}}' "$IMAGE")")
	local kv
	while IFS= read -r kv; do
		if [ -n "$kv" ]; then
			IMAGE_CONFIG+=(-e "$kv")
		fi
	done < <(podman image inspect --format '{{range .Config.Env}}{{println .}}{{end}}' "$IMAGE")
}

# smoke DIR MODE: gocsan test on a copy of testdata/racy in DIR, mounted
# at /src. MODE "user" runs the image with --user set to DIR's owner
# (what docs/ci.md tells Docker users to do). MODE "mapped" keeps the
# image's user 10001 and maps it to DIR's owner with a user namespace,
# every other container id to an unused host range (the container's
# root is nobody on the host). Podman here cannot mount an image's
# layers into a user namespace (containers/storage's mapped overlay
# layers: "permission denied"), so that mode runs the image's exported
# file system with --rootfs and the image's user and environment as
# flags; the entry point is gocsan, as the image's.
smoke() {
	local dir=$1 mode=$2 uid gid
	uid=$(stat -c %u "$dir")
	gid=$(stat -c %g "$dir")
	local run=("${PODMAN[@]}" run --rm "${RUNFLAGS[@]}" -v "$dir:/src" -w /src/racy) id gocsan
	local env=(-e "GOCSAN=skip=1 delay=1ms delay_budget=0 report_once_in=0 reorder=0")
	local test=(test -count=1 -sarif=/src/out/gocsan.sarif -junit=/src/out/junit.xml .)
	case "$mode" in
	mapped)
		run+=(--uidmap "10001:$uid:1" --uidmap 0:200000:10001 --uidmap 10002:210002:55534
			--gidmap "10001:$gid:1" --gidmap 0:200000:10001 --gidmap 10002:210002:55534
			"${IMAGE_CONFIG[@]}")
		# With --rootfs DIR, the command follows DIR.
		id=("${run[@]}" --rootfs "$ROOTFS" id)
		gocsan=("${run[@]}" "${env[@]}" --rootfs "$ROOTFS" gocsan "${test[@]}")
		;;
	user)
		run+=(--user "$uid:$gid")
		id=("${run[@]}" --entrypoint id "$IMAGE")
		gocsan=("${run[@]}" "${env[@]}" "$IMAGE" "${test[@]}")
		;;
	esac
	echo "host directory $dir owned by $uid:$gid"
	echo "inside: $("${id[@]}")"
	local status=0
	echo "+ ${gocsan[*]}"
	"${gocsan[@]}" >"$dir/test.stdout" 2>"$dir/test.stderr" || status=$?
	grep -E '^(--- FAIL|FAIL|ok|gocsan:)' "$dir/test.stdout" | tail -n 4
	local races
	# gocsan test prints the run's distinct reports after go test's
	# output, on stdout (stderr with -json).
	races=$(grep -c '^BUG: KCSAN: ' "$dir/test.stdout" || true)
	echo "exit status $status, $races KCSAN reports"
	[ "$status" = 1 ] || fail "gocsan test exited $status, want 1; output in $dir/test.stdout and test.stderr"
	[ "$races" -gt 0 ] || fail "no KCSAN report; output in $dir/test.stdout"
	local f
	for f in "$dir/out/gocsan.sarif" "$dir/out/junit.xml"; do
		[ -s "$f" ] || fail "$f missing or empty"
		ls -ln "$f"
		[ "$(stat -c %u:%g "$f")" = "$uid:$gid" ] || fail "$f is owned by $(stat -c %u:%g "$f"), want $uid:$gid"
	done
	grep -q '"ruleId": *"data-race"' "$dir/out/gocsan.sarif" || fail "no data-race result in the SARIF file"
	grep -q 'type="DataRace"' "$dir/out/junit.xml" || fail "no DataRace failure in the JUnit file"
	echo "SARIF results: $(grep -c '"ruleId"' "$dir/out/gocsan.sarif"), JUnit race failures: $(grep -c 'type="DataRace"' "$dir/out/junit.xml")"
}

fresh() {
	rm -rf "$1"
	mkdir -p "$1/out"
	cp -r "$REPO/testdata/racy" "$1/racy"
	chown -R "$2" "$1"
}

step "smoke: gocsan test in the container, directory owned by root, image user 10001 mapped to it"
export_rootfs
fresh "$WORK/smoke-root" 0:0
smoke "$WORK/smoke-root" mapped
remove_root "$ROOTFS"

step "smoke: gocsan test in the container, directory owned by uid 1000, --user 1000:1000"
fresh "$WORK/smoke-1000" 1000:1000
smoke "$WORK/smoke-1000" user

step "SMOKE OK in $((SECONDS - START))s"
