; personality/asm/return_thunk.asm — how the image's C code returns.
;
; Built with RETURNS=jmp (the default; Makefile), the C code is compiled
; with -mfunction-return=thunk-extern: each function ends in a jump here in
; place of its ret. Why: on hosts whose kernel refills or poisons the
; return-stack predictor on the way back to user space (RSB filling, the
; SRSO "safe RET" mitigation), every ret whose call came before a syscall
; mispredicts, and on the C path every function between the gate and the
; native call (the row's handler, its helpers, nsys6) is such a one. An
; indirect jmp is predicted by the branch target buffer instead, which the
; kernel leaves alone (persona_trap6 in submit.asm tells what one such ret
; costs). The bench's -ret paths run an image built with RETURNS=ret, so
; each run measures the choice on its host.
;
; The thunk clobbers no register and no flag: GCC's interprocedural register
; allocation may keep a value in a call-clobbered register across a call to
; a function it knows leaves that register alone, and it does not know what
; the thunk does. The return address is read from just below rsp after rsp
; has moved past it; that is the red zone, which the image's C code uses
; anyway (no signal frame is built there: every handler of the image runs
; on its sigaltstack, and the kernel steps over the red zone).

section .text
bits 64

global __x86_return_thunk:function (__x86_return_thunk.end - __x86_return_thunk)
align 16
__x86_return_thunk:
	lea	rsp, [rsp + 8]
	jmp	[rsp - 8]
.end:

section .note.GNU-stack noalloc noexec nowrite progbits
