/* bench/lib/entry.h — the way a benchmark enters the kernel (or the
 * personality), chosen at build time.
 *
 *   BENCH_ENTRY_SYSCALL  x86-64 `syscall`, x86-64 numbers (the native floor)
 *   BENCH_ENTRY_INT80    `int $0x80`, i386 numbers and argument registers
 *                        (built as i386, or as 64-bit code using the i386 ABI)
 *   BENCH_ENTRY_VDSO     `call *%gs:0x10`: i386 __kernel_vsyscall (AT_SYSINFO)
 *   BENCH_ENTRY_MODESWITCH  no personality: a 64→32→64-bit round trip by two
 *                        far jumps (lib/modeswitch.asm) — lat_gate: nothing
 *                        else, returning the first argument (the floor under
 *                        any 32↔64-bit gate); lat_null: with one native
 *                        getppid made in the 64-bit leg (the floor under any
 *                        gate that makes the call); only these two are built
 *                        this way
 *   BENCH_ENTRY_SWITCH32 an i386 build making its calls itself: from its
 *                        32-bit code a far jump to 64-bit code of its own,
 *                        the x86-64 syscall, a far jump back to the caller
 *                        (lib/modeswitch32.asm): lat_null, lat_read and
 *                        lat_write, under persona run, the floor under the
 *                        i386 lane in the same kind of process
 *   BENCH_ENTRY_SYSCALL_RET x86-64 `syscall` inside a function that returns
 *                        with ret right after it (lib/modeswitch.asm:
 *                        bench_syscall_ret): lat_null only, what a ret after
 *                        a syscall costs beside the inline `syscall`
 *
 * Every call is a raw instruction sequence, never a libc wrapper (glibc
 * caches some results, and the wrapper would be measured with the call).
 * With int $0x80 the number is an immediate moved into eax right before the
 * trap, as glibc's own inline system calls emit it (`mov $nr,%eax; int
 * $0x80`): the shape persona rewrites by default. A number loaded from
 * another register leaves a site on reflection (see personality/c/reflect/patch.c).
 * Only three arguments: no benchmarked call needs more.
 */
#ifndef BENCH_ENTRY_H
#define BENCH_ENTRY_H

#define BENCH_ENTRY_SYSCALL 1
#define BENCH_ENTRY_INT80   2
#define BENCH_ENTRY_VDSO    3
#define BENCH_ENTRY_MODESWITCH 4
#define BENCH_ENTRY_SYSCALL_RET 5
#define BENCH_ENTRY_SWITCH32 6

#ifndef BENCH_ENTRY
#error "build with -DBENCH_ENTRY=BENCH_ENTRY_SYSCALL, _INT80 or _VDSO"
#endif

#if BENCH_ENTRY == BENCH_ENTRY_SYSCALL
# ifndef __x86_64__
#  error "the syscall entry is x86-64 only"
# endif
# define BENCH_ABI_I386 0
# define BENCH_ENTRY_NAME "syscall"
#elif BENCH_ENTRY == BENCH_ENTRY_INT80
# define BENCH_ABI_I386 1
# define BENCH_ENTRY_NAME "int80"
#elif BENCH_ENTRY == BENCH_ENTRY_MODESWITCH
# ifndef __x86_64__
#  error "the mode-switch floor is measured from 64-bit code"
# endif
# define BENCH_ABI_I386 1
# define BENCH_ENTRY_NAME "modeswitch"
long bench_modeswitch(long a, long native_nr);
/* getppid's x86-64 number (asm/unistd_64.h, which cannot be included
 * beside the i386 list this build speaks) */
# define BENCH_X86_64_NR_GETPPID 110
#elif BENCH_ENTRY == BENCH_ENTRY_SWITCH32
# ifndef __i386__
#  error "the i386 program's own mode switch is measured from 32-bit code"
# endif
# define BENCH_ABI_I386 1
# define BENCH_ENTRY_NAME "switch32"
long bench_switch32(long nr64, long a, long b, long c);
/* The x86-64 numbers (asm/unistd_64.h, which cannot be included beside the
 * i386 list this build speaks) of the calls the benchmarks built this way
 * make, by their i386 numbers; -1 for any other. */
