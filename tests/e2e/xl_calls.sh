#!/bin/sh
# tests/e2e/xl_calls.sh — the time, polling, socket, SysV IPC and futex
# calls, and futexes between threads, as i386 libc makes them
# (tests/prog/xlcalls.c), natively and under `persona run`, static and
# dynamic, one part at a time: same output, same exit status. See lib/same.sh.
. tests/e2e/lib/same.sh

for kind in static dynamic; do
	for part in time poll net ipc futex threads; do
		same "$part calls $kind" -- "$progdir/xlcalls-$kind" "$part"
	done
done
