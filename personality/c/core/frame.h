/* personality/c/core/frame.h — the i386 register frame saved by every way in.
 *
 * The gate stubs (personality/asm) fill it; the translator reads the six
 * argument registers and writes eax. Every other field is restored on the way
 * out, so every register but eax survives a call, as in the kernel's i386
 * ABI. Offsets used by NASM are generated from this struct (asm-offsets.c),
 * never typed into .asm files.
 */
#ifndef PERSONA_FRAME_H
#define PERSONA_FRAME_H

#include <stdint.h>

/* How a call came in (frame.way); --stats counts per way. */
#define WAY_SYSINFO   0  /* call *%gs:0x10 / __kernel_vsyscall */
#define WAY_PATCHED   1  /* a rewritten int $0x80 site */
#define WAY_REFLECTED 2  /* a trapped site handed back by the kernel (SIGSYS/SIGSEGV) */
#define WAY_INT80_64  3  /* int $0x80 with the i386 ABI from 64-bit code */
#define WAY_DIRECT    4  /* called from 64-bit C (tests, batch entry) */
#define WAY_COUNT     5

struct i386_frame {
	uint32_t eax;       /* in: i386 number; out: result or -errno */
	uint32_t ebx, ecx, edx, esi, edi, ebp;   /* arguments 0..5 */
	uint32_t esp;       /* i386 stack at the call site */
	uint32_t eip;       /* where the call returns */
	uint32_t eflags;
	uint32_t way;       /* WAY_* */
	uint32_t nr;        /* eax as it came in (eax is overwritten by the result) */
	uint16_t cs, ss, ds, es, fs, gs;
	uint32_t pad;
	uint64_t host_rsp;  /* 64-bit stack of the way in (gate bookkeeping) */
};

/* the argument registers, in i386 order */
#define ARG0(f) ((f)->ebx)
#define ARG1(f) ((f)->ecx)
#define ARG2(f) ((f)->edx)
#define ARG3(f) ((f)->esi)
#define ARG4(f) ((f)->edi)
#define ARG5(f) ((f)->ebp)

#endif
