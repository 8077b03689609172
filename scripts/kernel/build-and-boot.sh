#!/usr/bin/env bash
# build-and-boot.sh: build a small x86-64 Linux kernel with CONFIG_KCSAN and the
# KCSAN KUnit test from Debian's linux-source-6.12, boot it under QEMU (TCG,
# 2 CPUs), and capture its serial console. The console log and .config are the
# fixtures of gocsan's kernel log parser (testdata/kernel/).
#
# Usage: scripts/kernel/build-and-boot.sh [--no-apt] [--boot-only] [--guest-watch] [--update-fixtures]
#
#   --boot-only     skip installing, unpacking, configuring and building
#                   (reuse the kernel already built in $GOCSAN_KBUILD)
#   --guest-watch   also put a static gocsan into the initramfs: /init runs
#                   "gocsan kernel watch" with --source=ebpf and with
#                   --source=kmsg --backlog inside the KCSAN guest while it
#                   reruns the KCSAN KUnit suite (through KUnit's debugfs),
#                   and writes their output to the second serial port
#                   (out/guest-ttyS1.log)
#
# Environment:
#   GOCSAN_KBUILD   build directory, outside the repository (default /work/kbuild)
#   JOBS            make -j (default 2)
#   BOOT_TIMEOUT    seconds before the QEMU run is killed (default 1200)
#
# Outputs in $GOCSAN_KBUILD/out: console.log (serial console, ttyS0), config,
# times.txt (wall times of each step). The vmlinux with DWARF is at
# $GOCSAN_KBUILD/linux-source-6.12/vmlinux (GOCSAN_VMLINUX for the tests).
#
# Why the choices below (see docs/kernel.md):
#   * ARCH=x86_64, otherwise tinyconfig on x86 yields a 32-bit config.
#   * ACPI: without it SeaBIOS' MP table shows one CPU and every kcsan KUnit
#     case is skipped ("Too few online CPUs").
#   * UNWINDER_ORC instead of tinyconfig's UNWINDER_GUESS: clean stacks.
#   * TCG: KVM on this kind of host (nested PVM) hangs in the decompressor.
#   * FUTEX/EPOLL/EVENTFD etc.: so static Go binaries can run in the guest.
set -euo pipefail

KBUILD=${GOCSAN_KBUILD:-/work/kbuild}
JOBS=${JOBS:-2}
BOOT_TIMEOUT=${BOOT_TIMEOUT:-1200}
REPO=$(cd "$(dirname "$0")/../.." && pwd)
APT=1
UPDATE=0
BUILD=1
GUEST=0
for a in "$@"; do
	case "$a" in
	--no-apt) APT=0 ;;
	--boot-only) APT=0 BUILD=0 ;;
	--guest-watch) GUEST=1 ;;
	--update-fixtures) UPDATE=1 ;;
	*)
		echo "usage: $0 [--no-apt] [--boot-only] [--guest-watch] [--update-fixtures]" >&2
		exit 2
		;;
	esac
done

