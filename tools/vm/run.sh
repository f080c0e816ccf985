#!/bin/sh
# tools/vm/run.sh [--timeout S] -- CMD [ARG...] — run CMD in this checkout
# inside a QEMU guest booting a stock Debian kernel, with the host's root
# file system shared read-write over virtio-9p; exit with CMD's status.
#
# CMD's output (stdout and stderr together) arrives on this script's stdout
# through a virtio-serial port as it is written; its exit status comes back
# on a second port. Kernel messages never mix in: the serial console goes to
# build/vm/console.log and the whole kernel log to build/vm/dmesg.log. In the
# guest CMD runs as root with PERSONA_IN_VM=1, PERSONA_VM_ACCEL=kvm|tcg,
# TMPDIR=/tmp on a guest tmpfs, and TEST_TIMEOUT passed through.
#
# Exit status: CMD's; 124 when the guest ran past the timeout (default 3600 s)
# and was killed; 125 when the guest gave no status (it failed to boot or
# crashed: see the console log). QEMU never outlives this script.
#
# Environment: PERSONA_VM_ACCEL=kvm|tcg forces the accelerator (default: KVM
# when /dev/kvm can create a VM, else TCG); PERSONA_VM_MEM (MiB, default
# 2048); PERSONA_VM_CPUS (default: the host's CPU count); PERSONA_VM_CACHE.
# Run tools/vm/deps.sh and tools/vm/prepare.sh first (make check-vm does).
set -e
. "$(dirname "$0")/common.sh"
PYTHON=${PYTHON:-python3}

usage() { echo "usage: tools/vm/run.sh [--timeout SECONDS] -- CMD [ARG...]" >&2; exit 2; }
timeout=3600
while [ $# -gt 0 ]; do
	case "$1" in
	--timeout) [ $# -ge 2 ] || usage; timeout=$2; shift 2 ;;
	--timeout=*) timeout=${1#--timeout=}; shift ;;
	--) shift; break ;;
	*) usage ;;
	esac
done
[ $# -gt 0 ] || usage
case "$timeout" in ''|*[!0-9]*) echo "tools/vm/run.sh: --timeout wants whole seconds, not '$timeout'" >&2; exit 2 ;; esac

if [ -n "$PERSONA_IN_VM" ]; then
	echo "tools/vm/run.sh: already inside a check-vm guest; refusing to nest" >&2
	exit 2
fi
# paths travel on the kernel command line, which splits at blanks and quotes
case "$VM_ROOT$VM_BUILD" in
*[[:space:]\"\']*) echo "tools/vm/run.sh: the checkout's path ($VM_ROOT) must not contain blanks or quotes" >&2; exit 2 ;;
esac
[ -f "$VM_BUILD/kernel.env" ] && [ -f "$VM_BUILD/initramfs.cpio" ] ||
	{ echo "tools/vm/run.sh: no guest prepared; run tools/vm/deps.sh and tools/vm/prepare.sh" >&2; exit 2; }
. "$VM_BUILD/kernel.env"
command -v qemu-system-x86_64 >/dev/null ||
	{ echo "tools/vm/run.sh: qemu-system-x86_64 is missing; run tools/vm/deps.sh" >&2; exit 2; }

accel=${PERSONA_VM_ACCEL:-}
case "$accel" in
kvm|tcg) ;;
'') if why=$("$PYTHON" "$VM_ROOT/tools/vm/kvm_probe.py"); then accel=kvm
	else accel=tcg; echo "tools/vm/run.sh: KVM is not usable ($why): TCG, a slower emulated CPU" >&2; fi ;;
*) echo "tools/vm/run.sh: PERSONA_VM_ACCEL is kvm or tcg, not '$accel'" >&2; exit 2 ;;
esac
if [ "$accel" = kvm ]; then
	accel_opts="-accel kvm -cpu host"
else
	# All vCPUs on one host thread: with a thread each (thread=multi) the
	# guest kernel twice died of an int3 in do_user_addr_fault mid-suite,
	# where it patches its own code while the other vCPU runs it. A bigger
	# translation cache flushes less often.
	# No SMAP: under QEMU 7.2's TCG a stack access of test_reflect's 32-bit
	# code faulted as a supervisor access (error code without the user bit);
	# SMAP refuses those, and the guest kernel took the fault for its own
	# bug and oopsed.
	accel_opts="-accel tcg,thread=single,tb-size=512 -cpu max,-smap"
