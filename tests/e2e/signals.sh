#!/bin/sh
# tests/e2e/signals.sh — i386 signals, natively and under `persona run`
# (and under it inside a filter that kills any i386-ABI call): handlers with
# siginfo and ucontext, sigqueue values, SA_RESETHAND/SA_NODEFER/SA_RESTART,
# masks, sigsuspend, sigtimedwait, sigaltstack, faults with siglongjmp and
# with a handler that moves eip, FPU state across handlers, EINTR, SIGCHLD,
# signalfd, and the sigcontext of each CPU fault (trapno, err, cr2 for #UD,
# #BP, #PF, #GP, #DE) (tests/prog/sigtest.c); then traps and kills in
# busybox sh.
# See lib/same.sh.
. tests/e2e/lib/same.sh

for kind in static dynamic; do
	same "signals $kind (tests/prog/sigtest.c)" --portable -- "$progdir/sigtest-$kind"
	same "CPU faults: trapno, err, cr2 $kind" --portable -- "$progdir/sigtest-$kind" traps
done

bb=$(dpkg -L busybox-static 2>/dev/null | grep '/bin/busybox$' | head -1)
if [ -z "$bb" ] || [ ! -x "$bb" ] || ! od -An -tx1 -j4 -N1 "$bb" | grep -q 01; then
	skip "busybox sh signals" "the i386 busybox-static is not installed (tools/deps.sh installs it)"
	exit 0
fi
same "sh: trap a signal sent to itself" --portable -- "$bb" sh -c 'trap "echo caught USR1" USR1; kill -USR1 $$; echo after'
same "sh: killed by SIGTERM (native status)" --portable -- "$bb" sh -c 'kill -TERM $$; echo not reached'
same "sh: trap while waiting for a child" --portable -- "$bb" sh -c \
	'trap "echo got ALRM" ALRM; (sleep 0.1; kill -ALRM $$) & wait; echo done'
same "sh: trap EXIT and INT" --portable -- "$bb" sh -c 'trap "echo bye" EXIT; trap "echo int; exit 3" INT; kill -INT $$; echo no'
same "timeout kills its child" --portable -- "$bb" timeout -s TERM 1 "$bb" sleep 5
same "kill -0 and kill -l" --portable -- "$bb" sh -c 'kill -0 $$ && echo alive; kill -l 15'
