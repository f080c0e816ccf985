#!/bin/sh
# tests/e2e/scripts.sh — `#!` scripts, natively and under persona: persona
# run SCRIPT and an i386 program's execve of one follow the interpreter
# line as the kernel does (argv: interpreter, its argument, the script's
# path, the rest), through nested scripts up to the kernel's depth, and a
# script with a 64-bit interpreter runs natively. See lib/same.sh.
. tests/e2e/lib/same.sh

s=$t/scripts
mkdir -p "$s"
if ! gcc -m32 -O2 -o "$s/exec_report" tests/e2e/src/exec_report.c 2>"$t/cc.err"; then
	skip "scripts" "cannot build i386 programs: $(head -1 "$t/cc.err")"; exit 0
fi
args=$progdir/args-static

# script NAME INTERPRETER-LINE [BODY]
script() { printf '#!%s\n%s' "$2" "${3:-}" >"$s/$1"; chmod +x "$s/$1"; }
script one "$args"
script with-arg "$args  two words  "
script tab-arg "$args	-x"
# nested: each script's interpreter is the one before; depth 1 is with-arg
prev=$s/with-arg
for d in 2 3 4 5 6; do script "depth$d" "$prev level$d"; prev=$s/depth$d; done
script missing "$s/no-such-interpreter"
script not-exec "$s/plain-file"
printf 'not a program\n' >"$s/plain-file"

same "script, i386 interpreter" -- "$s/one" A "B C"
same "script, interpreter with an argument" -- "$s/with-arg" A
same "script, argument after a tab" -- "$s/tab-arg"
same "nested scripts, depth 2" -- "$s/depth2" A
same "nested scripts, depth 5 (the kernel's limit)" -- "$s/depth5" A
# execve from an i386 program (the personality's execve follows the chain)
same "execve of a script" -- "$s/exec_report" "$s/with-arg" A
same "execve of nested scripts, depth 5" -- "$s/exec_report" "$s/depth5" A
same "execve of nested scripts, depth 6: ELOOP" -- "$s/exec_report" "$s/depth6" A
same "execve of a script whose interpreter is missing: ENOENT" -- "$s/exec_report" "$s/missing"
same "execve of a script whose interpreter is no program: ENOEXEC" -- "$s/exec_report" "$s/not-exec"

# persona run SCRIPT's own errors, where natively a shell would speak
out=$("$persona" run "$s/depth6" 2>&1); rc=$?
case "$rc $out" in "126 "*"more than 5 nested #! interpreters"*) ok "persona run: depth 6 is refused as by the kernel" ;;
*) bad "persona run: depth 6 is refused as by the kernel"; echo "  got ($rc): $out" ;; esac
out=$("$persona" run "$s/missing" 2>&1); rc=$?
case "$rc $out" in "127 "*"interpreter $s/no-such-interpreter: not found"*) ok "persona run: a missing interpreter is named" ;;
*) bad "persona run: a missing interpreter is named"; echo "  got ($rc): $out" ;; esac

# a 64-bit interpreter: the script runs natively, as from a shell
script sh64 /bin/sh 'echo "sh: $0 $*"; exit 7
'
same "script, 64-bit /bin/sh" -- "$s/sh64" x y
if command -v gzip >/dev/null && [ -x /bin/zcat ] && head -c 2 /bin/zcat | grep -q '#!'; then
	printf 'compressed text\n' | gzip >"$s/t.gz"
	out=$("$persona" run /bin/zcat "$s/t.gz" 2>&1)
	check_out() { if [ "$2" = "$3" ]; then ok "$1"; else bad "$1"; printf '  got:  %s\n  want: %s\n' "$2" "$3"; fi; }
	check_out "persona run zcat (Debian's #!/bin/sh wrapper)" "$out" "compressed text"
	out=$(cd "$s" && "$persona" run gunzip -c t.gz 2>&1)
	check_out "persona run gunzip -c" "$out" "compressed text"
else
	skip "persona run zcat" "no gzip, or zcat is no script here"
	skip "persona run gunzip -c" "no gzip, or zcat is no script here"
fi
