/* tests/prog/regs_entry.S — one i386 system call with every register set.
 *
 * int regs_call(const struct regs *in, struct regs *out, int way)
 *   way 0: call *%gs:0x10 (__kernel_vsyscall), way 1: int $0x80
 * Loads eax..ebp and eflags from *in, makes the call, stores every
 * register, eflags and the segment registers into *out. Built without PIE:
 * the state lives in fixed globals while no register is free. */
	.text
	.globl	regs_call
	.type	regs_call, @function
regs_call:
	pushl	%ebp
	pushl	%ebx
	pushl	%esi
	pushl	%edi
	movl	20(%esp), %eax
	movl	%eax, g_in
	movl	24(%esp), %eax
	movl	%eax, g_out
	movl	28(%esp), %eax
	movl	%eax, g_way
	movl	%esp, g_esp_before
	movw	%ds, g_seg_before
	movw	%es, g_seg_before + 2
	movw	%fs, g_seg_before + 4
	movw	%gs, g_seg_before + 6
	movw	%ss, g_seg_before + 8
	movl	g_in, %eax
	pushl	32(%eax)		/* in->eflags */
	movl	4(%eax), %ebx
	movl	8(%eax), %ecx
	movl	12(%eax), %edx
	movl	16(%eax), %esi
	movl	20(%eax), %edi
	movl	24(%eax), %ebp
	movl	0(%eax), %eax
	testl	$1, g_way
	jnz	1f
	popfl
	call	*%gs:0x10
	jmp	2f
1:	popfl
	int	$0x80
2:	pushfl
	popl	g_flags_after
	movl	%esp, g_esp_after
	movl	%eax, g_eax_after
	movl	g_out, %eax
	movl	%ebx, 4(%eax)
	movl	%ecx, 8(%eax)
	movl	%edx, 12(%eax)
	movl	%esi, 16(%eax)
	movl	%edi, 20(%eax)
	movl	%ebp, 24(%eax)
	movl	g_eax_after, %ebx
	movl	%ebx, 0(%eax)
	movl	g_esp_after, %ebx
	movl	%ebx, 28(%eax)
	movl	g_flags_after, %ebx
	movl	%ebx, 32(%eax)
	movw	%ds, 36(%eax)
	movw	%es, 38(%eax)
	movw	%fs, 40(%eax)
	movw	%gs, 42(%eax)
	movw	%ss, 44(%eax)
	pushl	$2			/* DF and AC clear again for C */
	popfl
	movl	g_esp_before, %ebx
	movl	g_in, %ecx
	movl	%ebx, 28(%ecx)		/* in->esp: what esp was before */
	movw	g_seg_before, %bx
	movw	%bx, 36(%ecx)
	movw	g_seg_before + 2, %bx
	movw	%bx, 38(%ecx)
	movw	g_seg_before + 4, %bx
	movw	%bx, 40(%ecx)
	movw	g_seg_before + 6, %bx
	movw	%bx, 42(%ecx)
	movw	g_seg_before + 8, %bx
	movw	%bx, 44(%ecx)
	popl	%edi
	popl	%esi
	popl	%ebx
	popl	%ebp
	xorl	%eax, %eax
	ret
	.size	regs_call, . - regs_call

	.bss
	.align	4
g_in:		.long 0
g_out:		.long 0
g_way:		.long 0
g_esp_before:	.long 0
g_esp_after:	.long 0
g_eax_after:	.long 0
g_flags_after:	.long 0
g_seg_before:	.space 12
	.section .note.GNU-stack,"",@progbits
