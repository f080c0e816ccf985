#!/bin/sh
# tests/e2e/bench_quick.sh — a smoke run of `persona bench --quick --only null`
# into a temporary directory: the files exist, runs.csv has the columns and
# one row per path, a path that cannot run carries a reason, and the report
# and `persona report` rebuild work. Behaviour only, never timing.
build=${PERSONA_BUILD:-build}
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
. tests/e2e/lib/tap.sh

# The driver: the persona command once it has `bench`, else the same code
# built on its own.
if [ -x "$build/persona" ] && "$build/persona" help 2>/dev/null | grep -q "persona bench"; then
	drv="$build/persona"
elif [ -x "$build/bench/persona-bench" ]; then
	drv="$build/bench/persona-bench"
else
	skip "bench smoke run" "neither $build/persona bench nor $build/bench/persona-bench is built"; exit 0
fi
if [ ! -x "$build/bench/lat_null-64" ]; then
	skip "bench smoke run" "$build/bench/lat_null-64 is not built"; exit 0
fi

# A stuck path must not stall the test suite.
PERSONA_BENCH_IDLE_S=3 "$drv" bench --quick --only null --out "$t/run" >"$t/out" 2>"$t/err"
check "persona bench exits 0" "$?" 0
for f in runs.csv samples.csv stages.csv meta.json report.md ticks.svg ticks.png ticks.gp; do
	if [ -s "$t/run/$f" ]; then ok "writes $f"; else bad "writes $f"; fi
done

header=$(head -n 1 "$t/run/runs.csv")
missing=""
for c in bench path batch iterations ticks_min ticks_median ticks_p99 ns_median ratio_native \
	 status reason task-clock task-clock_scale cycles; do
	case ",$header," in *",$c,"*) ;; *) missing="$missing $c" ;; esac
done
check "runs.csv has the required columns" "${missing:-none}" none

col() { head -n 1 "$t/run/runs.csv" | tr ',' '\n' | grep -nx "$1" | cut -d: -f1; }
paths=$(awk -F, 'NR > 1 && $1 == "null" { print $2 }' "$t/run/runs.csv" | tr '\n' ' ')
check "one null row per path, in order" "$paths" \
	"native native-ret kernel-int80 kernel-vdso modeswitch modeswitch-i386 pers-sysinfo pers-startup pers-vdso pers-table-c pers-switch-c pers-table-asm pers-int80 pers-int80-64 pers-int80-64-startup pers-int80-64-asm pers-startup-ret pers-int80-64-ret pers-stages pers-int80-64-stages pers-sud pers-seccomp ptrace "

st=$(col status); med=$(col ticks_median); ratio=$(col ratio_native); rs=$(col reason)
native=$(awk -F, -v s="$st" -v m="$med" -v r="$ratio" \
	'NR > 1 && $2 == "native" { print $s, ($m > 0 ? "figure" : "no-figure"), $r }' "$t/run/runs.csv")
check "the native row has a figure and ratio 1" "$native" "ok figure 1.000"

# Every row is ok with a figure, or says why not.
unexplained=$(awk -F, -v s="$st" -v m="$med" -v r="$rs" \
	'NR > 1 && !(($s == "ok" && $m != "") || ($s != "ok" && $r != "")) { print $2 }' "$t/run/runs.csv")
check "every row has a figure or a reason" "${unexplained:-none}" none

# Without a hardware PMU, cycles is "unsupported", never 0.
cy=$(col cycles)
cycles=$(awk -F, -v s="$st" -v c="$cy" 'NR > 1 && $s == "ok" { print ($c == "unsupported" || $c + 0 > 0) ? "sane" : "zero:" $c }' \
	"$t/run/runs.csv" | sort -u | tr '\n' ' ')
check "cycles per call is a count or unsupported" "$cycles" "sane "

if grep -q '^Simple syscall: [0-9.]* microseconds$' "$t/out"; then ok "prints the lmbench line"; else bad "prints the lmbench line"; cat "$t/out"; fi
if grep -q 'null.*on native' "$t/err"; then ok "progress on stderr"; else bad "progress on stderr"; fi
for k in cpu_model kernel tsc_hz git_revision command date; do
	if grep -q "\"$k\": " "$t/run/meta.json"; then ok "meta.json has $k"; else bad "meta.json has $k"; fi
