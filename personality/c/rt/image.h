/* personality/c/rt/image.h — the image's runtime: start-up, the gate's C
 * side, the fault handler, the code segment and the TLS selector fix-up.
 * The loader's side of the contract is personality/image_abi.h; the state
 * every layer shares is core/state.h.
 */
#ifndef PERSONA_IMAGE_H
#define PERSONA_IMAGE_H

#include "personality/image_abi.h"
#include "core/state.h"

/* The gate's C side: runs the call, then persona_exit_hook if linked. */
void persona_gate_dispatch(struct i386_frame *f);

/* Hooks other layers may define (weak: NULL when not linked in). */
/* called by init after the image's own set-up: reflection, seccomp, ... */
extern long persona_init_hook(const struct persona_init_args *a) __attribute__((weak));
/* called by the gate after every call, before i386 code resumes (deferred
 * signal delivery may rewrite the frame) */
extern void persona_exit_hook(struct i386_frame *f) __attribute__((weak));
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


#endif
