/* tests/prog/regs64.c — x86-64 code calling with the i386 ABI (int $0x80):
 * every register the kernel keeps survives the call.
 *
 * For calls on the C path (getpid, close), on the asm fast path (getppid,
 * read) and fstat64 (C path, or its asm converter in an image whose table
 * gives it the asm path: bench's table-asm variant), into a good buffer and
 * a bad one, and several rflags patterns (DF, AC and the arithmetic flags
 * set or clear), loads known values into every register, makes the
 * call at a site of the rewritable form (`mov $nr, %eax` right before
 * `int $0x80`), and checks rax (the result, sign-extended from eax), rbx,
 * rcx, rdx, rsi, rdi, rbp, r12-r15, rsp, the flags, and r8-r11 (the kernel
 * zeroes those, the personality keeps them: either is right). Each call is
 * made twice: the first may be reflected, the second runs where the site
 * was rewritten. Prints one line per case, the same wherever it runs;
 * exits 1 if any register changed. An x86-64 program: built for the host. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stat64_check.h"

struct regs64 {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, r8, r9, r10, r11, r12, r13, r14, r15, rsp, rflags;
};
_Static_assert(sizeof(struct regs64) == 136, "layout used by regs64_call");

/* regs64_call(in, out, site): the registers of *in, the call at site
 * (0 getppid, 1 getpid, 2 read, 3 close, 4 fstat64), every register into *out */
void regs64_call(const struct regs64 *in, struct regs64 *out, int site);
__asm__(
	".text\n"
	".globl regs64_call\n"
	"regs64_call:\n"
	"	push %rbx; push %rbp; push %r12; push %r13; push %r14; push %r15\n"
	"	mov %rsi, g_out(%rip)\n"
	"	lea site_getppid(%rip), %rax\n"
	"	lea site_getpid(%rip), %rbx\n"
	"	cmp $1, %edx; cmove %rbx, %rax\n"
	"	lea site_read(%rip), %rbx\n"
	"	cmp $2, %edx; cmove %rbx, %rax\n"
	"	lea site_close(%rip), %rbx\n"
	"	cmp $3, %edx; cmove %rbx, %rax\n"
	"	lea site_fstat64(%rip), %rbx\n"
	"	cmp $4, %edx; cmove %rbx, %rax\n"
	"	mov %rax, g_site(%rip)\n"
	"	pushq 128(%rdi)\n"
	"	mov 8(%rdi), %rbx; mov 16(%rdi), %rcx; mov 24(%rdi), %rdx; mov 32(%rdi), %rsi\n"
	"	mov 48(%rdi), %rbp; mov 56(%rdi), %r8; mov 64(%rdi), %r9; mov 72(%rdi), %r10\n"
	"	mov 80(%rdi), %r11; mov 88(%rdi), %r12; mov 96(%rdi), %r13; mov 104(%rdi), %r14\n"
	"	mov 112(%rdi), %r15; mov 40(%rdi), %rdi\n"
	"	popfq\n"
	"	mov %rsp, g_rsp(%rip)\n"
	"	jmp *g_site(%rip)\n"
	"site_getppid: mov $64, %eax; int $0x80; jmp 1f\n"
	"site_getpid:  mov $20, %eax; int $0x80; jmp 1f\n"
	"site_read:    mov $3, %eax;  int $0x80; jmp 1f\n"
	"site_close:   mov $6, %eax;  int $0x80; jmp 1f\n"
	"site_fstat64: mov $197, %eax; int $0x80; jmp 1f\n"
	"1:	pushfq\n"
	"	popq g_rflags(%rip)\n"
	"	mov %rsp, g_rsp_after(%rip)\n"
	"	mov %rax, g_rax(%rip)\n"
	"	mov g_out(%rip), %rax\n"
	"	mov %rbx, 8(%rax); mov %rcx, 16(%rax); mov %rdx, 24(%rax); mov %rsi, 32(%rax)\n"
	"	mov %rdi, 40(%rax); mov %rbp, 48(%rax); mov %r8, 56(%rax); mov %r9, 64(%rax)\n"
	"	mov %r10, 72(%rax); mov %r11, 80(%rax); mov %r12, 88(%rax); mov %r13, 96(%rax)\n"
	"	mov %r14, 104(%rax); mov %r15, 112(%rax)\n"
	"	mov g_rax(%rip), %rbx; mov %rbx, 0(%rax)\n"
	"	mov g_rflags(%rip), %rbx; mov %rbx, 128(%rax)\n"
	"	mov g_rsp_after(%rip), %rbx; sub g_rsp(%rip), %rbx; mov %rbx, 120(%rax)\n"
	"	pushq $2; popfq\n" /* DF and AC clear again for C */
	"	pop %r15; pop %r14; pop %r13; pop %r12; pop %rbp; pop %rbx\n"
	"	ret\n"
	".data\n"
	"g_out: .quad 0\ng_site: .quad 0\ng_rsp: .quad 0\ng_rsp_after: .quad 0\n"
	"g_rax: .quad 0\ng_rflags: .quad 0\n"
	".text\n");

