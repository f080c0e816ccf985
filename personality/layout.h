/* personality/layout.h — where the personality and the i386 program live.
 *
 * The single source of these addresses: C includes this file, the NASM stubs
 * get them through build/gen/asm-offsets.inc, the image's and the vDSO's
 * linker scripts are run through the C preprocessor with it. Plain #defines
 * of integer constants only (the linker scripts read them too).
 *
 * i386 address space, top down:
 *
 *   PERSONA_IMAGE_BASE .. PERSONA_IMAGE_LIMIT   the personality image
 *       + 0x0000  image header (struct persona_image_header)
 *       + 0x1000  the i386 vDSO (AT_SYSINFO_EHDR), one or two pages
 *       + 0x3000  the fixed gate entries the vDSO jumps to
 *       then      the image's code, data and bss (stacks for its C code)
 *       PERSONA_VCLOCK_BASE  (its top) the vDSO's clock page (vclock.h)
 *   PERSONA_STACK_TOP                            top of the i386 stack
 *   PERSONA_STACK_TOP - PERSONA_STACK_SIZE      its lowest address
 *   ... the room the kernel leaves a stack (its rlimit and guard gap, at
 *       least PERSONA_MMAP_GAP_MIN below the stack top): hints, fixed
 *       mappings and the allocator's last resort only
 *   the mmap base: the mmap area grows down from here (the interpreter
 *       first), as in the kernel's top-down layout for 32-bit tasks
 *   ... the program, its break above it (the break stops a page below
 *       the mmap base, or below whatever is mapped above it first)
 */
#ifndef PERSONA_LAYOUT_H
#define PERSONA_LAYOUT_H

#define PERSONA_IMAGE_BASE      0xFF000000
#define PERSONA_IMAGE_LIMIT     0xFFFFF000
#define PERSONA_VDSO_BASE       0xFF001000
#define PERSONA_VDSO_MAX        0x2000
#define PERSONA_GATE_BASE       0xFF003000
/* The fixed gate entries (the image's .gate.fixed section, placed at
 * PERSONA_GATE_BASE; gate.asm pads each to its slot). 32-bit code reaches
 * the 64-bit ones with a far jump to a constant address, so the vDSO and
 * patched sites need no relocation.
 *   GATE64_SYSINFO  64-bit: __kernel_vsyscall's target; a return address
 *                   is on the i386 stack
 *   GATE64_NORET    64-bit: no return address (sigreturn trampolines)
 *   GATE64_PATCHED  64-bit: as SYSINFO, counted as a rewritten site
 *   GATE32_PATCHED  32-bit: `call` target for rewritten int $0x80 sites */
#define PERSONA_GATE64_SYSINFO  0xFF003000
#define PERSONA_GATE64_NORET    0xFF003100
#define PERSONA_GATE64_PATCHED  0xFF003200
#define PERSONA_GATE32_PATCHED  0xFF003300
/* The vDSO's clock page (vclock.h): one read-write page the image maps at
 * start-up at the top of its window, at a fixed address so the vDSO's
 * 32-bit code reads it without relocations; the image ends below it. */
#define PERSONA_VCLOCK_BASE     0xFFFFE000

#define PERSONA_STACK_TOP       0xFF000000
#define PERSONA_STACK_SIZE      0x00800000
/* the guard gap kept free below the stack (the kernel's stack_guard_gap) */
#define PERSONA_MMAP_GAP        0x00100000
/* the least distance from the stack top to the mmap base (the kernel's) */
#define PERSONA_MMAP_GAP_MIN    0x08000000
/* where a position-independent i386 program is loaded (no randomization) */
#define PERSONA_PIE_BASE        0x56555000

/* segment selectors of the x86-64 kernel's GDT */
#define PERSONA_USER32_CS       0x23
#define PERSONA_USER_DS         0x2b
#define PERSONA_USER64_CS       0x33
/* where a 32-bit code segment of the process's own LDT goes when the
 * kernel's __USER32_CS is not usable (or persona run --ldt-cs asks) */
#define PERSONA_LDT_CS32_SLOT   15

/* set_thread_area's entry numbers, as the x86-64 kernel gives 32-bit tasks
 * (GDT_ENTRY_TLS_MIN and GDT_ENTRY_TLS_ENTRIES): 12, 13, 14. */
#define PERSONA_TLS_ENTRY_MIN   12
#define PERSONA_TLS_ENTRIES     3
/* The LDT slots that stand in for those GDT entries: the main thread's are
 * the slots of the same numbers (so %gs >> 3 is the entry number, which
 * glibc reads back when it creates a thread); other threads' will come from
 * PERSONA_TLS_SLOT_FIRST on. A GDT-style selector (entry << 3 | 3), as
 * glibc loads it, names an empty GDT entry and faults; the fault handler
 * loads the thread's LDT selector for that entry instead, once. */
#define PERSONA_TLS_SLOT_FIRST  16
#define PERSONA_TLS_SLOTS       1024

/* the personality's own stacks (image bss) */
#define PERSONA_KSTACK_SIZE     0x40000
#define PERSONA_ALTSTACK_SIZE   0x10000
/* the most threads alive at once beside the main one (each takes one LDT
 * slot for its TLS entry; a slot is reused once its thread has gone) */
#define PERSONA_THREADS_MAX     PERSONA_TLS_SLOTS

#endif
