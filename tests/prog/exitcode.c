/* tests/prog/exitcode.c MODE [N] — end in a chosen way:
 *   exit N       exit status N (exit_group)
 *   exit1 N      the single-thread exit system call
 *   kill SIG     killed by SIG
 *   segv         a null-pointer write (SIGSEGV)
 *   abort        abort() (SIGABRT) */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "exit";
	int n = argc > 2 ? atoi(argv[2]) : 0;

	if (!strcmp(mode, "exit"))
		exit(n);
	if (!strcmp(mode, "exit1"))
		syscall(SYS_exit, n);
	if (!strcmp(mode, "kill")) {
		signal(n, SIG_DFL);
		kill(getpid(), n);
		pause();
	}
	if (!strcmp(mode, "segv")) {
		signal(SIGSEGV, SIG_DFL);
		*(volatile int *)(argc - argc) = 1;
	}
	if (!strcmp(mode, "abort"))
		abort();
	return 99;
}
