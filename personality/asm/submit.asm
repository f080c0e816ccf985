; personality/asm/submit.asm — the message trap.
;
; The proposal's int $0x81: a batch of struct sysmsg (sys/msg.h) runs in
; order, each by one native `syscall`. A message flagged SYSMSG_LINKED is
; cancelled with -ECANCELED when its predecessor failed (a cancelled message
; counts as failed, so a chain stops at its first failure). The io_uring
; route (personality/c/core/ring.c) reaches the kernel through here too, as
; one io_uring_enter message, and so does every native call of the C code
; (nsys6).
;
; Every system call the image makes traps here (persona_submit, and
; persona_trap6 for the asm fast path's calls from registers), except four
; that cannot return to their caller as a message does, each a stub of its
; own: the clone of a vfork child (persona_clone_vfork, gate.asm) and of a
; thread (persona_clone_thread, thread.asm), whose child returns on another
; stack; rt_sigreturn (persona_sigreturn_restorer, gate.asm), which never
; returns; and the probe's int $0x80 (reflect_probe_call, reflect.asm),
; made from a page outside the image so that it traps, to learn whether the
; kernel has an ia32 gate. The signal code knows these two addresses
; (persona_submit_syscall, persona_trap6): a signal that lands on one came
; while the call may have blocked.

%include "asm-offsets.inc"
%include "stages.inc"

%define ECANCELED 125

; align=64: a hot entry below starts on a cache line (gate64.asm says why).
section .text align=64
bits 64

; persona_submit — run a batch of messages
;  IN:  rdi = struct sysmsg *msgs, esi = count
;  OUT: rax = count; each message's result and SYSMSG_DONE flag are set
;  Clobbers the SysV caller-saved registers; rbx, r12, r13, r14 are preserved.
global persona_submit:function (persona_submit.end - persona_submit)
persona_submit:
	push	rbx			; rbx = cursor
	push	r12			; r12d = messages left
	push	r13			; r13d = 1 if the previous message failed
	push	r14			; r14d = count, the return value
	mov	rbx, rdi
	mov	r14d, esi
	mov	r12d, esi
	xor	r13d, r13d
.next:
	test	r12d, r12d
	jz	.done
	test	dword [rbx + SYSMSG_flags], SYSMSG_F_LINKED
	jz	.trap
	test	r13d, r13d
	jz	.trap
	mov	qword [rbx + SYSMSG_result], -ECANCELED
	jmp	.advance		; r13d stays 1: the chain is broken
.trap:
	mov	eax, [rbx + SYSMSG_nr]
	mov	rdi, [rbx + SYSMSG_args + 0]
	mov	rsi, [rbx + SYSMSG_args + 8]
	mov	rdx, [rbx + SYSMSG_args + 16]
	mov	r10, [rbx + SYSMSG_args + 24]
	mov	r8,  [rbx + SYSMSG_args + 32]
	mov	r9,  [rbx + SYSMSG_args + 40]
; The trap's address is known to the signal code (signal/signal.c): a signal
; the image defers here must not let the kernel restart the call behind
; the program's back, so it turns a restart into -EINTR at this address.
global persona_submit_syscall
persona_submit_syscall equ persona_submit.syscall
.syscall:
	syscall				; clobbers rcx, r11
	mov	[rbx + SYSMSG_result], rax
	xor	r13d, r13d
	cmp	rax, -4095		; failed iff rax in [-4095, -1]
	setae	r13b
.advance:
	or	dword [rbx + SYSMSG_flags], SYSMSG_F_DONE
	add	rbx, SYSMSG_SIZE
	dec	r12d
	jmp	.next
.done:
	mov	eax, r14d
	pop	r14
	pop	r13
	pop	r12
	pop	rbx
	pop	rcx			; the return address: no ret (persona_trap6 says why)
	jmp	rcx
.end:

; persona_trap6 — one native call from registers, for the asm fast path
; (personality/asm/fastpath.asm), which has its arguments in registers
; already and would only spill them into a message to load them back.
;  IN:  eax = native number; rdi, rsi, rdx, r10, r8, r9 = arguments;
;       rbp = where to go on (reached by jmp, not call: see below)
;       r14 = the calling thread's struct persona_stats (the stage timers
;       of a PERSONA_STAGES image stamp there: stages.inc)
;  OUT: rax = result or -errno, and a jump to rbp. Clobbers rcx, r11 (the
;       syscall instruction); with the stage timers rdx too.
; Why no ret: on hosts whose kernel refills or poisons the return-stack
; predictor on the way back to user space (retpolines with RSB filling, the
; SRSO "safe RET" mitigation), the first ret after a syscall mispredicts,
; and costs more than the rest of the gate: ~155 ticks on the AMD EPYC host
; of results/ (`persona bench` path native-ret against native: the same
; getppid with and without a ret right after it). An indirect jmp is
; predicted by the branch target buffer, which the kernel leaves alone, so
; the fast path returns by jumps from here to the i386 caller.
align 64
global persona_trap6:function (persona_trap6.end - persona_trap6)
persona_trap6:
	STAGE_BEFORE_TRAP
; the trap's address, for the signal code as persona_submit_syscall's is
; (the stage timers put instructions before it)
global persona_trap6_syscall
persona_trap6_syscall equ persona_trap6.syscall
.syscall:
	syscall
	STAGE_AFTER_TRAP
	jmp	rbp
.end:

section .note.GNU-stack noalloc noexec nowrite progbits
