/* personality/c/reflect/reflect.h — the kernel handing trapped calls back to ring 3,
 * site patching, and i386 signals.
 *
 * Reflection: a call that reaches no gate of ours (an int $0x80 site not yet
 * rewritten) traps in the kernel before its ia32 layer runs it, and comes
 * back to the image as a signal:
 *   SUD      Syscall User Dispatch: every call from outside the image raises
 *            SIGSYS (si_code SYS_USER_DISPATCH); the default for i386 programs.
 *   SECCOMP  a seccomp filter returns SECCOMP_RET_TRAP for every i386-ABI
 *            call from outside the image (SIGSYS, si_code SYS_SECCOMP);
 *            native calls run untouched (persona run --seccomp, and x86-64
 *            programs).
 *   SEGV     a kernel without an int $0x80 gate (ia32_emulation=0) raises
 *            #GP (SIGSEGV, error code 0x402) instead; reflected from the
 *            image's fault handler. Needs no arming at all.
 * The signal handler rebuilds a struct i386_frame from the ucontext, calls
 * persona_syscall(), patches the site so it traps at most once (patch.c),
 * delivers any deferred i386 signal, and returns through rt_sigreturn with
 * the frame written back.
 *
 * Signals: the program's handlers are i386 code; the image installs its own
 * 64-bit handler for each and builds the i386 signal frame itself
 * (signal/frame.c). A signal that arrives while the image's own 64-bit code
 * runs is deferred and delivered before i386 code resumes
 * (persona_signal_exit), never inside the translator.
 *
 * Reflection's state is per thread (the kernel keeps SUD per thread): each
 * thread arms its own (persona_reflect_child in a new thread or a child).
 */
#ifndef PERSONA_REFLECT_H
#define PERSONA_REFLECT_H

#include <stdint.h>
#include "core/frame.h"

/* ---- reflection (reflect.c) ----------------------------------------- */
#define REFLECT_NONE    0   /* nothing armed (SIGSEGV reflection still works) */
#define REFLECT_SUD     1
#define REFLECT_SECCOMP 2
#define REFLECT_SEGV    3   /* the kernel has no int $0x80 gate: no arming needed */

/* The selector byte handed to the kernel: SYSCALL_DISPATCH_FILTER_BLOCK
 * while foreign code runs, ALLOW while 64-bit code outside the image (a
 * loader, a test) makes its own calls. */
extern volatile uint8_t persona_sud_selector;

/* Installs the SIGSYS handler (on a sigaltstack of its own if the thread
 * has none) and arms the requested kind of reflection; [start, start+len)
 * is the image, whose calls always run. Returns the mode armed (REFLECT_*)
 * or -errno. REFLECT_SUD on a kernel without an int $0x80 gate arms nothing
 * and returns REFLECT_SEGV: int $0x80 then faults and is reflected anyway,
 * and an armed SUD would slow every call (see reflect.c). */
long persona_reflect_start(uint64_t start, uint64_t len, uint32_t mode);
/* Disarms SUD (seccomp filters cannot be removed). */
void persona_reflect_stop(void);
/* The mode in force. */
uint32_t persona_reflect_mode(void);
/* A forked child: the kernel does not carry SUD across fork/clone; call this
 * in the child before it runs foreign code again. */
void persona_reflect_child(void);
/* 1 if the kernel runs int $0x80 from a 64-bit process (it has an ia32
 * gate); probed once, without ever reaching that gate. */
int persona_ia32_gate_present(void);

/* --reflect=startup: SUD guards only the program's start-up. Set at init
 * when SUD is armed; the gate sees it on the first call through
 * __kernel_vsyscall (the C library is set up and calls through the vDSO
 * from then on) and calls persona_reflect_startup_over(), which rewrites
 * every int $0x80 site whose number can be read off its code (in all the
 * code mapped below 4 GiB, and in code mapped later), guards every site
 * that trapped during start-up but could not be rewritten (it faults from
 * then on, and the fault is reflected), and disarms SUD in this thread.
 * The risk, stated in persona run --help: a site of neither kind (eax set
 * from a register, never run during start-up) that first runs after that
 * reaches the kernel's ia32 layer, which runs the call itself. */
