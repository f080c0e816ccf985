; personality/asm/tsc.asm — the TSC, read in order (vclock.c's anchors).

section .text
bits 64

; persona_tsc_ordered
;  IN:  nothing
;  OUT: rax = the TSC. lfence first: the read happens after every load and
;       locked store before it (a sequence count set odd with a locked
;       instruction is visible by then). Clobbers rdx.
global persona_tsc_ordered:function (persona_tsc_ordered.end - persona_tsc_ordered)
persona_tsc_ordered:
	lfence
	rdtsc
	shl	rdx, 32
	or	rax, rdx
	ret
.end:

section .note.GNU-stack noalloc noexec nowrite progbits
