; personality/asm/gate.asm — the gate: from i386 code into the personality
; and back, plus the few other mode switches the image needs.
;
; i386 code reaches the fixed 64-bit entries below with one far jump to a
; constant address (the vDSO's __kernel_vsyscall: `jmp 0x33:GATE64_SYSINFO`).
; An entry saves the i386 registers into the current thread's struct
; i386_frame, switches to that thread's personality stack and calls
; persona_gate_dispatch(frame) (image.c: the table), then the exit hook. The
; way out (persona_gate_leave) restores EVERY field of the frame, so a handler
; that rewrites it (sigreturn, execve, signal delivery) decides where and how
; i386 code resumes; only eax differs from what came in, as with the kernel.
;
; Nothing here carries an absolute relocation: 32-bit code reaches 64-bit code
; at the fixed addresses of layout.h, and 64-bit code reaches 32-bit code
; through far pointers filled in at run time (persona_gate_init). So this
; object also links into position-independent test programs.
;
; Frame offsets come from build/gen/asm-offsets.inc (offsetof), never typed.

%include "asm-offsets.inc"
%include "thread_self.inc"
%include "frame.inc"
%include "fast_routine.inc"
%include "stages.inc"

%define __NR_rt_sigreturn 15		; x86-64 (asm/unistd_64.h)
%define __NR_clone 56
%define U32(x) ((x) & 0xFFFFFFFF)	; asm-offsets.inc prints addresses signed

; ---------------------------------------------------------------------------
; GATE_ENTRY64 way, retaddr — the body of a 64-bit gate entry.
;
; Lands here: by a far jump from 32-bit code (cs was 0x23), ss = 0x2b.
;   eax = i386 system-call number; ebx, ecx, edx, esi, edi, ebp = arguments
;   esp = the i386 stack; with retaddr = 1 it holds the return address the
;         caller's `call` pushed (call *%gs:0x10 → __kernel_vsyscall)
; Register map: the upper halves of every register are undefined after
;   compatibility mode, so only 32-bit values are read.
; Saves: every i386 register, eflags (before any instruction changes it),
;   ds/es/fs/gs/ss, way; eip = the return address and esp = esp + 4 with
;   retaddr, else eip = 0 and esp as it came (the handler rewrites both).
; Uses 24 bytes below the i386 esp as scratch, as the kernel's vsyscall does.
; Leaves through persona_gate_leave; never returns here.
; ---------------------------------------------------------------------------
%macro GATE_ENTRY64 2
	mov	esp, esp		; rsp = the i386 esp, zero-extended
	pushfq				; [rsp+16] = i386 eflags, untouched yet
%if %2
	STAGE_GATE_IN
	; a call with a return address may take the express lane, which
	; comes back to %%full when it cannot
	mov	r13d, %1
	lea	r9, [rel %%full]
	jmp	persona_gate_express
%%full:
%endif
	push	rcx			; [rsp+8]  = i386 ecx (scratch)
	push	rbx			; [rsp]    = i386 ebx (scratch)
	; The thread: the LDT slot of %gs names it; before the program has set
	; up its TLS (%gs not one of our LDT selectors) it is the main thread.
	THREAD_FROM_GS rbx, rcx, ecx, %%main
%%thread:
	add	rbx, THREAD_frame	; rbx = struct i386_frame *
	mov	[rbx + FRAME_eax], eax	; eax: the number, later the result
	mov	[rbx + FRAME_nr], eax
	mov	[rbx + FRAME_edx], edx
	mov	[rbx + FRAME_esi], esi
	mov	[rbx + FRAME_edi], edi
	mov	[rbx + FRAME_ebp], ebp
	pop	rax
	mov	[rbx + FRAME_ebx], eax
	pop	rax
	mov	[rbx + FRAME_ecx], eax
	pop	rax
	mov	[rbx + FRAME_eflags], eax
%if %2
	mov	eax, [rsp]		; the caller's return address
	mov	[rbx + FRAME_eip], eax
	lea	eax, [rsp + 4]		; esp once that address is popped
%else
	mov	dword [rbx + FRAME_eip], 0
	mov	eax, esp
%endif
	mov	[rbx + FRAME_esp], eax
	mov	dword [rbx + FRAME_way], %1
	mov	ax, [rel persona_user32_cs]
	mov	[rbx + FRAME_cs], ax
	FRAME_STORE_SEGMENTS rbx
	mov	rsp, [rbx - THREAD_frame + THREAD_kstack_top]
	mov	[rbx + FRAME_host_rsp], rsp
	FLAGS_FOR_C [rbx + FRAME_eflags]
	mov	rdi, rbx
	call	persona_gate_dispatch	; rbx is callee-saved: still the frame
	mov	rdi, rbx
	call	persona_signal_gate_exit	; the exit hook, after the table
	jmp	persona_gate_leave.from_rbx
	; out of line: the main thread's (no TLS slot of ours in %gs yet), so
	; that a thread's look-up takes no branch
%%main:
	lea	rbx, [rel persona_main_thread]
	jmp	%%thread
%endmacro

extern persona_gate_dispatch
extern persona_main_thread
extern persona_signal_gate_exit
extern persona_fast_table
extern persona_fast_slots
extern persona_opts
extern persona_lfs_marked
extern persona_lfs_reg_marked
extern persona_reflect_startup_pending

; ===========================================================================
; The fixed entries: placed at PERSONA_GATE_BASE by the image's linker
; script; each padded to its slot (a body too long fails to assemble).
; ===========================================================================
section .gate.fixed progbits alloc exec nowrite align=4096

bits 64
; GATE64_SYSINFO: __kernel_vsyscall's far jump lands here (way SYSINFO).
global persona_gate64_sysinfo:function (persona_gate64_sysinfo.end - persona_gate64_sysinfo)
persona_gate64_sysinfo:
	GATE_ENTRY64 WAY_SYSINFO_ID, 1
.end:
	times (L_GATE64_NORET - L_GATE_BASE) - ($ - $$) int3

; GATE64_NORET: entered with no return address on the i386 stack (the
; vDSO's sigreturn trampolines); the handler sets eip and esp.
global persona_gate64_noret:function (persona_gate64_noret.end - persona_gate64_noret)
persona_gate64_noret:
	GATE_ENTRY64 WAY_SYSINFO_ID, 0
.end:
	times (L_GATE64_PATCHED - L_GATE_BASE) - ($ - $$) int3

; GATE64_PATCHED: as SYSINFO, counted as a rewritten int $0x80 site.
global persona_gate64_patched:function (persona_gate64_patched.end - persona_gate64_patched)
persona_gate64_patched:
	GATE_ENTRY64 WAY_PATCHED_ID, 1
.end:
	times (L_GATE32_PATCHED - L_GATE_BASE) - ($ - $$) int3

bits 32
; GATE32_PATCHED — 32-bit code; a rewritten int $0x80 site calls it.
;  IN:  eax = number, ebx..ebp = arguments, return address on the stack
;  OUT: eax = result; every other register, eflags and the segment
;       registers as they were; returns to the caller
global persona_gate32_patched:function (persona_gate32_patched.end - persona_gate32_patched)
persona_gate32_patched:
	jmp	L_USER64_CS:U32(L_GATE64_PATCHED)
.end:

; gate_return32 — the last step out, in 32-bit code: eflags and eip lie on
; the i386 stack (persona_gate_leave put them there).
align 16
gate_return32:
	popfd
	ret
.end:

; persona_start32_tail — the first i386 instruction's doorstep: ds/es are
; valid, every general register is zero but esp; jump to the entry whose
; address lies at [esp - 4].
align 16
start32_tail:
	jmp	[esp - 4]
.end:

; ===========================================================================
; The way out, and the run-time helpers (ordinary text).
; ===========================================================================
; align=64: a hot entry below starts on a cache line (gate64.asm says why).
section .text align=64
bits 64

; persona_gate_express — the express lane: a call whose row has an asm fast
; path (fastpath.asm), and the private persona_gate call, run without the
; stack switch, the segment registers, the C dispatch or the C exit hook.
; The lane stores into the thread's frame only what the fast routine reads
; (number and arguments), calls it on the i386 stack, counts the way, and
; leaves straight back to 32-bit code. It gives up — back to the entry's
; full path with every register as it came — where the C path must run:
; no fast routine, --trace, a row lfs.c watches while a descriptor of its
; kind lacks O_LARGEFILE, or start-up reflection still pending (reflect.c).
; A signal that arrived meanwhile (sigstate not idle) completes the frame
; and leaves through the C exit hook, as the full path does.
;  IN:  eax = i386 number; ebx, ecx, edx, esi, edi, ebp = arguments;
;       rsp = i386 esp - 8 with the i386 eflags there (pushfq) and the
;       return address at [rsp + 8]; r13d = the way; r9 = where to give up
;  OUT: never returns; i386 code resumes at the return address with eax =
;       the result and every other register and eflags as they came.
;  Uses the 8 bytes below the i386 esp (eflags, then the far pointer out),
;  within the 24 that the gate has always used; the fast routines use no
;  stack (they are entered and left by jumps), except a row with an out=
;  converter (the stat64 family), whose native call writes its struct into
;  OUT_ROOM (256) bytes below that (fastpath.asm): the i386 ABI keeps
;  nothing below esp, and a signal meanwhile is delivered on the image's
;  sigaltstack, not there.
;  Scratch: r8, r10, r11, r12 (thread), r13 (way), r14 (counts), r15 (the
;  fast routine's way back), and rbp once the frame holds ebp; r8-r15 are
;  invisible to 32-bit code, and the upper halves of all registers are
;  undefined there.
align 64
global persona_gate_express:function (persona_gate_express.end - persona_gate_express)
persona_gate_express:
	mov	eax, eax		; zero-extend: rax indexes
	FAST_ROUTINE r10, .private, .give_up
	cmp	dword [rel persona_reflect_startup_pending], 0
	jne	.give_up		; the first vDSO call ends start-up: C does that
.lane:					; r10 = the row's routine, or 0: persona_gate
	THREAD_FROM_GS r12, r11, r11d, .main
.thread:
	FRAME_STORE_CALL r12 + THREAD_frame
	lea	rbx, [r12 + THREAD_frame]
	THREAD_STATS r14, r12
	LANE_RUN r10, r14, r12, r13, .count_way, .answer_gate, .signals
	; back, the segment registers as they came. No ret on the way: the
	; first ret after the syscall would mispredict (persona_trap6 tells
	; why), so the flags are restored here in 64-bit code and one far jump
	; lands on the return address itself, with a far pointer written
	; below the i386 esp. The lane changed only the arithmetic flags,
	; which come back without popfq. Where eflags has TF (a debug trap
	; stepping through the lane) or AC (the far pointer may be unaligned),
	; the 32-bit tail of persona_gate_leave restores eflags instead.
	test	dword [rsp], EFLAGS_TF_AC
	jnz	.leave_by_tail
	mov	r8d, [rsp + 8]		; the return address
	ARITH_FLAGS_BACK [rsp]
	lea	rsp, [rsp + 8]		; rsp = the i386 esp, the return address on top
	mov	[rsp - 8], r8d		; m16:32: the return address ...
	mov	r8w, [rel persona_user32_cs]
	mov	[rsp - 4], r8w		; ... and the 32-bit code segment
	lea	rsp, [rsp + 4]		; esp past the return address (no flags touched)
	mov	eax, [r12 + THREAD_frame + FRAME_eax]
	mov	edx, [r12 + THREAD_frame + FRAME_edx]
	mov	esi, [r12 + THREAD_frame + FRAME_esi]
	mov	edi, [r12 + THREAD_frame + FRAME_edi]
	mov	ebp, [r12 + THREAD_frame + FRAME_ebp]
	mov	ecx, [r12 + THREAD_frame + FRAME_ecx]
	mov	ebx, [r12 + THREAD_frame + FRAME_ebx]
	jmp	far dword [rsp - 12]
.leave_by_tail:
	; eflags moves up next to the return address for gate_return32
	mov	eax, [rsp]
	mov	[rsp + 4], eax
	add	rsp, 4			; [rsp] = eflags, [rsp + 4] = return address
	jmp	persona_gate_leave.registers

	; persona_gate (persona_abi.h): answered here with ebx — the way in
	; and out alone, which the bench measures
.private:
	cmp	eax, L_NR_GATE
	jne	.give_up
	xor	r10d, r10d
	jmp	.lane
.answer_gate:
	ANSWER_PERSONA_GATE rbx, r14
	jmp	.count_way

	; a signal came while the lane ran: the frame as the full entry makes
	; it, then the C exit hook on the personality stack
.signals:
	mov	eax, [rsp]
	mov	[rbx + FRAME_eflags], eax
	mov	eax, [rsp + 8]
	mov	[rbx + FRAME_eip], eax
	lea	eax, [rsp + 12]		; esp once the return address is popped
	mov	[rbx + FRAME_esp], eax
	mov	[rbx + FRAME_way], r13d
	mov	ax, [rel persona_user32_cs]
	mov	[rbx + FRAME_cs], ax
	FRAME_STORE_SEGMENTS rbx
	mov	rsp, [r12 + THREAD_kstack_top]
	mov	[rbx + FRAME_host_rsp], rsp
	FLAGS_FOR_C [rbx + FRAME_eflags]
	mov	rdi, rbx
	call	persona_signal_gate_exit
	jmp	persona_gate_leave.from_rbx

.main:
	lea	r12, [rel persona_main_thread]
	jmp	.thread
.give_up:
	jmp	r9
.end:

; persona_gate_leave — resume i386 code as the frame says.
;  IN:  rdi = struct i386_frame *f (any memory; the frame is read, not kept)
;  OUT: never returns. eax, ebx, ecx, edx, esi, edi, ebp, esp, eip, eflags
;       and ds/es/fs/gs come from the frame (segment registers are loaded
;       only when they differ from the current ones: a load costs cycles).
;  Writes eflags and eip into the 8 bytes below f->esp for the 32-bit tail.
global persona_gate_leave:function (persona_gate_leave.end - persona_gate_leave)
persona_gate_leave:
	mov	rbx, rdi
.from_rbx:				; the gate entries jump here with rbx = frame
%macro LOAD_SEG_IF_CHANGED 2		; %1 = segment register, %2 = frame field
	mov	eax, %1
	cmp	ax, [rbx + %2]
	je	%%same
	mov	%1, word [rbx + %2]
%%same:
%endmacro
	LOAD_SEG_IF_CHANGED ds, FRAME_ds
	LOAD_SEG_IF_CHANGED es, FRAME_es
	LOAD_SEG_IF_CHANGED fs, FRAME_fs
	LOAD_SEG_IF_CHANGED gs, FRAME_gs
	mov	ecx, [rbx + FRAME_esp]
	sub	ecx, 8			; rcx = i386 esp - 8, zero-extended
	mov	eax, [rbx + FRAME_eflags]
	mov	[rcx], eax		; popped by popfd
	mov	eax, [rbx + FRAME_eip]
	mov	[rcx + 4], eax		; popped by ret
	mov	rsp, rcx
.registers:				; the express lane joins here, eflags and eip on its stack
	mov	eax, [rbx + FRAME_eax]
	mov	edx, [rbx + FRAME_edx]
	mov	esi, [rbx + FRAME_esi]
	mov	edi, [rbx + FRAME_edi]
	mov	ebp, [rbx + FRAME_ebp]
	mov	ecx, [rbx + FRAME_ecx]
	mov	ebx, [rbx + FRAME_ebx]
	jmp	far dword [rel gate_return32_ptr]	; m16:32 → gate_return32, cs 0x23
.end:

; persona_gate_init — fill in the far pointers to 32-bit code (their
; addresses are known only once linked; no absolute relocations here) with
; the 32-bit code segment in use (persona_user32_cs).
;  IN: nothing  OUT: nothing  Clobbers: rax
global persona_gate_init:function (persona_gate_init.end - persona_gate_init)
persona_gate_init:
	lea	rax, [rel gate_return32]
	mov	[rel gate_return32_ptr], eax
	mov	ax, [rel persona_user32_cs]
	mov	[rel gate_return32_ptr + 4], ax
	lea	rax, [rel start32_tail]
	mov	[rel start32_ptr], eax
	mov	ax, [rel persona_user32_cs]
	mov	[rel start32_ptr + 4], ax
	ret
.end:

; persona_start32 — enter the i386 program (the ELF i386 process start).
;  IN:  edi = entry, esi = esp (argc on top, 16-byte aligned)
;  OUT: never returns. cs = 0x23, ds = es = ss = 0x2b, fs = gs = 0,
;       every general register 0 but esp (edx = 0: no fini for atexit),
;       eflags with DF clear.
global persona_start32:function (persona_start32.end - persona_start32)
persona_start32:
	call	persona_gate_init
	mov	eax, L_USER_DS
	mov	ds, eax
	mov	es, eax
	mov	ss, eax
	xor	eax, eax
	mov	fs, eax
	mov	gs, eax
	mov	esi, esi
	mov	rsp, rsi
	push	2			; eflags: only the always-one bit
	popfq
	mov	[rsp - 4], edi		; the entry, read by start32_tail
	xor	ebx, ebx
	xor	ecx, ecx
	xor	edx, edx
	xor	esi, esi
	xor	edi, edi
	xor	ebp, ebp
	jmp	far dword [rel start32_ptr]
.end:

; persona_start64 — enter an x86-64 program (the ELF x86-64 process start).
;  IN:  rdi = entry, rsi = rsp (argc on top)
;  OUT: never returns; every general register 0 but rsp (rdx = 0: no fini).
global persona_start64:function (persona_start64.end - persona_start64)
persona_start64:
	call	persona_gate_init
	mov	rsp, rsi
	push	rdi
	push	2
	popfq
	xor	eax, eax
	xor	ebx, ebx
	xor	ecx, ecx
	xor	edx, edx
	xor	esi, esi
	xor	edi, edi
	xor	ebp, ebp
	xor	r8d, r8d
	xor	r9d, r9d
	xor	r10d, r10d
	xor	r11d, r11d
	xor	r12d, r12d
	xor	r13d, r13d
	xor	r14d, r14d
	xor	r15d, r15d
	ret				; pops the entry; rsp = argc again
.end:

; persona_clone_vfork — a child that shares memory with this process and
; starts on its own personality stack (vfork, posix_spawn's CLONE_VM |
; CLONE_VFORK). A trap outside the submit stub because the child never
; returns through its caller's frames: they belong to the suspended parent.
;  IN:  rdi = clone flags, rsi = the child's 64-bit stack (16-byte aligned),
;       rdx = parent_tid, rcx = child_tid, r8 = tls (native clone order)
;  OUT: parent: rax = child pid or -errno (once the child has exec'd or
;       exited). child: calls persona_vfork_child() on its stack, which
;       never returns.
extern persona_vfork_child
global persona_clone_vfork:function (persona_clone_vfork.end - persona_clone_vfork)
persona_clone_vfork:
	mov	r10, rcx
	mov	eax, __NR_clone
	syscall				; clobbers rcx, r11
	test	rax, rax
	jnz	.parent
	xor	ebp, ebp		; the child: a fresh stack, no caller
	call	persona_vfork_child
	ud2
.parent:
	ret
.end:

; persona_sigreturn_restorer — sa_restorer of the image's own (64-bit)
; signal handlers: returns from the handler through rt_sigreturn. A trap
; outside the submit stub because it never returns to its caller.
global persona_sigreturn_restorer:function (persona_sigreturn_restorer.end - persona_sigreturn_restorer)
persona_sigreturn_restorer:
	mov	eax, __NR_rt_sigreturn
	syscall
	ud2
.end:

; persona_cs32_usable — can this process run 32-bit code in the selector?
; (lar: a present, DPL 3, 32-bit code segment). A kernel could withdraw its
; __USER32_CS; a code segment of the process's own LDT serves then.
;  IN: edi = selector  OUT: eax = 1 or 0
global persona_cs32_usable:function (persona_cs32_usable.end - persona_cs32_usable)
persona_cs32_usable:
	xor	eax, eax
	lar	edx, edi
	jnz	.no			; ZF clear: not accessible at all
	and	edx, 0x0060f800		; D, L, P, DPL, S, code
	cmp	edx, 0x0040f800		; D = 1, L = 0, present, DPL 3, code
	sete	al
.no:
	ret
.end:

; persona_load_fs / persona_load_gs — load a selector (the TLS fix-up: the
; kernel's 64-bit sigreturn leaves fs and gs as the handler left them).
;  IN: edi = selector  OUT: nothing
global persona_load_fs:function (persona_load_fs.end - persona_load_fs)
persona_load_fs:
	mov	fs, edi
	ret
.end:
global persona_load_gs:function (persona_load_gs.end - persona_load_gs)
persona_load_gs:
	mov	gs, edi
	ret
.end:

section .data
align 2
; the 32-bit code segment i386 code runs in: the kernel's __USER32_CS, or an
; LDT code segment (image.c decides at init)
global persona_user32_cs:data (2)
persona_user32_cs:	dw	L_USER32_CS

section .bss
align 8
gate_return32_ptr:	resb 8		; m16:32 → gate_return32
start32_ptr:		resb 8		; m16:32 → start32_tail

section .note.GNU-stack noalloc noexec nowrite progbits
