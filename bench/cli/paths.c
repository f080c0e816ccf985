/* bench/cli/paths.c — the benchmarks and the paths they run on. */
#include "bench_cli.h"

#include <string.h>

const struct path_def bench_paths[] = {
	{ .name = "native", .program = "64", .runner = RUN_DIRECT,
	  .what = "64-bit build, x86-64 `syscall`: the floor every ratio is against" },
	{ .name = "native-ret", .program = "64-ret", .runner = RUN_DIRECT, .only = "null",
	  .what = "as native, the `syscall` inside a function that returns with ret right after it (as a libc "
		  "wrapper or the i386 vDSO does): what that first ret after a system call costs on this machine" },
	{ .name = "kernel-int80", .needs = "ia32-exec", .program = "i386-int80", .runner = RUN_DIRECT,
	  .what = "i386 build, `int $0x80`, run natively: the kernel's ia32 emulation" },
	{ .name = "kernel-vdso", .needs = "ia32-exec", .program = "i386-vdso", .runner = RUN_DIRECT,
	  .what = "i386 build, `call *%gs:0x10` run natively: the kernel's i386 vDSO entry" },
	{ .name = "modeswitch", .needs = "cs32-gdt", .program = "64-modeswitch", .runner = RUN_DIRECT, .only = "gate,null",
	  .what = "no personality: a bare 64→32→64-bit round trip by two far jumps (gate: the floor under any gate), "
		  "and the same with one native getppid in the 64-bit leg (null: the floor under any gate that makes "
		  "the call; it returns by a jump, not ret, as the personality's fast path does)" },
	{ .name = "modeswitch-i386", .needs = "cs32", .program = "i386-switch32", .runner = RUN_PERSONA,
	  .option = "--reflect=startup", .only = "null,read,write",
	  .what = "an i386 build under `persona run --reflect=startup` that makes its calls itself: a far jump "
		  "from its 32-bit code to 64-bit code of its own, the x86-64 syscall, a far jump back to its "
		  "caller (the way the i386 lane goes, with none of its work): the floor under pers-startup in "
		  "the same kind of process" },
	{ .name = "pers-sysinfo", .needs = "cs32", .program = "i386-vdso", .runner = RUN_PERSONA,
	  .what = "the kernel-vdso binary under `persona run`: the personality's AT_SYSINFO gate" },
	{ .name = "pers-startup", .needs = "cs32", .program = "i386-vdso", .runner = RUN_PERSONA, .option = "--reflect=startup",
	  .what = "as pers-sysinfo under `persona run --reflect=startup`: Syscall User Dispatch disarmed once start-up is over" },
	{ .name = "pers-vdso", .needs = "cs32", .program = "i386-vdso", .runner = RUN_PERSONA, .only = "vdso",
	  .what = "the kernel-vdso binary under `persona run`: the personality's vDSO clocks, answered in 32-bit code" },
	{ .name = "pers-table-c", .needs = "cs32", .program = "i386-vdso", .runner = RUN_PERSONA, .image = "table-c",
	  .what = "as pers-sysinfo, image variant: pointer-table dispatch, every row on the C path" },
	{ .name = "pers-switch-c", .needs = "cs32", .program = "i386-vdso", .runner = RUN_PERSONA, .image = "switch-c",
	  .what = "as pers-sysinfo, image variant: switch dispatch, every row on the C path" },
	{ .name = "pers-table-asm", .needs = "cs32", .program = "i386-vdso", .runner = RUN_PERSONA, .image = "table-asm",
	  .what = "as pers-sysinfo, image variant: pointer-table dispatch, every row that can take the asm fast path (PASS rows, and the stat64 rows by their asm converter)" },
	{ .name = "pers-int80", .needs = "cs32", .program = "i386-int80", .runner = RUN_PERSONA,
	  .what = "the kernel-int80 binary under `persona run`, int $0x80 sites patched" },
	{ .name = "pers-int80-64", .needs = "seccomp", .program = "64-int80", .runner = RUN_PERSONA,
	  .what = "a 64-bit build using int $0x80 with the i386 ABI under `persona run`, sites patched" },
	{ .name = "pers-int80-64-startup", .program = "64-int80", .runner = RUN_PERSONA, .option = "--reflect=startup",
	  .what = "as pers-int80-64 under `persona run --reflect=startup`: sites rewritten before the program runs, no filter" },
	{ .name = "pers-int80-64-asm", .program = "64-int80", .runner = RUN_PERSONA, .image = "table-asm",
	  .option = "--reflect=startup", .only = "null,read,write,stat,fstat",
	  .what = "as pers-int80-64-startup, image variant table-asm: every row that can take the asm fast path "
		  "does, stat64 and fstat64 by their asm converter (the x86-64 lane needs no 32-bit code: "
		  "measurable on every host)" },
	{ .name = "pers-startup-ret", .needs = "cs32", .program = "i386-vdso", .runner = RUN_PERSONA, .image = "ret",
	  .option = "--reflect=startup", .only = "null,read,write,stat,fstat,openclose",
	  .what = "as pers-startup, image variant ret: the same image with its C built with RETURNS=ret, each "
		  "function returning by ret instead of a jump (what RETURNS=jmp, the default, wins or loses here)" },
	{ .name = "pers-int80-64-ret", .program = "64-int80", .runner = RUN_PERSONA, .image = "ret",
	  .option = "--reflect=startup", .only = "null,read,write,stat,fstat,openclose",
	  .what = "as pers-int80-64-startup, image variant ret (as pers-startup-ret; measurable on every host)" },
	{ .name = "pers-stages", .needs = "cs32", .program = "i386-vdso", .runner = RUN_PERSONA, .image = "stages",
	  .option = "--reflect=startup", .only = "null,read,write",
	  .what = "as pers-startup, image variant: the express lane's stage timers (entry, the system call, exit; "
		  "stages.csv); its own figure carries the timers' cost" },
	{ .name = "pers-int80-64-stages", .program = "64-int80", .runner = RUN_PERSONA, .image = "stages",
	  .option = "--reflect=startup", .only = "null,read,write",
	  .what = "as pers-int80-64-startup, image variant: the x86-64 lane's stage timers (stages.csv)" },
	{ .name = "pers-sud", .needs = "cs32,sud", .program = "i386-int80", .runner = RUN_PERSONA, .option = "--no-patch",
	  .what = "the kernel-int80 binary under `persona run --no-patch`: every call reflected (SIGSYS)" },
	{ .name = "pers-seccomp", .needs = "cs32,seccomp", .program = "i386-int80", .runner = RUN_PERSONA, .option = "--seccomp",
	  .option2 = "--no-patch",
	  .what = "the kernel-int80 binary under `persona run --seccomp --no-patch`: every call trapped by seccomp RET_TRAP, SIGSYS to the translator" },
	{ .name = "ptrace", .needs = "ia32-exec", .program = "i386-int80", .runner = RUN_PTRACE,
	  .what = "the kernel-int80 binary under a PTRACE_SYSEMU tracer that performs each call itself" },
	{ .name = "pers-batch-direct", .needs = "cs32", .program = "lat_batch-i386-vdso", .runner = RUN_PERSONA, .route = "direct", .batch = 1,
	  .what = "PERSONA_NR_BATCH under `persona run`, route direct: one native syscall per call" },
	{ .name = "pers-batch-uring", .needs = "cs32,io_uring", .program = "lat_batch-i386-vdso", .runner = RUN_PERSONA, .route = "ring", .batch = 1,
	  .what = "PERSONA_NR_BATCH under `persona run`, route ring: one io_uring_enter per batch" },
	{ .name = "pers-batch-table", .needs = "cs32", .program = "lat_batch-i386-vdso", .runner = RUN_PERSONA, .route = "table", .batch = 1,
	  .what = "PERSONA_NR_BATCH under `persona run`, the route the table and its tuning overlay choose per call and batch size" },
	{ .name = "pers-int80-64-batch-direct", .program = "lat_batch-64-int80", .runner = RUN_PERSONA,
	  .option = "--reflect=startup", .route = "direct", .batch = 1,
	  .what = "as pers-batch-direct, entered by int $0x80 from 64-bit code under `persona run --reflect=startup` "
		  "(the x86-64 lane: no 32-bit code, measurable on every host)" },
	{ .name = "pers-int80-64-batch-uring", .needs = "io_uring", .program = "lat_batch-64-int80", .runner = RUN_PERSONA,
	  .option = "--reflect=startup", .route = "ring", .batch = 1,
	  .what = "as pers-batch-uring, in the x86-64 lane (as pers-int80-64-batch-direct)" },
	{ .name = "pers-int80-64-batch-table", .program = "lat_batch-64-int80", .runner = RUN_PERSONA,
	  .option = "--reflect=startup", .route = "table", .batch = 1,
	  .what = "as pers-batch-table, in the x86-64 lane (as pers-int80-64-batch-direct)" },
	{ .name = "uring-raw", .needs = "io_uring", .program = "lat_uring-64", .runner = RUN_DIRECT, .batch = 1,
	  .what = "raw io_uring (liburing, 64-bit): the same operations, one io_uring_enter per batch" },
};
const unsigned bench_npaths = sizeof bench_paths / sizeof bench_paths[0];
_Static_assert(sizeof bench_paths / sizeof bench_paths[0] < BENCH_PATHS_MAX, "raise BENCH_PATHS_MAX");

