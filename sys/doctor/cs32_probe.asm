; sys/doctor/cs32_probe.asm — does 32-bit code run in a given code segment?
;
; The probe is a blob, not a function run in place: persona is a static-pie
; whose text lies above 4 GiB, where 32-bit code cannot execute. hostcaps.c
; copies the bytes from cs32_probe_blob to cs32_probe_blob_end into a page
; below 2 GiB (MAP_32BIT), makes it executable and calls it there. The blob
; is position-independent and carries its own small stack: in 32-bit mode
; only esp counts, so the stack must lie below 4 GiB too.
;
; It runs in a throwaway child process: on a host that cannot run 32-bit
; code (a PVM guest faults the far transfer with error code 0x20) the fault
; kills or reports the child, never the persona command.

%define USER64_CS 0x33		; the kernel's 64-bit user code segment

section .rodata
bits 64

; cs32_probe_blob — IN: edi = selector of a 32-bit code segment.
;  OUT: eax = 0x32 when 32-bit code ran in it and came back.
;  Preserves rbx, rbp, r12–r15 and rsp (the upper halves of registers are
;  undefined after compatibility mode, so the callee-saved ones go on the
;  64-bit stack and rsp is kept in the blob's own memory).
global cs32_probe_blob:data (cs32_probe_blob_end - cs32_probe_blob)
global cs32_probe_blob_end:data 0
cs32_probe_blob:
	push	rbx				; the caller's callee-saved registers
	push	rbp
	push	r12
	push	r13
	push	r14
	push	r15
	mov	[rel saved_rsp], rsp
	lea	rsp, [rel stack_top]		; a stack below 4 GiB
	movzx	edi, di
	push	rdi				; retfq pops rip, then cs
	lea	rax, [rel in32]
	push	rax
	o64 retf			; into 32-bit mode, in the probed segment
back64:
	mov	rsp, [rel saved_rsp]
	pop	r15
	pop	r14
	pop	r13
	pop	r12
	pop	rbp
	pop	rbx
	ret

bits 32
in32:
	mov	eax, 0x32			; the proof that 32-bit code ran
	call	.here				; eip, to return without an absolute address
.here:
	pop	ecx
	add	ecx, back64 - .here
	push	dword USER64_CS
	push	ecx
	retf					; back to 64-bit mode

align 8
saved_rsp:	dq	0
		times 64 db 0
stack_top:
cs32_probe_blob_end:

section .note.GNU-stack noalloc noexec nowrite progbits
