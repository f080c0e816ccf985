#!/bin/sh
# tests/e2e/run_progs.sh — the i386 test programs (tests/prog), static and
# dynamic, natively and under `persona run`: same output, same exit status,
# same files. See lib/same.sh.
. tests/e2e/lib/same.sh

for kind in static dynamic; do
	p=$progdir
	same "hello $kind" --portable -- "$p/hello-$kind"
	same "hello $kind exit 3" --portable -- "$p/hello-$kind" 3
	same "argv, envp, auxv $kind" --env -- PERSONA_TEST_A=1 PERSONA_TEST_B=two-words \
		"$p/args-$kind" one "two words" "" last
	same "file I/O $kind" --portable --dir -- "$p/fileio-$kind" .
	same "exit 42 $kind" --portable -- "$p/exitcode-$kind" exit 42
	same "thread exit 3 $kind" --portable -- "$p/exitcode-$kind" exit1 3
	same "killed by SIGTERM $kind" --portable -- "$p/exitcode-$kind" kill 15
	same "killed by SIGKILL $kind" --portable -- "$p/exitcode-$kind" kill 9
	same "SIGSEGV $kind" --portable -- "$p/exitcode-$kind" segv
	same "abort $kind" --portable -- "$p/exitcode-$kind" abort
	same "fork, exec, wait, pipes $kind" --portable -- "$p/procs-$kind" "$p/exitcode-$kind"
	same "stdio, malloc, time $kind" -- "$p/dyn-$kind"
	same "registers kept $kind" --portable -- "$p/regs-$kind"
	same "TLS and LDT segments $kind" --portable -- "$p/tls-$kind"
done
same "hello static-pie" --portable -- "$progdir/hello-static-pie"
# x86-64 programs: persona run maps the image and starts them natively
same "x86-64 hello static" -- "$progdir/hello64-static" 6
same "x86-64 hello dynamic" -- "$progdir/hello64-dynamic" 7

# 32-bit code in a code segment of the process's LDT, as on a kernel that
# offers no __USER32_CS; execve passes the choice on
PERSONA_RUN_OPTS="$base_run_opts --ldt-cs"
same "LDT code segment: hello" --portable -- "$progdir/hello-dynamic"
same "LDT code segment: processes" --portable -- "$progdir/procs-static" "$progdir/exitcode-dynamic"
same "LDT code segment: registers kept" --portable -- "$progdir/regs-static"
same "LDT code segment: TLS" --portable -- "$progdir/tls-dynamic"
PERSONA_RUN_OPTS=$base_run_opts

# The image whose table sends every row it can down the asm fast path
# (bench's table-asm variant): fstat64 through its asm converter in the
# i386 lane, on both ways in, with and without alignment checking.
asm_img=$builddir/variants/table-asm/linux-i386.img
if [ -f "$asm_img" ]; then
	export PERSONA_IMAGE="$asm_img"
	for kind in static dynamic; do
		same "table-asm image: registers kept $kind" -- "$progdir/regs-$kind"
	done
	unset PERSONA_IMAGE
else
	skip "table-asm image: registers kept" "the variant is not built ($asm_img: make bench-variants)"
fi
