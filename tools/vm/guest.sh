#!/bin/sh
# tools/vm/guest.sh — PID 1 of the check-vm guest after switch_root, running
# in the host's root file system (shared over 9p) with the guest's own
# /proc, /sys, /dev and /tmp.
#
# Runs "$persona_run/cmd.sh" (written by tools/vm/run.sh: cd into the
# checkout, exec the command) in a session of its own, its output on the
# virtio-serial port persona.out, then writes its exit status to the port
# persona.status and powers the machine off. Kernel messages go to the
# serial console, which the host logs to a file; this script's own
# complaints go there too.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TMPDIR=/tmp LC_ALL=C.UTF-8
export PERSONA_IN_VM=1 PERSONA_VM_ACCEL="$persona_accel"
unset persona_accel persona_guest

poweroff_now() {
	sync
	# an ACPI power-off through sysrq needs no init system; should it not
	# take, PID 1 exiting panics the kernel, and the host's -no-reboot ends QEMU
	echo o >/proc/sysrq-trigger
	sleep 30
	exit 1
}

# the virtio-serial port the host named $1
port() {
	for p in /sys/class/virtio-ports/*; do
		[ "$(cat "$p/name" 2>/dev/null)" = "$1" ] && { echo "/dev/${p##*/}"; return 0; }
	done
	return 1
}
out=$(port persona.out) && status=$(port persona.status) || {
	echo "persona-vm guest: the virtio-serial ports are missing" >/dev/console
	poweroff_now
}

run=$persona_run
unset persona_run
setsid sh "$run/cmd.sh" </dev/null >"$out" 2>&1 &
wait $!
rc=$?
echo "$rc" >"$status"
# The whole kernel log, for the host's log file (the console had only the
# quiet part).
dmesg >"$run/dmesg.log" 2>/dev/null
poweroff_now
