/* personality/c/signal/ucontext.c — a native ucontext and the i386 frame:
 * the registers of interrupted i386 code read out of the ucontext a 64-bit
 * handler gets, and written back into it. Reflection (a trapped call) and
 * signal delivery (a signal that interrupted i386 code) both go through it.
 */
#include "core/persona.h"
#include "signal/ksig.h"

/* the image's own 64-bit code segment, read the first time it is asked for */
static uint16_t cs64;

static uint16_t read_cs(void) { uint16_t v; __asm__ volatile("mov %%cs, %0" : "=r"(v)); return v; }
static uint16_t read_ds(void) { uint16_t v; __asm__ volatile("mov %%ds, %0" : "=r"(v)); return v; }
static uint16_t read_es(void) { uint16_t v; __asm__ volatile("mov %%es, %0" : "=r"(v)); return v; }
static uint16_t read_fs(void) { uint16_t v; __asm__ volatile("mov %%fs, %0" : "=r"(v)); return v; }
static uint16_t read_gs(void) { uint16_t v; __asm__ volatile("mov %%gs, %0" : "=r"(v)); return v; }

int persona_uc_is_64bit(uint16_t cs)
{
	if (!cs64)
		cs64 = read_cs();
	return cs == cs64;
}

/* The i386 registers are the low halves of the ucontext's; ds/es/fs/gs are
 * not in a 64-bit ucontext but are still loaded: the kernel does not switch
 * them for a 64-bit handler. */
void persona_frame_from_uc(struct i386_frame *f, const void *ucv)
{
	const struct sigcontext *sc = &((const struct kucontext *)ucv)->uc_mcontext;

	memset(f, 0, sizeof(*f));
	f->eax = (uint32_t)sc->rax;
	f->ebx = (uint32_t)sc->rbx;
	f->ecx = (uint32_t)sc->rcx;
	f->edx = (uint32_t)sc->rdx;
	f->esi = (uint32_t)sc->rsi;
	f->edi = (uint32_t)sc->rdi;
	f->ebp = (uint32_t)sc->rbp;
	f->esp = (uint32_t)sc->rsp;
	f->eip = (uint32_t)sc->rip;
	f->eflags = (uint32_t)sc->eflags;
	f->nr = f->eax;
	f->cs = sc->cs;
	f->ss = sc->ss;
	f->ds = read_ds();
	f->es = read_es();
	f->fs = read_fs();
	f->gs = read_gs();
}

/* Writes f back. wide: the interrupted code is 64-bit and stays so (an
 * int $0x80 from 64-bit code): eax comes back sign-extended as the kernel's
 * does, and a register keeps its upper half unless the call changed it. */
void persona_frame_to_uc(const struct i386_frame *f, const struct i386_frame *was, void *ucv, int wide)
{
	struct kucontext *uc = ucv;
	struct sigcontext *sc = &uc->uc_mcontext;

	sc->rax = wide ? (uint64_t)(int64_t)(int32_t)f->eax : f->eax;
#define PUT(reg, field) do { if (!wide || f->field != was->field) sc->reg = f->field; } while (0)
	PUT(rbx, ebx);
	PUT(rcx, ecx);
	PUT(rdx, edx);
	PUT(rsi, esi);
	PUT(rdi, edi);
	PUT(rbp, ebp);
	PUT(rsp, esp);
	PUT(rip, eip);
#undef PUT
	if (f->eflags != was->eflags)
		sc->eflags = (sc->eflags & ~(uint64_t)EFLAGS_FIX) | (f->eflags & EFLAGS_FIX);
	if (f->cs != was->cs)
		sc->cs = f->cs;
	if (f->ss != was->ss) {
		sc->ss = f->ss;
		uc->uc_flags |= 0x2;   /* UC_SIGCONTEXT_SS: restore ss as given */
	}
	/* rt_sigreturn leaves these alone: load them here, only when they
	 * changed (a 64-bit host's %fs must not be disturbed otherwise) */
	if (f->ds != read_ds())
		__asm__ volatile("mov %0, %%ds" : : "r"((uint32_t)f->ds));
	if (f->es != read_es())
		__asm__ volatile("mov %0, %%es" : : "r"((uint32_t)f->es));
	if (f->fs != read_fs())
		__asm__ volatile("mov %0, %%fs" : : "r"((uint32_t)f->fs));
	if (f->gs != read_gs())
		__asm__ volatile("mov %0, %%gs" : : "r"((uint32_t)f->gs));
}
