; personality/asm/sigentry.asm — the first instructions of the image's own
; signal handlers.
;
; The kernel delivers a signal with the interrupted code's AC flag (it
; clears DF, TF and RF, not AC). Code that ran with AC set — an i386
; program that sets it, with every access aligned — would have the C
; handlers, which may access memory unaligned as any compiled code does,
; die of SIGBUS inside the image. Each entry clears AC and goes on to its C
; handler, whose arguments (rdi, rsi, rdx) and stack it leaves as the kernel
; set them; the interrupted flags stay in the signal frame, and
; rt_sigreturn puts them back.

%define EFLAGS_AC 0x40000

; HANDLER_ENTRY entry, handler — entry: AC off, then handler
%macro HANDLER_ENTRY 2
extern %2
global %1:function (%1.end - %1)
%1:
	pushfq
	and	dword [rsp], ~EFLAGS_AC
	popfq
	jmp	%2
.end:
%endmacro

section .text
bits 64

; the faults (fault.c): #GP reflection, the image's own faults, forwarding
HANDLER_ENTRY persona_fault_entry, persona_fault_handler
; SIGSYS from Syscall User Dispatch or the seccomp filter (reflect.c)
HANDLER_ENTRY persona_sigsys_entry, persona_reflect_sigsys
; signals for the program's i386 handlers (signal.c)
HANDLER_ENTRY persona_signal_entry, persona_signal_handler

section .note.GNU-stack noalloc noexec nowrite progbits
