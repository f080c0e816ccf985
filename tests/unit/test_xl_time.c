/* tests/unit/test_xl_time.c — the i386 time calls, kernel ia32 layer against
 * the translator: same results, same bytes written, clocks within a second. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <fcntl.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/syscall.h>

#include "personality/c/core/persona.h"
#include "personality/c/xl/i386_time.h"
#include "sysnr.h"
#include "xl_diff.h"

#define NR(x) I386_NR_##x
#define TS32(s, ns) (&(struct i386_timespec){ (s), (ns) })
#define TV32(s, us) (&(struct i386_timeval){ (s), (us) })

static const struct dcase clock_cases[] = {
	{ __LINE__, NR(clock_gettime), { LIT(CLOCK_REALTIME), BUF(0) }, .fz = { { F_TS32, 0, 1 } } },
	{ __LINE__, NR(clock_gettime), { LIT(CLOCK_MONOTONIC), BUF(0) }, .fz = { { F_TS32, 0, 1 } } },
	{ __LINE__, NR(clock_gettime), { LIT(CLOCK_BOOTTIME), BUF(0) }, .fz = { { F_TS32, 0, 1 } } },
	{ __LINE__, NR(clock_gettime), { LIT(CLOCK_PROCESS_CPUTIME_ID), BUF(0) }, .fz = { { F_TS32, 0, 1 } } },
	{ __LINE__, NR(clock_gettime), { LIT(-1), BUF(0) } },
	{ __LINE__, NR(clock_gettime), { LIT(99), BUF(0) } },
	{ __LINE__, NR(clock_gettime), { LIT(CLOCK_MONOTONIC), BAD } },
	{ __LINE__, NR(clock_getres), { LIT(CLOCK_REALTIME), BUF(0) } },
	{ __LINE__, NR(clock_getres), { LIT(CLOCK_REALTIME_COARSE), BUF(0) } },
	{ __LINE__, NR(clock_getres), { LIT(CLOCK_MONOTONIC), NUL } },
	{ __LINE__, NR(clock_getres), { LIT(-5), BUF(0) } },
	{ __LINE__, NR(clock_getres), { LIT(CLOCK_MONOTONIC), BAD } },
	{ __LINE__, NR(clock_settime), { LIT(CLOCK_MONOTONIC), BUF(0) }, TS32(1, 0), 8 },
	{ __LINE__, NR(clock_settime), { LIT(CLOCK_REALTIME), BAD } },
	{ __LINE__, NR(clock_settime), { LIT(-1), BAD } },
	{ __LINE__, NR(gettimeofday), { BUF(0), BUF(16) }, .fz = { { F_TV32, 0, 1 } } },
	{ __LINE__, NR(gettimeofday), { BUF(0), NUL }, .fz = { { F_TV32, 0, 1 } } },
	{ __LINE__, NR(gettimeofday), { NUL, BUF(16) } },
	{ __LINE__, NR(gettimeofday), { NUL, NUL } },
	{ __LINE__, NR(gettimeofday), { BAD, NUL } },
	{ __LINE__, NR(gettimeofday), { BUF(0), BAD }, .fz = { { F_TV32, 0, 1 } } },
	{ __LINE__, NR(settimeofday), { BUF(0), NUL }, TV32(0, -1), 8 },
	{ __LINE__, NR(settimeofday), { BUF(0), BAD }, TV32(0, 2000000), 8 },
	{ __LINE__, NR(settimeofday), { BAD, NUL } },
	{ __LINE__, NR(stime), { BAD } },
	{ __LINE__, NR(time), { BUF(0) }, .fz = { { F_I32, 0, 1 } }, .ret_tol = 1 },
	{ __LINE__, NR(time), { NUL }, .ret_tol = 1 },
	{ __LINE__, NR(time), { BAD } },
	/* the *_time64 rows are PASS: x86-64's struct __kernel_timespec */
	{ __LINE__, NR(clock_gettime64), { LIT(CLOCK_REALTIME), BUF(0) }, .fz = { { F_TS64, 0, 1 } } },
	{ __LINE__, NR(clock_gettime64), { LIT(CLOCK_MONOTONIC), BAD } },
	{ __LINE__, NR(clock_getres_time64), { LIT(CLOCK_MONOTONIC), BUF(0) } },
	{ __LINE__, NR(clock_nanosleep_time64), { LIT(CLOCK_MONOTONIC), LIT(0), BUF(0), BUF(16) },
	  &(struct __kernel_timespec){ 0, 1000 }, 16 },
	{ __LINE__, NR(sched_rr_get_interval_time64), { LIT(0), BUF(0) } },
};

