/* tests/prog/procs.c PROGRAM — processes: fork + exec + wait, pipes,
 * vfork (memory shared until exec), posix_spawn (its errors), exit
 * statuses seen by the parent. PROGRAM is an i386
 * program (tests/prog/exitcode) the children exec. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static void status(const char *what, int st)
{
	if (WIFEXITED(st))
		printf("%s: exited %d\n", what, WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		printf("%s: killed by signal %d\n", what, WTERMSIG(st));
	else
		printf("%s: status %#x\n", what, st);
}

static int run(const char *prog, const char *mode, const char *n)
{
	int st;
	pid_t p = fork();

	if (p == 0) {
		execl(prog, "exitcode", mode, n, (char *)NULL);
		_exit(127);
	}
	if (waitpid(p, &st, 0) != p)
		return -1;
	return st;
}

int main(int argc, char **argv)
{
	int fds[2], st;
	char buf[64];

	if (argc != 2)
		return 2;
	setvbuf(stdout, NULL, _IONBF, 0);
	status("exit 7", run(argv[1], "exit", "7"));
	status("exit1 3", run(argv[1], "exit1", "3"));
	status("kill 15", run(argv[1], "kill", "15"));
	status("segv", run(argv[1], "segv", "0"));
	status("abort", run(argv[1], "abort", "0"));

	/* a pipe between parent and child */
	if (pipe(fds) < 0)
		return 1;
	pid_t p = fork();
	if (p == 0) {
		close(fds[0]);
		for (int i = 0; i < 1000; i++)
			if (write(fds[1], "0123456789", 10) != 10)
				_exit(1);
		_exit(0);
	}
	close(fds[1]);
	long total = 0;
	ssize_t r;
	while ((r = read(fds[0], buf, sizeof(buf))) > 0)
		total += r;
	close(fds[0]);
	waitpid(p, &st, 0);
	printf("pipe: %ld bytes\n", total);
	status("pipe writer", st);

	/* vfork + exec */
	p = vfork();
	if (p == 0) {
		execl(argv[1], "exitcode", "exit", "5", (char *)NULL);
		_exit(127);
	}
	waitpid(p, &st, 0);
	status("vfork exec", st);

	/* posix_spawn: CLONE_VM | CLONE_VFORK in glibc */
	char *sargv[] = { "exitcode", "exit", "9", NULL };
	int e = posix_spawn(&p, argv[1], NULL, NULL, sargv, environ);
	printf("posix_spawn: %s\n", e ? strerror(e) : "ok");
	if (!e) {
		waitpid(p, &st, 0);
		status("spawned", st);
	}

	/* posix_spawn reports a failed exec from the child to the caller,
	 * through memory the child shares with it */
	e = posix_spawn(&p, "/nonexistent/prog", NULL, NULL, sargv, environ);
	printf("posix_spawn missing: %s\n", e ? strerror(e) : "ok");
	if (!e)
		waitpid(p, &st, 0);

	/* a vfork child runs in its parent's memory until it exits */
	static volatile int shared;
	p = vfork();
	if (p == 0) {
		shared = 42;
		_exit(0);
	}
	waitpid(p, &st, 0);
	printf("vfork child's write seen by the parent: %d\n", shared);

	/* fexecve: execveat(fd, "", ..., AT_EMPTY_PATH) */
	p = fork();
	if (p == 0) {
		char *fargv[] = { "exitcode", "exit", "6", NULL };
		int fd = open(argv[1], O_RDONLY);
		fexecve(fd, fargv, environ);
		_exit(127);
	}
	waitpid(p, &st, 0);
	status("fexecve", st);

	/* exec of something missing fails in the caller */
	p = fork();
	if (p == 0) {
		execl("/nonexistent/prog", "x", (char *)NULL);
		printf("exec missing: %s\n", strerror(errno));
		_exit(3);
	}
	waitpid(p, &st, 0);
	status("exec missing", st);

	/* wait for a child that is not there */
	printf("wait without children: %s\n", wait(&st) < 0 ? strerror(errno) : "?");
	return 0;
}
