/* tests/prog/threads.c — pthreads, run natively and under the personality
 * (tests/e2e/threads.sh compares output and exit status).
 *
 * usage: threads PART [ARGS]; each part prints only what must be the same
 * on every run (no tids, no addresses, no timing).
 *   mutex N M     N threads x M increments under a mutex, with a condition
 *                 variable handing a token round the threads
 *   kill          pthread_kill to each thread: the handler runs in that one
 *   procsig       kill() to the process while every thread but one blocks
 *                 the signal: exactly that one runs the handler
 *   cancel        pthread_cancel of threads waiting in a condition
 *                 variable, in nanosleep and in read
 *   exit          pthread_exit values, join, detached threads
 *   fork          a thread forks; the child reports and exits
 *   syscalls N M  N threads making M assorted system calls each at once
 *   exitgroup     a thread calls exit(5) while the others wait
 *   mutexes       a robust mutex whose owner exited (EOWNERDEAD), and a
 *                 priority-inheritance mutex under 4 threads (PI futexes)
 *   tls           threads load glibc's TLS selector into %gs again and
 *                 still see their own __thread variables
 *   futexops      FUTEX_WAIT_BITSET woken by FUTEX_WAKE_OP from another
 *                 thread, and a timed FUTEX_WAIT
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/futex.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_THREADS 64

static void check(int r, const char *what)
{
	if (r) {
		printf("%s: %s\n", what, strerror(r));
		exit(1);
	}
}

/* ---- mutex ---------------------------------------------------------------- */

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static long counter, iterations;
static int token, nthreads, passes;

static void *mutex_worker(void *arg)
{
	int me = (int)(long)arg;

	for (long i = 0; i < iterations; i++) {
		pthread_mutex_lock(&mu);
		counter++;
		pthread_mutex_unlock(&mu);
	}
	/* the token goes round the threads in order, 3 times */
	for (int round = 0; round < 3; round++) {
		pthread_mutex_lock(&mu);
		while (token != me)
			pthread_cond_wait(&cv, &mu);
		passes++;
		token = (token + 1) % nthreads;
		pthread_cond_broadcast(&cv);
		pthread_mutex_unlock(&mu);
	}
	return NULL;
}

static int part_mutex(int argc, char **argv)
{
	pthread_t t[MAX_THREADS];

	nthreads = argc > 2 ? atoi(argv[2]) : 4;
	iterations = argc > 3 ? atol(argv[3]) : 1000;
	if (nthreads < 1 || nthreads > MAX_THREADS)
		return 2;
	for (int i = 0; i < nthreads; i++)
		check(pthread_create(&t[i], NULL, mutex_worker, (void *)(long)i), "pthread_create");
	for (int i = 0; i < nthreads; i++)
		check(pthread_join(t[i], NULL), "pthread_join");
	printf("threads %d, counter %ld (expected %ld), token passes %d\n",
	       nthreads, counter, nthreads * iterations, passes);
	return counter == nthreads * iterations && passes == 3 * nthreads ? 0 : 1;
}

/* ---- kill: thread-directed signals ------------------------------------------- */

static __thread int my_index = -1;
static volatile sig_atomic_t got[MAX_THREADS + 1];
static volatile sig_atomic_t got_other;
static pthread_barrier_t barrier;
static volatile int stop;

static void on_usr1(int sig)
{
	(void)sig;
	if (my_index >= 0)
		got[my_index]++;
	else
		got_other++;
}

static void *wait_worker(void *arg)
{
	my_index = (int)(long)arg;
	pthread_barrier_wait(&barrier);
	while (!stop)
		usleep(1000);
	return NULL;
}

static int part_kill(void)
{
	enum { N = 4 };
	pthread_t t[N];
	struct sigaction sa = { .sa_handler = on_usr1 };

	sigaction(SIGUSR1, &sa, NULL);
	pthread_barrier_init(&barrier, NULL, N + 1);
	for (int i = 0; i < N; i++)
		check(pthread_create(&t[i], NULL, wait_worker, (void *)(long)i), "pthread_create");
	pthread_barrier_wait(&barrier);
	for (int i = N - 1; i >= 0; i--) {
		check(pthread_kill(t[i], SIGUSR1), "pthread_kill");
		while (!got[i])
			usleep(1000);
	}
	/* tgkill to itself, from the main thread */
	my_index = N;
	syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), SIGUSR1);
	stop = 1;
	for (int i = 0; i < N; i++)
		check(pthread_join(t[i], NULL), "pthread_join");
	for (int i = 0; i <= N; i++)
		printf("thread %d got %d\n", i, (int)got[i]);
	printf("elsewhere %d\n", (int)got_other);
	printf("pthread_kill(self, 0) = %d\n", pthread_kill(pthread_self(), 0));
	return 0;
}

/* ---- procsig: a process-wide signal reaches one eligible thread ----------- */

static void *procsig_worker(void *arg)
{
	int me = (int)(long)arg;
	sigset_t s;

	my_index = me;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	/* thread 2 alone leaves SIGUSR1 open */
	pthread_sigmask(me == 2 ? SIG_UNBLOCK : SIG_BLOCK, &s, NULL);
	pthread_barrier_wait(&barrier);
	while (!stop)
		usleep(1000);
	return NULL;
}

static int part_procsig(void)
{
	enum { N = 4 };
	pthread_t t[N];
	struct sigaction sa = { .sa_handler = on_usr1 };
	sigset_t s;

	sigaction(SIGUSR1, &sa, NULL);
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &s, NULL);
	pthread_barrier_init(&barrier, NULL, N + 1);
	for (int i = 0; i < N; i++)
		check(pthread_create(&t[i], NULL, procsig_worker, (void *)(long)i), "pthread_create");
	pthread_barrier_wait(&barrier);
	for (int k = 0; k < 3; k++) {
		kill(getpid(), SIGUSR1);
		while (got[2] <= k)
			usleep(1000);
	}
	stop = 1;
	for (int i = 0; i < N; i++)
		check(pthread_join(t[i], NULL), "pthread_join");
	for (int i = 0; i < N; i++)
		printf("thread %d got %d\n", i, (int)got[i]);
	printf("elsewhere %d\n", (int)got_other);
	return 0;
}

/* ---- cancel ------------------------------------------------------------------ */

static int cleanup_runs;

static void cleanup(void *arg)
{
	(void)arg;
	__atomic_add_fetch(&cleanup_runs, 1, __ATOMIC_SEQ_CST);
}

static void *cancel_cond(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&mu);
	pthread_cleanup_push(cleanup, NULL);
	pthread_barrier_wait(&barrier);
	for (;;)
		pthread_cond_wait(&cv, &mu);
	pthread_cleanup_pop(0);
	return NULL;
}

static void *cancel_sleep(void *arg)
{
	(void)arg;
	pthread_cleanup_push(cleanup, NULL);
	pthread_barrier_wait(&barrier);
	for (;;)
		sleep(100);
	pthread_cleanup_pop(0);
	return NULL;
}

static int cancel_pipe[2];

static void *cancel_read(void *arg)
{
	char c;

	(void)arg;
	pthread_cleanup_push(cleanup, NULL);
	pthread_barrier_wait(&barrier);
	for (;;)
		if (read(cancel_pipe[0], &c, 1) < 0)
			break;
	pthread_cleanup_pop(0);
	return NULL;
}

static int part_cancel(void)
{
	void *(*fn[3])(void *) = { cancel_cond, cancel_sleep, cancel_read };
	const char *name[3] = { "cond_wait", "sleep", "read" };

	if (pipe(cancel_pipe))
		return 1;
	for (int i = 0; i < 3; i++) {
		pthread_t t;
		void *res;

		pthread_barrier_init(&barrier, NULL, 2);
		check(pthread_create(&t, NULL, fn[i], NULL), "pthread_create");
		pthread_barrier_wait(&barrier);
		usleep(20000);
		check(pthread_cancel(t), "pthread_cancel");
		check(pthread_join(t, &res), "pthread_join");
		printf("cancel in %s: %s\n", name[i], res == PTHREAD_CANCELED ? "canceled" : "not canceled");
		if (i == 0)
			pthread_mutex_unlock(&mu);   /* the cancelled waiter held it again */
		pthread_barrier_destroy(&barrier);
	}
	printf("cleanup handlers run: %d\n", cleanup_runs);
	return 0;
}

