; personality/asm/gate64.asm — the way in for 64-bit code that calls with
; the i386 ABI (int $0x80 from 64-bit code): no mode switch.
;
; A rewritten 64-bit site (personality/c/reflect/patch.c) jumps to its trampoline,
; which steps over the caller's red zone and calls this entry. The frame is
; built on the caller's own stack (64-bit code has one; there is no i386
; stack to keep apart from it). A call whose row has an asm fast path
; (fastpath.asm) runs it right here, as the i386 gate's express lane does;
; any other call runs the same C dispatch as the i386 gate. The result
; comes back in rax sign-extended from eax, as the kernel returns an
; int $0x80 call made from 64-bit code.

%include "asm-offsets.inc"
%include "frame.inc"
%include "thread_self.inc"
%include "fast_routine.inc"
%include "stages.inc"

%define USER64_CS 0x33
%define FRAME_ROOM ((FRAME_SIZE + 15) & ~15)
%define SAVED_QWORDS 14		; the registers pushed after rflags

extern persona_gate_dispatch
extern persona_signal_gate_exit
extern persona_main_thread
extern persona_fast_table
extern persona_fast_slots
extern persona_opts
extern persona_lfs_marked
extern persona_lfs_reg_marked

; The hot entries (this one, persona_gate_express, persona_trap6) start on
; a cache line (align 64, their sections aligned to match), so that their
; place does not move with the size of unrelated code linked before them:
; two lines more in gate.asm and submit.asm once cost this lane's way in and
; out 0.7 ticks (gate 21.5 -> 22.2, `persona compare`, 12 rounds).
section .text align=64
bits 64

; persona_gate_int80_64
;  Lands here: by `call` from a site's trampoline, in 64-bit mode, with the
;    red zone already stepped over. eax = i386 number; ebx, ecx, edx, esi,
;    edi, ebp = the arguments (i386 ABI: 32-bit values).
;  OUT: rax = the result sign-extended from 32 bits. Every other register
;    and rflags are as they came (a superset of the kernel's promise, which
;    zeroes r8-r11); vector registers are untouched (the C side uses none).
;  Returns by a jump through the return address, not ret: the first ret
;  after the fast path's syscall would mispredict (persona_trap6,
;  submit.asm, tells why and what it costs). The return address is read
;  from the 8 bytes just below rsp, within the red zone the trampoline
;  stepped over, which no signal frame overwrites.
align 64
global persona_gate_int80_64:function (persona_gate_int80_64.end - persona_gate_int80_64)
persona_gate_int80_64:
	pushfq
	push	rbx
	push	rcx
	push	rdx
	push	rsi
	push	rdi
	push	rbp
	push	r8
	push	r9
	push	r10
	push	r11
	push	r12			; r12 = the saved registers (callee-saved in C)
	push	r13			; r13 = the thread (lane)
	push	r14			; r14 = its counts (lane)
	push	r15			; r15 = the fast routine's way back (lane)
	STAGE_GATE_IN
	mov	r12, rsp
	sub	rsp, FRAME_ROOM
	and	rsp, -16		; the SysV call alignment
	FRAME_STORE_CALL rsp
	mov	rbx, rsp		; rbx = the frame, as the fast routines read it
	; the lane: a row with an asm fast path, nothing for C to do
	mov	eax, eax		; zero-extend: rax indexes
	mov	r13d, 1			; for .c_side: the table runs the call
	FAST_ROUTINE r10, .private, .c_side
.lane:					; r10 = the row's routine, or 0: persona_gate
	; the thread as persona_self() finds it (64-bit code leaves %gs alone:
	; the main thread's, but for threads of an i386 program's 64-bit code)
	THREAD_FROM_GS r13, r11, r11d, .main
.thread:
	THREAD_STATS r14, r13
	LANE_RUN r10, r14, r13, WAY_INT80_64_ID, .counted, .answer_gate, .signals
.out:
	; the caller's arithmetic flags back (the C side restored them all)
	ARITH_FLAGS_BACK [r12 + SAVED_QWORDS * 8]
	movsxd	rax, dword [rbx + FRAME_eax]
	mov	rsp, r12
	pop	r15
	pop	r14
	pop	r13
	pop	r12
	pop	r11
	pop	r10
	pop	r9
	pop	r8
	pop	rbp
	pop	rdi
	pop	rsi
	pop	rdx
	pop	rcx
	pop	rbx
	lea	rsp, [rsp + 16]		; rflags and the return address popped, no flags touched
	jmp	[rsp - 8]

	; persona_gate (persona_abi.h): answered here with ebx — the way in
	; and out alone, which the bench measures, as the i386 lane does
.private:
	cmp	eax, L_NR_GATE
	jne	.c_side
	xor	r10d, r10d
	jmp	.lane
.answer_gate:
	ANSWER_PERSONA_GATE rbx, r14
	jmp	.counted

	; a signal came meanwhile: the C exit hook, with the frame complete
.signals:
	xor	r13d, r13d
	; the C side (r13 = 1: the table runs the call; 0: the lane has run
	; it): the rest of the frame, then persona_gate_dispatch(frame) on
	; this stack where r13 says, and the exit hook
.c_side:
	mov	rax, [r12 + SAVED_QWORDS * 8 + 8]	; the trampoline's return address
	mov	[rbx + FRAME_eip], eax
	lea	rax, [r12 + SAVED_QWORDS * 8 + 16]
	mov	[rbx + FRAME_esp], eax
	mov	eax, [r12 + SAVED_QWORDS * 8]	; rflags as pushed
	mov	[rbx + FRAME_eflags], eax
	mov	dword [rbx + FRAME_way], WAY_INT80_64_ID
	mov	word [rbx + FRAME_cs], USER64_CS
	FRAME_STORE_SEGMENTS rbx
	mov	[rbx + FRAME_host_rsp], r12
	FLAGS_FOR_C [rbx + FRAME_eflags]
	test	r13, r13
	jz	.exit_hook
	mov	rdi, rbx
	call	persona_gate_dispatch
.exit_hook:
	mov	rdi, rbx
	call	persona_signal_gate_exit
	push	qword [r12 + SAVED_QWORDS * 8]
	popfq				; DF, AC, TF as the caller had them
	jmp	.out
.main:
	lea	r13, [rel persona_main_thread]
	jmp	.thread
.end:

section .note.GNU-stack noalloc noexec nowrite progbits
