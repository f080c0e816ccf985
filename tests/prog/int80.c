/* tests/prog/int80.c [N] — i386 calls made by int $0x80 written out, as
 * hand-written or old code makes them: one site the personality can rewrite
 * (mov $nr, %eax before it, argument set-up in between) and one it cannot
 * (eax from a register), each run N times. Every register but eax must
 * survive each call; the output is the same wherever it runs. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define NR_getpid 20
#define NR_write  4

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 100, bad = 0;
	int pid = getpid();
	static const char dot[] = ".";
	volatile int nr_getpid = NR_getpid;

	for (int i = 0; i < n; i++) {
		int r, c = 0x22222222 + i, d = 0x33333333, s = 0x44444444, di = 0x55555555;
		/* the rewritable form: mov $nr, %eax; (mov %esi, %esi); int $0x80 */
		__asm__ volatile("mov $20, %%eax\n\tmov %%esi, %%esi\n\tint $0x80"
				 : "=a"(r), "+c"(c), "+d"(d), "+S"(s), "+D"(di) : : "memory");
		bad += r != pid || c != 0x22222222 + i || d != 0x33333333 || s != 0x44444444 || di != 0x55555555;
		/* eax from a register: stays on reflection (or page 0) */
		__asm__ volatile("int $0x80" : "=a"(r), "+c"(c), "+d"(d) : "0"(nr_getpid) : "memory");
		bad += r != pid || c != 0x22222222 + i || d != 0x33333333;
	}
	/* a write with three arguments through the rewritable form */
	for (int i = 0; i < 3; i++) {
		int r;
		__asm__ volatile("push %%ebx\n\tmov $4, %%eax\n\tmov $1, %%ebx\n\tint $0x80\n\tpop %%ebx"
				 : "=a"(r) : "c"(dot), "d"(1) : "memory");
		bad += r != 1;
	}
	printf("\nint80: %d calls, %d wrong\n", 2 * n + 3, bad);
	return bad != 0;
}
