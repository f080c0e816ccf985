#!/bin/sh
# tests/e2e/report_compare.sh — `persona report A B` on two result
# directories written here (runs.csv, samples.csv, meta.json; no benchmark
# runs): each figure's ratio with its interval and verdict, the summary
# line, the bare ratio of medians for a run without samples (as the
# published runs before samples.csv), and a broken samples.csv refused by
# name; and a goal line of one run made in rounds, with the goal's figure
# in each round; and the batch routes of both lanes (tables, crossovers,
# goal lines). The samples are made up to give each verdict; nothing is
# timed.
build=${PERSONA_BUILD:-build}
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
. tests/e2e/lib/tap.sh
has() {         # has NAME FILE REGEX
	if grep -Eq -- "$3" "$2"; then ok "$1"; else bad "$1"; echo "  no line matching: $3"; sed 's/^/  | /' "$2"; fi
}

if [ -x "$build/persona" ] && "$build/persona" help 2>/dev/null | grep -q "persona report"; then
	drv="$build/persona"
elif [ -x "$build/bench/persona-bench" ]; then
	drv="$build/bench/persona-bench"
else
	skip "persona report A B" "neither $build/persona nor $build/bench/persona-bench is built"; exit 0
fi

# run DIR: a result directory with the rows "bench path factor" read from
# stdin; each row's 11 repetitions are factor * (base + spread * i), and
# its median is theirs. NOSAMPLES="bench path" leaves that row out of
# samples.csv.
run() {
	mkdir -p "$1"
	printf '{\n  "tsc_hz": "2600000000",\n  "cpu_model": "%s",\n  "kernel": "Linux 6.1"\n}\n' \
		"${CPU:-Test CPU}" >"$1/meta.json"
	echo "bench,path,batch,iterations,reps,ticks_min,ticks_median,ticks_p99,ns_median,ratio_native,loop_overhead,status,reason" >"$1/runs.csv"
	echo "bench,path,batch,rep,ticks" >"$1/samples.csv"
	while read -r bench path base spread factor; do
		awk -v b="$bench" -v p="$path" -v base="$base" -v s="$spread" -v f="$factor" -v skip="$NOSAMPLES" \
		    -v runs="$1/runs.csv" -v samples="$1/samples.csv" 'BEGIN {
			for (i = 0; i < 11; i++) {
				x = sprintf("%.2f", f * (base + s * i))
				if (skip != b " " p)
					printf "%s,%s,1,%d,%s\n", b, p, i + 1, x >> samples
			}
			printf "%s,%s,1,1000000,11,%.2f,%.2f,%.2f,,,0.5,ok,\n", b, p,
				f * base, f * (base + s * 5), f * (base + s * 10) >> runs
		}'
	done
}

run "$t/a" <<EOF
null native 300 1 1
null pers-sysinfo 480 1 1
read native 600 2 1
read pers-sysinfo 100 5 1
stat native 1000 3 1
EOF
NOSAMPLES="stat native" run "$t/b" <<EOF
null native 300 1 1
null pers-sysinfo 480 1 1.10
read native 600 2 0.90
read pers-sysinfo 100 5 1.03
stat native 1000 3 1.05
EOF
printf 'gate,native,1,,,,,,,,,na,no personality gate on this path\n' >>"$t/b/runs.csv"

"$drv" report "$t/a" "$t/b" >"$t/out" 2>"$t/err"
check "persona report A B exits 0" "$?" 0
has "the same samples: ratio 1 and within" "$t/out" \
	'^\| null \| native \| 1 \| 305\.0 \| 1\.00 \| 305\.0 \| 1\.00 \| 1\.000 \[0\.9[0-9]+, 1\.0[0-9]+\] \| within \|$'
has "10% dearer: its interval and slower" "$t/out" \
	'^\| null \| pers-sysinfo \| 1 \| 485\.0 \| 1\.59 \| 533\.5 \| 1\.75 \| 1\.100 \[1\.0[3-9][0-9]*, 1\.1[0-9]+\] \| slower \|$'
has "10% cheaper: faster" "$t/out" \
	'^\| read \| native \| 1 \|.*\| 0\.900 \[0\.8[0-9]+, 0\.9[0-9]+\] \| faster \|$'
