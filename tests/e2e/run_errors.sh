#!/bin/sh
# tests/e2e/run_errors.sh — `persona run` on bad input: every case ends with
# a non-zero status and exactly one line on stderr that names the problem;
# nothing is run.
build=${PERSONA_BUILD:-build}
persona=$(cd "$build" && pwd)/persona
progdir=$(cd "$build/prog" && pwd)
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
mkdir -p "$t/registry"
export PERSONA_REGISTRY="$t/registry"
n=0
ok()   { n=$((n + 1)); echo "ok $n - $1"; }
bad()  { n=$((n + 1)); echo "not ok $n - $1"; }

# fails NAME STATUS PATTERN -- ARGS...: persona run ARGS exits STATUS with
# one stderr line matching PATTERN (grep -E) and nothing on stdout
fails() {
	_name=$1 _want=$2 _pat=$3; shift 4
	"$persona" run "$@" >"$t/out" 2>"$t/err" </dev/null
	_rc=$?
	_lines=$(wc -l <"$t/err" | tr -d ' ')
	if [ "$_rc" = "$_want" ] && [ "$_lines" = 1 ] && grep -Eq "$_pat" "$t/err" && [ ! -s "$t/out" ]; then
		ok "$_name"
	else
		bad "$_name"
		echo "  status $_rc (want $_want), stderr:"
		sed 's/^/    /' "$t/err" | head -5
	fi
}

hello=$progdir/hello-static
printf 'just text\n' >"$t/text"
chmod 755 "$t/text"
fails "not an ELF file" 126 "text: not an ELF file" -- "$t/text"

head -c 30 "$hello" >"$t/short"; chmod 755 "$t/short"
fails "truncated ELF header" 126 "short: truncated ELF file" -- "$t/short"

head -c 3000 "$hello" >"$t/cut"; chmod 755 "$t/cut"
fails "truncated ELF segments" 126 "cut: truncated ELF file" -- "$t/cut"

# an x86-64 program claiming another machine (e_machine = 183, aarch64)
cp "$progdir/hello64-static" "$t/arm64"
printf '\267\000' | dd of="$t/arm64" bs=1 seek=18 conv=notrunc 2>/dev/null
fails "x86-64 file with a foreign machine" 126 "arm64: unsupported machine: 64-bit aarch64" -- "$t/arm64"

# an i386 ELF for ARM (e_machine = 40)
cp "$hello" "$t/arm32"
printf '\050\000' | dd of="$t/arm32" bs=1 seek=18 conv=notrunc 2>/dev/null
fails "32-bit file with a foreign machine" 126 "arm32: unsupported machine: 32-bit arm" -- "$t/arm32"

# PT_INTERP naming a file that is not there (same length as the real one)
LC_ALL=C sed 's|/lib/ld-linux.so.2|/nonexistent/ld.so|' "$progdir/hello-dynamic" >"$t/nointerp"
chmod 755 "$t/nointerp"
fails "missing interpreter" 127 "nointerp: interpreter /nonexistent/ld.so: not found" -- "$t/nointerp"

fails "missing program" 127 "nosuchfile: .*(not found|No such file)" -- "$t/nosuchfile"
fails "missing program on PATH" 127 "no-such-program-anywhere: not found" -- no-such-program-anywhere
fails "a directory" 126 "is a directory" -- "$t"
cp "$hello" "$t/noexec"; chmod 644 "$t/noexec"
fails "not executable" 126 "noexec: permission denied" -- "$t/noexec"
fails "unknown option" 2 "unknown option '--bogus'" -- --bogus "$hello"

"$persona" run >/dev/null 2>"$t/err"
if [ $? = 2 ] && grep -q usage "$t/err"; then ok "no program: usage"; else bad "no program: usage"; fi

# a personality file that is not one: refused by name
PERSONA_IMAGE=$t/text "$persona" run "$hello" >/dev/null 2>"$t/err"
if [ $? = 126 ] && grep -q "not a personality image\|not an ELF" "$t/err"; then
	ok "a bad image file is refused"
else
	bad "a bad image file is refused"; sed 's/^/    /' "$t/err"
fi
