/* bench/cli/paths.c — the benchmarks and the paths they run on. */
#include "bench_cli.h"

#include <string.h>

const struct path_def bench_paths[] = {
	{ "native",        "64",         RUN_DIRECT,  NULL, 0,
	  "64-bit build, x86-64 `syscall`: the floor every ratio is against" },
	{ "kernel-int80",  "i386-int80", RUN_DIRECT,  NULL, 0,
	  "i386 build, `int $0x80`, run natively: the kernel's ia32 emulation" },
	{ "kernel-vdso",   "i386-vdso",  RUN_DIRECT,  NULL, 0,
	  "i386 build, `call *%gs:0x10` run natively: the kernel's i386 vDSO entry" },
	{ "pers-sysinfo",  "i386-vdso",  RUN_PERSONA, NULL, 0,
	  "the kernel-vdso binary under `persona run`: the personality's AT_SYSINFO gate" },
	{ "pers-int80",    "i386-int80", RUN_PERSONA, NULL, 0,
	  "the kernel-int80 binary under `persona run`, int $0x80 sites patched" },
	{ "pers-int80-64", "64-int80",   RUN_PERSONA, NULL, 0,
	  "a 64-bit build using int $0x80 with the i386 ABI under `persona run`, sites patched" },
	{ "pers-sud",      "i386-int80", RUN_PERSONA, "--no-patch", 0,
	  "the kernel-int80 binary under `persona run --no-patch`: every call reflected (SIGSYS)" },
	{ "pers-seccomp",  "i386-int80", RUN_PERSONA, "--seccomp", 0,
	  "the kernel-int80 binary under `persona run --seccomp`: seccomp RET_TRAP + SIGSYS to the translator" },
	{ "ptrace",        "i386-int80", RUN_PTRACE,  NULL, 0,
	  "the kernel-int80 binary under a PTRACE_SYSEMU tracer that performs each call itself" },
	{ "pers-batch-direct", "lat_batch-i386-vdso", RUN_PERSONA, "direct", 1,
	  "PERSONA_NR_BATCH under `persona run`, route direct: one native syscall per call" },
	{ "pers-batch-uring",  "lat_batch-i386-vdso", RUN_PERSONA, "ring", 1,
	  "PERSONA_NR_BATCH under `persona run`, route ring: one io_uring_enter per batch" },
	{ "uring-raw",     "lat_uring-64", RUN_DIRECT, NULL, 1,
	  "raw io_uring (liburing, 64-bit): the same operations, one io_uring_enter per batch" },
};
const unsigned bench_npaths = sizeof bench_paths / sizeof bench_paths[0];

const struct path_def *path_find(const char *name)
{
	for (unsigned i = 0; i < bench_npaths; i++)
		if (!strcmp(bench_paths[i].name, name))
			return &bench_paths[i];
	return NULL;
}

const struct bench_def bench_singles[] = {
	{ "null",      "Simple syscall",    "getppid by a raw call" },
	{ "read",      "Simple read",       "read 1 byte from /dev/zero" },
	{ "write",     "Simple write",      "write 1 byte to /dev/null" },
	{ "stat",      "Simple stat",       "stat /dev/null (i386 stat64, x86-64 stat)" },
	{ "fstat",     "Simple fstat",      "fstat an open /dev/null (i386 fstat64, x86-64 fstat)" },
	{ "openclose", "Simple open/close", "open and close /dev/null" },
	{ "gate",      NULL,                "PERSONA_NR_GATE: the personality's way in, no native call" },
};
const unsigned bench_nsingles = sizeof bench_singles / sizeof bench_singles[0];