done
for s in "## Goals" "## null" "## Rows that could not run" "Simple syscall"; do
	if grep -q "$s" "$t/run/report.md"; then ok "report.md has $s"; else bad "report.md has $s"; fi
done
# How the image's C code returns, measured against the RETURNS=ret variant,
# in each lane whose two paths ran (build.returns: how the image was built).
returns=$(sed -n 's/^returns=//p' "$build/bench/buildinfo" 2>/dev/null)
for lane in "pers-startup pers-startup-ret the i386 lane" "pers-int80-64-startup pers-int80-64-ret the x86-64 lane"; do
	set -- $lane; lp=$1; lr=$2; shift 2; name="$*"
	if grep -q "^null,$lp,1,.*,ok," "$t/run/runs.csv" && grep -q "^null,$lr,1,.*,ok," "$t/run/runs.csv"; then
		if grep -q "^The image's C code returns by .* (built with RETURNS=$returns); the same image built the other way, per call, in $name ($lp / $lr; below 1 the image as built costs less): null [0-9.]*" "$t/run/report.md"; then
			ok "report.md: how the C code returns, in $name"
		else
			bad "report.md: how the C code returns, in $name"; grep "returns by" "$t/run/report.md"
		fi
	else
		skip "report.md: how the C code returns, in $name" "$lp or $lr did not run here"
	fi
done

# persona report rebuilds from runs.csv alone, and compares two runs.
rm -f "$t/run/report.md" "$t/run/ticks.svg"
"$drv" report "$t/run" 2>"$t/rep.err"
check "persona report exits 0" "$?" 0
if [ -s "$t/run/report.md" ] && [ -s "$t/run/ticks.svg" ]; then ok "report rebuilt"; else bad "report rebuilt"; fi
cp -r "$t/run" "$t/run2"
"$drv" report "$t/run" "$t/run2" >"$t/cmp" 2>/dev/null
if grep -q "| null | native | 1 |" "$t/cmp"; then ok "two runs compared side by side"; else bad "two runs compared side by side"; cat "$t/cmp"; fi

