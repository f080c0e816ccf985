; personality/asm/uaccess.asm — touching foreign memory without trusting it.
;
; The translator reads and writes i386 memory only through these routines.
; A foreign pointer may be unmapped: the access faults, the image's SIGSEGV
; handler asks persona_fault_fixup() whether the faulting rip lies between
; uaccess_begin and uaccess_end, and resumes at uaccess_fault, which returns
; -EFAULT — Linux's exception-table idea with one shared fix-up. Every routine
; therefore keeps rsp unchanged at any instruction that can fault.
;
; Foreign ranges must lie wholly below persona_user_limit (the image base
; once the loader runs; 4 GiB before): the personality's own memory and the
; 64-bit side above 4 GiB are never reachable through a foreign pointer.

%define EFAULT 14
%define ENAMETOOLONG 36

section .data
align 8
global persona_user_limit:data (8)
persona_user_limit:	dq	0x100000000

section .text
bits 64

; range_ok — is [%1, %1 + %2) below persona_user_limit? jumps to .fault if not.
;  %1 = register with the zero-extended foreign address, %2 = length register
%macro CHECK_RANGE 2
	mov	rax, %1
	add	rax, %2
	jc	uaccess_fault
	cmp	rax, [rel persona_user_limit]
	ja	uaccess_fault
%endmacro

global uaccess_begin:function
uaccess_begin:

; copy_from_user — IN: rdi = dst, esi = foreign src, rdx = n
;                  OUT: rax = 0 or -EFAULT
global copy_from_user:function (copy_from_user.end - copy_from_user)
copy_from_user:
	mov	esi, esi
	CHECK_RANGE rsi, rdx
	mov	rcx, rdx
	rep	movsb
	xor	eax, eax
	ret
.end:

; copy_to_user — IN: edi = foreign dst, rsi = src, rdx = n
;                OUT: rax = 0 or -EFAULT
global copy_to_user:function (copy_to_user.end - copy_to_user)
copy_to_user:
	mov	edi, edi
	CHECK_RANGE rdi, rdx
	mov	rcx, rdx
	rep	movsb
	xor	eax, eax
	ret
.end:

; clear_user — IN: edi = foreign dst, rsi = n
;              OUT: rax = 0 or -EFAULT
global clear_user:function (clear_user.end - clear_user)
clear_user:
	mov	edi, edi
	CHECK_RANGE rdi, rsi
	mov	rcx, rsi
	xor	eax, eax
	rep	stosb
	ret
.end:

; strncpy_from_user — IN: rdi = dst, esi = foreign src, rdx = n (room, with NUL)
;   OUT: rax = length (without the NUL), -EFAULT, or -ENAMETOOLONG when no
;   NUL lies in the first n bytes. The range is checked byte by byte against
;   the limit, since the string's length is not known in advance.
global strncpy_from_user:function (strncpy_from_user.end - strncpy_from_user)
strncpy_from_user:
	mov	esi, esi
	xor	ecx, ecx		; rcx = bytes copied
	mov	r8, [rel persona_user_limit]
.loop:
	cmp	rcx, rdx
	jae	.toolong
	lea	rax, [rsi + rcx]
	cmp	rax, r8
	jae	uaccess_fault
	movzx	eax, byte [rsi + rcx]	; may fault
	mov	[rdi + rcx], al
	test	al, al
	jz	.found
	inc	rcx
	jmp	.loop
.found:
	mov	rax, rcx
	ret
.toolong:
	mov	rax, -ENAMETOOLONG
	ret
.end:

; cmpxchg_user_u32 — compare-and-swap one foreign 32-bit word, atomically
;   (lock cmpxchg; the robust-list walk marks a dead owner's futex with it).
;   IN:  edi = foreign address, rsi = uint32_t *expected (the value the word
;        should hold), edx = the value to store
;   OUT: rax = 1 if stored; 0 if the word held another value, which is
;        written to *expected; or -EFAULT. *expected holds the word's value
;        as found in either case.
global cmpxchg_user_u32:function (cmpxchg_user_u32.end - cmpxchg_user_u32)
cmpxchg_user_u32:
	mov	edi, edi
	mov	ecx, 4
	CHECK_RANGE rdi, rcx
	mov	eax, [rsi]
	lock cmpxchg [rdi], edx		; may fault
	mov	[rsi], eax
	setz	al
	movzx	eax, al
	ret
.end:

; The shared fix-up: every routine above faults with its return address on
; top of the stack, so returning -EFAULT from here returns from the routine.
global uaccess_fault:function
uaccess_fault:
	mov	rax, -EFAULT
	ret

global uaccess_end:function
uaccess_end:

; persona_fault_fixup — IN: rdi = faulting rip
;   OUT: rax = address to resume at (uaccess_fault; fast_out_fault for the
;   asm fast path's converters, fastpath.asm), or 0 when the fault did not
;   happen in a routine that touches foreign memory (a real crash: the
;   caller re-raises it).
extern fast_out_begin
extern fast_out_end
extern fast_out_fault
global persona_fault_fixup:function (persona_fault_fixup.end - persona_fault_fixup)
persona_fault_fixup:
	lea	rax, [rel uaccess_begin]
	cmp	rdi, rax
	jb	.converters
	lea	rax, [rel uaccess_end]
	cmp	rdi, rax
	jae	.converters
	lea	rax, [rel uaccess_fault]
	ret
.converters:
	lea	rax, [rel fast_out_begin]
	cmp	rdi, rax
	jb	.no
	lea	rax, [rel fast_out_end]
	cmp	rdi, rax
	jae	.no
	lea	rax, [rel fast_out_fault]
	ret
.no:
	xor	eax, eax
	ret
.end:

section .note.GNU-stack noalloc noexec nowrite progbits
