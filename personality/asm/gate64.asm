; personality/asm/gate64.asm — the way in for 64-bit code that calls with
; the i386 ABI (int $0x80 from 64-bit code): no mode switch.
;
; A rewritten 64-bit site (personality/c/reflect/patch.c) jumps to its trampoline,
; which steps over the caller's red zone and calls this entry. The frame is
; built on the caller's own stack (64-bit code has one; there is no i386
; stack to keep apart from it), the same C dispatch runs, and the result
; comes back in rax sign-extended from eax, as the kernel returns an
; int $0x80 call made from 64-bit code.

%include "asm-offsets.inc"
%include "frame.inc"

%define USER64_CS 0x33
%define FRAME_ROOM ((FRAME_SIZE + 15) & ~15)

extern persona_gate_dispatch

section .text
bits 64

; persona_gate_int80_64
;  Lands here: by `call` from a site's trampoline, in 64-bit mode, with the
;    red zone already stepped over. eax = i386 number; ebx, ecx, edx, esi,
;    edi, ebp = the arguments (i386 ABI: 32-bit values).
;  OUT: rax = the result sign-extended from 32 bits. Every other register
;    and rflags are as they came (a superset of the kernel's promise, which
;    zeroes r8-r11); vector registers are untouched (the C side uses none).
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
	push	r12			; r12 = the frame (callee-saved in C)
	mov	r12, rsp
	sub	rsp, FRAME_ROOM
	and	rsp, -16		; the SysV call alignment
	FRAME_STORE_CALL rsp
	mov	rax, [r12 + 12 * 8]	; the trampoline's return address
	mov	[rsp + FRAME_eip], eax
	lea	rax, [r12 + 13 * 8]
	mov	[rsp + FRAME_esp], eax
	mov	eax, [r12 + 11 * 8]	; rflags as pushed
	mov	[rsp + FRAME_eflags], eax
	mov	dword [rsp + FRAME_way], WAY_INT80_64_ID
	mov	word [rsp + FRAME_cs], USER64_CS
	FRAME_STORE_SEGMENTS rsp
	mov	[rsp + FRAME_host_rsp], r12
	cld				; the SysV ABI: DF clear in C
	mov	rdi, rsp
	call	persona_gate_dispatch
	movsxd	rax, dword [rsp + FRAME_eax]
	mov	rsp, r12
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
	popfq				; DF and every flag as the caller had them
	ret
.end:

section .note.GNU-stack noalloc noexec nowrite progbits