extern volatile uint32_t persona_reflect_startup_pending;
void persona_reflect_startup_over(void);
/* 1 once start-up ended with SUD disarmed (for --stats) */
int persona_reflect_startup_ended(void);

/* persona_init_args.no_patch: 0 patches in the default form, 1 is
 * --no-patch, 2 is --patch=page0. */

/* ---- site patching (patch.c) ---------------------------------------- */
#define PATCH_MOV     0     /* default: `mov $nr,%eax` before the int $0x80 becomes a call */
#define PATCH_PAGE0   1     /* zpoline-style: int $0x80 becomes `call *%eax` into page 0 */
#define PATCH_OFF     2     /* --no-patch */

/* where the trampoline pool is mapped (MAP_FIXED_NOREPLACE); 0: anywhere
 * below 4 GiB */
extern uint32_t persona_patch_pool_hint;
/* --reflect=startup: rewrites every mov-form site (the form above) in the
 * executable mappings below 4 GiB now, and in each range persona_code_mapped
 * is shown from now on, without waiting for a trap. Returns how many. */
uint32_t persona_patch_ahead_all(void);
/* The same for an x86-64 program's 64-bit sites (mov $nr, %eax right
 * before the int $0x80), once, before it runs: with --reflect=startup an
 * x86-64 program runs with no filter at all. */
uint32_t persona_patch_ahead64_all(void);
/* One range of 64-bit code of that scan (also for tests). */
uint32_t persona_patch_ahead64_range(uint64_t lo, uint64_t hi);
/* (It also guards each site that trapped but could not be rewritten: see
 * PERSONA_GUARD_VECTOR.) */
/* Chooses the patch form and the 32-bit code trampolines jump to (entered
 * as by call, the return address on the stack); PATCH_PAGE0 maps page 0 and fails with -EPERM
 * when vm.mmap_min_addr is not 0. */
long persona_patch_init(uint32_t form, uint32_t gate_entry);
/* A reflected int $0x80 at site (the address of its cd 80) with eax = nr:
 * rewrite it if a safe form fits. Returns 1 if patched, 0 if not. */
int  persona_patch_site(uint32_t site, uint32_t nr);
/* The same for an int $0x80 site in 64-bit code (i386 ABI, no mode switch). */
int  persona_patch_site64(uint64_t site, uint32_t nr);
/* PROT_EXEC appeared or changed on [addr, addr+len): forget what was known
 * about sites there (the code may be new). */
void persona_code_mapped(uint32_t addr, uint32_t len);
/* The patch state of a site, for tests: 0 unknown, 1 patched, 2 left on
 * reflection, 4 guarded (its int $0x80 made an int $PERSONA_GUARD_VECTOR,
 * which faults wherever it runs: --reflect=startup). */
#define PERSONA_GUARD_VECTOR 0x81
#define PERSONA_SITE_GUARDED 4
int  persona_patch_state(uint32_t site);
/* Once several threads run foreign code (persona_multithreaded), a site
 * that no single atomic store can rewrite stays on reflection. */

/* ---- the image's start-up and fault handler (rt/image.c, rt/fault.c) -- */
/* After the image's own set-up: arms reflection as the options say (SUD,
 * seccomp, or none), starts site patching, records the inherited signal
 * actions. 0 or -errno. */
struct persona_init_args;
long persona_reflect_init(const struct persona_init_args *a);
/* The SIGSEGV/SIGBUS handler's question for a fault it does not fix up
 * itself: an int $0x80 on a kernel without an ia32 gate (reflected here), or
 * a fault the i386 program should see as its own signal. Returns 1 when it
 * dealt with it (the context may have been rewritten), 0 to let the signal
 * kill. */
int persona_reflect_fault(int sig, void *siginfo, void *ucontext);

#endif
