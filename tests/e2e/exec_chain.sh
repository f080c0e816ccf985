#!/bin/sh
# tests/e2e/exec_chain.sh — an i386 program under persona starts a 64-bit
# program (system() with the 64-bit /bin/sh), which starts an i386 probe:
# the probe must run under the personality too (persona run's private
# binfmt_misc entry), also behind the filter that kills any i386-ABI call,
# where the kernel's ia32 layer would be fatal. Natively the probe runs on
# the kernel. --descendants=native shows what the mechanism prevents.
. tests/e2e/lib/same.sh

c=$t/chain
mkdir -p "$c"
for p in probe_personality run_system; do
	if ! gcc -m32 -static -O2 -I. -o "$c/$p" "tests/e2e/src/$p.c" 2>"$t/cc.err"; then
		skip "exec chains" "cannot build i386 programs: $(head -1 "$t/cc.err")"; exit 0
	fi
done
check() { if [ "$2" = "$3" ]; then ok "$1"; else bad "$1"; printf '  got:  %s\n  want: %s\n' "$2" "$3"; fi; }
# the probe's first line, and the status of the whole chain
chain() { _out=$("$@" 2>"$t/err"); echo "$(echo "$_out" | head -1) $?"; }

probe=$c/probe_personality
sys=$c/run_system
if [ "$native_i386" = 1 ]; then
	check "natively: the probe runs on the kernel" "$(chain "$sys" "$probe")" "kernel 0"
else
	skip "natively: the probe runs on the kernel" "$native_why"
fi
need32 "i386 -> 64-bit sh -> i386" || exit 0
if ! "$persona" run --descendants=private "$progdir/hello-static" >/dev/null 2>"$t/why"; then
	skip "i386 -> 64-bit sh -> i386" "$(cat "$t/why")"
	exit 0
fi

check "i386 -> 64-bit sh -> i386 runs under the personality" \
	"$(chain "$persona" run "$sys" "$probe")" "personality 0"
check "argv through the shell" "$("$persona" run "$sys" "$probe one 'two three'" | tr '\n' ' ')" \
	"personality argv[0]=$probe argv[1]=one argv[2]=two three "
check "i386 -> sh -> i386 -> sh -> i386" \
	"$(chain "$persona" run "$sys" "$sys '$sys $probe'")" "personality 0"
check "persona run SCRIPT (#!/bin/sh) -> i386" \
	"$(printf '#!/bin/sh\nexec %s\n' "$probe" >"$c/s" && chmod +x "$c/s" && chain "$persona" run "$c/s")" \
	"personality 0"
if [ "$noia32_works" = 1 ]; then
	check "the chain behind the no-ia32 filter" \
		"$(chain "$noia32" "$persona" run "$sys" "$probe")" "personality 0"
	check "the deeper chain behind the no-ia32 filter" \
		"$(chain "$noia32" "$persona" run "$sys" "$sys '$sys $probe'")" "personality 0"
	# without the private entry the kernel's ia32 layer runs the probe, and
	# the filter kills it: SIGSYS (31), as 128 + 31 from run_system
	check "--descendants=native: the filter kills the probe" \
		"$(chain "$noia32" "$persona" run --descendants=native "$sys" "$probe")" " 159"
else
	skip "the chain behind the no-ia32 filter" "cannot install a seccomp filter"
fi
if [ "$native_i386" = 1 ]; then
	check "--descendants=native: the kernel runs the probe" \
		"$(chain "$persona" run --descendants=native "$sys" "$probe")" "kernel 0"
fi

# what the namespace must not change: ids, who owns files, capabilities
ids='echo "$(id -u) $(id -g) $(stat -c "%u %g" / /etc/passwd | tr "\n" " ")$(grep CapEff /proc/self/status)"'
check "ids, file owners and capabilities seen by a 64-bit descendant" \
	"$("$persona" run "$sys" "$ids")" "$(sh -c "$ids")"
