#!/bin/sh
# tests/e2e/tune.sh — `persona tune` end to end, in one short round (in the
# i386 lane where 32-bit code runs, else in the x86-64 lane), with
# its choices written to a file of the test's (--overlay), so the source tree
# and its image stay as they are. Behaviour only: the files, their columns,
# one row per figure and variant, a verdict per figure, an overlay the
# generator accepts, a tuned image built from it; and bad input refused
# before anything is measured or written. Never timing.
build=${PERSONA_BUILD:-build}
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
. tests/e2e/lib/tap.sh

p="$build/persona"
if [ ! -x "$p" ] || [ ! -x "$build/bench/lat_null-i386-vdso" ]; then
	skip "persona tune" "$p or the benchmark programs are not built"; exit 0
fi
# Where no 32-bit code runs, the i386 lane is refused plainly, and tune
# measures in the x86-64 lane (int $0x80 from 64-bit code) by default.
if why=$("$p" doctor --need cs32); then
	lane=i386
else
	lane=x86-64
	"$p" tune --quick --lane i386 --out "$t/none" >/dev/null 2>"$t/none.err"
	rc=$?
	if [ "$rc" = 1 ] && grep -q "persona doctor" "$t/none.err"; then
		ok "persona tune --lane i386 on a host without 32-bit code refuses plainly"
	else
		bad "persona tune --lane i386 on a host without 32-bit code refuses plainly"; cat "$t/none.err"
	fi
fi
"$p" tune --lane arm --out "$t/arm" >/dev/null 2>"$t/arm.err"
check "an unknown --lane is a usage error (exit 2)" "$?" 2
tree_overlay=personality/linux-i386.tune
image_state() { cat "$tree_overlay" 2>/dev/null; stat -c '%s %Y' "$build/linux-i386.img" 2>/dev/null; cksum <"$build/linux-i386.img"; }
before=$(image_state)

# ---- refused before measuring ----------------------------------------------
"$p" tune --rounds 0 --out "$t/r0" >"$t/out" 2>"$t/err"
check "--rounds 0 is a usage error (exit 2)" "$?" 2
grep -q "rounds takes 1 to" "$t/err" && ok "and says the range" || bad "and says the range"

printf 'read 10\nwrite lots\n' >"$t/bad.mix"
"$p" tune --workload "$t/bad.mix" --overlay "$t/x.tune" --out "$t/bad" >"$t/out" 2>"$t/err"
check "a malformed workload exits 1" "$?" 1
grep -q "bad.mix:2: expected 'name count'" "$t/err" && ok "and names the file and line" ||
	{ bad "and names the file and line"; cat "$t/err"; }
[ ! -e "$t/x.tune" ] && ok "and writes no overlay" || bad "and writes no overlay"

"$p" tune --workload "$t/none.mix" --overlay "$t/x.tune" --out "$t/none" >"$t/out" 2>"$t/err"
check "a missing workload exits 1" "$?" 1
grep -q "none.mix: No such file" "$t/err" && ok "and says so" || bad "and says so"

"$p" tune --overlay "$t/no/such/dir/x.tune" --out "$t/nodir" >"$t/out" 2>"$t/err"
check "an overlay that cannot be written exits 1 at once" "$?" 1
grep -q "cannot write the overlay" "$t/err" && ok "and says why" || bad "and says why"

# ---- one round, a recorded mix ----------------------------------------------
printf '# a small mix\ngetppid 50\nread 400\nwrite 300\nopen 20\nclose 20\nfstat64 5\n' >"$t/mix"
"$p" tune --quick --rounds 1 --workload "$t/mix" --overlay "$t/linux-i386.tune" --out "$t/run" \
	>"$t/out" 2>"$t/err"
rc=$?
check "persona tune --quick --rounds 1 exits 0" "$rc" 0
[ "$rc" -eq 0 ] || tail -n 20 "$t/err"

for f in tune.csv tune.md switch.tune asm.tune; do
	[ -s "$t/run/$f" ] && ok "writes $f" || bad "writes $f"
done
header=$(head -n 1 "$t/run/tune.csv")
missing=""
for c in bench variant ticks_median path batch ratio_median ratio_low ratio_high verdict; do
	case ",$header," in *",$c,"*) ;; *) missing="$missing $c" ;; esac
done
check "tune.csv has the columns" "${missing:-none}" none
check "variant is untuned or tuned" \
	"$(tail -n +2 "$t/run/tune.csv" | cut -d, -f2 | sort -u | tr '\n' ' ')" "tuned untuned "
# 7 single benchmarks and 3 batch paths (the table's route, direct, ring) x 3
# operations x 8 sizes, each twice
check "one row per figure and variant" "$(tail -n +2 "$t/run/tune.csv" | wc -l | tr -d ' ')" 158
check "every tuned row has a verdict" \
	"$(awk -F, 'NR > 1 && $2 == "tuned" && $11 !~ /^(faster|within|unresolved|slower)$/' "$t/run/tune.csv" | wc -l | tr -d ' ')" 0
check "every figure was measured" \
	"$(awk -F, 'NR > 1 && ($5 == "" || $5 == "nan")' "$t/run/tune.csv" | wc -l | tr -d ' ')" 0
for h in "## Dispatch" "## Fast path" "## Batch route" "## Untuned against tuned" "**Null call:**" \
	 "Call mix: $t/mix" "the $lane lane" "CPUs online, kernel $(uname -r)."; do
	grep -qF "$h" "$t/run/tune.md" && ok "tune.md: $h" || bad "tune.md: $h"
done

# The overlay: a dispatch line and one setting per decided row, which the
# generator takes; the tuned image was built from it.
grep -Eq '^dispatch=(table|switch)$' "$t/linux-i386.tune" && ok "the overlay names the dispatch" ||
	bad "the overlay names the dispatch"
grep -Eq '^write route=(direct|ring thr=[0-9]+)$' "$t/linux-i386.tune" && ok "the overlay routes write" ||
	bad "the overlay routes write"
mkdir "$t/gen"
if python3 tools/gentbl.py personality/linux-i386.tbl "$t/gen" "$t/linux-i386.tune" >"$t/gen.out" 2>&1; then
	ok "the generator accepts the overlay"
else
	bad "the generator accepts the overlay"; cat "$t/gen.out"
fi
[ -s build/tune/build-tuned/linux-i386.img ] && ok "the tuned image is built beside the variants" ||
	bad "the tuned image is built beside the variants"
after=$(image_state)
check "the tree's overlay and image are untouched" "$after" "$before"
echo "1..$n"
