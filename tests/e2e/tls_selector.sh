#!/bin/sh
# tests/e2e/tls_selector.sh — glibc's TLS selector: natively %gs is 0x63
# (GDT entry 12), under persona 0x67 (LDT slot 12), a deliberate difference
# (docs/differences.md: x86-64 has no 32-bit set_thread_area). The entry
# number, get_thread_area's answer for it and the descriptor must agree.
. tests/e2e/lib/same.sh

if ! gcc -m32 -O2 -o "$t/tls_selector" tests/e2e/src/tls_selector.c 2>"$t/cc.err"; then
	skip "TLS selector" "cannot build i386 programs: $(head -1 "$t/cc.err")"; exit 0
fi
check() { if [ "$2" = "$3" ]; then ok "$1"; else bad "$1"; printf '  got:  %s\n  want: %s\n' "$2" "$3"; fi; }
if [ "$native_i386" = 1 ]; then
	check "natively: GDT entry 12" "$("$t/tls_selector" | head -1)" "gs 0x63: GDT entry 12"
else
	skip "natively: GDT entry 12" "$native_why"
fi
need32 "under persona: LDT slot 12" || exit 0
check "under persona: LDT slot 12" "$("$persona" run "$t/tls_selector" | head -1)" "gs 0x67: LDT entry 12"
check "get_thread_area answers for the entry glibc asked for" \
	"$("$persona" run "$t/tls_selector" | sed -n '3,4p' | tr '\n' ' ')" \
	"get_thread_area(12): ok base is the thread pointer: yes "
# everything but the selector line, natively and under persona
cat >"$t/rest.sh" <<IN
"$t/tls_selector" | tail -n +2
IN
chmod +x "$t/rest.sh"
sed -i "1i #!/bin/sh" "$t/rest.sh"
if [ "$native_i386" = 1 ]; then
	check "the rest as natively" "$("$persona" run "$t/rest.sh")" "$("$t/rest.sh")"
fi
if [ "$noia32_works" = 1 ]; then
	check "behind the no-ia32 filter" "$("$noia32" "$persona" run "$t/tls_selector" | sed -n 3p)" \
		"get_thread_area(12): ok"
fi
