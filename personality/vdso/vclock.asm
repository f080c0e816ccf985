; personality/vdso/vclock.asm — the i386 vDSO's clocks, answered in 32-bit
; code without a mode switch or a system call.
;
; The clock page (personality/c/rt/vclock.h, at PERSONA_VCLOCK_BASE) holds per
; clock a TSC anchor, the clock's time then and its rate; the time now is
; that time plus the ticks since, times the rate. Where the page cannot
; answer (a clock it does not serve, an anchor older than max_ticks, an
; update under way, a time zone asked for) the function takes the gate
; with the real system call, as the kernel's vDSO falls back to a syscall;
; the image then re-anchors the clock (personality/c/rt/vclock.c).
;
; Exports (version LINUX_2.6, the names and version glibc looks up, as in
; the kernel's i386 vDSO), all cdecl: arguments on the stack, result in
; eax (0 or -errno; time: the seconds), ebx, esi, edi, ebp preserved:
;   __vdso_clock_gettime(clockid_t, struct old_timespec32 *)
;   __vdso_clock_gettime64(clockid_t, struct __kernel_timespec *)
;   __vdso_gettimeofday(struct old_timeval32 *, struct timezone *)
;   __vdso_time(old_time32_t *)
;   __vdso_clock_getres(clockid_t, struct old_timespec32 *)

%include "asm-offsets.inc"
%macro SYSENT_ASM 4			; sysent.inc's rows: only the names are used here
%endmacro
%include "sysent.inc"

%define U32(x) ((x) & 0xFFFFFFFF)	; asm-offsets.inc prints addresses signed
%define VCLOCK(off) (U32(L_VCLOCK_BASE) + (off))
%define NSEC_PER_SEC 1000000000
%define CLOCK_REALTIME 0
%define SAVED 16			; the four callee-saved registers pushed

section .text
bits 32

; vclock_read — the time of one clock from the clock page.
;  IN:  eax = clock id; edi = a struct __kernel_timespec to fill (16 bytes)
;  OUT: CF clear: [edi] holds the time. CF set: the page cannot answer now;
;       take the gate. Clobbers eax, ebx, ecx, edx, esi, ebp.
align 16
vclock_read:
	cmp	eax, L_VCLOCK_CLOCKS
	jae	.gate
	imul	ebp, eax, VCLOCK_CLOCK_SIZE
	add	ebp, VCLOCK(VCLOCK_clk)		; ebp = the clock's entry
.again:
	mov	esi, [VCLOCK(VCLOCK_seq)]
	test	esi, 1
	jnz	.gate				; the image is writing: no waiting here
	mov	ecx, [ebp + VCC_mult]
	test	ecx, ecx
	jz	.gate				; not served (or no usable TSC)
	; the TSC read after the loads above (lfence), as the kernel's vDSO
	; reads it. A reader that passes the check below read it before the
	; image took its new anchor, up to the out-of-order window of the
	; check's load; vclock.c's re-anchoring covers that window.
	lfence
	rdtsc
	sub	eax, [ebp + VCC_tsc]
	sbb	edx, [ebp + VCC_tsc + 4]	; edx:eax = ticks since the anchor
	js	.before				; another CPU's anchor, a few ticks ahead
	jnz	.gate				; 2^32 ticks or more: far too old
	cmp	eax, [ebp + VCC_max_ticks]
	ja	.gate
	mul	ecx				; edx = ns since the anchor (rate << 32)
	jmp	.add
.before:
	xor	edx, edx
.add:
	add	edx, [ebp + VCC_nsec]
	mov	eax, [ebp + VCC_sec]
	mov	ebx, [ebp + VCC_sec + 4]
	cmp	esi, [VCLOCK(VCLOCK_seq)]
	jne	.again				; torn: the image updated meanwhile
.carry:
	cmp	edx, NSEC_PER_SEC
	jb	.store
	sub	edx, NSEC_PER_SEC
	add	eax, 1
	adc	ebx, 0
	jmp	.carry
.store:
	mov	[edi], eax
	mov	[edi + 4], ebx
	mov	[edi + 8], edx
	mov	dword [edi + 12], 0
	clc
	ret
.gate:
	stc
	ret
.end:

; vclock_gate — the system call through the gate, from inside the vDSO.
;  IN:  eax = i386 number, ebx, ecx = arguments; return address on the stack
;  OUT: eax = result; other registers preserved (the gate's promise)
align 16
vclock_gate:
	jmp	L_USER64_CS:U32(L_GATE64_SYSINFO)
.end:

; SYSCALL2 nr, arg1, arg2 — the fallback of a two-argument function whose
; four callee-saved registers are pushed: the call with the caller's own
; arguments, result in eax.
%macro SYSCALL2 3
	mov	ebx, %2
	mov	ecx, %3
	mov	eax, %1
	call	vclock_gate
%endmacro

%macro PUSH_SAVED 0
	push	ebx
	push	esi
	push	edi
	push	ebp
%endmacro
%macro POP_SAVED 0
	pop	ebp
	pop	edi
	pop	esi
	pop	ebx
%endmacro

; int __vdso_clock_gettime64(clockid_t clock, struct __kernel_timespec *ts)
global __vdso_clock_gettime64:function (__vdso_clock_gettime64.end - __vdso_clock_gettime64)
align 16
__vdso_clock_gettime64:
	PUSH_SAVED
	mov	eax, [esp + SAVED + 4]
	mov	edi, [esp + SAVED + 8]
	call	vclock_read
	jc	.gate
	xor	eax, eax
.out:
	POP_SAVED
	ret
.gate:
	SYSCALL2 I386_NR_clock_gettime64, [esp + SAVED + 4], [esp + SAVED + 8]
	jmp	.out
.end:

; int __vdso_clock_gettime(clockid_t clock, struct old_timespec32 *ts):
; seconds truncated to 32 bits, as the kernel's vDSO does
global __vdso_clock_gettime:function (__vdso_clock_gettime.end - __vdso_clock_gettime)
align 16
__vdso_clock_gettime:
	PUSH_SAVED
	sub	esp, 16
	mov	eax, [esp + 16 + SAVED + 4]
	mov	edi, esp
	call	vclock_read
	jc	.gate
	mov	edi, [esp + 16 + SAVED + 8]
	mov	eax, [esp]
	mov	[edi], eax
	mov	eax, [esp + 8]
	mov	[edi + 4], eax
	xor	eax, eax
.out:
	add	esp, 16
	POP_SAVED
	ret
.gate:
	SYSCALL2 I386_NR_clock_gettime, [esp + 16 + SAVED + 4], [esp + 16 + SAVED + 8]
	jmp	.out
.end:

; int __vdso_gettimeofday(struct old_timeval32 *tv, struct timezone *tz):
; the time zone only the kernel knows, so asking for it takes the gate
global __vdso_gettimeofday:function (__vdso_gettimeofday.end - __vdso_gettimeofday)
align 16
__vdso_gettimeofday:
	PUSH_SAVED
	sub	esp, 16
	cmp	dword [esp + 16 + SAVED + 8], 0
	jne	.gate
	xor	eax, eax
	cmp	dword [esp + 16 + SAVED + 4], 0
	je	.out				; neither asked for: nothing to do
	mov	eax, CLOCK_REALTIME
	mov	edi, esp
	call	vclock_read
	jc	.gate
	mov	edi, [esp + 16 + SAVED + 4]
	mov	eax, [esp]
	mov	[edi], eax			; tv_sec
	mov	eax, [esp + 8]
	xor	edx, edx
	mov	ecx, 1000
	div	ecx
	mov	[edi + 4], eax			; tv_usec
	xor	eax, eax
.out:
	add	esp, 16
	POP_SAVED
	ret
.gate:
	SYSCALL2 I386_NR_gettimeofday, [esp + 16 + SAVED + 4], [esp + 16 + SAVED + 8]
	jmp	.out
.end:

; old_time32_t __vdso_time(old_time32_t *t)
global __vdso_time:function (__vdso_time.end - __vdso_time)
align 16
__vdso_time:
	PUSH_SAVED
	sub	esp, 16
	mov	eax, CLOCK_REALTIME
	mov	edi, esp
	call	vclock_read
	jc	.gate
	mov	eax, [esp]
	mov	edi, [esp + 16 + SAVED + 4]
	test	edi, edi
	jz	.out
	mov	[edi], eax
.out:
	add	esp, 16
	POP_SAVED
	ret
.gate:
	SYSCALL2 I386_NR_time, [esp + 16 + SAVED + 4], 0
	jmp	.out
.end:

; int __vdso_clock_getres(clockid_t clock, struct old_timespec32 *res):
; a clock's resolution does not change; the image asked the kernel once
global __vdso_clock_getres:function (__vdso_clock_getres.end - __vdso_clock_getres)
align 16
__vdso_clock_getres:
	PUSH_SAVED
	mov	eax, [esp + SAVED + 4]
	cmp	eax, L_VCLOCK_CLOCKS
	jae	.gate
	imul	eax, eax, VCLOCK_CLOCK_SIZE
	mov	edx, [eax + VCLOCK(VCLOCK_clk + VCC_res_nsec)]
	test	edx, edx
	jz	.gate
	mov	edi, [esp + SAVED + 8]
	xor	eax, eax
	test	edi, edi
	jz	.out
	mov	[edi], eax
	mov	[edi + 4], edx
.out:
	POP_SAVED
	ret
.gate:
	SYSCALL2 I386_NR_clock_getres, [esp + SAVED + 4], [esp + SAVED + 8]
	jmp	.out
.end:
