/* tests/e2e/src/run_system.c COMMAND — an i386 program that runs COMMAND
 * with system(), i.e. through /bin/sh, which is a 64-bit program here: an
 * i386 program that shell starts must run under the personality too. Exits
 * with the command's status, or 128 + the signal that ended it. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: run_system COMMAND\n");
		return 2;
	}
	fflush(stdout);
	int st = system(argv[1]);
	if (st < 0)
		return 127;
	return WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
}