#define FLAGS_KEPT 0x8d5u       /* CF PF AF ZF SF OF */
#define FLAG_DF    0x400u
#define FLAG_AC    0x40000u
#define FLAGS_CHECKED (FLAGS_KEPT | FLAG_DF | FLAG_AC)

/* the second argument's low half when a case gives none */
#define ARG1_ANY 0xc1c2c3c4u

static int one(const char *what, int site, uint32_t arg0, uint32_t arg1, uint64_t flags, long want)
{
	struct regs64 in = {
		.rax = 0x0a0a0a0a0a0a0a0aull, .rbx = 0xb0b0b0b000000000ull | arg0,
		.rcx = 0xc0c0c0c000000000ull | arg1, .rdx = 0xd0d0d0d0d1d2d3d4ull,
		.rsi = 0x5050505051525354ull, .rdi = 0xd1d1d1d1d0d1d2d3ull,
		.rbp = 0xb1b1b1b1b0b1b2b3ull, .r8 = 0x0808080808080808ull,
		.r9 = 0x0909090909090909ull, .r10 = 0x1010101010101010ull,
		.r11 = 0x1111111111111111ull, .r12 = 0x1212121212121212ull,
		.r13 = 0x1313131313131313ull, .r14 = 0x1414141414141414ull,
		.r15 = 0x1515151515151515ull, .rflags = flags | 0x202,
	};
	struct regs64 out;
	int bad = 0;

	for (int rep = 0; rep < 2; rep++) {
		memset(&out, 0, sizeof(out));
		regs64_call(&in, &out, site);
#define KEPT(r) if (in.r != out.r) { printf("  %s changed: %#llx -> %#llx\n", #r, \
		(unsigned long long)in.r, (unsigned long long)out.r); bad = 1; }
#define KEPT_OR_ZERO(r) if (out.r != 0 && in.r != out.r) { printf("  %s changed: %#llx -> %#llx\n", #r, \
		(unsigned long long)in.r, (unsigned long long)out.r); bad = 1; }
		KEPT(rbx) KEPT(rcx) KEPT(rdx) KEPT(rsi) KEPT(rdi) KEPT(rbp)
		KEPT(r12) KEPT(r13) KEPT(r14) KEPT(r15)
		KEPT_OR_ZERO(r8) KEPT_OR_ZERO(r9) KEPT_OR_ZERO(r10) KEPT_OR_ZERO(r11)
		if (out.rsp != 0) {
			printf("  rsp moved by %lld\n", (long long)out.rsp);
			bad = 1;
		}
		if ((in.rflags ^ out.rflags) & FLAGS_CHECKED) {
			printf("  rflags changed: %#llx -> %#llx\n", (unsigned long long)(in.rflags & FLAGS_CHECKED),
			       (unsigned long long)(out.rflags & FLAGS_CHECKED));
			bad = 1;
		}
		if ((long)out.rax != want) {
			printf("  rax: %#llx, want %ld\n", (unsigned long long)out.rax, want);
			bad = 1;
		}
	}
	printf("int80-64 %s flags=%#07llx: %s\n", what, (unsigned long long)flags, bad ? "CHANGED" : "kept");
	return bad;
}

int main(void)
{
	static const uint64_t patterns[] = { 0, FLAGS_KEPT, FLAG_DF, FLAGS_KEPT | FLAG_DF, 0x1 | 0x40,
					     0x800 /* OF alone */, 0x800 | 0x80 | 0x4,
					     FLAG_AC | FLAG_DF | 0x1 };
	int bad = 0;
	long pid = getpid(), ppid = getppid();

	/* fstat64's i386 struct stat64, below 4 GiB as an i386 pointer must be */
	uint8_t *st64 = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	struct stat st;

	int fd = open("/dev/null", O_RDONLY);  /* a descriptor of its own: fd 0 may be closed */

	if (st64 == MAP_FAILED || fd < 0 || fstat(fd, &st) != 0) {
		perror("regs64: setup");
		return 2;
	}
	for (unsigned i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++) {
		bad |= one("getppid", 0, 0, ARG1_ANY, patterns[i], ppid);
		bad |= one("getpid", 1, 0, ARG1_ANY, patterns[i], pid);
		bad |= one("read(-1)", 2, (uint32_t)-1, ARG1_ANY, patterns[i], -9 /* EBADF */);
		bad |= one("close(-1)", 3, (uint32_t)-1, ARG1_ANY, patterns[i], -9 /* EBADF */);
		/* 4-aligned, not 8: the packed struct's 8-byte fields misaligned */
		memset(st64, 0xa5, 128);
		bad |= one("fstat64", 4, (uint32_t)fd, (uint32_t)(uintptr_t)(st64 + 4), patterns[i], 0);
		bad |= stat64_wrong(st64 + 4, &st);
		bad |= one("fstat64(bad buffer)", 4, (uint32_t)fd, ARG1_ANY, patterns[i], -14 /* EFAULT */);
	}
	printf("%s\n", bad ? "FAIL" : "all registers kept");
	return bad;
}
