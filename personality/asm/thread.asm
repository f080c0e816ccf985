; personality/asm/thread.asm — the native clone that starts an i386 thread.
;
; A trap outside the submit stub because it cannot be an ordinary message:
; the child returns from the same `syscall` instruction on a different stack
; (its own personality stack), so it must never return through the frames of
; the C code that asked for it — those belong to the parent, which is still
; running on them. The child calls persona_thread_start() instead, which
; enters i386 code and never returns.

%define __NR_clone 56			; x86-64 (asm/unistd_64.h)

section .text
bits 64

; persona_clone_thread — clone a thread that starts on its own stack
;  IN:  rdi = clone flags, rsi = the child's 64-bit stack top (16-byte
;       aligned), rdx = parent_tid, rcx = child_tid, r8 = the child's
;       struct persona_thread * (native clone order: flags, stack,
;       parent_tid, child_tid, tls; no fs base is set natively)
;  OUT: parent: rax = the child's tid or -errno. child: calls
;       persona_thread_start(thread) on its stack; never returns here.
;  Clobbers the SysV caller-saved registers; preserves rbx, rbp, r12-r15.
extern persona_thread_start
global persona_clone_thread:function (persona_clone_thread.end - persona_clone_thread)
persona_clone_thread:
	push	r12
	mov	r12, r8			; the thread: survives the trap in both tasks
	mov	r10, rcx
	xor	r8d, r8d		; tls: none (the i386 TLS is an LDT slot)
	mov	eax, __NR_clone
	syscall				; clobbers rcx, r11
	test	rax, rax
	jnz	.parent
	xor	ebp, ebp		; the child: a fresh stack, no caller
	mov	rdi, r12
	call	persona_thread_start
	ud2
.parent:
	pop	r12
	ret
.end:

section .note.GNU-stack noalloc noexec nowrite progbits
