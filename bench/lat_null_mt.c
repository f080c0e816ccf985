/* bench/lat_null_mt.c — the null call (getppid by a raw call) from 1, 2 and
 * 4 threads at once: whatever the threads share inside the personality
 * (counters, locks, cache lines) shows as per-call cost growing with the
 * thread count. One record per thread count: bench null-mt, batch = the
 * number of threads. The harness times the main thread's loop; the other
 * threads run the same number of calls at the same time, each pinned to a
 * CPU of its own where there are enough (PERSONA_BENCH_CPU + i), and the
 * loop ends when the last of them is done: ticks per call per thread.
 * Built for the native syscall and the i386 vDSO entry (lib/entry.h). */
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "lib/entry.h"
#include "lib/harness.h"

#define MT_MAX 4
static const unsigned thread_counts[] = { 1, 2, 4 };

static pthread_barrier_t go, done;
static volatile uint64_t helper_iterations;
static volatile int helpers_quit;

static void calls(uint64_t iterations)
{
	for (uint64_t i = 0; i < iterations; i++)
		bsys0(BNR_GETPPID);
}

static void pin(unsigned i)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	const char *base = getenv("PERSONA_BENCH_CPU");
	cpu_set_t set;

	if (ncpu < 1)
		return;
	CPU_ZERO(&set);
	CPU_SET((unsigned)((base ? atol(base) : 0) + i) % (unsigned)ncpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

static void *helper(void *arg)
{
	pin((unsigned)(uintptr_t)arg);
	for (;;) {
		pthread_barrier_wait(&go);
		if (helpers_quit)
			return NULL;
		calls(helper_iterations);
		pthread_barrier_wait(&done);
	}
}

/* the timed loop: every thread makes `iterations` calls at once */
static void mt_loop(uint64_t iterations, void *cookie)
{
	unsigned n = *(unsigned *)cookie;

	if (n == 1) {
		calls(iterations);
		return;
	}
	helper_iterations = iterations;
	pthread_barrier_wait(&go);
	calls(iterations);
	pthread_barrier_wait(&done);
}

int main(void)
{
	bench_init();
	long r = bsys0(BNR_GETPPID);
	if (r < 0)
		bench_die_na("null-mt", "getppid", r);
	for (unsigned k = 0; k < sizeof thread_counts / sizeof thread_counts[0]; k++) {
		unsigned n = thread_counts[k];
		pthread_t t[MT_MAX];
		struct bench_case c = { .bench = "null-mt", .batch = n, .fn = mt_loop, .cookie = &n };

		if (n > 1) {
			pthread_barrier_init(&go, NULL, n);
			pthread_barrier_init(&done, NULL, n);
			helpers_quit = 0;
			for (unsigned i = 1; i < n; i++)
				if (pthread_create(&t[i], NULL, helper, (void *)(uintptr_t)i)) {
					bench_na("null-mt", n, "pthread_create failed");
					n = i;
					goto stop;
				}
		}
		bench_run(&c);
stop:
		if (n > 1) {
			helpers_quit = 1;
			pthread_barrier_wait(&go);
			for (unsigned i = 1; i < n; i++)
				pthread_join(t[i], NULL);
			pthread_barrier_destroy(&go);
			pthread_barrier_destroy(&done);
		}
	}
	return 0;
}
