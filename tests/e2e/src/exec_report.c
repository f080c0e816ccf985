/* tests/e2e/src/exec_report.c PROGRAM [ARGS...] — an i386 program that
 * execs PROGRAM with ARGS (argv[0] = PROGRAM) and, if the exec fails,
 * prints why: the personality's own execve must follow #! scripts, nested
 * or not, and fail where the kernel fails. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: exec_report PROGRAM [ARGS...]\n");
		return 2;
	}
	execv(argv[1], argv + 1);
	printf("exec %s: %s\n", argv[1], strerror(errno));
	return 127;
}
