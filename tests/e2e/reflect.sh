#!/bin/sh
# tests/e2e/reflect.sh — int $0x80 sites reached by reflection, rewritten so
# each traps at most once (tests/prog/int80.c), kept on reflection with
# --no-patch, reflected by a seccomp filter with --seccomp; --stats and
# --trace; and the reflection unit test inside a filter that kills any
# i386-ABI call. See lib/same.sh.
. tests/e2e/lib/same.sh

for kind in static dynamic; do
	same "int \$0x80 sites, registers kept ($kind)" -- "$progdir/int80-$kind" 200
done

# stat VALUE-NAME FILE: a number from the --stats lines
stat() { sed -n "s/.*stats: $1 \([0-9]*\).*/\1/p" "$2" | head -1; }
sites() { sed -n "s/.*sites reflected \([0-9]*\), patched \([0-9]*\).*/\1 \2/p" "$1"; }

# the unit test of reflection (64-bit and 32-bit code, signals) where any
# i386-ABI call would kill it; it skips the 32-bit cases itself where the
# host runs no 32-bit code
if [ "$noia32_works" = 1 ] && [ -x "$build/tests/test_reflect" ]; then
	if CMOCKA_MESSAGE_OUTPUT=TAP "$noia32" "$build/tests/test_reflect" >"$t/out" 2>&1 &&
	   ! grep -q "^not ok [0-9]* -" "$t/out"; then
		ok "reflection unit test with no ia32 calls ($(grep -c '^ok' "$t/out") cases)"
	else
		bad "reflection unit test with no ia32 calls"; tail -20 "$t/out" | sed 's/^/    /'
	fi
elif [ ! -x "$build/tests/test_reflect" ]; then
	skip "reflection unit test with no ia32 calls" "$build/tests/test_reflect is not built"
else
	skip "reflection unit test with no ia32 calls" "cannot install a seccomp filter"
fi

need32 "rewritten sites trap once" "--no-patch keeps reflecting" "--seccomp: reflected by a seccomp filter" \
	"--seccomp: signals" "--trace: one line per call" "--patch=page0" || exit 0

"$persona" run --stats "$progdir/int80-static" 200 >"$t/out" 2>"$t/stats"
patched=$(stat "way patched" "$t/stats")
set -- $(sites "$t/stats")
# 200 loop calls and 3 writes come through rewritten sites; the rewritable
# sites trapped once each, the register-form site stays on reflection
if [ "${patched:-0}" -ge 200 ] && [ "${2:-0}" -ge 2 ] && [ "${1:-0}" -gt "${2:-0}" ]; then
	ok "rewritten sites trap once (way patched $patched; sites $1 reflected, $2 patched)"
else
	bad "rewritten sites trap once"; sed 's/^/    /' "$t/stats"
fi

"$persona" run --stats --no-patch "$progdir/int80-static" 200 >"$t/out" 2>"$t/stats"
patched=$(stat "way patched" "$t/stats")
reflected=$(stat "way reflected" "$t/stats")
if grep -q "403 calls, 0 wrong" "$t/out" && [ "${patched:-1}" -eq 0 ] && [ "${reflected:-0}" -ge 403 ]; then
	ok "--no-patch keeps reflecting (way reflected $reflected)"
else
	bad "--no-patch keeps reflecting"; sed 's/^/    /' "$t/out" "$t/stats"
fi

if [ "$native_i386" = 1 ]; then
	run_in "$t/native" "$t/n" "$progdir/int80-static" 50
	run_in "$t/persona" "$t/p" "$persona" run --seccomp "$progdir/int80-static" 50
	compare "--seccomp: reflected by a seccomp filter" "$t/n" "$t/p" 0
	run_in "$t/native" "$t/n" "$progdir/sigtest-static"
	run_in "$t/persona" "$t/p" "$persona" run --seccomp "$progdir/sigtest-static"
	compare "--seccomp: signals" "$t/n" "$t/p" 0
else
	skip "--seccomp: reflected by a seccomp filter" "nothing to compare with: $native_why"
	skip "--seccomp: signals" "nothing to compare with: $native_why"
fi

"$persona" run --trace "$progdir/int80-static" 1 >"$t/out" 2>"$t/trace"
if grep -q "getpid() = [0-9]" "$t/trace" && grep -q "write(1, 0x[0-9a-f]*, 1) = 1" "$t/trace"; then
	ok "--trace: one line per call with decoded arguments"
else
	bad "--trace: one line per call"; head -20 "$t/trace" | sed 's/^/    /'
fi

min=$(cat /proc/sys/vm/mmap_min_addr 2>/dev/null || echo 4096)
if [ "$min" != 0 ]; then
	if ! "$persona" run --patch=page0 "$progdir/int80-static" 1 >"$t/out" 2>"$t/err" &&
	   grep -q "mmap_min_addr" "$t/err"; then
		ok "--patch=page0 refuses clearly while vm.mmap_min_addr is $min"
	else
		bad "--patch=page0 refuses clearly"; sed 's/^/    /' "$t/err"
	fi
else
	"$persona" run --stats --patch=page0 "$progdir/int80-static" 100 >"$t/out" 2>"$t/stats"
	set -- $(sites "$t/stats")
	if grep -q "203 calls, 0 wrong" "$t/out" && [ "${1:-0}" = "${2:-x}" ]; then
		ok "--patch=page0 rewrites every site ($2 of $1)"
	else
		bad "--patch=page0 rewrites every site"; sed 's/^/    /' "$t/out" "$t/stats"
	fi
fi
