; personality/vdso/vdso.asm — the i386 vDSO: the gate as glibc wants to see it.
;
; glibc (2.36) uses AT_SYSINFO (call *%gs:0x10) only when AT_SYSINFO_EHDR
; points at an ELF image it can parse, so the entry is presented as a tiny
; i386 shared object, linked at PERSONA_VDSO_BASE inside the personality
; image (vdso.lds) and embedded in it (vdso_blob.asm). Its code only jumps
; to the image's fixed 64-bit entries: no relocations, no data.
;
; Exports (version LINUX_2.5, as the kernel's):
;   __kernel_vsyscall     the system-call entry (AT_SYSINFO)
;   __kernel_sigreturn    signal return trampolines for handlers without
;   __kernel_rt_sigreturn SA_RESTORER (the kernel's vDSO has them too)

%include "asm-offsets.inc"
%macro SYSENT_ASM 4			; sysent.inc's rows: only the names are used here
%endmacro
%include "sysent.inc"

%define U32(x) ((x) & 0xFFFFFFFF)	; asm-offsets.inc prints addresses signed

section .text
bits 32

; __kernel_vsyscall
;  IN:  eax = i386 number, ebx, ecx, edx, esi, edi, ebp = arguments;
;       the caller's return address on the stack (call *%gs:0x10)
;  OUT: eax = result or -errno; every other register, eflags and the
;       segment registers preserved; returns to the caller
global __kernel_vsyscall:function (__kernel_vsyscall.end - __kernel_vsyscall)
__kernel_vsyscall:
	jmp	L_USER64_CS:U32(L_GATE64_SYSINFO)
.end:

; __kernel_sigreturn — a handler's return address when it has no restorer:
; on entry the signal number is on top of the old-style sigframe.
global __kernel_sigreturn:function (__kernel_sigreturn.end - __kernel_sigreturn)
align 16
__kernel_sigreturn:
	pop	eax
	mov	eax, I386_NR_sigreturn
	jmp	L_USER64_CS:U32(L_GATE64_NORET)
.end:

global __kernel_rt_sigreturn:function (__kernel_rt_sigreturn.end - __kernel_rt_sigreturn)
align 16
__kernel_rt_sigreturn:
	mov	eax, I386_NR_rt_sigreturn
	jmp	L_USER64_CS:U32(L_GATE64_NORET)
.end:
