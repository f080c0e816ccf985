/* personality/c/core/persona.h — what every translator file uses.
 *
 * The translator is freestanding 64-bit code (no libc, no TLS, no %fs): it
 * lives in the personality image mapped into the foreign process, and is
 * also linked into the 64-bit test programs, which drive it directly.
 *
 * Conventions (musl's): every function returns a value or -errno in-band;
 * foreign memory is reached only through copy_from_user/copy_to_user, which
 * return -EFAULT on an unmapped address instead of crashing.
 */
#ifndef PERSONA_PERSONA_H
#define PERSONA_PERSONA_H

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>
#include <asm/unistd_64.h>      /* __NR_* of x86-64: the native numbers */
#include <asm-generic/errno.h>
#include "sys/msg.h"
#include "core/frame.h"
#include "personality/persona_abi.h"    /* struct persona_stage_counts */

#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
/* A function that makes no system call, called once per call of a batch:
 * it returns by ret even in a RETURNS=jmp image (personality/asm/
 * return_thunk.asm). Its call and its ret are on the same side of every
 * syscall, so the return predictor has them right, where the one shared
 * jump of the thunk must tell its many targets apart by history. A wrong
 * mark costs time, never correctness. */
#define RETURNS_BY_RET __attribute__((function_return("keep")))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- widening: from the table's argument types ---------------------- */
static inline int64_t  wide_s32(uint32_t v) { return (int32_t)v; }
static inline uint64_t wide_u32(uint32_t v) { return v; }
static inline uint64_t wide_pair(uint32_t lo, uint32_t hi) { return ((uint64_t)hi << 32) | lo; }
static inline void    *uptr(uint32_t v) { return (void *)(uintptr_t)v; }

/* ---- native calls: each is one struct sysmsg through the submit stub -- */
long persona_submit(struct sysmsg *msgs, uint32_t count);   /* submit.asm; returns count */
long nsys6(long nr, long a, long b, long c, long d, long e, long f);
#define nsys0(nr)                 nsys6((nr), 0, 0, 0, 0, 0, 0)
#define nsys1(nr, a)              nsys6((nr), (long)(a), 0, 0, 0, 0, 0)
#define nsys2(nr, a, b)           nsys6((nr), (long)(a), (long)(b), 0, 0, 0, 0)
#define nsys3(nr, a, b, c)        nsys6((nr), (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define nsys4(nr, a, b, c, d)     nsys6((nr), (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)
#define nsys5(nr, a, b, c, d, e)  nsys6((nr), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), 0)

/* A batch through the table's route (or a forced one: SYSMSG_ROUTE_*). */
long persona_batch_run(struct sysmsg *msgs, uint32_t count, uint32_t route);
/* Whether the io_uring route can run native number native_nr (ring.c). */
int persona_ring_can(uint32_t native_nr);
/* The row a persona_batch call runs as when it becomes a native message,
 * or NULL (batch.c). */
struct sysent;
const struct sysent *persona_batch_message_row(const struct persona_batch_call *c);
/* A persona_batch whose every call the ring does, straight from the calls
 * to the ring (ring.c); 1 when it ran, 0 when the caller must run it. */
int persona_ring_calls(struct persona_batch_call *calls, uint32_t count, int table_route);
/* /proc/self/maps, one mapping at a time in address order (maps.c): each
 * gets [start, end) and its PROT_* bits and returns nonzero to stop. 0
 * after the whole file, 1 when each stopped it, -errno when it cannot be
 * read. */
typedef int (*persona_maps_fn)(void *ctx, uint64_t start, uint64_t end, uint32_t prot);
long persona_maps_walk(persona_maps_fn each, void *ctx);
/* --trace: one strace-style line for the call just made (trace.c). */
void persona_trace(struct i386_frame *f, long result);

/* ---- foreign memory (personality/asm/uaccess.asm) -------------------- */
/* 0 or -EFAULT; a fault inside these is fixed up by persona_fault_fixup(). */
long copy_from_user(void *dst, uint32_t src, size_t n);
/* Atomic compare-and-swap of the foreign word at uaddr: 1 if desired was
 * stored, 0 if the word held another value (left in *expected), -EFAULT. */
long cmpxchg_user_u32(uint32_t uaddr, uint32_t *expected, uint32_t desired);
long copy_to_user(uint32_t dst, const void *src, size_t n);
long clear_user(uint32_t dst, size_t n);
/* Copies a NUL-terminated string of at most n bytes including the NUL:
 * its length, -EFAULT, or -ENAMETOOLONG. */
long strncpy_from_user(char *dst, uint32_t src, size_t n);
/* Called by a SIGSEGV/SIGBUS handler with the faulting rip: if it lies in
 * a uaccess routine, returns the fix-up address to resume at, else 0. */
