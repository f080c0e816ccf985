/* personality/c/core/stubs.h — the NASM stubs of personality/asm and the
 * embedded vDSO, as C sees them. They are the edge every layer may call
 * (README.md, "Layout"); the C they call back (persona_gate_dispatch,
 * persona_thread_start, persona_vfork_child) is the runtime's. The submit
 * stub and the foreign-memory routines, which everything uses, are
 * declared in core/persona.h.
 */
#ifndef PERSONA_STUBS_H
#define PERSONA_STUBS_H

#include <stdint.h>
#include "core/frame.h"

struct persona_thread;

/* ---- gate.asm ------------------------------------------------------------ */
/* The start of an i386 or x86-64 program (the loader calls them through
 * the image header). */
void persona_start32(uint32_t entry, uint32_t esp) __attribute__((noreturn));
void persona_start64(uint64_t entry, uint64_t rsp) __attribute__((noreturn));
/* The gate's fixed entries and the stack the main thread's C runs on. */
void persona_gate_init(void);
/* Resume i386 code as the frame says. */
void persona_gate_leave(struct i386_frame *f) __attribute__((noreturn));
/* The code segment i386 code runs in: PERSONA_USER32_CS, or an LDT code
 * segment when the kernel offers none (or --ldt-cs). */
extern uint16_t persona_user32_cs;
int persona_cs32_usable(uint32_t sel);
/* The signal-return trampoline for the image's own handlers. */
void persona_sigreturn_restorer(void);
/* Load a selector into %fs / %gs. */
void persona_load_fs(uint32_t sel);
void persona_load_gs(uint32_t sel);
/* A vfork child on its own stack; the child runs persona_vfork_child. */
long persona_clone_vfork(uint64_t flags, void *stack, uint32_t *ptid, uint32_t *ctid, uint64_t tls);

/* ---- gate64.asm: a rewritten 64-bit int $0x80 site's trampoline target --- */
void persona_gate_int80_64(void);

/* ---- fastpath.asm --------------------------------------------------------- */
/* The asm fast path of the rows the table marks fast asm: 1 if it ran the
 * call, 0 to take the C dispatch. */
int persona_fastpath(struct i386_frame *f);

/* ---- thread.asm: a thread on its own stacks; the child runs
 * persona_thread_start ---------------------------------------------------- */
long persona_clone_thread(uint64_t flags, void *stack, uint32_t *ptid, volatile int32_t *ctid,
			  struct persona_thread *t);

/* ---- sigentry.asm: the image's signal handlers as the kernel enters them:
 * AC cleared (the kernel keeps the interrupted code's), then the C handler
 * of the same arguments --------------------------------------------------- */
void persona_fault_entry(int sig, void *siginfo, void *ucontext);     /* persona_fault_handler */
void persona_sigsys_entry(int sig, void *siginfo, void *ucontext);    /* persona_reflect_sigsys */
void persona_signal_entry(int sig, void *siginfo, void *ucontext);    /* persona_signal_handler */
/* the C handlers behind them (fault.c, reflect.c, signal.c), never
 * installed directly */
void persona_fault_handler(int sig, void *siginfo, void *ucontext);
void persona_reflect_sigsys(int sig, void *siginfo, void *ucontext);
void persona_signal_handler(int sig, void *siginfo, void *ucontext);

/* ---- reflect.asm: the probe, one int $0x80 from the page at page with
 * eax = nr, to see whether the kernel has an ia32 gate -------------------- */
long reflect_probe_call(uint64_t page, uint32_t nr);

/* ---- the vDSO blob (absolute symbols of the embedded vDSO; 0 in a
 * program that does not embed it, such as the unit tests) ----------------- */
/* Its first byte (AT_SYSINFO_EHDR), AT_SYSINFO, and the sigreturn
 * trampolines a signal frame's pretcode points at when the handler has no
 * SA_RESTORER (never code on the stack). */
extern char persona_vdso_start[] __attribute__((weak));
extern char persona_vdso_sysinfo[] __attribute__((weak));
extern char persona_vdso_sigreturn[] __attribute__((weak));
extern char persona_vdso_rt_sigreturn[] __attribute__((weak));

#endif