static inline long bench_nr64(long nr)
{
	switch (nr) {
	case 3:  return 0;      /* read */
	case 4:  return 1;      /* write */
	case 5:  return 2;      /* open */
	case 64: return 110;    /* getppid */
	default: return -1;
	}
}
#elif BENCH_ENTRY == BENCH_ENTRY_SYSCALL_RET
# ifndef __x86_64__
#  error "the syscall-and-ret entry is x86-64 only"
# endif
# define BENCH_ABI_I386 0
# define BENCH_ENTRY_NAME "syscall-ret"
long bench_syscall_ret(long nr);
#elif BENCH_ENTRY == BENCH_ENTRY_VDSO
# ifndef __i386__
#  error "call *%gs:0x10 needs an i386 build"
# endif
# define BENCH_ABI_I386 1
# define BENCH_ENTRY_NAME "vdso"
#else
# error "unknown BENCH_ENTRY"
#endif

/* The numbers of the ABI this build speaks: the kernel's own uapi lists. */
#if BENCH_ABI_I386
# include <asm/unistd_32.h>
# define BNR_STAT  __NR_stat64
# define BNR_FSTAT __NR_fstat64
#else
# include <asm/unistd_64.h>
# define BNR_STAT  __NR_stat
# define BNR_FSTAT __NR_fstat
#endif
#define BNR_GETPPID __NR_getppid
#define BNR_READ    __NR_read
#define BNR_WRITE   __NR_write
#define BNR_OPEN    __NR_open
#define BNR_CLOSE   __NR_close

/* Pointers passed through the i386 ABI from 64-bit code must lie below
 * 4 GiB: benchmarks keep their buffers in static storage of a non-PIE
 * executable, never on the (high) stack. */
/* always inlined: the number must reach the asm as a constant ("i") */
static inline __attribute__((always_inline)) long bsys3(long nr, long a, long b, long c)
{
	long r;
#if BENCH_ENTRY == BENCH_ENTRY_SYSCALL
	__asm__ volatile("syscall"
		: "=a"(r) : "0"(nr), "D"(a), "S"(b), "d"(c)
		: "rcx", "r11", "memory");
#elif BENCH_ENTRY == BENCH_ENTRY_INT80 && defined(__x86_64__)
	/* The i386 ABI from 64-bit code: 32-bit registers, results
	 * sign-extended from eax; r8-r11 are not promised to survive. */
	int eax;
	__asm__ volatile("mov %[nr], %%eax\n\tint $0x80"
		: "=a"(eax) : [nr] "i"(nr), "b"((int)a), "c"((int)b), "d"((int)c)
		: "r8", "r9", "r10", "r11", "memory");
	r = eax;
#elif BENCH_ENTRY == BENCH_ENTRY_SYSCALL_RET
	(void)a, (void)b, (void)c;
	r = bench_syscall_ret(nr);
#elif BENCH_ENTRY == BENCH_ENTRY_SWITCH32
	r = bench_nr64(nr) < 0 ? -38 /* ENOSYS */ : bench_switch32(bench_nr64(nr), a, b, c);
#elif BENCH_ENTRY == BENCH_ENTRY_MODESWITCH
	(void)b, (void)c;
	r = bench_modeswitch(a, nr == BNR_GETPPID ? BENCH_X86_64_NR_GETPPID : -1);
#elif BENCH_ENTRY == BENCH_ENTRY_INT80
	__asm__ volatile("mov %[nr], %%eax\n\tint $0x80"
		: "=a"(r) : [nr] "i"(nr), "b"(a), "c"(b), "d"(c)
		: "memory");
#else
	/* __kernel_vsyscall preserves every register but eax. */
	__asm__ volatile("call *%%gs:0x10"
		: "=a"(r) : "0"(nr), "b"(a), "c"(b), "d"(c)
		: "memory");
#endif
	return r;
}

#define bsys0(nr)          bsys3((nr), 0, 0, 0)
#define bsys1(nr, a)       bsys3((nr), (long)(a), 0, 0)
#define bsys2(nr, a, b)    bsys3((nr), (long)(a), (long)(b), 0)

/* A pointer as the ABI's argument register carries it. */
#define BPTR(p) ((long)(unsigned long)(p))

#endif
