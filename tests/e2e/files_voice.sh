#!/bin/sh
# tests/e2e/files_voice.sh — files opened without O_LARGEFILE and ioctl
# requests (tests/prog/filelimits.c), natively and under `persona run`,
# static and dynamic: the same stdout, and the same (empty) stderr — the
# personality says nothing into the program's stderr unless asked. Then
# what asking gives: --log FILE, --log stderr and PERSONA_LOG carry the
# refusals' lines, and --stats counts them. See lib/same.sh.
. tests/e2e/lib/same.sh

for kind in static dynamic; do
	for part in largefile ioctl; do
		same "$part $kind" -- "$progdir/filelimits-$kind" "$part"
	done
done

# has FILE PATTERN NAME: one TAP line
has() {
	if grep -q "$2" "$1"; then ok "$3"; else bad "$3"; sed 's/^/    /' "$1" | head -20; fi
}

prog=$progdir/filelimits-static
if [ "$run32" = 1 ]; then
	mkdir -p "$t/w" && cd "$t/w" || exit 1
	"$persona" run --log "$t/log" "$prog" ioctl >"$t/o" 2>"$t/e"
	has "$t/log" "ioctl request 0xc018587e: .*-ENOTTY" "--log FILE: the refused request"
	has "$t/log" "i386 system call 999 (unknown) not supported" "--log FILE: the unknown number"
	if [ -s "$t/e" ]; then bad "--log FILE: nothing on stderr"; else ok "--log FILE: nothing on stderr"; fi
	"$persona" run --log stderr "$prog" ioctl >"$t/o" 2>"$t/e"
	has "$t/e" "ioctl request 0xc018587e" "--log stderr: the refused request on stderr"
	PERSONA_LOG="$t/envlog" "$persona" run "$prog" ioctl >"$t/o" 2>"$t/e"
	has "$t/envlog" "system call 999" "PERSONA_LOG=FILE"
	"$persona" run --stats "$prog" ioctl >"$t/o" 2>"$t/e"
	has "$t/e" "stats: refused 2 " "--stats counts the refusals without a log"
	if grep -q "ioctl request\|not supported" "$t/e"; then bad "--stats alone logs no refusal"; else ok "--stats alone logs no refusal"; fi
	cd / || exit 1
else
	skip "--log and --stats" "$run32_why"
fi