has "3% dearer in a wide spread: unresolved" "$t/out" \
	'^\| read \| pers-sysinfo \| 1 \|.*\| 1\.030 \[0\.[0-9]+, 1\.[0-9]+\] \| unresolved \|$'
has "a run without the row's samples: the bare ratio of medians" "$t/out" \
	'^\| stat \| native \| 1 \| 1015\.0 \| 1\.00 \| 1065\.8 \| 1\.00 \| 1\.050 \| no interval \(run has no samples\) \|$'
has "a row that did not run in one: no ratio" "$t/out" '^\| gate \| native \| 1 \| - \| - \| na \| - \| - \| - \|$'
has "each run's host is named" "$t/out" '^- .*/b: Test CPU, Linux 6\.1, TSC 2600000000 Hz, tree unknown$'
if grep -q "different machines" "$t/out"; then bad "one host: no warning about machines"; else ok "one host: no warning about machines"; fi
has "the interval is said to cover within-run noise only" "$t/out" \
	'covers the noise within each run only.*A/A comparison'
has "the summary counts the verdicts and names the slower rows" "$t/out" \
	'^\*\*Summary, second / first:\*\* 1 faster, 1 within 2%, 1 unresolved, 1 slower; 1 without an interval\. Slower: null on pers-sysinfo, batch 1\.$'
if [ -s "$t/a/report.md" ] && grep -q "samples.csv" "$t/a/report.md"; then
	ok "report.md names samples.csv"
else
	bad "report.md names samples.csv"
fi

# A published run from before samples.csv: bare ratios, no verdicts.
old=results/vm-2026-11-29
if [ -f "$old/runs.csv" ]; then
	cp -r "$old" "$t/old"   # persona report rewrites report.md: never in the tree
	cp -r "$old" "$t/old2"
	"$drv" report "$t/old" "$t/old2" >"$t/old.out" 2>/dev/null
	check "an old run against itself exits 0" "$?" 0
	has "an old run: the bare ratio, no interval" "$t/old.out" \
		'^\| null \| native \| 1 \| 230\.1 \| 1\.00 \| 230\.1 \| 1\.00 \| 1\.000 \| no interval \(run has no samples\) \|$'
	has "an old run: no verdicts counted" "$t/old.out" \
		'^\*\*Summary, second / first:\*\* 0 faster, 0 within 2%, 0 unresolved, 0 slower; [0-9]+ without an interval\. Slower: none\.$'
	"$drv" report "$t/old" "$t/a" >"$t/mixed.out" 2>/dev/null
	check "an old run against a new one exits 0" "$?" 0
	has "runs from two machines are said to be so" "$t/mixed.out" \
		'^These runs come from different machines \(CPU or kernel\): a ratio between them measures the host'
	has "old against new: the bare ratio of medians" "$t/mixed.out" \
		'^\| null \| native \| 1 \| 230\.1 \| 1\.00 \| 305\.0 \| 1\.00 \| 1\.326 \| no interval \(run has no samples\) \|$'
	"$drv" report "$t/old" >/dev/null 2>&1
	check "persona report of an old run alone exits 0" "$?" 0
else
	skip "an old run compared" "$old is not in this tree"
fi

# A samples.csv naming a row runs.csv lacks is refused, by file and line.
cp -r "$t/a" "$t/broken"
echo "null,pers-sud,1,1,24000.00" >>"$t/broken/samples.csv"
"$drv" report "$t/broken" "$t/b" >/dev/null 2>"$t/broken.err"
check "a broken samples.csv: exit 1" "$?" 1
has "a broken samples.csv: named with its line" "$t/broken.err" \
	'samples\.csv: line 57: null on pers-sud, batch 1, is not a row of runs\.csv'

