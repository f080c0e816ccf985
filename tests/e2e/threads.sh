#!/bin/sh
# tests/e2e/threads.sh — i386 pthread programs (tests/prog/threads.c, built
# with -pthread), static and dynamic, natively and under `persona run`:
# same output, same exit status. See lib/same.sh.
. tests/e2e/lib/same.sh

for kind in static dynamic; do
	p=$progdir/threads-$kind
	same "threads: 8 x 2000 mutex, condition variable $kind" --portable -- "$p" mutex 8 2000
	same "threads: pthread_kill, tgkill $kind" --portable -- "$p" kill
	same "threads: process signal to the one unblocking thread $kind" --portable -- "$p" procsig
	same "threads: pthread_cancel in cond_wait, sleep, read $kind" --portable -- "$p" cancel
	same "threads: exit values, join, detached, main exits first $kind" --portable -- "$p" exit
	same "threads: fork from a thread $kind" --portable -- "$p" fork
	same "threads: 16 threads in system calls at once $kind" --portable -- "$p" syscalls 16 300
	same "threads: exit from a thread ends the process $kind" --portable -- "$p" exitgroup
	same "threads: robust mutex of an exited owner, PI mutex $kind" --portable -- "$p" mutexes
	same "threads: %gs reloaded in threads keeps their TLS $kind" --portable -- "$p" tls
	same "threads: FUTEX_WAKE_OP wakes a FUTEX_WAIT_BITSET waiter $kind" --portable -- "$p" futexops
done