/* ---- exit and join ----------------------------------------------------------- */

static void *exit_worker(void *arg)
{
	long v = (long)arg;

	if (v & 1)
		pthread_exit((void *)(v * 10));
	return (void *)(v * 100);
}

static volatile int detached_done;

static void *detached_worker(void *arg)
{
	(void)arg;
	__atomic_add_fetch(&detached_done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static int part_exit(void)
{
	long sum = 0;

	/* more threads over time than the personality keeps at once */
	for (int round = 0; round < 20; round++) {
		pthread_t t[8];
		for (long i = 0; i < 8; i++)
			check(pthread_create(&t[i], NULL, exit_worker, (void *)i), "pthread_create");
		for (int i = 0; i < 8; i++) {
			void *r;
			check(pthread_join(t[i], &r), "pthread_join");
			sum += (long)r;
		}
	}
	printf("sum of exit values %ld\n", sum);
	pthread_attr_t a;
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	for (int i = 0; i < 16; i++) {
		pthread_t t;
		check(pthread_create(&t, &a, detached_worker, NULL), "pthread_create");
	}
	while (detached_done < 16)
		usleep(1000);
	printf("detached threads done %d\n", detached_done);
	/* the main thread leaves first; the last thread's exit ends the process */
	pthread_t t;
	check(pthread_create(&t, NULL, exit_worker, (void *)2), "pthread_create");
	fflush(stdout);
	pthread_exit(NULL);
}

/* ---- fork from a thread -------------------------------------------------------- */

static void *fork_worker(void *arg)
{
	(void)arg;
	pid_t p = fork();
	if (p == 0) {
		/* the child has one thread: this one; it can make threads again */
		pthread_t t;
		void *r;
		int ok = pthread_create(&t, NULL, exit_worker, (void *)4) == 0 &&
			 pthread_join(t, &r) == 0 && (long)r == 400;
		printf("child: thread in child %s\n", ok ? "ok" : "failed");
		fflush(stdout);
		_exit(7);
	}
	int status;
	if (p < 0 || waitpid(p, &status, 0) != p)
		return (void *)-1L;
	return (void *)(long)WEXITSTATUS(status);
}

static int part_fork(void)
{
	pthread_t t[2];
	void *r;

	/* a second thread keeps running while the first forks */
	stop = 0;
	pthread_barrier_init(&barrier, NULL, 2);
	check(pthread_create(&t[1], NULL, wait_worker, (void *)1), "pthread_create");
	pthread_barrier_wait(&barrier);
	check(pthread_create(&t[0], NULL, fork_worker, NULL), "pthread_create");
	check(pthread_join(t[0], &r), "pthread_join");
	stop = 1;
	check(pthread_join(t[1], NULL), "pthread_join");
	printf("parent: child exit status %ld\n", (long)r);
	return 0;
}

/* ---- many threads in system calls at once ------------------------------------- */

static long calls_each;
static long ok_total;

static void *syscall_worker(void *arg)
{
	char path[64], buf[16];
	long ok = 0;
	struct stat st;
	int me = (int)(long)arg;

	snprintf(path, sizeof(path), "/proc/self/task/%ld/stat", (long)syscall(SYS_gettid));
	pthread_barrier_wait(&barrier);
	for (long i = 0; i < calls_each; i++) {
		switch (i % 5) {
		case 0:
			ok += syscall(SYS_getppid) == getppid();
			break;
		case 1:
			ok += syscall(SYS_gettid) > 0;
			break;
		case 2: {
			int fd = open(path, O_RDONLY);
			ok += fd >= 0 && read(fd, buf, sizeof(buf)) > 0 && close(fd) == 0;
			break;
		}
		case 3:
			ok += stat("/", &st) == 0 && S_ISDIR(st.st_mode);
			break;
		default: {
			struct timespec ts;
			ok += clock_gettime(CLOCK_MONOTONIC, &ts) == 0 && sched_yield() == 0;
		}
		}
	}
	(void)me;
	__atomic_add_fetch(&ok_total, ok, __ATOMIC_SEQ_CST);
	return NULL;
}

static int part_syscalls(int argc, char **argv)
{
	pthread_t t[MAX_THREADS];
	int n = argc > 2 ? atoi(argv[2]) : 8;

	calls_each = argc > 3 ? atol(argv[3]) : 500;
	if (n < 1 || n > MAX_THREADS)
		return 2;
	pthread_barrier_init(&barrier, NULL, n);
	for (int i = 0; i < n; i++)
		check(pthread_create(&t[i], NULL, syscall_worker, (void *)(long)i), "pthread_create");
	for (int i = 0; i < n; i++)
		check(pthread_join(t[i], NULL), "pthread_join");
	printf("threads %d, successful call groups %ld of %ld\n", n, ok_total, n * calls_each);
	return ok_total == n * calls_each ? 0 : 1;
}

/* ---- robust and priority-inheritance mutexes ------------------------------------ */

static pthread_mutex_t robust_mu, pi_mu;

static void *robust_holder(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&robust_mu);
	return NULL;            /* ends holding it: the robust list releases it */
}

static void *pi_worker(void *arg)
{
	(void)arg;
	for (long i = 0; i < iterations; i++) {
		pthread_mutex_lock(&pi_mu);
		counter++;
		pthread_mutex_unlock(&pi_mu);
	}
	return NULL;
}

static int part_mutexes(void)
{
	pthread_mutexattr_t a;
	pthread_t t[4];
	int r;

	pthread_mutexattr_init(&a);
	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	check(pthread_mutex_init(&robust_mu, &a), "robust mutex");
	check(pthread_create(&t[0], NULL, robust_holder, NULL), "pthread_create");
	check(pthread_join(t[0], NULL), "pthread_join");
	r = pthread_mutex_lock(&robust_mu);
	printf("robust mutex of an exited owner: %s\n", r == EOWNERDEAD ? "EOWNERDEAD" : strerror(r));
	if (r == EOWNERDEAD)
		printf("consistent: %d\n", pthread_mutex_consistent(&robust_mu));
	pthread_mutex_unlock(&robust_mu);

	pthread_mutexattr_init(&a);
	pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT);
	check(pthread_mutex_init(&pi_mu, &a), "PI mutex");
	iterations = 2000;
	counter = 0;
	for (int i = 0; i < 4; i++)
		check(pthread_create(&t[i], NULL, pi_worker, NULL), "pthread_create");
	for (int i = 0; i < 4; i++)
		check(pthread_join(t[i], NULL), "pthread_join");
	printf("PI mutex: counter %ld (expected %ld)\n", counter, 4 * iterations);
	return 0;
}

