#!/bin/sh
# tests/e2e/vdso.sh — the clocks of the personality's i386 vDSO
# (personality/vdso/vclock.asm, personality/c/rt/vclock.c), through
# tests/prog/vclock.c, static and dynamic, natively and under `persona run`
# (see lib/same.sh): the same functions exported under the same version,
# every clock between two system calls, CLOCK_MONOTONIC never decreasing
# over a million reads and many re-anchors (also across four threads),
# clock_getres and bad clock ids as the kernel answers them. Then that the reads stay in 32-bit code:
# under --stats, a million more vDSO reads add fewer than 1% as many gate
# calls (the re-anchors).
. tests/e2e/lib/same.sh

for kind in static dynamic; do
	for part in symbols order monotonic getres errors threads; do
		same "vdso $part $kind" -- "$progdir/vclock-$kind" "$part"
	done
done

# gate calls (clock_gettime64 through the gate, all ways) for N reads
gate_calls() {
	(cd "$t" && "$persona" run --stats "$progdir/vclock-static" count "$1" 2>&1 >/dev/null) |
		awk '$3 == "403" && $4 == "clock_gettime64" { print $5 }' | tail -n 1
}
if [ "$run32" = 0 ]; then
	need32 "vdso reads stay in 32-bit code" || true
elif ! grep -m1 '^flags' /proc/cpuinfo | grep -qw constant_tsc ||
   ! grep -m1 '^flags' /proc/cpuinfo | grep -qw nonstop_tsc; then
	skip "vdso reads stay in 32-bit code" "no constant, non-stop TSC: every read takes the gate here"
else
	one=$(gate_calls 1000000); two=$(gate_calls 2000000)
	if [ -n "$one" ] && [ -n "$two" ] && [ $((two - one)) -lt 10000 ]; then
		ok "vdso reads stay in 32-bit code"
	else
		bad "vdso reads stay in 32-bit code"
		echo "  gate calls for 1e6 reads: ${one:-none}, for 2e6 reads: ${two:-none}"
	fi
fi