static const struct dcase sleep_cases[] = {
	{ __LINE__, NR(nanosleep), { BUF(0), BUF(8) }, TS32(0, 1000), 8 },
	{ __LINE__, NR(nanosleep), { BUF(0), NUL }, TS32(0, 1000), 8 },
	{ __LINE__, NR(nanosleep), { BUF(0), BAD }, TS32(0, 1000), 8 },
	{ __LINE__, NR(nanosleep), { BUF(0), NUL }, TS32(0, 1000000000), 8 },
	{ __LINE__, NR(nanosleep), { BUF(0), NUL }, TS32(-1, 0), 8 },
	{ __LINE__, NR(nanosleep), { BUF(0), NUL }, TS32(0, -1), 8 },
	{ __LINE__, NR(nanosleep), { BAD, NUL } },
	{ __LINE__, NR(clock_nanosleep), { LIT(CLOCK_MONOTONIC), LIT(0), BUF(0), BUF(8) }, TS32(0, 1000), 8 },
	{ __LINE__, NR(clock_nanosleep), { LIT(CLOCK_MONOTONIC), LIT(TIMER_ABSTIME), BUF(0), BUF(8) }, TS32(0, 0), 8 },
	{ __LINE__, NR(clock_nanosleep), { LIT(CLOCK_REALTIME), LIT(TIMER_ABSTIME), BUF(0), NUL }, TS32(1, 0), 8 },
	{ __LINE__, NR(clock_nanosleep), { LIT(CLOCK_THREAD_CPUTIME_ID), LIT(0), BUF(0), NUL }, TS32(0, 1000), 8 },
	{ __LINE__, NR(clock_nanosleep), { LIT(CLOCK_MONOTONIC), LIT(0), BUF(0), NUL }, TS32(0, 1000000000), 8 },
	{ __LINE__, NR(clock_nanosleep), { LIT(CLOCK_MONOTONIC), LIT(0), BAD, NUL } },
	{ __LINE__, NR(clock_nanosleep), { LIT(-1), LIT(0), BAD, NUL } },
	{ __LINE__, NR(clock_nanosleep), { LIT(77), LIT(0), BUF(0), NUL }, TS32(0, 1), 8 },
};

static const struct i386_itimerval itv_zero;
static const struct i386_itimerval itv_bad_usec = { { 0, 0 }, { 0, 2000000 } };
static const struct i386_timex tx_read;    /* modes 0: read only */

static const struct dcase timer_cases[] = {
	{ __LINE__, NR(getitimer), { LIT(ITIMER_VIRTUAL), BUF(0) } },
	{ __LINE__, NR(getitimer), { LIT(ITIMER_PROF), BUF(0) } },
	{ __LINE__, NR(getitimer), { LIT(99), BUF(0) } },
	{ __LINE__, NR(getitimer), { LIT(ITIMER_REAL), BAD } },
	{ __LINE__, NR(setitimer), { LIT(ITIMER_VIRTUAL), BUF(0), BUF(16) }, &itv_zero, sizeof(itv_zero) },
	{ __LINE__, NR(setitimer), { LIT(ITIMER_VIRTUAL), NUL, BUF(16) } },
	{ __LINE__, NR(setitimer), { LIT(ITIMER_VIRTUAL), BUF(0), NUL }, &itv_bad_usec, sizeof(itv_bad_usec) },
	{ __LINE__, NR(setitimer), { LIT(ITIMER_VIRTUAL), BAD, NUL } },
	{ __LINE__, NR(setitimer), { LIT(ITIMER_VIRTUAL), BUF(0), BAD }, &itv_zero, sizeof(itv_zero) },
	{ __LINE__, NR(times), { BUF(0) }, .ret_tol = 5,
	  .fz = { { F_I32, 0, 5 }, { F_I32, 4, 5 }, { F_I32, 8, 5 }, { F_I32, 12, 5 } } },
	{ __LINE__, NR(times), { NUL }, .ret_tol = 5 },
	{ __LINE__, NR(times), { BAD } },
	{ __LINE__, NR(sched_rr_get_interval), { LIT(0), BUF(0) } },
	{ __LINE__, NR(sched_rr_get_interval), { LIT(0), BAD } },
	{ __LINE__, NR(sched_rr_get_interval), { LIT(-1), BUF(0) } },
	/* adjtimex reading: the clock's own fields move between the calls */
	{ __LINE__, NR(adjtimex), { BUF(0) }, &tx_read, sizeof(tx_read),
	  .fz = { { F_TV32, 36, 1 }, { F_I32, 12, 100000 }, { F_I32, 4, 100000 }, { F_I32, 8, 100000 } } },
	{ __LINE__, NR(adjtimex), { BAD } },
	{ __LINE__, NR(clock_adjtime), { LIT(CLOCK_REALTIME), BUF(0) }, &tx_read, sizeof(tx_read),
	  .fz = { { F_TV32, 36, 1 }, { F_I32, 12, 100000 }, { F_I32, 4, 100000 }, { F_I32, 8, 100000 } } },
	{ __LINE__, NR(clock_adjtime), { LIT(CLOCK_MONOTONIC), BUF(0) }, &tx_read, sizeof(tx_read) },
	{ __LINE__, NR(clock_adjtime), { LIT(-1), BUF(0) }, &tx_read, sizeof(tx_read) },
	{ __LINE__, NR(clock_adjtime), { LIT(CLOCK_REALTIME), BAD } },
};

