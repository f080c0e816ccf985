/* personality/c/core/state.c — the process-wide state every layer shares,
 * defined in one place: the options init took from the loader, the call
 * counters, what init kept of the loader's arguments, the per-thread state
 * the gate indexes by %gs, the i386 address space's limits, and the locks a
 * fork child must find released (rt/thread.c resets them after fork).
 *
 * Only data lives here; the code that changes it belongs to its layer.
 */
#include "core/persona.h"
#include "core/plock.h"
#include "core/state.h"

struct persona_opts persona_opts = { .log_fd = -1 };
struct persona_stats persona_stats;

struct persona_process persona_process;

/* The main thread's state; other threads get theirs when they are created
 * (rt/thread.c). The slot table is what the gate indexes. */
struct persona_thread persona_main_thread;
struct persona_thread *persona_thread_by_slot[PERSONA_TLS_SLOT_FIRST + PERSONA_TLS_SLOTS];

/* The i386 address space's limits: init sets them from the loader's layout
 * for an i386 program; the initial mmap base serves an x86-64 program's
 * int $0x80 calls (and the unit tests), which have no i386 layout. */
uint32_t persona_mmap_top = PERSONA_MMAP_TOP_DEFAULT;
uint32_t persona_brk_base;

/* the program has made a second thread (rt/thread.c sets it) */
volatile uint32_t persona_multithreaded;

/* Locks of process-wide tables; a fork child re-initialises every one. */
plock_t persona_patch_lock;     /* reflect/patch.c: the site pool */
plock_t persona_robust_lock;    /* rt/robust.c: the robust-list heads */
plock_t persona_hashdirs_lock;  /* xl/common.c: directories read for getdents */
plock_t persona_ring_lock;      /* core/ring.c: the io_uring submission */
