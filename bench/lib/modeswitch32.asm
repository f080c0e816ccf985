; bench/lib/modeswitch32.asm — the floor under the personality's i386 lane,
; measured in the same kind of process: an i386 program (lat_null built
; with BENCH_ENTRY_SWITCH32, run under `persona run --reflect=startup`)
; that makes the native getppid itself. Its 32-bit code is called as
; __kernel_vsyscall is, jumps far into 64-bit code of its own, makes the
; x86-64 syscall there and jumps far back straight to its caller's return
; address: the way the gate's express lane goes, with none of the lane's
; work. On some hosts the kernel takes longer for the system calls of a
; process that runs 32-bit code than for a 64-bit one's (the report's stage
; timers show it); this floor meets that as pers-startup does, where the
; 64-bit modeswitch floor cannot.
;
; The program is static and non-PIE: its 64-bit part lies below 4 GiB,
; where the far jump from 32-bit code reaches it.

%define USER32_CS 0x23
%define USER64_CS 0x33
%define NR64_GETPPID 110		; x86-64 (asm/unistd_64.h)

section .text
bits 32

; bench_switch32 — cdecl, no arguments; OUT: eax = getppid(), made by the
;  x86-64 syscall in 64-bit code. Returns by a far jump to its return
;  address, not ret: where the kernel leaves the return predictor wrong
;  after a syscall the first ret after it is dear, and the lane does not
;  pay it either. Keeps ebx, esi, edi, ebp (cdecl); clobbers ecx, edx.
;  Not reentrant (the benchmark is single-threaded).
global bench_switch32:function (bench_switch32.end - bench_switch32)
bench_switch32:
	pop	dword [back]		; the return address, for the far jump back
	jmp	USER64_CS:leg64
.end:

bits 64
leg64:
	mov	eax, NR64_GETPPID
	syscall				; clobbers rcx, r11
	jmp	far dword [rel back]	; m16:32: the caller's return address, 0x23

section .data
align 8
back:	dd	0			; m16:32 far pointer back to 32-bit code
	dw	USER32_CS

section .note.GNU-stack noalloc noexec nowrite progbits
