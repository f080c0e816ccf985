#!/bin/sh
# tests/e2e/compare.sh — `persona compare A.img B.img`: the same image twice
# in one paired round (in the i386 lane where 32-bit code runs, else the
# x86-64 lane): the files, their columns, one row per figure with a verdict;
# and bad input refused before anything is measured. Behaviour only, never
# timing: a verdict of one round says nothing about the images.
build=${PERSONA_BUILD:-build}
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
. tests/e2e/lib/tap.sh

p="$build/persona"
img="$build/linux-i386.img"
if [ ! -x "$p" ] || [ ! -s "$img" ] || [ ! -x "$build/bench/lat_batch-64-int80" ]; then
	skip "persona compare" "$p, its image or the benchmark programs are not built"; exit 0
fi

# ---- refused before measuring ----------------------------------------------
"$p" compare "$img" >/dev/null 2>"$t/err"
check "one image is a usage error (exit 2)" "$?" 2
"$p" compare "$img" "$t/none.img" --out "$t/none" >/dev/null 2>"$t/err"
check "a missing image exits 1" "$?" 1
grep -q "none.img: no such image" "$t/err" && ok "and names it" || { bad "and names it"; cat "$t/err"; }
[ ! -e "$t/none" ] && ok "and writes nothing" || bad "and writes nothing"
"$p" compare "$img" "$img" --rounds 0 >/dev/null 2>"$t/err"
check "--rounds 0 is a usage error (exit 2)" "$?" 2
"$p" compare "$img" "$img" --lane arm >/dev/null 2>"$t/err"
check "an unknown --lane is a usage error (exit 2)" "$?" 2
if ! why=$("$p" doctor --need cs32); then
	"$p" compare "$img" "$img" --lane i386 --out "$t/i386" >/dev/null 2>"$t/err"
	rc=$?
	if [ "$rc" = 1 ] && grep -q "persona doctor" "$t/err"; then
		ok "--lane i386 on a host without 32-bit code refuses plainly"
	else
		bad "--lane i386 on a host without 32-bit code refuses plainly"; cat "$t/err"
	fi
fi

# ---- one round ----------------------------------------------------------------
PERSONA_BENCH_IDLE_S=3 "$p" compare "$img" "$img" --rounds 1 --out "$t/run" >"$t/out" 2>"$t/err"
rc=$?
check "persona compare --rounds 1 exits 0" "$rc" 0
[ "$rc" -eq 0 ] || tail -n 20 "$t/err"
for f in compare.md compare.csv; do
	[ -s "$t/run/$f" ] && ok "writes $f" || bad "writes $f"
done
check "compare.csv has its columns" "$(head -n 1 "$t/run/compare.csv")" \
	"bench,path,batch,rounds,a_ticks_median,b_ticks_median,ratio_median,ratio_low,ratio_high,coverage,verdict"
# 7 single benchmarks on 2 (x86-64) or 3 (i386) paths, and 3 batch paths x 3
# operations x 8 sizes
rows=$(tail -n +2 "$t/run/compare.csv" | wc -l | tr -d ' ')
case "$rows" in 86|93) ok "one row per figure ($rows)" ;; *) bad "one row per figure"; echo "  got $rows" ;; esac
check "every row has a verdict" \
	"$(awk -F, 'NR > 1 && $11 !~ /^(faster|within|unresolved|slower|not measured)$/' "$t/run/compare.csv" | wc -l | tr -d ' ')" 0
check "every figure was measured on both images" \
	"$(awk -F, 'NR > 1 && ($5 == "nan" || $6 == "nan")' "$t/run/compare.csv" | wc -l | tr -d ' ')" 0
grep -q "^\*\*B against A, $rows figures:\*\*" "$t/run/compare.md" && ok "compare.md sums the verdicts" ||
	bad "compare.md sums the verdicts"
grep -q "^Host: .*, [0-9]* CPUs online, kernel $(uname -r)\.$" "$t/run/compare.md" && ok "compare.md names the host" ||
	bad "compare.md names the host"
grep -q "persona compare: B against A" "$t/out" && ok "and prints the summary" || bad "and prints the summary"
[ ! -e "$t/run/runs" ] && ok "and leaves no scratch runs beside them" || bad "and leaves no scratch runs beside them"