# A goal in a run made in rounds: the figure from all repetitions, the same
# figure from each round's alone, and in how many rounds it was met.
# native: 1000 ticks in every round; the lane 1050, 1150, 1020 (11 each).
mkdir -p "$t/rounds"
printf '{\n  "tsc_hz": "2600000000",\n  "rounds": "3"\n}\n' >"$t/rounds/meta.json"
{
	echo "bench,path,batch,iterations,reps,ticks_min,ticks_median,ticks_p99,ns_median,ratio_native,loop_overhead,status,reason"
	echo "null,native,1,1000000,33,1000.00,1000.00,1000.00,,,0.5,ok,"
	echo "null,pers-int80-64-asm,1,1000000,33,1020.00,1050.00,1150.00,,,0.5,ok,"
} >"$t/rounds/runs.csv"
awk 'BEGIN { print "bench,path,batch,rep,ticks"; split("1050 1150 1020", lane, " ")
	for (i = 0; i < 33; i++) printf "null,native,1,%d,1000.00\n", i + 1
	for (i = 0; i < 33; i++) printf "null,pers-int80-64-asm,1,%d,%s.00\n", i + 1, lane[int(i / 11) + 1] }' \
	>"$t/rounds/samples.csv"
"$drv" report "$t/rounds" >/dev/null 2>&1
check "persona report of a run in rounds exits 0" "$?" 0
has "a goal with its figure in each round, and how many met it" "$t/rounds/report.md" \
	'^\| null, \(pers-int80-64-asm − native\) / native: .* \| 0\.050 \(goal <= 0\.10; each round 0\.050 / 0\.150 / 0\.020\) \| met \(met in 2 of 3 rounds\) \|$'
sed -i 's/"rounds": "3"/"rounds": "1"/' "$t/rounds/meta.json"
"$drv" report "$t/rounds" >/dev/null 2>&1
has "a run in one round: the figure alone" "$t/rounds/report.md" \
	'^\| null, \(pers-int80-64-asm − native\) / native: .* \| 0\.050 \(goal <= 0\.10\) \| met \|$'

# The batch routes of both lanes in one run: each operation's table has both
# lanes' columns, a crossover line per lane (named, since there are two),
# and a goal line per lane, operation and route. Per call, at batch b:
# raw io_uring 100; direct 150 in both lanes; the i386 ring 100 + 400 / b
# (cheaper than direct from batch 16 on), the x86-64 ring 104 + 128 / b
# (from batch 4 on; within 10% of raw from batch 32 on).
mkdir -p "$t/lanes"
printf '{\n  "tsc_hz": "2600000000"\n}\n' >"$t/lanes/meta.json"
awk 'BEGIN {
	print "bench,path,batch,iterations,reps,ticks_min,ticks_median,ticks_p99,ns_median,ratio_native,loop_overhead,status,reason"
	split("null write read", ops, " ")
	for (o = 1; o <= 3; o++) for (b = 1; b <= 128; b *= 2) {
		row(ops[o], "uring-raw", b, 100)
		row(ops[o], "pers-batch-direct", b, 150)
		row(ops[o], "pers-int80-64-batch-direct", b, 150)
		row(ops[o], "pers-batch-uring", b, 100 + 400 / b)
		row(ops[o], "pers-int80-64-batch-uring", b, 104 + 128 / b)
	}
}
function row(op, path, b, x) { printf "%s,%s,%d,1000000,11,%.2f,%.2f,%.2f,,,0.5,ok,\n", op, path, b, x, x, x }' \
	>"$t/lanes/runs.csv"
"$drv" report "$t/lanes" >/dev/null 2>&1
check "persona report of both lanes' batch routes exits 0" "$?" 0
has "a batch table with both lanes' routes" "$t/lanes/report.md" \
	'^\| batch \| pers-batch-direct \| pers-batch-uring \| pers-int80-64-batch-direct \| pers-int80-64-batch-uring \| uring-raw \|$'
has "the i386 lane's crossover, named" "$t/lanes/report.md" \
	'^Crossover \(i386 lane\): the ring costs less than direct from batch 16 on\.$'
has "the x86-64 lane's crossover, named" "$t/lanes/report.md" \
	'^Crossover \(x86-64 lane\): the ring costs less than direct from batch 4 on\.$'
has "the x86-64 lane's ring goal line" "$t/lanes/report.md" \
	'^\| batch write per call, pers-int80-64-batch-uring / raw io_uring \(within 10%\) \| best 1\.050 at batch 128; within 10% at: 32, 64, 128 \| met at every batch from 32 \|$'
n_goal=$(grep -c '^| batch [a-z]* per call, pers-\(int80-64-\)\{0,1\}batch-\(direct\|uring\) / raw io_uring' "$t/lanes/report.md")
check "a goal line per lane, operation and route" "$n_goal" 12

