#!/bin/sh
# tests/e2e/reflect_startup.sh — persona run --reflect=startup: Syscall User
# Dispatch guards the program's start-up only; at its first call through the
# vDSO every mov-form int $0x80 site is rewritten ahead, every site that
# trapped but could not be rewritten is made to fault, and SUD is disarmed.
# The programs below must still see exactly what they see natively, also
# behind the filter that kills any call reaching the kernel's ia32 layer
# (the dynamic ones load libgcc_s through ld.so's int $0x80 sites after
# start-up when a thread exits). The stated risk is shown to be real: a
# site whose number comes from a register and that first runs after
# start-up reaches the kernel (the regs program makes such calls).
. tests/e2e/lib/same.sh

# x86-64 code calling with the i386 ABI keeps every register the kernel
# keeps, on the C path and on the asm fast path, flags included, and gets
# fstat64's struct stat64 right (tests/prog/regs64.c): by default (each
# site caught once, then rewritten), under --reflect=startup, under
# --reflect=startup behind the kill filter (no call may reach the kernel's
# ia32 layer), and with the image whose table sends every row it can down
# the asm fast path (bench's table-asm variant: fstat64 by its asm
# converter, alignment checking on and off). No 32-bit code runs: every
# host checks it, before the i386 cases below.
regs64_case() {
	_name=$1; shift
	"$@" "$progdir/regs64" </dev/null >"$t/out" 2>"$t/err"
	_rc=$?
	if [ "$_rc" = 0 ] && [ "$(tail -n 1 "$t/out")" = "all registers kept" ] && ! grep -q CHANGED "$t/out"; then
		ok "$_name"
	else
		bad "$_name"; printf '  got: %s\n' "$_rc"; grep -v ': kept$' "$t/out" "$t/err" | head -10 | sed 's/^/    /'
	fi
}
regs64_case "x86-64 int \$0x80: registers kept" "$persona" run
regs64_case "x86-64 int \$0x80: registers kept (--reflect=startup)" "$persona" run --reflect=startup
if [ "$noia32_works" = 1 ]; then
	regs64_case "x86-64 int \$0x80: registers kept (--reflect=startup, no ia32 calls)" \
		"$noia32" "$persona" run --reflect=startup
else
	skip "x86-64 int \$0x80: registers kept (--reflect=startup, no ia32 calls)" "cannot install a seccomp filter"
fi
asm_img=$builddir/variants/table-asm/linux-i386.img
if [ -f "$asm_img" ]; then
	regs64_case "x86-64 int \$0x80, table-asm image: registers kept, fstat64 by its asm converter" \
		env PERSONA_IMAGE="$asm_img" "$persona" run
	regs64_case "x86-64 int \$0x80, table-asm image: the same (--reflect=startup)" \
		env PERSONA_IMAGE="$asm_img" "$persona" run --reflect=startup
else
	skip "x86-64 int \$0x80, table-asm image" "the variant is not built ($asm_img: make bench-variants)"
fi

# --stats on an x86-64 program: its native exit is not seen, so the counts
# cannot be printed then; the log says so at the start instead of ending in
# silence, and the program runs as it would.
"$persona" run --stats "$progdir/hello64-static" 6 >"$t/out" 2>"$t/err"
rc=$?
if [ "$rc" = 6 ] && [ "$(grep -c 'stats: an x86-64 program: .*printed only if it exits by int \$0x80' "$t/err")" = 1 ] &&
   grep -q 'hello' "$t/out"; then
	ok "--stats on an x86-64 program says when its counts are printed"
else
	bad "--stats on an x86-64 program says when its counts are printed"; printf '  got: %s\n' "$rc"; head -5 "$t/err" | sed 's/^/    /'
fi