/* ---- futex operations between threads -------------------------------------------- */

static int fword1, fword2;
static volatile int waiting;

static long futex(int *uaddr, int op, int val, const struct timespec *ts, int *uaddr2, int val3)
{
	return syscall(SYS_futex, uaddr, op, val, ts, uaddr2, val3);
}

static void *bitset_waiter(void *arg)
{
	long r;

	(void)arg;
	waiting = 1;
	/* woken by FUTEX_WAKE_OP (its bitset is all ones) */
	do
		r = futex(&fword1, FUTEX_WAIT_BITSET_PRIVATE, 0, NULL, NULL, 0x1);
	while (r < 0 && errno == EAGAIN && fword1 == 0);
	return (void *)(long)(r == 0 || errno == EAGAIN);
}

static int part_futexops(void)
{
	pthread_t t;
	void *r;
	long woken = 0;
	struct timespec rel = { 0, 2000000 };

	check(pthread_create(&t, NULL, bitset_waiter, NULL), "pthread_create");
	while (!waiting)
		usleep(1000);
	/* a wait that times out, with a 32-bit timespec */
	printf("wait timed out: %s\n", futex(&fword2, FUTEX_WAIT_PRIVATE, 0, &rel, NULL, 0) < 0 &&
	       errno == ETIMEDOUT ? "yes" : "no");
	/* word2 += 1 and wake word1's waiter; then word2's (none) if it was 0 */
	for (int tries = 0; tries < 1000 && !woken; tries++) {
		woken += futex(&fword1, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1, &fword2,
			       FUTEX_OP(FUTEX_OP_ADD, 1, FUTEX_OP_CMP_EQ, 0));
		if (!woken)
			usleep(1000);
	}
	fword1 = 1;
	futex(&fword1, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	check(pthread_join(t, &r), "pthread_join");
	printf("wake_op woke the bitset waiter: %s, word2 = %d\n", woken >= 1 ? "yes" : "no", fword2 > 0);
	printf("waiter saw its wake: %ld\n", (long)r);
	return 0;
}

/* ---- a thread reloads its TLS selector ------------------------------------------ */

static __thread int tls_value;

static void *tls_worker(void *arg)
{
	/* the selector glibc loads: GDT TLS entry 12, (12 << 3) | 3 */
	unsigned sel = 12 << 3 | 3;

	tls_value = (int)(long)arg;
	__asm__ volatile("mov %0, %%gs" : : "r"(sel) : "memory");
	return (void *)(long)(tls_value == (int)(long)arg);
}

static int part_tls(void)
{
	pthread_t t[3];
	void *r;
	int good = 0;

	tls_value = 99;
	for (long i = 0; i < 3; i++)
		check(pthread_create(&t[i], NULL, tls_worker, (void *)(i + 1)), "pthread_create");
	for (int i = 0; i < 3; i++) {
		check(pthread_join(t[i], &r), "pthread_join");
		good += (long)r == 1;
	}
	printf("threads that reloaded %%gs and kept their TLS: %d of 3; main's value %d\n", good, tls_value);
	return 0;
}

/* ---- exit_group from a thread --------------------------------------------------- */

static void *exiting_worker(void *arg)
{
	(void)arg;
	usleep(10000);
	printf("worker exits the process\n");
	fflush(stdout);
	exit(5);
}

static int part_exitgroup(void)
{
	pthread_t t[3];

	stop = 0;
	pthread_barrier_init(&barrier, NULL, 3);
	for (int i = 0; i < 2; i++)
		check(pthread_create(&t[i], NULL, wait_worker, (void *)(long)i), "pthread_create");
	pthread_barrier_wait(&barrier);
	check(pthread_create(&t[2], NULL, exiting_worker, NULL), "pthread_create");
	for (;;)
		pause();
	return 1;
}

int main(int argc, char **argv)
{
	const char *part = argc > 1 ? argv[1] : "mutex";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(part, "mutex"))
		return part_mutex(argc, argv);
	if (!strcmp(part, "kill"))
		return part_kill();
	if (!strcmp(part, "procsig"))
		return part_procsig();
	if (!strcmp(part, "cancel"))
		return part_cancel();
	if (!strcmp(part, "exit"))
		return part_exit();
	if (!strcmp(part, "fork"))
		return part_fork();
	if (!strcmp(part, "syscalls"))
		return part_syscalls(argc, argv);
	if (!strcmp(part, "exitgroup"))
		return part_exitgroup();
	if (!strcmp(part, "mutexes"))
		return part_mutexes();
	if (!strcmp(part, "tls"))
		return part_tls();
	if (!strcmp(part, "futexops"))
		return part_futexops();
	fprintf(stderr, "usage: threads mutex|kill|procsig|cancel|exit|fork|syscalls|exitgroup|mutexes|tls|futexops [ARGS]\n");
	return 2;
}
