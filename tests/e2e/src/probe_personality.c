/* tests/e2e/src/probe_personality.c — an i386 program that tells whether it
 * runs under the personality: the private number persona_gate echoes ebx
 * there, and the kernel answers it with -ENOSYS. Prints its argv too, so the
 * test sees that binfmt_misc kept argv[0]. */
#include <stdio.h>

#include "personality/persona_abi.h"

int main(int argc, char **argv)
{
	long r;

	__asm__ volatile("int $0x80" : "=a"(r) : "a"(PERSONA_NR_GATE), "b"(4242) : "memory");
	printf("%s\n", r == 4242 ? "personality" : "kernel");
	for (int i = 0; i < argc; i++)
		printf("argv[%d]=%s\n", i, argv[i]);
	return 0;
}
