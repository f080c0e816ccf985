#!/bin/sh
# tests/e2e/noia32_host.sh — a host whose kernel has no ia32 layer (booted
# with ia32_emulation=0), on any host that runs 32-bit code: the
# differential suites run again with the kernel's ia32 layer denied
# (PERSONA_HOSTCAPS_DENY), so no native i386 run happens. Every --portable
# case runs under persona and under the filter that kills any i386-ABI
# call, and is compared with its native result recorded beside the test
# (tests/e2e/expect/, `make expect`); the others skip, saying why.
# Each TAP line is the suite's own, its name prefixed "no ia32 layer:".
out=$(mktemp); trap 'rm -f "$out"' EXIT
for suite in run_progs signals threads; do
	PERSONA_HOSTCAPS_DENY=ia32-exec,ia32-int80 sh "tests/e2e/$suite.sh" 2>&1 | sed "s/^/$suite /"
done >"$out"
awk '
	{ suite = $1; sub(/^[^ ]* /, "") }
	/^(not )?ok [0-9]+/ {
		n++
		ok = $1 == "ok" ? "ok" : "not ok"
		sub(/^(not )?ok [0-9]+ - /, "")
		print ok " " n " - no ia32 layer: " suite ": " $0
		next
	}
	{ print }' "$out"
