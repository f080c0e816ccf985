/* tests/unit/support/i386call.c — see i386call.h. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

#include "personality/c/core/persona.h"
#include "i386call.h"
#include "sys/doctor/hostcaps.h"

long k32(long nr, long a, long b, long c, long d, long e, long f)
{
	long r;
	/* ebp is the sixth argument; it goes through r9 and is restored after.
	 * The kernel's compat entry zeroes r8-r11, so they are clobbered. */
	register long r9 __asm__("r9") = f;

	__asm__ volatile("push %%rbp\n\tmov %%r9d, %%ebp\n\tint $0x80\n\tpop %%rbp"
			 : "=a"(r), "+r"(r9)
			 : "a"(nr), "b"(a), "c"(b), "d"(c), "S"(d), "D"(e)
			 : "r8", "r10", "r11", "memory", "cc");
	return (int32_t)r;
}

long p32(long nr, long a, long b, long c, long d, long e, long f)
{
	struct i386_frame fr = {
		.eax = (uint32_t)nr, .ebx = (uint32_t)a, .ecx = (uint32_t)b, .edx = (uint32_t)c,
		.esi = (uint32_t)d, .edi = (uint32_t)e, .ebp = (uint32_t)f, .way = WAY_DIRECT,
	};
	return persona_syscall(&fr);
}

/* The kernel's int $0x80 gate, by the check persona doctor makes (in a
 * child of its own, with default fault handling: a child that inherited
 * cmocka's SIGSEGV handler would run the rest of the suite itself). The
 * reason goes to stdout as a TAP comment once. */
int k32_available(void)
{
	static int known = -1;

	if (known < 0) {
		char why[256];
		known = hostcap_probe(HOSTCAP_IA32_INT80, why, sizeof why);
		if (!known)
			printf("# the kernel's ia32 layer: int $0x80: no (%s)\n", why);
	}
	return known;
}

int cs32_available(void)
{
	static int known = -1;

	if (known < 0) {
		char why[512];
		known = hostcap_probe(HOSTCAP_CS32_GDT, why, sizeof why);
		if (!known)
			printf("# 32-bit code in the kernel's segment 0x23: no (%s)\n", why);
	}
	return known;
}

void *lowmem(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);

	if (p == MAP_FAILED)
		abort();
	return p;
}

uint32_t unmapped_low(void)
{
	static uint32_t addr;

	if (!addr) {
		/* PROT_NONE, not unmapped: a hole could be reused by a later mmap */
		char *p = lowmem(4096);
		mprotect(p, 4096, PROT_NONE);
		addr = (uint32_t)(uintptr_t)p;
	}
	return addr;
}

static void on_fault(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;
	uint64_t fix = persona_fault_fixup(uc->uc_mcontext.gregs[REG_RIP]);

	(void)si;
	if (fix) {
		uc->uc_mcontext.gregs[REG_RIP] = (greg_t)fix;
		return;
	}
	signal(sig, SIG_DFL);                       /* a real crash: let it happen */
}

void persona_test_init(void)
{
	struct sigaction sa = { .sa_sigaction = on_fault, .sa_flags = SA_SIGINFO | SA_NODEFER };

	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
}
