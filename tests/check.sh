#!/bin/sh
# tests/check.sh BUILD — what `make check` runs.
#
# Where this host runs 32-bit code (persona doctor's cs32), the whole suite
# runs here (tests/run.sh). Where it runs none (a PVM guest, say), nearly
# every case would be a SKIP, so the suite runs in a VM instead — a stock
# Debian kernel under QEMU (tools/vm/, what `make check-vm` runs) — and
# this says so in one line. Should the VM itself be unobtainable (its
# packages cannot be installed, or the guest does not boot or its kernel
# stops before the suite's end), the suite runs
# here after all, every case that needs 32-bit code a SKIP with its
# reason, and that is said too.
build=${1:-build}
if [ -n "$PERSONA_IN_VM" ] || why=$("$build/persona" doctor --need cs32); then
	exec sh tests/run.sh "$build"
fi
echo "persona: this host runs no 32-bit code ($why): make check runs the suite in a VM (make check-vm)"
if sh tools/vm/deps.sh && sh tools/vm/prepare.sh; then
	sh tools/vm/run.sh -- sh tests/run.sh "$build"
	rc=$?
	# 125: the guest gave no status (it did not boot, or its kernel
	# stopped on the way); anything else is the suite's
	[ "$rc" -ne 125 ] && exit "$rc"
	echo "persona: the VM gave no exit status: it did not boot, or its kernel stopped (see $build/vm/console.log)"
fi
echo "persona: no VM to run the suite in: running it here, where every case that needs 32-bit code is a SKIP"
exec sh tests/run.sh "$build"
