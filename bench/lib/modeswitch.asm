; bench/lib/modeswitch.asm — the floor under any 32↔64-bit gate: one round
; trip from 64-bit code into 32-bit code (user code segment 0x23) and back,
; by two far jumps, doing nothing else (lat_gate built with
; BENCH_ENTRY_MODESWITCH), or the same with one native call made in the
; 64-bit leg (lat_null: getppid), so that a report can set the
; personality's way in beside the bare mode switch, and its null call
; beside the floor of any gate that makes the native call, on one machine.
;
; The program is static and non-PIE: this code lies below 4 GiB, where
; 32-bit code can run it. The 32-bit part touches no stack or data.

%define USER32_CS 0x23
%define USER64_CS 0x33

section .text
bits 64

; bench_modeswitch — IN: rdi = a, rsi = a native (x86-64) system-call
;  number or -1; OUT: after a 64→32→64 round trip, rax = a (rsi = -1) or the
;  result of that call made once back in 64-bit code, no arguments (so that
;  the loop calls it once per round trip: the sequence a gate runs).
;  The upper halves of registers are undefined after compatibility mode, so
;  rsp (a 64-bit stack above 4 GiB) is kept in memory across the trip.
;  Returns by a jump through its return address, not ret: where the kernel
;  leaves the return predictor wrong after a syscall, a ret there costs
;  more than the mode switch (lat_null-64-ret measures it), and a gate
;  need not pay it (the personality's fast path returns by jumps), so the
;  floor must not either.
;  Not reentrant (the benchmark is single-threaded).
global bench_modeswitch:function (bench_modeswitch.end - bench_modeswitch)
bench_modeswitch:
	pop	qword [rel saved_ret]
	mov	[rel saved_rsp], rsp
	mov	[rel saved_a], rdi
	mov	[rel saved_nr], rsi
	jmp	far dword [rel to32]
.back64:
	mov	rsp, [rel saved_rsp]
	mov	rax, [rel saved_nr]
	test	rax, rax
	js	.no_call
	syscall				; clobbers rcx, r11 (caller-saved)
	jmp	[rel saved_ret]
.no_call:
	mov	rax, [rel saved_a]
	jmp	[rel saved_ret]
.end:

; bench_syscall_ret — IN: rdi = a native (x86-64) system-call number;
;  OUT: rax = its result, no arguments. The native call made inside a
;  function that returns with ret right after the syscall, as a libc
;  wrapper or the i386 vDSO's __kernel_vsyscall does (lat_null-64-ret):
;  beside lat_null-64 (the syscall inline) it shows what that first ret
;  after a syscall costs on the host.
global bench_syscall_ret:function (bench_syscall_ret.end - bench_syscall_ret)
bench_syscall_ret:
	mov	rax, rdi
	syscall				; clobbers rcx, r11 (caller-saved)
	ret
.end:

bits 32
in32:
	jmp	USER64_CS:bench_modeswitch.back64

section .data
align 8
to32:	dd	in32		; m16:32 far pointer to the 32-bit part
	dw	USER32_CS

section .bss
alignb 8
saved_rsp:	resq	1
saved_ret:	resq	1
saved_a:	resq	1
saved_nr:	resq	1

section .note.GNU-stack noalloc noexec nowrite progbits
