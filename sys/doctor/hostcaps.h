/* sys/doctor/hostcaps.h — what this host can do, probed in child processes.
 *
 * One list of capabilities serves `persona doctor` (a line each), `persona
 * run` (why it cannot start), the bench (which paths are `na`) and the tests
 * (which cases are SKIPs), so all of them agree. Each probe runs in a forked
 * child: a fault on a host that lacks the capability kills the child, never
 * the caller.
 *
 * PERSONA_HOSTCAPS_DENY=NAME[,NAME...] makes the named capabilities answer
 * "no" (the evidence says so): the tests use it to walk the paths of a host
 * that lacks them on one that has them. `persona run` honours a denied
 * cs32-gdt and cs32-ldt as well.
 */
#ifndef PERSONA_HOSTCAPS_H
#define PERSONA_HOSTCAPS_H

#include <stddef.h>

/* X(id, name, what): name is what --need takes and the deny list names */
#define HOSTCAPS(X) \
	X(CS32_GDT,   "cs32-gdt",   "32-bit code in the kernel's segment 0x23") \
	X(CS32_LDT,   "cs32-ldt",   "32-bit code in an LDT code segment") \
	X(IA32_EXEC,  "ia32-exec",  "the kernel's ia32 layer: exec of an i386 ELF") \
	X(IA32_INT80, "ia32-int80", "the kernel's ia32 layer: int $0x80") \
	X(SUD,        "sud",        "Syscall User Dispatch") \
	X(SECCOMP,    "seccomp",    "seccomp filters") \
	X(IO_URING,   "io_uring",   "io_uring") \
	X(FSGSBASE,   "fsgsbase",   "FSGSBASE instructions") \
	X(PMU,        "pmu",        "hardware counters (libpfm4)") \
	X(BINFMT,     "binfmt",     "binfmt_misc") \
	X(USERNS,     "userns",     "user namespaces") \
	X(PAGE0,      "page0",      "vm.mmap_min_addr is 0 (--patch=page0)")

enum hostcap {
#define HC_ENUM(id, name, what) HOSTCAP_##id,
	HOSTCAPS(HC_ENUM)
#undef HC_ENUM
	HOSTCAP_COUNT
};

/* the name --need takes, and the one-line description */
const char *hostcap_name(enum hostcap c);
const char *hostcap_what(enum hostcap c);
/* the capability called name, or HOSTCAP_COUNT */
enum hostcap hostcap_by_name(const char *name);

/* Probe c: 1 if the host has it, 0 if not; evidence (what was tried and
 * what happened) goes into why. Results are cached for the process. */
int hostcap_probe(enum hostcap c, char *why, size_t n);

/* The code segment `persona run` would run 32-bit code in: 0x23 or an LDT
 * selector, or 0 when neither runs 32-bit code here (why says what was
 * tried, both segments' evidence in one line). */
unsigned hostcap_cs32(char *why, size_t n);

/* Every capability in list (comma-separated names; "cs32" is either code
 * segment): 1 if the host has them all; else 0, and why names the first
 * one missing with its evidence. An unknown name is missing too. */
#define HOSTCAP_ANY_CS32 "cs32"
int hostcap_need(const char *list, char *why, size_t n);

#endif
