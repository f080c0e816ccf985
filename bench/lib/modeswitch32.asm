; bench/lib/modeswitch32.asm — the floor under the personality's i386 lane,
; measured in the same kind of process: an i386 program (lat_null, lat_read
; and lat_write built with BENCH_ENTRY_SWITCH32, run under `persona run
; --reflect=startup`) that makes its native calls itself. Its 32-bit code
; is called as __kernel_vsyscall is, jumps far into 64-bit code of its own,
; makes the x86-64 syscall there and jumps far back straight to its
; caller's return address: the way the gate's express lane goes, with none
; of the lane's work. On some hosts the kernel takes longer for the system
; calls of a process that runs 32-bit code than for a 64-bit one's (the
; report's stage timers show it); this floor meets that as pers-startup
; does, where the 64-bit modeswitch floor cannot.
;
; The program is static and non-PIE: its 64-bit part lies below 4 GiB,
; where the far jump from 32-bit code reaches it.

%define USER32_CS 0x23
%define USER64_CS 0x33

section .text
bits 32

; bench_switch32 — cdecl (nr, a, b, c): nr an x86-64 system-call number,
;  a, b, c its first three arguments (32-bit values, zero-extended: the
;  benchmarks pass descriptors and pointers); OUT: eax = the result's low
;  half. Returns by a far jump to its return address, not ret: where the
;  kernel leaves the return predictor wrong after a syscall the first ret
;  after it is dear, and the lane does not pay it either. Keeps ebx, esi,
;  edi, ebp (cdecl); clobbers ecx, edx. Not reentrant (the benchmark is
;  single-threaded).
global bench_switch32:function (bench_switch32.end - bench_switch32)
bench_switch32:
	push	esi
	push	edi
	mov	eax, [esp + 12]		; nr (the return address at esp + 8)
	mov	edi, [esp + 16]		; a
	mov	esi, [esp + 20]		; b
	mov	edx, [esp + 24]		; c
	jmp	USER64_CS:leg64
.end:

bits 64
leg64:
	mov	esp, esp		; the upper halves are undefined after 32-bit code
	mov	eax, eax
	mov	edi, edi
	mov	esi, esi
	mov	edx, edx
	syscall				; clobbers rcx, r11
	mov	edi, [rsp]		; the caller's edi and esi back
	mov	esi, [rsp + 4]
	mov	ecx, [rsp + 8]		; its return address, for the far jump
	mov	[rel back], ecx
	lea	rsp, [rsp + 12]		; esp as after a ret
	jmp	far dword [rel back]	; m16:32: the return address, 0x23

section .data
align 8
back:	dd	0			; m16:32 far pointer back to 32-bit code
	dw	USER32_CS

section .note.GNU-stack noalloc noexec nowrite progbits