need32 "--reflect=startup" || exit 0
PERSONA_RUN_OPTS="$base_run_opts --reflect=startup"
for kind in static dynamic; do
	p=$progdir
	same "startup: hello $kind" --portable -- "$p/hello-$kind"
	same "startup: file I/O $kind" --portable --dir -- "$p/fileio-$kind" .
	same "startup: fork, exec, wait, pipes $kind" --portable -- "$p/procs-$kind" "$p/exitcode-$kind"
	same "startup: threads exit, join, detach $kind" --portable -- "$p/threads-$kind" exit
	same "startup: pthread_cancel $kind" --portable -- "$p/threads-$kind" cancel
	same "startup: signals $kind" -- "$p/sigtest-$kind"
	same "startup: TLS and LDT segments $kind" --portable -- "$p/tls-$kind"
done
PERSONA_RUN_OPTS=$base_run_opts

# What --stats says it did. Where the kernel has no int $0x80 gate nothing
# is armed in the first place, and the line says so.
"$persona" run --stats --reflect=startup "$progdir/hello-dynamic" >/dev/null 2>"$t/stats"
line=$(grep -- "--reflect=startup" "$t/stats")
if "$persona" doctor --need ia32-int80 >/dev/null; then
	case "$line" in
	*"SUD disarmed at the first call through the vDSO; sites rewritten ahead of their first call "[1-9]*)
		ok "--stats: disarmed, sites rewritten ahead" ;;
	*) bad "--stats: disarmed, sites rewritten ahead"; printf '  got: %s\n' "$line" ;;
	esac
else
	# (a host simulated by PERSONA_HOSTCAPS_DENY still has the gate the
	# image probes for itself, and disarms it)
	case "$line" in
	*"nothing to disarm"*|*"SUD disarmed at the first call"*) ok "--stats: nothing to disarm without an ia32 gate" ;;
	*) bad "--stats: nothing to disarm without an ia32 gate"; printf '  got: %s\n' "$line" ;;
	esac
fi

# The risk, made visible: behind the kill filter the regs program's
# register-form sites kill it under --reflect=startup (SIGSYS, 128 + 31),
# never under the default.
if [ "$native_i386" = 1 ] && [ "$noia32_works" = 1 ]; then
	"$noia32" "$persona" run "$progdir/regs-static" >/dev/null 2>&1
	rc_always=$?
	"$noia32" "$persona" run --reflect=startup "$progdir/regs-static" >/dev/null 2>&1
	rc_startup=$?
	if [ "$rc_always" = 0 ] && [ "$rc_startup" = 159 ]; then
		ok "the stated risk: a register-form site after start-up reaches the kernel"
	else
		bad "the stated risk: a register-form site after start-up reaches the kernel"
		printf '  got: always %s, startup %s; want 0, 159\n' "$rc_always" "$rc_startup"
	fi
else
	skip "the stated risk: a register-form site after start-up reaches the kernel" \
		"${native_why:-no seccomp filter here}"
fi

# An x86-64 program's int $0x80 sites (mov $nr, %eax right before) are
# rewritten before it runs, and no filter is installed: behind the kill
# filter its i386-ABI calls must all still be answered by the personality.
lat64=$build/bench/lat_null-64-int80
if [ "$noia32_works" = 1 ] && [ -x "$lat64" ]; then
	out=$(PERSONA_BENCH_REPS=11 "$noia32" "$persona" run --reflect=startup "$lat64" 2>&1)
	rc=$?
	case "$rc $out" in
	"0 "*"status=ok"*"entry=int80"*) ok "x86-64 int \$0x80 sites rewritten before the program runs" ;;
	*) bad "x86-64 int \$0x80 sites rewritten before the program runs"; printf '  got: %s %s\n' "$rc" "$out" ;;
	esac
else
	skip "x86-64 int \$0x80 sites rewritten before the program runs" "no seccomp filter here, or the bench is not built"
fi

# Combinations that cannot work are refused before anything runs.
for other in --seccomp --no-patch --patch=page0; do
	"$persona" run --reflect=startup $other "$progdir/hello-static" >"$t/out" 2>"$t/err"
	rc=$?
	if [ "$rc" = 2 ] && grep -q "cannot go with" "$t/err" && [ ! -s "$t/out" ]; then
		ok "--reflect=startup $other is refused"
	else
		bad "--reflect=startup $other is refused"; printf '  got: %s %s\n' "$rc" "$(cat "$t/err")"
	fi
done
echo "1..$n"
