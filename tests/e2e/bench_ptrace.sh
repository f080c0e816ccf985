#!/bin/sh
# tests/e2e/bench_ptrace.sh — the benchmarks' PTRACE_SYSEMU emulator
# (bench/ptrace-emu) against the kernel: the same i386 program, run natively
# and under the tracer, must print the same results for every call the
# tracer performs itself (read, write, open, close, stat64, fstat64), and
# the private gate number is answered by the tracer alone.
build=${PERSONA_BUILD:-build}
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
. tests/e2e/lib/tap.sh

emu="$build/bench/ptrace-emu"
[ -x "$emu" ] || { skip "ptrace emulator" "$emu is not built"; exit 0; }

cat >"$t/calls.c" <<'SRC'
#include <stdio.h>
#include <string.h>
#include <asm/unistd_32.h>
#include "personality/persona_abi.h"
static long k(long nr, long a, long b, long c)
{
	long r;
	__asm__ volatile("int $0x80" : "=a"(r) : "0"(nr), "b"(a), "c"(b), "d"(c) : "memory");
	return r;
}
static unsigned char st[96], buf[8] = "abcdefg";
static void show(const char *what, long r)
{
	/* st_mode, st_nlink, st_uid, st_rdev (low), st_size, st_ino (64-bit) */
	unsigned m, nl, uid, rdev, ino_lo; long long size;
	memcpy(&m, st + 16, 4); memcpy(&nl, st + 20, 4); memcpy(&uid, st + 24, 4);
	memcpy(&rdev, st + 32, 4); memcpy(&size, st + 44, 8); memcpy(&ino_lo, st + 88, 4);
	printf("%s %ld mode=%o nlink=%u uid=%u rdev=%x size=%lld ino=%u\n", what, r, m, nl, uid, rdev, size, ino_lo);
}
int main(void)
{
	long fd = k(__NR_open, (long)"/dev/zero", 0, 0);
	printf("open %s\n", fd >= 0 ? "ok" : "failed");
	long got = k(__NR_read, fd, (long)buf, 4);
	printf("read %ld %d %d %d\n", got, buf[0], buf[3], buf[4]);
	memset(st, 0, sizeof st);
	show("fstat64", k(__NR_fstat64, fd, (long)st, 0));
	printf("close %ld\n", k(__NR_close, fd, 0, 0));
	memset(st, 0, sizeof st);
	show("stat64", k(__NR_stat64, (long)"/dev/null", (long)st, 0));
	printf("stat64 missing %ld\n", k(__NR_stat64, (long)"/no/such/file", (long)st, 0));
	printf("stat64 bad pointer %ld\n", k(__NR_stat64, (long)"/dev/null", 16, 0));
	printf("write %ld\n", k(__NR_write, k(__NR_open, (long)"/dev/null", 1, 0), (long)buf, 3));
	printf("read bad fd %ld\n", k(__NR_read, 999, (long)buf, 1));
	fflush(stdout);
	fprintf(stderr, "gate %ld\n", k(PERSONA_NR_GATE, 1234, 0, 0));
	return 7;
}
SRC
if ! gcc -m32 -static -O2 -I. -o "$t/calls" "$t/calls.c" 2>"$t/cc.err"; then
	skip "ptrace emulator" "cannot build i386 programs: $(head -1 "$t/cc.err")"; exit 0
fi
"$t/calls" >"$t/native" 2>"$t/native.err"
if [ $? -ne 7 ]; then
	skip "ptrace emulator" "i386 programs do not run natively here (no ia32 layer?)"; exit 0
fi
"$emu" "$t/calls" >"$t/emu" 2>"$t/emu.err"
rc=$?
if grep -q "PTRACE" "$t/emu.err"; then
	skip "ptrace emulator" "$(head -1 "$t/emu.err")"; exit 0
fi
check "the tracee's exit status comes back" "$rc" 7
if diff "$t/native" "$t/emu" >"$t/diff"; then ok "emulated calls match the kernel's"; else bad "emulated calls match the kernel's"; sed 's/^/  /' "$t/diff"; fi
check "the gate is answered by the tracer" "$(cat "$t/emu.err")" "gate 1234"
check "natively the gate number is ENOSYS" "$(cat "$t/native.err")" "gate -38"
