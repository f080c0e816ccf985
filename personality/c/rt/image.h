/* personality/c/rt/image.h — the image's runtime: start-up, the gate's C
 * side, the fault handler, the code segment and the TLS selector fix-up.
 * The loader's side of the contract is personality/image_abi.h; the state
 * every layer shares is core/state.h.
 */
#ifndef PERSONA_IMAGE_H
#define PERSONA_IMAGE_H

#include "personality/image_abi.h"
#include "core/state.h"

/* The loader's entry points (the image header names them): init, and the
 * start of an i386 or x86-64 program (gate.asm). */
long persona_image_init(const struct persona_init_args *a);
void persona_start32(uint32_t entry, uint32_t esp) __attribute__((noreturn));
void persona_start64(uint64_t entry, uint64_t rsp) __attribute__((noreturn));
/* The gate's fixed entries and the stack the main thread's C runs on
 * (gate.asm). */
void persona_gate_init(void);
/* The asm fast path of the PASS rows the table marks fast: 1 if it ran the
 * call, 0 to take the C dispatch (fastpath.asm). */
int persona_fastpath(struct i386_frame *f);
/* A rewritten 64-bit int $0x80 site's trampoline target (gate64.asm). */
void persona_gate_int80_64(void);

/* The gate's C side: runs the call, then the signal layer's way out
 * (persona_signal_gate_exit). */
void persona_gate_dispatch(struct i386_frame *f);

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
