; personality/asm/reflect.asm — the edges of reflection.
;
; The probe runs one int $0x80 from a page outside the image, with Syscall
; User Dispatch armed, to learn whether the kernel has an ia32 gate at all
; (reflect.c: persona_ia32_gate_present).

section .text
bits 64

; reflect_probe_call — run the probe page's int $0x80
;  IN:  rdi = the probe page (code: int $0x80; ret), esi = i386 number
;  OUT: rax = what came back in eax (the reflection handler sets it)
;  Clobbers: rcx, rdx, r8-r11 (the kernel's compat entry may zero r8-r11)
global reflect_probe_call:function (reflect_probe_call.end - reflect_probe_call)
reflect_probe_call:
	push	rbx			; the i386 argument registers are untouched
	mov	eax, esi		; but rbx must survive for the C caller
	call	rdi
	pop	rbx
	ret
.end:

section .note.GNU-stack noalloc noexec nowrite progbits