const struct path_def *path_find(const char *name)
{
	for (unsigned i = 0; i < bench_npaths; i++)
		if (!strcmp(bench_paths[i].name, name))
			return &bench_paths[i];
	return NULL;
}

const struct bench_def bench_singles[] = {
	{ "null",      "Simple syscall",    "getppid by a raw call", NULL, 0 },
	{ "read",      "Simple read",       "read 1 byte from /dev/zero", NULL, 0 },
	{ "write",     "Simple write",      "write 1 byte to /dev/null", NULL, 0 },
	{ "stat",      "Simple stat",       "stat /dev/null (i386 stat64, x86-64 stat)", NULL, 0 },
	{ "fstat",     "Simple fstat",      "fstat an open /dev/null (i386 fstat64, x86-64 fstat)", NULL, 0 },
	{ "openclose", "Simple open/close", "open and close /dev/null", NULL, 0 },
	{ "gate",      NULL,                "PERSONA_NR_GATE: the personality's way in, no native call", NULL, 0 },
	{ "vdso",      NULL,                "clock_gettime(CLOCK_MONOTONIC) through the vDSO, no system call", NULL, 0 },
	{ "null-mt",   NULL,                "getppid from 1, 2 and 4 threads at once (batch = threads): "
					    "wall ticks per call of all the threads together",
	  "native,pers-sysinfo", 1 },
};
const unsigned bench_nsingles = sizeof bench_singles / sizeof bench_singles[0];

const struct bench_def *bench_find(const char *name)
{
	for (unsigned i = 0; i < bench_nsingles; i++)
		if (!strcmp(bench_singles[i].name, name))
			return &bench_singles[i];
	return NULL;
}