# samples.csv: each measured row's repetitions, as many as runs.csv says.
reps=$(col reps)
counts=$(awk -F, -v s="$st" -v r="$reps" 'NR == FNR { if (FNR > 1) got[$1 "/" $2 "/" $3]++; next }
	FNR > 1 && $s == "ok" { k = $1 "/" $2 "/" $3; if (got[k] != $r) print k ":" got[k] "/" $r }' \
	"$t/run/samples.csv" "$t/run/runs.csv")
check "samples.csv holds every repetition of every measured row" "${counts:-all}" all
# A run against a copy of itself: the same samples, so every figure is
# within (ratio 1 exactly), none faster, slower or unresolved.
measured=$(awk -F, -v s="$st" 'NR > 1 && $s == "ok"' "$t/run/runs.csv" | wc -l | tr -d ' ')
within=$(grep -c '| 1\.000 \[[0-9.]*, [0-9.]*\]\( ([0-9]*%)\)\? | within |$' "$t/cmp")
check "a run against itself: every measured row within, ratio 1" "$within" "$measured"
if grep -q "^\*\*Summary, second / first:\*\* 0 faster, $measured within 2%, 0 unresolved, 0 slower\. Slower: none\.$" "$t/cmp"; then
	ok "a run against itself: the summary"
else
	bad "a run against itself: the summary"; tail -n 2 "$t/cmp"
fi
"$drv" bench --only nosuchbench --out "$t/bad" 2>/dev/null
check "an unknown bench name is refused" "$?" 2

# The threads benchmark: rows only on its two paths, one per thread count
# (batch = threads), and its table in the report.
PERSONA_BENCH_IDLE_S=3 "$drv" bench --quick --only null-mt --out "$t/mt" >/dev/null 2>&1
check "persona bench --only null-mt exits 0" "$?" 0
rows=$(awk -F, 'NR > 1 { print $2 "/" $3 }' "$t/mt/runs.csv" 2>/dev/null | tr '\n' ' ')
check "null-mt: one row per path and thread count" "$rows" \
	"native/1 native/2 native/4 pers-sysinfo/1 pers-sysinfo/2 pers-sysinfo/4 "
if grep -q "null-mt by thread count" "$t/mt/report.md" 2>/dev/null; then ok "report.md has the null-mt table"; else bad "report.md has the null-mt table"; fi

# The batch routes: where both routes were measured for write, report.md
# says in words where the ring starts to win, or why it cannot.
PERSONA_BENCH_IDLE_S=3 "$drv" bench --quick --only batch --paths pers-batch-direct,pers-batch-uring,uring-raw \
	--out "$t/batch" >/dev/null 2>&1
check "persona bench --only batch exits 0" "$?" 0
if grep -q "^write,pers-batch-uring,128,.*,ok," "$t/batch/runs.csv" 2>/dev/null &&
   grep -q "^write,pers-batch-direct,128,.*,ok," "$t/batch/runs.csv"; then
	n_cross=$(grep -c "^Crossover: " "$t/batch/report.md")
	check "report.md: one crossover line per batch operation" "$n_cross" 3
else
	skip "report.md: one crossover line per batch operation" "the batch routes were not both measured here"
fi

# The same in the x86-64 lane (int $0x80 from 64-bit code), which needs no
# 32-bit code: every row names its route whole, and each operation has its
# crossover line and its goal lines against raw io_uring.
PERSONA_BENCH_IDLE_S=3 "$drv" bench --quick --only batch \
	--paths pers-int80-64-batch-direct,pers-int80-64-batch-uring,uring-raw --out "$t/batch64" >/dev/null 2>&1
check "persona bench --only batch, x86-64 lane, exits 0" "$?" 0
if grep -q "^write,pers-int80-64-batch-uring,128,.*,ok," "$t/batch64/runs.csv" 2>/dev/null &&
   grep -q "^write,pers-int80-64-batch-direct,128,.*,ok," "$t/batch64/runs.csv"; then
	n_cross=$(grep -c "^Crossover: " "$t/batch64/report.md")
	check "x86-64 lane: one crossover line per batch operation" "$n_cross" 3
	n_goal=$(grep -c "^| batch [a-z]* per call, pers-int80-64-batch-\(direct\|uring\) / raw io_uring" "$t/batch64/report.md")
	check "x86-64 lane: a goal line per operation and route" "$n_goal" 6
	n_i386=$(grep -c "per call, pers-batch-\|^| batch | pers-batch-" "$t/batch64/report.md")
	check "x86-64 lane alone: no i386 lane columns or goal lines" "$n_i386" 0
else
	skip "x86-64 lane: crossover and goal lines" "the x86-64 lane's batch routes were not both measured here"
fi

# From a checkout at a long path (200 characters and more): every path the
# host can run finds its programs and images, none gets a shortened name.
long="$t/$(printf 'a%.0s' $(seq 1 100))/$(printf 'b%.0s' $(seq 1 100))"
mkdir -p "$long"
cp -r "$build/persona" "$build/linux-i386.img" "$build/bench" "$long/"
[ -d "$build/variants" ] && cp -r "$build/variants" "$long/"
PERSONA_BENCH_IDLE_S=3 "$long/persona" bench --quick --only gate --out "$t/long" >/dev/null 2>"$t/long.err"
check "bench from a ${#long}-character path exits 0" "$?" 0
if grep -q "No such file" "$t/long/runs.csv" 2>/dev/null || ! [ -s "$t/long/runs.csv" ]; then
	bad "bench from a long path finds every program and image"; grep "No such file" "$t/long/runs.csv" | head -5
else
	ok "bench from a long path finds every program and image"
fi
for v in pers-table-c pers-switch-c pers-table-asm; do
	st=$(awk -F, -v p="$v" '$2 == p { print $0 }' "$t/long/runs.csv" | head -1)
	case "$st" in
	*",ok,"*) ok "long path: $v measured" ;;
	*"this host lacks"*) skip "long path: $v measured" "this host cannot run it" ;;
	*) bad "long path: $v measured"; echo "  $st" ;;
	esac
done

# Without --out each run gets a directory of its own: results/HOST-DATE,
# then with a letter, so that no earlier run (a committed one) is written over.
mkdir -p "$t/cwd"
drv_abs=$(cd "$(dirname "$drv")" && pwd)/$(basename "$drv")
for k in 1 2; do
	(cd "$t/cwd" && PERSONA_BENCH_IDLE_S=3 "$drv_abs" bench --quick --only gate --paths modeswitch >/dev/null 2>&1)
done
dirs=$(cd "$t/cwd/results" 2>/dev/null && ls -d * | tr '\n' ' ')
day=$(date -u +%Y-%m-%d)
host=$(hostname)
check "two runs without --out: two directories" "$dirs" "$host-$day $host-${day}b "
