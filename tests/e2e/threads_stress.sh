#!/bin/sh
# tests/e2e/threads_stress.sh — 64 i386 threads making 10,000 getppid calls
# each through the vDSO entry and 10,000 through int $0x80, all at once
# (tests/prog/stress.c): natively, under `persona run` and under the filter
# that kills ia32 calls, the same output (every call counted once);
# persona's --stats counts exactly the program's calls; no deadlock (each
# run is bounded); and the personality's wall time is within twice the
# native one, best of 3 runs each (the ratio is in the TAP line).
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

if [ "$native_i386" = 0 ]; then
	skip "stress: --stats counts every call" "the kernel runs no i386 programs here"
	skip "stress: wall time within 2x native" "the kernel runs no i386 programs here"
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
if [ -z "$native" ] || [ -z "$pers" ]; then
	bad "stress: wall time within 2x native (a run failed or hung)"
elif [ $((pers * 100)) -le $((native * 200)) ]; then
	ok "stress: wall time within 2x native (persona ${pers}us, native ${native}us, ratio $(awk "BEGIN { printf \"%.2f\", $pers / $native }"))"
else
	bad "stress: wall time within 2x native (persona ${pers}us, native ${native}us, ratio $(awk "BEGIN { printf \"%.2f\", $pers / $native }"))"
fi
