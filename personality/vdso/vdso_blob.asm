; personality/vdso/vdso_blob.asm — the linked i386 vDSO, embedded in the image.
;
; The image's linker script puts section .persona.vdso at PERSONA_VDSO_BASE,
; the address the vDSO was linked for; AT_SYSINFO_EHDR points there.
; vdso-syms.inc (generated from the linked vDSO's symbol table) gives the
; address of __kernel_vsyscall for AT_SYSINFO.

%include "vdso-syms.inc"

section .persona.vdso progbits alloc exec nowrite align=4096
global persona_vdso_start:data
global persona_vdso_end:data
persona_vdso_start:
	incbin	"vdso.so"
persona_vdso_end:

global persona_vdso_sysinfo
persona_vdso_sysinfo equ VDSO___kernel_vsyscall

; the vDSO's signal-return trampolines: an i386 handler installed without
; SA_RESTORER returns through them, as with the kernel's vDSO
global persona_vdso_sigreturn
persona_vdso_sigreturn equ VDSO___kernel_sigreturn
global persona_vdso_rt_sigreturn
persona_vdso_rt_sigreturn equ VDSO___kernel_rt_sigreturn
