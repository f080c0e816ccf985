/* personality/c/image.h — the contract between the loader and the image.
 *
 * The image is a freestanding ELF64 file linked at PERSONA_IMAGE_BASE. Its
 * first bytes there are struct persona_image_header: the loader (sys/exec)
 * maps the file, checks magic and version, and reaches the image only through
 * the entry points in the header. Shared with host code, so this header
 * depends on nothing but <stdint.h> and layout.h.
 */
#ifndef PERSONA_IMAGE_H
#define PERSONA_IMAGE_H

#include <stdint.h>
#include "layout.h"

#define PERSONA_IMAGE_MAGIC    0x31474d4941535250ULL   /* "PRSAIMG1" little-endian */
#define PERSONA_IMAGE_VERSION  3

/* One kind of program the image serves: ELF ident class and OS ABI, and
 * e_machine. */
struct persona_serves {
	uint8_t  ei_class;     /* ELFCLASS32 / ELFCLASS64 */
	uint8_t  ei_osabi;     /* ELFOSABI_SYSV / ELFOSABI_GNU */
	uint16_t e_machine;    /* EM_386 / EM_X86_64 */
};
#define PERSONA_SERVES_MAX 8

/* Program kinds the loader starts. */
#define PERSONA_MODE_I386   1   /* ELF32 i386: 32-bit code, every call through the gate */
#define PERSONA_MODE_X86_64 2   /* ELF64 x86-64: native calls; int $0x80 reflected */

/* What the loader hands the image's init (64-bit pointers into the
 * loader's memory; init copies what it keeps). */
struct persona_init_args {
	uint32_t version;           /* PERSONA_IMAGE_VERSION */
	uint32_t mode;              /* PERSONA_MODE_* */
	/* persona run's options */
	uint32_t trace, stats, no_patch, seccomp;
	int32_t  log_fd;            /* the log's fd, or -1 for none (--log) */
	uint32_t ldt_cs;            /* --ldt-cs: 32-bit code in an LDT segment */
	uint32_t descendants_native; /* --descendants=native: passed on across execve */
	const char *log_path;       /* --log FILE, or NULL: passed on across execve */
	const char *persona_exe;    /* the persona binary (re-exec'd by execve) */
	const char *image_path;     /* the image file this process maps */
	const char *exe_path;       /* the program (what /proc/self/exe means to it) */
	/* the i386 address space the loader set up */
	uint32_t stack_lo, stack_hi;    /* the i386 stack */
	uint32_t brk_base;              /* page-aligned end of the program */
	uint32_t mmap_top;              /* the mmap area lies below this */
	uint32_t exe_lo, exe_hi;        /* the program's mapped range */
	uint32_t interp_lo, interp_hi;  /* the interpreter's, or 0, 0 */
	uint64_t entry;                 /* where the program starts */
};

struct persona_image_header {
	uint64_t magic;             /* PERSONA_IMAGE_MAGIC */
	uint32_t version;           /* PERSONA_IMAGE_VERSION */
	uint32_t header_size;       /* sizeof(struct persona_image_header) */
	uint64_t base, end;         /* [base, end): the image's memory, bss included */
	char     name[32];          /* the personality's name, e.g. "linux-i386" */
	uint32_t nserves;
	struct persona_serves serves[PERSONA_SERVES_MAX];
	/* long init(const struct persona_init_args *): 0 or -errno */
	uint64_t init;
	/* void start32(uint32_t entry, uint32_t esp): enters the i386 program
	 * (cs 0x23, ds=es=ss 0x2b); never returns */
	uint64_t start32;
	/* void start64(uint64_t entry, uint64_t rsp): enters an x86-64 program;
	 * never returns */
	uint64_t start64;
	uint64_t vdso, vdso_size;   /* the i386 vDSO (AT_SYSINFO_EHDR) */
	uint64_t sysinfo;           /* its __kernel_vsyscall (AT_SYSINFO) */
};

/* ---- inside the image (host code sees only declarations) ------------ */
#include "frame.h"

/* Per-thread personality state. The gate finds it from the LDT slot of the
 * i386 %gs (persona_thread_by_slot), or uses the main thread's when %gs
 * holds no slot of ours yet (before the program sets up its TLS). */
struct persona_thread {
	struct i386_frame frame;    /* first: the gate saves the i386 registers here */
	uint64_t kstack_top;        /* the stack the gate runs C on */
	int32_t  tid;
	/* set_thread_area entry PERSONA_TLS_ENTRY_MIN + i: its LDT slot (0 if
	 * none yet) and the i386 struct user_desc last written there */
	uint16_t tls_slot[PERSONA_TLS_ENTRIES];
	uint32_t tls_desc[PERSONA_TLS_ENTRIES][4];
	/* the thread's signal state (xl_signal.c; NULL: the main thread's) */
	struct persona_sigstate *sig;
	/* the ucontext of the reflected call in progress, or NULL */
	void *reflect_uc;
	/* threads other than the main one (thread.c): the kernel clears
	 * native_ctid when the thread has gone, and only then may its stacks
	 * be reused; prog_ctid is the program's CLONE_CHILD_CLEARTID word */
	volatile int32_t native_ctid;
	uint32_t prog_ctid;
	uint32_t settid_ctid;       /* CLONE_CHILD_SETTID: the child writes its tid */
	uint32_t in_use;
	uint64_t start_mask;        /* the program's mask the thread starts with */
	/* the thread's own call counts (NULL: the main thread's are
	 * persona_stats): threads calling at once never share a cache line
	 * for them; --stats adds them up */
	struct persona_stats *stats;
};
extern struct persona_thread persona_main_thread;
extern struct persona_thread *persona_thread_by_slot[PERSONA_TLS_SLOT_FIRST + PERSONA_TLS_SLOTS];

/* The calling thread's state: found as the gate finds it, from the LDT slot
 * of %gs (which no 64-bit code in the image changes), or the main thread's. */
static inline struct persona_thread *persona_self(void)
{
	uint32_t sel;
	struct persona_thread *t;

	__asm__ volatile("mov %%gs, %0" : "=r"(sel));
	if ((sel & 4) && (sel >> 3) < PERSONA_TLS_SLOT_FIRST + PERSONA_TLS_SLOTS &&
	    (t = persona_thread_by_slot[sel >> 3]) != 0)
		return t;
	return &persona_main_thread;
}

/* The thread whose frame the gate hands to persona_gate_dispatch: the
 * 32-bit ways in save into the thread's own struct (frame first); only the
 * 64-bit int $0x80 trampoline (gate64.asm) builds its frame on the stack.
 * Saves the %gs look-up on every call's way out. */
static inline struct persona_thread *persona_gate_thread(struct i386_frame *f)
{
	return f->way != WAY_INT80_64 ? (struct persona_thread *)(void *)f : persona_self();
}

extern struct persona_stats persona_stats;
static inline struct persona_stats *persona_stats_self(void)
{
	struct persona_stats *s = persona_self()->stats;

	return s ? s : &persona_stats;
}

/* What init kept of the loader's arguments. */
struct persona_process {
	uint32_t mode;
	uint32_t stack_lo, stack_hi;
	uint32_t exe_lo, exe_hi, interp_lo, interp_hi;
	char persona_exe[4096];
	char image_path[4096];
	char exe_path[4096];
	char log_path[4096];        /* empty: no --log */
	uint32_t ldt_cs_forced;     /* --ldt-cs: passed on across execve */
	uint32_t descendants_native; /* --descendants=native: passed on across execve */
};
extern struct persona_process persona_process;

/* The gate's C side: runs the call, then persona_exit_hook if linked. */
void persona_gate_dispatch(struct i386_frame *f);

/* Hooks other layers may define (weak: NULL when not linked in). */
/* called by init after the image's own set-up: reflection, seccomp, ... */
extern long persona_init_hook(const struct persona_init_args *a) __attribute__((weak));
/* called by the gate after every call, before i386 code resumes (deferred
 * signal delivery may rewrite the frame) */
extern void persona_exit_hook(struct i386_frame *f) __attribute__((weak));
/* called by exit/exit_group before the process ends (--stats) */
extern void persona_stats_dump(void) __attribute__((weak));
/* called by the SIGSEGV/SIGBUS handler for a fault the image does not fix
 * up itself: an int $0x80 on a kernel without an ia32 gate, or a fault the
 * i386 program should see as its own signal. Returns 1 when it dealt with
 * it (the context may have been rewritten), 0 to let the signal kill. */
extern int persona_reflect_fault(int sig, void *siginfo, void *ucontext) __attribute__((weak));

/* The vDSO's addresses (absolute symbols of the embedded vDSO; 0 in a
 * program that does not embed it, such as the unit tests): AT_SYSINFO, and
 * the sigreturn trampolines a signal frame's pretcode points at when the
 * handler has no SA_RESTORER (never code on the stack). */
extern char persona_vdso_sysinfo[] __attribute__((weak));
extern char persona_vdso_sigreturn[] __attribute__((weak));
extern char persona_vdso_rt_sigreturn[] __attribute__((weak));

/* The code segment i386 code runs in (gate.asm): PERSONA_USER32_CS, or an
 * LDT code segment when the kernel offers none (or --ldt-cs). */
extern uint16_t persona_user32_cs;
int persona_cs32_usable(uint32_t sel);

/* fault.c */
long persona_fault_init(void);
/* the signal-return trampoline for the image's own handlers (gate.asm) */
void persona_sigreturn_restorer(void);
/* load a selector into %fs / %gs (gate.asm) */
void persona_load_fs(uint32_t sel);
void persona_load_gs(uint32_t sel);

/* xl_proclife.c: the LDT selector that stands in for the GDT TLS selector
 * sel (entry << 3 | 3) in the calling thread, or 0 if sel is none of ours */
uint16_t persona_tls_ldt_selector(uint16_t sel);

#endif
