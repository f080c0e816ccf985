#!/bin/sh
# tests/e2e/threads_stress.sh — 64 i386 threads making 10,000 getppid calls
# each through the vDSO entry and 10,000 through int $0x80, all at once
# (tests/prog/stress.c): natively, under `persona run` and under the filter
# that kills ia32 calls, the same output (every call counted once);
# persona's --stats counts exactly the program's calls; no deadlock (each
# run is bounded); and three more runs each way end (their best wall times
# go into a comment: a test checks behaviour, never timing).
. tests/e2e/lib/same.sh

threads=64 calls=10000
prog=$progdir/stress-static
same "stress: $threads threads x $calls calls, vDSO and int \$0x80" -- "$prog" $threads $calls

now_ns() { date +%s%N; }
# best_of3 OUT COMMAND...: the least wall time of 3 runs, in microseconds,
# into OUT; empty when a run failed
best_of3() {
	_out=$1; shift
	_best=
	for _i in 1 2 3; do
		_a=$(now_ns)
		timeout 60 "$@" >/dev/null 2>&1 || { eval "$_out="; return; }
		_us=$(( ($(now_ns) - _a) / 1000 ))
		if [ -z "$_best" ] || [ "$_us" -lt "$_best" ]; then _best=$_us; fi
	done
	eval "$_out=$_best"
}

need32 "stress: --stats counts every call" "stress: runs to the end natively and under persona" || exit 0
if [ "$native_i386" = 0 ]; then
	skip "stress: --stats counts every call" "nothing to compare with: $native_why"
	skip "stress: runs to the end natively and under persona" "nothing to compare with: $native_why"
	exit 0
fi

# the count: the threads' calls and main's one getppid, nothing lost or doubled
want=$((threads * calls * 2 + 1))
(cd "$t" && timeout 60 "$persona" run --stats --log "$t/stats.log" "$prog" $threads $calls) >/dev/null 2>&1
got=$(sed -n 's/.* getppid \([0-9][0-9]*\)$/\1/p' "$t/stats.log" | head -1)
if [ "$got" = "$want" ]; then
	ok "stress: --stats counts every call ($got getppid)"
else
	bad "stress: --stats counts every call (getppid $got, want $want)"
fi

best_of3 native "$prog" $threads $calls
best_of3 pers "$persona" run "$prog" $threads $calls
# tests check behaviour, not timing: both runs must end; the times are a
# note for whoever reads the log, never a verdict
if [ -z "$native" ] || [ -z "$pers" ]; then
	bad "stress: runs to the end natively and under persona (a run failed or hung)"
else
	ok "stress: runs to the end natively and under persona"
	echo "# wall time: persona ${pers}us, native ${native}us"
fi
