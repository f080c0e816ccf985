#!/bin/sh
# tests/e2e/xl_calls.sh — the time, polling, socket, SysV IPC and futex
# calls as i386 libc makes them (tests/prog/xlcalls.c), natively and under
# `persona run`, static and dynamic, one part at a time: same output, same
# exit status. See lib/same.sh.
. tests/e2e/lib/same.sh

for kind in static dynamic; do
	for part in time poll net ipc futex; do
		same "$part calls $kind" -- "$progdir/xlcalls-$kind" "$part"
	done
	# futexes between threads need the personality's thread support: while
	# it cannot start a thread, the program says so and the case is a SKIP
	if [ "$native_i386" = 1 ] &&
	   (cd "$t" && "$persona" run "$progdir/xlcalls-$kind" threads 2>/dev/null) | grep -q '^pthread_create:'; then
		skip "threads calls $kind" "the personality cannot start threads yet"
		skip "threads calls $kind (no ia32 calls)" "the personality cannot start threads yet"
	else
		same "threads calls $kind" -- "$progdir/xlcalls-$kind" threads
	fi
done