static void clocks(void **state) { (void)state; xl_diff_table(clock_cases, ARRAY_SIZE(clock_cases)); }
static void sleeps(void **state) { (void)state; xl_diff_table(sleep_cases, ARRAY_SIZE(sleep_cases)); }
static void timers(void **state) { (void)state; xl_diff_table(timer_cases, ARRAY_SIZE(timer_cases)); }

/* File times: the same call on the same file through both ways must leave
 * the same times (read back with stat). */
struct ftcase {
	int line;
	long nr;
	int form;               /* how the arguments are laid out */
	const void *times;
	size_t len;
	long want;
};
enum { FT_PATH_TIMES, FT_DIR_PATH_TIMES, FT_DIR_PATH_TIMES_FLAGS };

static const struct i386_utimbuf ub = { 1000000, 2000000 };
static const struct i386_timeval tvs[2] = { { 3000000, 5 }, { 4000000, 999999 } };
static const struct i386_timeval tvs_bad[2] = { { 3000000, 1000000 }, { 4000000, 0 } };
static const struct i386_timespec tss[2] = { { 5000000, 123456789 }, { 6000000, 1 } };
static const struct i386_timespec tss_omit[2] = { { 1, (1l << 30) - 2 }, { 1, (1l << 30) - 2 } };
static const struct i386_timespec tss_now[2] = { { 0, (1l << 30) - 1 }, { 7000000, 0 } };

static const struct ftcase ftcases[] = {
	{ __LINE__, NR(utime), FT_PATH_TIMES, &ub, sizeof(ub), 0 },
	{ __LINE__, NR(utime), FT_PATH_TIMES, NULL, 0, 0 },
	{ __LINE__, NR(utimes), FT_PATH_TIMES, tvs, sizeof(tvs), 0 },
	{ __LINE__, NR(utimes), FT_PATH_TIMES, tvs_bad, sizeof(tvs_bad), -EINVAL },
	{ __LINE__, NR(futimesat), FT_DIR_PATH_TIMES, tvs, sizeof(tvs), 0 },
	{ __LINE__, NR(utimensat), FT_DIR_PATH_TIMES_FLAGS, tss, sizeof(tss), 0 },
	{ __LINE__, NR(utimensat), FT_DIR_PATH_TIMES_FLAGS, tss_omit, sizeof(tss_omit), 0 },
	{ __LINE__, NR(utimensat), FT_DIR_PATH_TIMES_FLAGS, tss_now, sizeof(tss_now), 0 },
};

static long ft_call(long (*call)(long, long, long, long, long, long, long), const struct ftcase *c,
		    uint8_t *buf)
{
	long path = LOW(buf), t = c->times ? LOW(buf + 512) : 0;

	switch (c->form) {
	case FT_PATH_TIMES: return call(c->nr, path, t, 0, 0, 0, 0);
	case FT_DIR_PATH_TIMES: return call(c->nr, AT_FDCWD, path, t, 0, 0, 0);
	default: return call(c->nr, AT_FDCWD, path, t, 0, 0, 0);
	}
}

