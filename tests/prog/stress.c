/* tests/prog/stress.c — many threads making system calls at once
 * (tests/e2e/threads_stress.sh runs it natively and under the personality).
 *
 * usage: stress THREADS CALLS
 * Each thread makes CALLS getppid calls through __kernel_vsyscall
 * (call *%gs:0x10, the vDSO entry) and CALLS through int $0x80, and counts
 * those that return the parent's pid. The program prints the total of
 * successful calls, which must be exactly THREADS * CALLS * 2: no call
 * lost, none doubled. Exit status 0 when it is, 1 otherwise; killed by
 * SIGALRM after 50 seconds (a deadlock).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_THREADS 256

static long calls;
static int parent;
static pthread_barrier_t start;
static long total;

static int getppid_vsyscall(void)
{
	int r;

	__asm__ volatile("call *%%gs:0x10" : "=a"(r) : "a"(SYS_getppid) : "memory");
	return r;
}

/* The mov and the int $0x80 lie in one aligned 8-byte window, so the
 * personality can rewrite the site with one store while other threads run
 * it (a site it cannot rewrite so stays on the slow reflected path). */
static int getppid_int80(void)
{
	int r;

	__asm__ volatile(".p2align 3\n\tmovl %1, %%eax\n\tint $0x80"
			 : "=a"(r) : "i"(SYS_getppid) : "memory");
	return r;
}

static void *worker(void *arg)
{
	long ok = 0;

	(void)arg;
	pthread_barrier_wait(&start);
	for (long i = 0; i < calls; i++) {
		ok += getppid_vsyscall() == parent;
		ok += getppid_int80() == parent;
	}
	__atomic_add_fetch(&total, ok, __ATOMIC_SEQ_CST);
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t[MAX_THREADS];
	int n = argc > 1 ? atoi(argv[1]) : 64;

	calls = argc > 2 ? atol(argv[2]) : 10000;
	if (n < 1 || n > MAX_THREADS || calls < 1) {
		fprintf(stderr, "usage: stress THREADS CALLS\n");
		return 2;
	}
	/* a deadlock ends the run (SIGALRM) instead of hanging the tests */
	alarm(50);
	parent = getppid();
	pthread_barrier_init(&start, NULL, n);
	for (int i = 0; i < n; i++)
		if (pthread_create(&t[i], NULL, worker, NULL)) {
			printf("pthread_create failed at thread %d\n", i);
			return 1;
		}
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	printf("threads %d, calls %ld, successful getppid calls %ld of %ld\n",
	       n, calls, total, 2 * n * calls);
	return total == 2 * n * calls ? 0 : 1;
}
