#!/bin/sh
# tests/e2e/threads.sh — i386 pthread programs (tests/prog/threads.c, built
# with -pthread), static and dynamic, natively and under `persona run`:
# same output, same exit status. See lib/same.sh.
. tests/e2e/lib/same.sh

for kind in static dynamic; do
	p=$progdir/threads-$kind
	same "threads: 8 x 2000 mutex, condition variable $kind" -- "$p" mutex 8 2000
	same "threads: pthread_kill, tgkill $kind" -- "$p" kill
	same "threads: process signal to the one unblocking thread $kind" -- "$p" procsig
	same "threads: pthread_cancel in cond_wait, sleep, read $kind" -- "$p" cancel
	same "threads: exit values, join, detached, main exits first $kind" -- "$p" exit
	same "threads: fork from a thread $kind" -- "$p" fork
	same "threads: 16 threads in system calls at once $kind" -- "$p" syscalls 16 300
	same "threads: exit from a thread ends the process $kind" -- "$p" exitgroup
	same "threads: robust mutex of an exited owner, PI mutex $kind" -- "$p" mutexes
	same "threads: %gs reloaded in threads keeps their TLS $kind" -- "$p" tls
	same "threads: FUTEX_WAKE_OP wakes a FUTEX_WAIT_BITSET waiter $kind" -- "$p" futexops
done