static void file_times(void **state)
{
	char *buf = lowmem(4096);
	struct stat ks, ps;

	(void)state;
	persona_test_init();
	if (!k32_available())
		skip();
	snprintf(buf, 256, "/tmp/persona-xl-time-%d", getpid());
	int fd = open(buf, O_CREAT | O_WRONLY, 0600);
	assert_true(fd >= 0);
	close(fd);
	for (size_t i = 0; i < ARRAY_SIZE(ftcases); i++) {
		const struct ftcase *c = &ftcases[i];
		struct timespec reset[2] = { { 1, 0 }, { 1, 0 } };
		if (c->times)
			memcpy(buf + 512, c->times, c->len);
		utimensat(AT_FDCWD, buf, reset, 0);
		long kr = ft_call(k32, c, (uint8_t *)buf);
		assert_int_equal(stat(buf, &ks), 0);
		utimensat(AT_FDCWD, buf, reset, 0);
		long pr = ft_call(p32, c, (uint8_t *)buf);
		assert_int_equal(stat(buf, &ps), 0);
		if (kr != pr || kr != c->want)
			fail_msg("line %d: kernel %ld, persona %ld, want %ld", c->line, kr, pr, c->want);
		/* "now" times may differ by the time between the calls */
		if (llabs((long long)ks.st_mtim.tv_sec - ps.st_mtim.tv_sec) > 1 ||
		    (ks.st_mtim.tv_sec < 100000000 && ks.st_mtim.tv_nsec != ps.st_mtim.tv_nsec) ||
		    llabs((long long)ks.st_atim.tv_sec - ps.st_atim.tv_sec) > 1 ||
		    (ks.st_atim.tv_sec < 100000000 && ks.st_atim.tv_nsec != ps.st_atim.tv_nsec))
			fail_msg("line %d: times differ: kernel %ld.%09ld/%ld.%09ld persona %ld.%09ld/%ld.%09ld",
				 c->line, ks.st_atim.tv_sec, ks.st_atim.tv_nsec, ks.st_mtim.tv_sec,
				 ks.st_mtim.tv_nsec, ps.st_atim.tv_sec, ps.st_atim.tv_nsec,
				 ps.st_mtim.tv_sec, ps.st_mtim.tv_nsec);
	}
	/* bad pointers: path and times */
	assert_int_equal(p32(NR(utimes), LOW(buf), unmapped_low(), 0, 0, 0, 0), -EFAULT);
	assert_int_equal(k32(NR(utimes), LOW(buf), unmapped_low(), 0, 0, 0, 0), -EFAULT);
	assert_int_equal(p32(NR(utime), LOW(buf), unmapped_low(), 0, 0, 0, 0), -EFAULT);
	assert_int_equal(p32(NR(utimensat), AT_FDCWD, LOW(buf), unmapped_low(), 0, 0, 0), -EFAULT);
	assert_int_equal(p32(NR(utimensat), AT_FDCWD, unmapped_low(), 0, 0, 0, 0),
			 k32(NR(utimensat), AT_FDCWD, unmapped_low(), 0, 0, 0, 0));
	unlink(buf);
}