fi
mem=${PERSONA_VM_MEM:-2048}
cpus=${PERSONA_VM_CPUS:-$(nproc)}

mkdir -p "$VM_BUILD"
rm -f "$VM_BUILD/console.log" "$VM_BUILD/dmesg.log"    # no stale logs from an earlier run
run=$(mktemp -d "$VM_BUILD/run.XXXXXX")
qpid= catpid=
cleanup() {
	[ -n "$qpid" ] && kill "$qpid" 2>/dev/null && wait "$qpid" 2>/dev/null
	# cat ends by itself when QEMU closes the FIFO; not if QEMU never opened it
	[ -n "$catpid" ] && kill "$catpid" 2>/dev/null && wait "$catpid" 2>/dev/null
	[ -f "$run/console.log" ] && mv -f "$run/console.log" "$VM_BUILD/console.log"
	[ -f "$run/dmesg.log" ] && mv -f "$run/dmesg.log" "$VM_BUILD/dmesg.log"
	rm -rf "$run"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# the command, quoted word by word, run from the checkout
quote() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }
{
	echo "cd $(quote "$VM_ROOT") || exit 125"
	[ -n "${TEST_TIMEOUT:-}" ] && echo "export TEST_TIMEOUT=$(quote "$TEST_TIMEOUT")"
	printf 'exec'
	for a in "$@"; do printf ' %s' "$(quote "$a")"; done
	echo
} >"$run/cmd.sh"

# The output port writes into a FIFO that cat copies to this script's stdout
# (sharing its file offset, so a log file written by others too keeps its
# order). Not QEMU's stdio chardev: its stdin, at EOF, would disconnect the
# port and stall the guest's writes.
mkfifo "$run/out"
cat "$run/out" &
catpid=$!
# norandmaps: without ASLR, fork+exec under TCG is about 4x faster (400 runs
# of /bin/true: 4.3 s against 17.6 s).
# panic=-1 with -no-reboot: a guest whose PID 1 dies ends QEMU at once.
append="console=ttyS0 quiet norandmaps panic=-1 persona_guest=$VM_ROOT/tools/vm/guest.sh persona_run=$run persona_accel=$accel"
# shellcheck disable=SC2086
qemu-system-x86_64 -nodefaults -no-user-config -display none -no-reboot \
	-machine pc $accel_opts -smp "$cpus" -m "$mem" \
	-kernel "$vm_kernel" -initrd "$VM_BUILD/initramfs.cpio" -append "$append" \
	-chardev file,id=console,path="$run/console.log" -serial chardev:console \
	-fsdev local,id=hostroot,path=/,security_model=none,multidevs=remap \
	-device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot \
	-device virtio-serial-pci \
	-chardev file,id=out,path="$run/out" -device virtserialport,chardev=out,name=persona.out \
	-chardev file,id=status,path="$run/status" -device virtserialport,chardev=status,name=persona.status \
	</dev/null &
qpid=$!

start=$(date +%s)
timed_out=
while kill -0 "$qpid" 2>/dev/null; do
	if [ $(($(date +%s) - start)) -ge "$timeout" ]; then
		timed_out=1
		kill "$qpid" 2>/dev/null
		break
	fi
	sleep 1
done
set +e
wait "$qpid"
qrc=$?
qpid=
[ -n "$timed_out" ] || { wait "$catpid"; catpid=; }
set -e

if [ -n "$timed_out" ]; then
	echo "tools/vm/run.sh: the guest ran past $timeout s and was killed (see $VM_BUILD/console.log)" >&2
	exit 124
fi
status=$(cat "$run/status" 2>/dev/null || true)
case "$status" in
''|*[!0-9]*)
	echo "tools/vm/run.sh: the guest gave no exit status (QEMU exited $qrc); the kernel's console:" >&2
	tail -n 20 "$run/console.log" 2>/dev/null | sed 's/^/  /' >&2
	echo "  (all of it in $VM_BUILD/console.log)" >&2
	exit 125 ;;
esac
exit "$status"
