#!/bin/sh
# tests/run.sh BUILD [NAME...] — run every test program and script, count the
# test cases, end with one line "N passed, N failed, N skipped".
#
# Every test speaks TAP: "ok N - name", "not ok N - name", and a skip is an
# "ok" line carrying "# SKIP reason" (cmocka does this with
# CMOCKA_MESSAGE_OUTPUT=TAP). A program that exits non-zero without printing
# a "not ok" line (a crash) counts as one failure; exit 77 with no lines is
# one skip. Names on the command line run only tests whose file names contain them.
build=${1:-build}; shift 2>/dev/null || true
export CMOCKA_MESSAGE_OUTPUT=TAP PERSONA_BUILD="$build"
pass=0 fail=0 skip=0
log="$build/tests/last-run.log"
mkdir -p "$build/tests"; : > "$log"

wanted() {
	[ $# -eq 1 ] && return 0
	t=$1; shift
	for n in "$@"; do case "$t" in *"$n"*) return 0 ;; esac; done
	return 1
}

for t in "$build"/tests/test_* tests/e2e/*.sh; do
	[ -f "$t" ] || continue
	case "$t" in *.sh) [ -r "$t" ] || continue ;; *) [ -x "$t" ] || continue ;; esac
	wanted "$t" "$@" || continue
	out="$build/tests/$(basename "$t").out"
	# a hung test fails (after TEST_TIMEOUT seconds) instead of stalling the run
	case "$t" in *.sh) timeout "${TEST_TIMEOUT:-600}" sh "$t" >"$out" 2>&1 ;;
	*) timeout "${TEST_TIMEOUT:-600}" "$t" >"$out" 2>&1 ;; esac
	rc=$?
	[ "$rc" -eq 124 ] && echo "not ok - $t timed out after ${TEST_TIMEOUT:-600} s" >>"$out"
	p=$(grep -Eci '^ok [0-9]+' "$out" | tr -d ' ')
	s=$(grep -Ei '^ok [0-9]+' "$out" | grep -ci '# *skip' | tr -d ' ')
	f=$(grep -Ei '^not ok [0-9]+' "$out" | grep -vci '# *skip' | tr -d ' ')
	p=$((p - s))
	# cmocka prints a skipped test as "not ok N # SKIP"
	s=$((s + $(grep -Ei '^not ok [0-9]+' "$out" | grep -ci '# *skip')))
	if [ "$rc" -eq 77 ] && [ $((p + f + s)) -eq 0 ]; then s=1
	elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; echo "not ok - $t exited $rc" >>"$out"
	fi
	pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + s))
	printf '%-40s %4d passed %4d failed %4d skipped\n' "$(basename "$t")" "$p" "$f" "$s"
	# each failure with the first lines of what the test said about it, so a
	# log from a machine of the other kind is enough to start from
	awk 'tolower($0) ~ /^not ok/ && tolower($0) !~ /# *skip/ { print; said = 0; why = 1; next }
	     why && /^[ \t#]/ { if (said++ < 12) print; next }
	     { why = 0 }
	     tolower($0) ~ /# *skip/ { print }' "$out" | sed 's/^/    /' | head -60
	cat "$out" >>"$log"
done
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
