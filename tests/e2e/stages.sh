#!/bin/sh
# tests/e2e/stages.sh — the stage timers of the express lanes (the image
# variant built with them: personality/asm/stages.inc, persona_stages in
# persona_abi.h; the bench paths pers-stages and pers-int80-64-stages).
# Behaviour only, never timing: under the stages image every call the
# benchmark times is timed once, the record carries every stage, the
# registers and flags a program sees are the same as without the timers;
# the default image has no timers and says so (-EOPNOTSUPP, no fields).
. tests/e2e/lib/same.sh

stages_img=$builddir/variants/stages/linux-i386.img
if [ ! -f "$stages_img" ]; then
	skip "stage timers" "the stages image is not built ($stages_img: make bench-variants)"
	echo "1..$n"; exit 0
fi

# field NAME FILE: the value of NAME= in the benchmark's record
field() { tr '\t' '\n' <"$2" | sed -n "s/^$1=//p" | head -n 1; }

# A benchmark under the stages image: one timed call per call of the
# repetitions (reps x iterations: the harness resets the sums before them
# and reads them after), every stage a number.
timed_case() {  # name program
	PERSONA_IMAGE=$stages_img PERSONA_BENCH_REPS=11 PERSONA_BENCH_MIN_MS=1 \
		"$persona" run --reflect=startup "$2" >"$t/rec" 2>"$t/err"
	_rc=$? _calls=$(field stage_calls "$t/rec") _it=$(field iterations "$t/rec") _reps=$(field reps "$t/rec")
	_want=$(( ${_it:-0} * ${_reps:-0} ))
	_nums=ok
	for _f in stage_entry stage_call stage_exit stage_stamp; do
		case "$(field $_f "$t/rec")" in [0-9]*.[0-9][0-9]) ;; *) _nums="$_f missing" ;; esac
	done
	if [ "$_rc" = 0 ] && [ "$_want" -gt 0 ] && [ "${_calls:-0}" = "$_want" ] && [ "$_nums" = ok ]; then
		ok "$1"
	else
		bad "$1"; printf '  exit %s; stage_calls %s, want %s (iterations %s x reps %s); %s\n' \
			"$_rc" "$_calls" "$_want" "$_it" "$_reps" "$_nums"; head -5 "$t/err" | sed 's/^/    /'
	fi
}

# x86-64 code with the i386 ABI: the 64-bit lane (no 32-bit code runs)
timed_case "x86-64 int \$0x80 lane: each timed call counted once, every stage in the record" \
	"$build/bench/lat_null-64-int80"
if need32 "i386 vDSO lane: each timed call counted once" "i386 lane: signals as without the timers" \
	"i386 lane: registers kept under the timers"; then
	timed_case "i386 vDSO lane: each timed call counted once, every stage in the record" \
		"$build/bench/lat_null-i386-vdso"
	# signals on the way (an interrupted read on the fast path among them)
	# do under the timers what they do without them
	"$persona" run --reflect=startup "$progdir/sigtest-static" >"$t/plain" 2>&1
	PERSONA_IMAGE=$stages_img "$persona" run --reflect=startup "$progdir/sigtest-static" >"$t/timed" 2>&1
	if cmp -s "$t/plain" "$t/timed"; then
		ok "i386 lane: signals as without the timers"
	else
		bad "i386 lane: signals as without the timers"; diff "$t/plain" "$t/timed" | head -10
	fi
	PERSONA_IMAGE=$stages_img "$persona" run --reflect=startup "$progdir/regs-static" >"$t/out" 2>"$t/err"
	if [ $? = 0 ] && [ "$(tail -n 1 "$t/out")" = "all registers kept" ]; then
		ok "i386 lane: registers kept under the timers"
	else
		bad "i386 lane: registers kept under the timers"; grep -v ': kept$' "$t/out" "$t/err" | head -10
	fi
fi
PERSONA_IMAGE=$stages_img "$persona" run --reflect=startup "$progdir/regs64" >"$t/out" 2>"$t/err"
if [ $? = 0 ] && [ "$(tail -n 1 "$t/out")" = "all registers kept" ]; then
	ok "x86-64 lane: registers kept under the timers"
else
	bad "x86-64 lane: registers kept under the timers"; grep -v ': kept$' "$t/out" "$t/err" | head -10
fi

# The default image: no timers, no stage fields in the record
PERSONA_BENCH_REPS=11 PERSONA_BENCH_MIN_MS=1 "$persona" run --reflect=startup \
	"$build/bench/lat_null-64-int80" >"$t/rec" 2>"$t/err"
if [ $? = 0 ] && [ -n "$(field ticks_median "$t/rec")" ] && [ -z "$(field stage_calls "$t/rec")" ]; then
	ok "the default image: no stage fields"
else
	bad "the default image: no stage fields"; head -c 300 "$t/rec"; echo
fi
echo "1..$n"