/* POSIX timers and timerfds: arm one through each way, read both back. */
static void posix_timers(void **state)
{
	uint8_t *b = lowmem(4096);
	struct i386_sigevent *ev = (void *)b;
	int32_t *kid = (int32_t *)(b + 64), *pid = (int32_t *)(b + 68);
	struct i386_itimerspec *set = (void *)(b + 128), *kold = (void *)(b + 160),
			       *pold = (void *)(b + 192), *kget = (void *)(b + 224),
			       *pget = (void *)(b + 256);

	(void)state;
	persona_test_init();
	if (!k32_available())
		skip();
	ev->sigev_notify = SIGEV_NONE;
	ev->sigev_signo = SIGALRM;
	assert_int_equal(k32(NR(timer_create), CLOCK_MONOTONIC, LOW(ev), LOW(kid), 0, 0, 0), 0);
	assert_int_equal(p32(NR(timer_create), CLOCK_MONOTONIC, LOW(ev), LOW(pid), 0, 0, 0), 0);
	assert_int_not_equal(*kid, *pid);
	*set = (struct i386_itimerspec){ { 5, 0 }, { 100, 500 } };
	assert_int_equal(k32(NR(timer_settime), *kid, 0, LOW(set), LOW(kold), 0, 0), 0);
	assert_int_equal(p32(NR(timer_settime), *pid, 0, LOW(set), LOW(pold), 0, 0), 0);
	assert_memory_equal(kold, pold, sizeof(*kold));
	assert_int_equal(k32(NR(timer_gettime), *kid, LOW(kget), 0, 0, 0, 0), 0);
	assert_int_equal(p32(NR(timer_gettime), *pid, LOW(pget), 0, 0, 0, 0), 0);
	assert_int_equal(kget->it_interval.tv_sec, 5);
	assert_int_equal(pget->it_interval.tv_sec, 5);
	assert_true(llabs((long long)kget->it_value.tv_sec - pget->it_value.tv_sec) <= 1);
	assert_true(pget->it_value.tv_sec >= 98 && pget->it_value.tv_sec <= 100);
	/* error paths */
	assert_int_equal(p32(NR(timer_settime), *pid, 0, 0, 0, 0, 0), k32(NR(timer_settime), *kid, 0, 0, 0, 0, 0));
	assert_int_equal(p32(NR(timer_settime), *pid, 0, unmapped_low(), 0, 0, 0), -EFAULT);
	assert_int_equal(p32(NR(timer_gettime), *pid, unmapped_low(), 0, 0, 0, 0), -EFAULT);
	assert_int_equal(p32(NR(timer_gettime), 12345, LOW(pget), 0, 0, 0, 0),
			 k32(NR(timer_gettime), 12345, LOW(kget), 0, 0, 0, 0));
	assert_int_equal(p32(NR(timer_create), CLOCK_MONOTONIC, unmapped_low(), LOW(pid), 0, 0, 0), -EFAULT);
	assert_int_equal(p32(NR(timer_create), 99, LOW(ev), LOW(pid), 0, 0, 0),
			 k32(NR(timer_create), 99, LOW(ev), LOW(kid), 0, 0, 0));
	syscall(SYS_timer_delete, *kid);
	syscall(SYS_timer_delete, *pid);

	/* a NULL sigevent: SIGEV_SIGNAL with SIGALRM, value = the timer id */
	assert_int_equal(p32(NR(timer_create), CLOCK_MONOTONIC, 0, LOW(pid), 0, 0, 0), 0);
	syscall(SYS_timer_delete, *pid);

	int kfd = syscall(SYS_timerfd_create, CLOCK_MONOTONIC, 0);
	int pfd = syscall(SYS_timerfd_create, CLOCK_MONOTONIC, 0);
	assert_true(kfd >= 0 && pfd >= 0);
	*set = (struct i386_itimerspec){ { 0, 250000000 }, { 50, 0 } };
	memset(kold, 0xa5, sizeof(*kold));
	memset(pold, 0xa5, sizeof(*pold));
	assert_int_equal(k32(NR(timerfd_settime), kfd, 0, LOW(set), LOW(kold), 0, 0), 0);
	assert_int_equal(p32(NR(timerfd_settime), pfd, 0, LOW(set), LOW(pold), 0, 0), 0);
	assert_memory_equal(kold, pold, sizeof(*kold));
	assert_int_equal(k32(NR(timerfd_gettime), kfd, LOW(kget), 0, 0, 0, 0), 0);
	assert_int_equal(p32(NR(timerfd_gettime), pfd, LOW(pget), 0, 0, 0, 0), 0);
	assert_int_equal(pget->it_interval.tv_nsec, 250000000);
	assert_true(llabs((long long)kget->it_value.tv_sec - pget->it_value.tv_sec) <= 1);
	assert_int_equal(p32(NR(timerfd_settime), pfd, 0, unmapped_low(), 0, 0, 0),
			 k32(NR(timerfd_settime), kfd, 0, unmapped_low(), 0, 0, 0));
	assert_int_equal(p32(NR(timerfd_settime), pfd, 0, LOW(set), unmapped_low(), 0, 0),
			 k32(NR(timerfd_settime), kfd, 0, LOW(set), unmapped_low(), 0, 0));
	assert_int_equal(p32(NR(timerfd_gettime), pfd, unmapped_low(), 0, 0, 0, 0), -EFAULT);
	assert_int_equal(p32(NR(timerfd_gettime), 9999, LOW(pget), 0, 0, 0, 0),
			 k32(NR(timerfd_gettime), 9999, LOW(kget), 0, 0, 0, 0));
	close(kfd);
	close(pfd);
}

/* Layout checks against the i386 ABI sizes. */
static void layouts(void **state)
{
	(void)state;
	assert_int_equal(sizeof(struct i386_timex), 128);
	assert_int_equal(offsetof(struct i386_timex, tai), 80);
	assert_int_equal(sizeof(struct i386_sigevent), 64);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(layouts),
		cmocka_unit_test(clocks),
		cmocka_unit_test(sleeps),
		cmocka_unit_test(timers),
		cmocka_unit_test(file_times),
		cmocka_unit_test(posix_timers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