case "$KBUILD" in
"$REPO" | "$REPO"/*)
	echo "GOCSAN_KBUILD=$KBUILD is inside the repository; choose a directory outside it" >&2
	exit 2
	;;
esac

mkdir -p "$KBUILD/out"
OUT=$KBUILD/out
TIMES=$OUT/times.txt
: >"$TIMES"

# step NAME CMD...: run CMD, append its wall time to times.txt.
step() {
	local name=$1
	shift
	local t0 t1
	t0=$(date +%s)
	echo "== $(date -u +%H:%M:%S) $name"
	"$@"
	t1=$(date +%s)
	echo "$name $((t1 - t0))s" | tee -a "$TIMES"
}

apt_install() {
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y linux-source-6.12 qemu-system-x86 \
		bc flex bison libelf-dev libssl-dev busybox-static cpio xz-utils make dwarves gcc
}

SRC=$KBUILD/linux-source-6.12
untar() {
	if [ -f "$SRC/Makefile" ]; then
		echo "source already unpacked at $SRC"
		return
	fi
	local tarball
	tarball=$(ls /usr/src/linux-source-6.12*.tar.xz | head -n1)
	tar -C "$KBUILD" -xf "$tarball"
}

mkconfig() {
	cd "$SRC"
	make ARCH=x86_64 tinyconfig
	local c=scripts/config
	# Basics, and what a static Go binary needs in the guest.
	$c -e 64BIT -e SMP -e ACPI -e PRINTK -e PRINTK_TIME -e TTY -e SERIAL_8250 \
		-e SERIAL_8250_CONSOLE -e BLK_DEV_INITRD -e RD_GZIP -e DEVTMPFS -e BINFMT_ELF \
		-e BINFMT_SCRIPT -e PROC_FS -e SYSFS -e TMPFS -e SHMEM -e MULTIUSER -e FUTEX \
		-e EPOLL -e SIGNALFD -e TIMERFD -e EVENTFD -e POSIX_TIMERS -e MAGIC_SYSRQ
	# Preemptible: the kcsan test then needs only 2 CPUs (4 with PREEMPT_NONE).
	$c -d PREEMPT_NONE -d PREEMPT_VOLUNTARY -e PREEMPT
	# Replace tinyconfig defaults.
	$c -d CC_OPTIMIZE_FOR_SIZE -e CC_OPTIMIZE_FOR_PERFORMANCE \
		-d KERNEL_XZ -e KERNEL_GZIP -d SLUB_TINY \
		-d UNWINDER_GUESS -d UNWINDER_FRAME_POINTER -e UNWINDER_ORC
	# Debug info for symbolization (DWARF 5, uncompressed), kallsyms, debugfs.
	$c -e DEBUG_KERNEL -d DEBUG_INFO_NONE -d DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT \
		-d DEBUG_INFO_DWARF4 -e DEBUG_INFO_DWARF5 -e DEBUG_INFO -e DEBUG_INFO_COMPRESSED_NONE \
		-d DEBUG_INFO_REDUCED -d DEBUG_INFO_SPLIT -d DEBUG_INFO_BTF \
		-e KALLSYMS -e KALLSYMS_ALL -e DEBUG_FS -e DEBUG_FS_ALLOW_ALL
	# Tracing and BPF (printk:console tracepoint + eBPF collector in a guest).
	$c -e PERF_EVENTS -e FTRACE -e KPROBES -e KPROBE_EVENTS -e UPROBE_EVENTS \
		-e BPF_SYSCALL -e BPF_JIT -e BPF_EVENTS
	# KCSAN with its KUnit suite and boot-time selftest; tunables at defaults.
	$c -e KUNIT -d KUNIT_ALL_TESTS -e KUNIT_DEBUGFS -e KCSAN -e KCSAN_KUNIT_TEST -e KCSAN_SELFTEST
	$c --set-str LOCALVERSION "-kcsan" -d LOCALVERSION_AUTO
	make ARCH=x86_64 olddefconfig
	# Fail now, not after a 15-minute build, if Kconfig dropped something.
	local want
	for want in CONFIG_64BIT CONFIG_SMP CONFIG_ACPI CONFIG_PREEMPT CONFIG_UNWINDER_ORC \
		CONFIG_DEBUG_INFO_DWARF5 CONFIG_KALLSYMS CONFIG_DEBUG_FS CONFIG_BPF_SYSCALL \
		CONFIG_BPF_EVENTS CONFIG_TRACEPOINTS CONFIG_KCSAN CONFIG_KCSAN_KUNIT_TEST \
		CONFIG_KCSAN_SELFTEST CONFIG_SERIAL_8250_CONSOLE CONFIG_BLK_DEV_INITRD; do
		if ! grep -qx "$want=y" .config; then
			echo "config check: $want is not =y after olddefconfig" >&2
			return 1
		fi
	done
	cp .config "$OUT/config"
}

build() {
	cd "$SRC"
	nice -n 15 make ARCH=x86_64 -j"$JOBS" all
}

initramfs() {
	local root=$KBUILD/initramfs
	rm -rf "$root"
	mkdir -p "$root"/{bin,proc,sys,dev,tmp}
	cp /bin/busybox "$root/bin/busybox"
	local applet
	for applet in sh mount cat echo reboot sleep ls kill grep; do
		ln -s busybox "$root/bin/$applet"
	done
	if [ "$GUEST" = 1 ]; then
		# Static, so it runs on busybox alone.
		(cd "$REPO" && CGO_ENABLED=0 go build -o "$root/bin/gocsan" ./cmd/gocsan)
	fi
	# /init: built-in KUnit suites ran before it; it dumps KCSAN's debugfs
	# counters (a fixture for the stats reader) and powers off. -no-reboot
	# turns the reboot into a QEMU exit. With gocsan=1 on the kernel
	# command line (it reaches /init as an environment variable) it first
	# runs gocsan kernel watch while the KCSAN suite runs again.
	cat >"$root/init" <<'EOF'
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t debugfs debugfs /sys/kernel/debug
if [ "$gocsan" = 1 ] && [ -x /bin/gocsan ]; then
	echo "gocsan-init: starting gocsan kernel watch (ebpf; kmsg --backlog)"
	/bin/gocsan kernel watch --source=ebpf --rate-limit=0 --text= --json=/tmp/ebpf.jsonl --quiet 2>/tmp/ebpf.err &
	E=$!
	/bin/gocsan kernel watch --source=kmsg --backlog --rate-limit=0 --text= --json=/tmp/kmsg.jsonl --quiet 2>/tmp/kmsg.err &
	K=$!
	# Rerun the suite only once the BPF program is attached.
	while ! grep -q "reading ebpf" /tmp/ebpf.err 2>/dev/null; do
		kill -0 $E 2>/dev/null || break
		sleep 1
	done
	echo "gocsan-init: rerunning the kcsan KUnit suite"
	echo run > /sys/kernel/debug/kunit/kcsan/run
	echo "gocsan-init: suite done"
	# Let the collectors drain what was just printed.
	sleep 3
	kill -INT $E $K
	wait $E
	wait $K
	echo "gocsan-init: ebpf: $(grep 'lines,' /tmp/ebpf.err)"
	echo "gocsan-init: kmsg: $(grep 'lines,' /tmp/kmsg.err)"
	{
		echo "== ebpf.err"
		cat /tmp/ebpf.err
		echo "== kmsg.err"
		cat /tmp/kmsg.err
		echo "== ebpf.jsonl"
		cat /tmp/ebpf.jsonl
		echo "== kmsg.jsonl"
		cat /tmp/kmsg.jsonl
		echo "== end"
	} >/dev/ttyS1
fi
echo "gocsan-init: begin /sys/kernel/debug/kcsan"
cat /sys/kernel/debug/kcsan
echo "gocsan-init: end /sys/kernel/debug/kcsan"
reboot -f
EOF
	chmod 755 "$root/init"
	(cd "$root" && find . | cpio -o -H newc --quiet | gzip -9) >"$KBUILD/initramfs.cpio.gz"
}

boot() {
	local log=console.log s1=ttyS1.log append="console=ttyS0 nokaslr panic=-1"
	if [ "$GUEST" = 1 ]; then
		log=guest-console.log s1=guest-ttyS1.log append="$append gocsan=1"
	fi
	rm -f "$OUT/$log" "$OUT/$s1"
	local rc=0
	timeout "$BOOT_TIMEOUT" qemu-system-x86_64 -accel tcg -smp 2 -m 1G \
		-kernel "$SRC/arch/x86/boot/bzImage" -initrd "$KBUILD/initramfs.cpio.gz" \
		-append "$append" \
		-nographic -display none -monitor none -no-reboot \
		-serial "file:$OUT/$log" -serial "file:$OUT/$s1" || rc=$?
	if [ "$rc" -ne 0 ]; then
		echo "qemu exited with status $rc (124 = timeout after ${BOOT_TIMEOUT}s)" >&2
		return "$rc"
	fi
	echo "reports: $(grep -c 'BUG: KCSAN:' "$OUT/$log" || true)"
	grep -a '# kcsan: pass' "$OUT/$log" || true
	grep -a 'gocsan-init: [ek]' "$OUT/$log" || true
}

if [ "$APT" = 1 ]; then step apt apt_install; fi
if [ "$BUILD" = 1 ]; then
	step untar untar
	step config mkconfig
	step build build
elif [ ! -f "$SRC/arch/x86/boot/bzImage" ]; then
	echo "--boot-only: no kernel at $SRC/arch/x86/boot/bzImage; run without it first" >&2
	exit 1
fi
step initramfs initramfs
if [ "$GUEST" = 1 ]; then
	step guest-boot boot
else
	step boot boot
fi

if [ "$UPDATE" = 1 ]; then
	mkdir -p "$REPO/testdata/kernel"
	if [ "$GUEST" = 1 ]; then
		cp "$OUT/guest-console.log" "$OUT/guest-ttyS1.log" "$REPO/testdata/kernel/"
		cp "$TIMES" "$REPO/testdata/kernel/guest-times.txt"
	else
		cp "$OUT/console.log" "$OUT/config" "$REPO/testdata/kernel/"
		cp "$TIMES" "$REPO/testdata/kernel/times.txt"
	fi
	echo "fixtures updated in $REPO/testdata/kernel"
fi
echo "done; times:"
cat "$TIMES"