uint64_t persona_fault_fixup(uint64_t rip);
/* foreign ranges must end below this (uaccess.asm): the image base for an
 * i386 program */
extern uint64_t persona_user_limit;
/* the native trap instructions of the submit stub (submit.asm): a signal
 * that lands on one was taken by a call that may have blocked */
extern char persona_submit_syscall[], persona_trap6_syscall[];
/* lfence; rdtsc (tsc.asm) */
uint64_t persona_tsc_ordered(void);

/* ---- freestanding helpers (lib.c) ------------------------------------ */
void  *memcpy(void *d, const void *s, size_t n);
void  *memset(void *d, int c, size_t n);
void  *memmove(void *d, const void *s, size_t n);
int    memcmp(const void *a, const void *b, size_t n);
int    strcmp(const char *a, const char *b);
size_t strlen(const char *s);
/* printf subset: %s %c %d %i %u %x %p %%, with l/ll/z and width/0 flags */
int    pvsnprintf(char *buf, size_t n, const char *fmt, va_list ap);
int    psnprintf(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* One line, "persona[pid]: ...". plog: a remark, written only when a log
 * was asked for (--log, PERSONA_LOG); pout: asked-for output or a failure,
 * to the log or else stderr. */
void   plog(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void   pout(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A call refused for want of a translation: counted for --stats. Refusals
 * with -ENOSYS go through persona_enosys (sysent_types.h), which counts and
 * logs; an ioctl refused with -ENOTTY (xl/file.c) counts here itself. */
#define PERSONA_REFUSED() __atomic_add_fetch(&persona_stats.refused, 1, __ATOMIC_RELAXED)

/* ---- the dispatch (dispatch.c, driven by the generated table) -------- */
/* Runs the i386 call in f->eax with the arguments in f; stores the result
 * in f->eax and returns it. Every way in ends here. */
int32_t persona_syscall(struct i386_frame *f);
/* Table look-ups for the CLI, --trace and the tests. */
const char *persona_name(uint32_t nr);   /* i386 name or NULL */

/* Process-wide personality state (one per process; threads get per-thread
 * state in struct persona_thread, found by the gate from the %gs slot). */
/* The stage timers of the express lanes (personality/asm/stages.inc): TSC
 * stamps of the call in flight, and the ticks summed per stage over the
 * calls timed. Written only by an image built with PERSONA_STAGES (make
 * STAGES=1: the bench's stages variant); read by persona_stages
 * (persona_abi.h). */
struct persona_stage_clock {
	uint64_t t0, t1, t2;    /* lane in, before the syscall, after it; 0: none in flight */
	struct persona_stage_counts sum;
};

struct persona_stats {
	uint64_t calls[1024 + 8];         /* per i386 number (private numbers folded at the end) */
	uint64_t way[WAY_COUNT];          /* per way in */
	uint64_t sites_patched, sites_reflected;
	uint64_t sites_ahead;             /* rewritten before they ran (--reflect=startup) */
	uint64_t sites_guarded;           /* made to fault instead (--reflect=startup) */
	uint64_t enosys_logged[1024 / 64 + 1];   /* bitmap: -ENOSYS logged once per number */
	uint64_t refused;                 /* calls refused (ENOSYS, an unknown ioctl or option): process-wide */
	struct persona_stage_clock stages; /* the stage timers (image built with PERSONA_STAGES) */
};
extern struct persona_stats persona_stats;
/* Set (core/state.c's) once the program has made a second thread
 * (rt/thread.c): counts go up atomically from then on, so that --stats
 * loses no calls threads make at once, and the site patcher stops
 * rewriting sites that need more than one store. */
extern volatile uint32_t persona_multithreaded;
#define STAT_INC(c) do { \
	if (unlikely(persona_multithreaded)) \
		__atomic_add_fetch(&(c), 1, __ATOMIC_RELAXED); \
	else \
		(c)++; \
} while (0)

/* Options the loader sets before the first call (image data). */
struct persona_opts {
	uint32_t trace;      /* --trace: one strace-style line per call */
	uint32_t stats;      /* --stats: dump at exit */
	uint32_t no_patch;   /* --no-patch: keep every call on reflection */
	uint32_t seccomp;    /* --seccomp: a filter kills any call reaching the ia32 layer */
	uint32_t reflect_startup; /* --reflect=startup: disarm SUD once start-up is over (reflect.c) */
	int32_t  log_fd;     /* the log (--log); -1: none, plog writes nothing */
};
extern struct persona_opts persona_opts;

/* Every XLATE/EMUL row's handler has this shape: it reads the argument
 * registers from the frame and returns the i386 result (value or -errno). */
#define XL(name) long xl_##name(struct i386_frame *f)

#endif
