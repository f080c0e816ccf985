/* personality/c/rt/image.h — the image's runtime: start-up, the gate's C
 * side, the fault handler. The loader's side of the contract is
 * personality/image_abi.h; the state every layer shares is core/state.h,
 * the stubs of personality/asm are core/stubs.h.
 */
#ifndef PERSONA_IMAGE_H
#define PERSONA_IMAGE_H

#include "personality/image_abi.h"
#include "core/state.h"
#include "core/stubs.h"

/* The loader's init (the image header names it, with start32/start64). */
long persona_image_init(const struct persona_init_args *a);

/* The gate's C side: runs the call, then the signal layer's way out
 * (persona_signal_gate_exit). */
void persona_gate_dispatch(struct i386_frame *f);

/* fault.c: the SIGSEGV/SIGBUS handler, installed by init */
long persona_fault_init(void);

#endif
