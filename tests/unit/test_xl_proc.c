/* tests/unit/test_xl_proc.c — process calls, kernel ia32 layer against the
 * translator: 16-bit ids (and their overflow value), rlimits old and new,
 * rusage, sysinfo, old unames, wait4/waitpid/waitid, nice, prctl, CPU
 * affinity, robust futex lists (including what happens at thread exit).
 *
 * Cases that change process state (ids, limits, nice) run in a forked
 * child, which reports the line of the first disagreement as its exit code.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <linux/futex.h>

#include "personality/c/core/persona.h"
#include "personality/c/core/i386_types.h"
#include "personality/c/xl/common.h"
#include "personality/c/rt/thread.h"
#include "sysnr.h"
#include "xl_diff.h"

#define CASE(nr, ...) { __LINE__, I386_NR_##nr, __VA_ARGS__ }

/* The comparison of xl_diff_run without cmocka: for forked children.
 * Returns 0, or the case's line. */
static int diff_quiet(const struct dcase *c)
{
	uint8_t *kb, *pb;
	long kr, pr;

	xl_diff_call(c, &kb, &pb, &kr, &pr);
	if (kr != pr) {
		printf("# line %d: kernel %ld, persona %ld\n", c->line, kr, pr);
		return c->line;
	}
	for (int i = 0; i < XL_DIFF_BUF; i++)
		if (kb[i] != pb[i]) {
			printf("# line %d: byte %d: kernel %02x, persona %02x\n", c->line, i, kb[i], pb[i]);
			return c->line;
		}
	return 0;
}

static int diff_all(const struct dcase *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int line = diff_quiet(&c[i]);
		if (line)
			return line;
	}
	return 0;
}

/* Runs fn in a child; fails with the line it reports. */
static void in_child(int (*fn)(void))
{
	int st;
	pid_t pid;

	persona_test_init();
	if (!k32_available())
		skip();
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		int line = fn();
		fflush(stdout);
		_exit(line ? line % 255 + 1 : 0);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		fail_msg("the child disagreed (its line is printed above), status %#x", st);
}

/* ---- 16-bit ids ---------------------------------------------------------- */

static char path[64];

static int ids_as_root(void)
{
	const struct dcase c[] = {
		CASE(getuid, {}), CASE(geteuid, {}), CASE(getgid, {}), CASE(getegid, {}),
		CASE(getresuid, { BUF(0), BUF(2), BUF(4) }),
		CASE(getresgid, { BUF(0), BUF(8), BUF(16) }),
		CASE(getresuid, { BUF(0), BAD, BUF(4) }),
		CASE(getresuid, { LIT(0x10), BUF(2), BUF(4) }),
		CASE(lchown, { BUF(0), LIT(0xffff), LIT(0xffff) }, path, sizeof(path)),
		CASE(chown, { BUF(0), LIT(0x1ffff), LIT(0xffff) }, path, sizeof(path)),   /* 16 bits only */
		CASE(setfsuid, { LIT(0xffff) }),
		CASE(setfsgid, { LIT(0x1ffff) }),
		CASE(setreuid, { LIT(0xffff), LIT(0xffff) }),
		CASE(setresgid, { LIT(0xffff), LIT(0xffff), LIT(0xffff) }),
	};
	return diff_all(c, ARRAY_SIZE(c));
}

/* Ids beyond 16 bits read as 65534; the lists too. */
static int ids_beyond_16_bits(void)
{
	const gid_t groups[] = { 1, 70000, 5 };
	static uint16_t in16[2] = { 7, 8 }, bad16[2] = { 7, 0xffff };
	const struct dcase lists[] = {
		CASE(getgroups, { LIT(0), LIT(0) }),
		CASE(getgroups, { LIT(3), BUF(0) }),
		CASE(getgroups, { LIT(2), BUF(0) }),
		CASE(getgroups, { LIT(-1), BUF(0) }),
		CASE(getgroups, { LIT(3), BAD }),
		CASE(setgroups, { LIT(2), BUF(0) }, bad16, sizeof(bad16)),
		CASE(setgroups, { LIT(2), BAD }),
		CASE(setgroups, { LIT(70000), BUF(0) }),
		CASE(setgroups, { LIT(2), BUF(0) }, in16, sizeof(in16)),
	};
	const struct dcase ids[] = {
		CASE(getuid, {}), CASE(getgid, {}), CASE(geteuid, {}), CASE(getegid, {}),
		CASE(getresuid, { BUF(0), BUF(2), BUF(4) }),
		CASE(getresgid, { BUF(0), BUF(2), BUF(4) }),
		CASE(setfsuid, { LIT(0xffff) }),
		CASE(getgroups, { LIT(0), LIT(0) }),
		/* without CAP_SETGID: EPERM before the list is read */
		CASE(setgroups, { LIT(2), BAD }),
	};
	gid_t now[4];
	int line;

	if (setgroups(3, groups))
		return __LINE__;
	line = diff_all(lists, ARRAY_SIZE(lists));
	if (line)
		return line;
	/* after setgroups16 {7, 8} the native list is {7, 8} */
	if (getgroups(4, now) != 2 || now[0] != 7 || now[1] != 8)
		return __LINE__;
	if (setgroups(3, groups) || setresgid(100000, 100001, 5) || setresuid(100000, 100002, 0))
		return __LINE__;
	return diff_all(ids, ARRAY_SIZE(ids));
}

static void uid16(void **state)
{
	(void)state;
	in_child(ids_as_root);
	if (geteuid() == 0)
		in_child(ids_beyond_16_bits);
}

/* ---- rlimits ------------------------------------------------------------- */

static int limits(void)
{
	struct dcase c[2 * 18 + 8];
	size_t n = 0;
	static const uint32_t inf_and_1000[2] = { 1000, 0xffffffff };
	static const uint32_t core_3000[2] = { 3000, 0xffffffff };
	struct rlimit big = { 5ull << 30, RLIM_INFINITY }, r;

	/* one value above 32 bits that is not infinity */
	if (setrlimit(RLIMIT_FSIZE, &big))
		return __LINE__;
	for (int res = 0; res <= 17; res++) {
		c[n++] = (struct dcase)CASE(getrlimit, { LIT(res), BUF(0) });
		c[n++] = (struct dcase)CASE(ugetrlimit, { LIT(res), BUF(0) });
	}
	c[n++] = (struct dcase)CASE(getrlimit, { LIT(RLIMIT_NOFILE), BAD });
	c[n++] = (struct dcase)CASE(ugetrlimit, { LIT(RLIMIT_NOFILE), BAD });
	c[n++] = (struct dcase)CASE(ugetrlimit, { LIT(-1), BUF(0) });
	c[n++] = (struct dcase)CASE(setrlimit, { LIT(RLIMIT_CORE), BAD });
	c[n++] = (struct dcase)CASE(setrlimit, { LIT(99), BUF(0) }, inf_and_1000, 8);
	c[n++] = (struct dcase)CASE(setrlimit, { LIT(RLIMIT_CORE), BUF(0) }, inf_and_1000, 8);
	int line = diff_all(c, n);
	if (line)
		return line;
	/* 0xffffffff became RLIM_INFINITY */
	if (getrlimit(RLIMIT_CORE, &r) || r.rlim_cur != 1000 || r.rlim_max != RLIM_INFINITY)
		return __LINE__;
	if (p32(I386_NR_setrlimit, RLIMIT_CORE, LOW(memcpy(lowmem(8), core_3000, 8)), 0, 0, 0, 0))
		return __LINE__;
	if (getrlimit(RLIMIT_CORE, &r) || r.rlim_cur != 3000 || r.rlim_max != RLIM_INFINITY)
		return __LINE__;
	return 0;
}

static void rlimits(void **state)
{
	(void)state;
	in_child(limits);
}

/* ---- rusage and sysinfo: shape, with the moving fields in a tolerance ---- */

static void getrusage_shape(void **state)
{
	struct i386_rusage *k = lowmem(sizeof(*k) + 16), *p = lowmem(sizeof(*p) + 16);

	(void)state;
	persona_test_init();
	if (!k32_available())
		skip();
	for (int who = -1; who <= 1; who++) {
		memset(k, 0xa5, sizeof(*k) + 16);
		memset(p, 0xa5, sizeof(*p) + 16);
		assert_int_equal(k32(I386_NR_getrusage, who, LOW(k), 0, 0, 0, 0),
				 p32(I386_NR_getrusage, who, LOW(p), 0, 0, 0, 0));
		/* nothing written past the 72 bytes */
		assert_memory_equal((char *)k + sizeof(*k), (char *)p + sizeof(*p), 16);
		assert_true(labs(k->ru_utime[0] - p->ru_utime[0]) <= 1);
		assert_in_range(p->ru_utime[1], 0, 999999);
		assert_in_range(p->ru_stime[1], 0, 999999);
		for (int i = 1; i < 14; i++)        /* the rarely moving counters */
			if (i != 4 && i != 12 && i != 13 && i != 0)
				assert_int_equal(k->ru_long[i], p->ru_long[i]);
		assert_true(labs(k->ru_long[0] - p->ru_long[0]) < 65536);   /* maxrss, KiB */
	}
	assert_int_equal(k32(I386_NR_getrusage, 5, LOW(k), 0, 0, 0, 0), -EINVAL);
	assert_int_equal(p32(I386_NR_getrusage, 5, LOW(p), 0, 0, 0, 0), -EINVAL);
	assert_int_equal(k32(I386_NR_getrusage, 0, unmapped_low(), 0, 0, 0, 0), -EFAULT);
	assert_int_equal(p32(I386_NR_getrusage, 0, unmapped_low(), 0, 0, 0, 0), -EFAULT);
}

static void sysinfo_shape(void **state)
{
	struct i386_sysinfo *k = lowmem(sizeof(*k) + 16), *p = lowmem(sizeof(*p) + 16);

	(void)state;
	persona_test_init();
	if (!k32_available())
		skip();
	memset(k, 0xa5, sizeof(*k) + 16);
	memset(p, 0xa5, sizeof(*p) + 16);
	assert_int_equal(k32(I386_NR_sysinfo, LOW(k), 0, 0, 0, 0, 0), 0);
	assert_int_equal(p32(I386_NR_sysinfo, LOW(p), 0, 0, 0, 0, 0), 0);
	assert_int_equal(k->mem_unit, p->mem_unit);
	assert_int_equal(k->totalram, p->totalram);
	assert_int_equal(k->totalswap, p->totalswap);
	assert_int_equal(k->totalhigh, p->totalhigh);
	assert_true(labs((long)k->uptime - p->uptime) <= 2);
	assert_memory_equal(k->f, p->f, sizeof(k->f) + 16);
	assert_int_equal(k->pad, p->pad);
	assert_int_equal(k32(I386_NR_sysinfo, 0x10, 0, 0, 0, 0, 0), -EFAULT);
	assert_int_equal(p32(I386_NR_sysinfo, 0x10, 0, 0, 0, 0, 0), -EFAULT);
}

/* ---- unames ---------------------------------------------------------------- */

static void unames(void **state)
{
	(void)state;
	const struct dcase c[] = {
		CASE(uname, { BUF(0) }),
		CASE(olduname, { BUF(0) }),
		CASE(oldolduname, { BUF(0) }),
		CASE(olduname, { BAD }),
		CASE(oldolduname, { LIT(0x10) }),
		CASE(uname, { LIT(0) }),
	};
	xl_diff_table(c, ARRAY_SIZE(c));
}

/* ---- wait: each side reaps its own child -------------------------------- */

static pid_t child_exiting(int code)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(code);
	/* wait until it is a zombie, without reaping it */
	siginfo_t si;
	waitid(P_PID, pid, &si, WEXITED | WNOWAIT);
	return pid;
}

static void waits(void **state)
{
	uint8_t *kb = lowmem(256), *pb = lowmem(256);
	pid_t kp, pp;

	(void)state;
	persona_test_init();
	if (!k32_available())
		skip();
	/* waitpid: the status word */
	memset(kb, 0xa5, 256), memset(pb, 0xa5, 256);
	kp = child_exiting(7), pp = child_exiting(7);
	assert_int_equal(k32(I386_NR_waitpid, kp, LOW(kb), 0, 0, 0, 0), kp);
	assert_int_equal(p32(I386_NR_waitpid, pp, LOW(pb), 0, 0, 0, 0), pp);
	assert_memory_equal(kb, pb, 256);
	/* wait4 with an i386 rusage: 72 bytes, nothing after */
	memset(kb, 0xa5, 256), memset(pb, 0xa5, 256);
	kp = child_exiting(9), pp = child_exiting(9);
	assert_int_equal(k32(I386_NR_wait4, kp, LOW(kb), 0, LOW(kb + 16), 0, 0), kp);
	assert_int_equal(p32(I386_NR_wait4, pp, LOW(pb), 0, LOW(pb + 16), 0, 0), pp);
	assert_memory_equal(kb, pb, 16);
	assert_memory_equal(kb + 16 + 72, pb + 16 + 72, 256 - 16 - 72);
	for (int i = 0; i < 18; i++)            /* a child that only exits: tiny counts */
		assert_true(labs((long)((int32_t *)(kb + 16))[i] - ((int32_t *)(pb + 16))[i]) < 4096);
	/* wait4 with a bad rusage pointer: the child is reaped, -EFAULT */
	kp = child_exiting(1), pp = child_exiting(1);
	assert_int_equal(k32(I386_NR_wait4, kp, 0, 0, unmapped_low(), 0, 0), -EFAULT);
	assert_int_equal(p32(I386_NR_wait4, pp, 0, 0, unmapped_low(), 0, 0), -EFAULT);
	assert_int_equal(waitpid(kp, NULL, WNOHANG), -1);
	assert_int_equal(waitpid(pp, NULL, WNOHANG), -1);
	/* waitid: six ints of siginfo, the pid differing */
	memset(kb, 0xa5, 256), memset(pb, 0xa5, 256);
	kp = child_exiting(3), pp = child_exiting(3);
	assert_int_equal(k32(I386_NR_waitid, P_PID, kp, LOW(kb), WEXITED, LOW(kb + 128), 0), 0);
	assert_int_equal(p32(I386_NR_waitid, P_PID, pp, LOW(pb), WEXITED, LOW(pb + 128), 0), 0);
	assert_int_equal(((int32_t *)kb)[3], kp);
	assert_int_equal(((int32_t *)pb)[3], pp);
	((int32_t *)kb)[3] = ((int32_t *)pb)[3] = 0;
	assert_memory_equal(kb, pb, 128);
	assert_memory_equal(kb + 128 + 72, pb + 128 + 72, 256 - 128 - 72);
	/* waitid with WNOHANG and nothing to reap writes zeros */
	memset(kb, 0xa5, 256), memset(pb, 0xa5, 256);
	pid_t live = fork();
	if (live == 0) {
		pause();
		_exit(0);
	}
	assert_int_equal(k32(I386_NR_waitid, P_PID, live, LOW(kb), WEXITED | WNOHANG, LOW(kb + 128), 0), 0);
	assert_int_equal(p32(I386_NR_waitid, P_PID, live, LOW(pb), WEXITED | WNOHANG, LOW(pb + 128), 0), 0);
	assert_memory_equal(kb, pb, 256);
	kill(live, SIGKILL);
	waitpid(live, NULL, 0);
	/* errors */
	assert_int_equal(k32(I386_NR_waitid, P_PID, live, LOW(kb), WEXITED, 0, 0), -ECHILD);
	assert_int_equal(p32(I386_NR_waitid, P_PID, live, LOW(pb), WEXITED, 0, 0), -ECHILD);
	assert_int_equal(k32(I386_NR_wait4, -1, 0, 0x10, 0, 0, 0), -EINVAL);
	assert_int_equal(p32(I386_NR_wait4, -1, 0, 0x10, 0, 0, 0), -EINVAL);
}

/* ---- nice, prctl, affinity ---------------------------------------------- */

static int nice_calls(void)
{
	const struct dcase c[] = {
		CASE(nice, { LIT(3) }),
		CASE(nice, { LIT(0) }),
		CASE(nice, { LIT(-100) }),      /* clamped; root may lower it */
		CASE(nice, { LIT(100) }),
		CASE(getpriority, { LIT(PRIO_PROCESS), LIT(0) }),
	};
	int line = diff_all(c, ARRAY_SIZE(c));

	if (line)
		return line;
	/* both sides' increments landed: 3 + 3, -20 twice, then 19 */
	return getpriority(PRIO_PROCESS, 0) == 19 ? 0 : __LINE__;
}

static void nice_clamps(void **state)
{
	(void)state;
	if (geteuid() != 0)
		skip();
	in_child(nice_calls);
}

static void prctl_and_affinity(void **state)
{
	(void)state;
	static const char name[16] = "persona-test";
	const struct dcase c[] = {
		CASE(prctl, { LIT(15 /* PR_SET_NAME */), BUF(0) }, name, sizeof(name)),
		CASE(prctl, { LIT(16 /* PR_GET_NAME */), BUF(0) }),
		CASE(prctl, { LIT(16 /* PR_GET_NAME */), BAD }),
		CASE(prctl, { LIT(3 /* PR_GET_DUMPABLE */) }),
		CASE(prctl, { LIT(2 /* PR_GET_PDEATHSIG */), BUF(0) }),
		CASE(prctl, { LIT(0x7fff) }),
		CASE(sched_getaffinity, { LIT(0), LIT(4), BUF(0) }),
		CASE(sched_getaffinity, { LIT(0), LIT(8), BUF(0) }),
		CASE(sched_getaffinity, { LIT(0), LIT(12), BUF(0) }),
		CASE(sched_getaffinity, { LIT(0), LIT(128), BUF(0) }),
		CASE(sched_getaffinity, { LIT(0), LIT(3), BUF(0) }),
		CASE(sched_getaffinity, { LIT(0), LIT(0), BUF(0) }),
		CASE(sched_getaffinity, { LIT(0), LIT(8), BAD }),
		CASE(sched_getaffinity, { LIT(0x7ffffff0), LIT(8), BUF(0) }),
	};
	xl_diff_table(c, ARRAY_SIZE(c));
}

/* ---- robust lists ---------------------------------------------------------- */

static void robust_list_calls(void **state)
{
	(void)state;
	uint32_t *head = lowmem(4096);
	head[0] = LOW(head);            /* an empty circular list */
	head[1] = 0;
	head[2] = 0;
	const struct dcase c[] = {
		CASE(set_robust_list, { LIT(LOW(head)), LIT(12) }),
		CASE(set_robust_list, { LIT(LOW(head)), LIT(24) }),
		CASE(get_robust_list, { LIT(0), BUF(0), BUF(8) }),
		CASE(get_robust_list, { LIT(0), BAD, BUF(8) }),
		CASE(get_robust_list, { LIT(0x7ffffff0), BUF(0), BUF(8) }),
	};
	xl_diff_table(c, ARRAY_SIZE(c));
}

/* A thread that dies holding a robust futex: its word gets OWNER_DIED, the
 * same word the kernel leaves when it walks the list itself. */
static uint32_t robust_death(int through_kernel)
{
	/* shared, low: head at 0, one lock entry at 64 whose futex word is at +8 */
	uint32_t *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	uint32_t base = LOW(m);
	pid_t pid;
	int st;

	pid = fork();
	if (pid == 0) {
		uint32_t tid = (uint32_t)getpid();
		m[16] = base;                   /* entry.next → head */
		m[18] = tid | FUTEX_WAITERS;    /* the lock word, owned */
		m[0] = base + 64;               /* head.list.next → entry */
		m[1] = 8;                       /* futex_offset */
		m[2] = 0;
		if (through_kernel) {
			k32(I386_NR_set_robust_list, base, 12, 0, 0, 0, 0);
			_exit(0);               /* the kernel walks the compat list */
		}
		p32(I386_NR_set_robust_list, base, 12, 0, 0, 0, 0);
		persona_robust_exit();
		_exit(0);
	}
	waitpid(pid, &st, 0);
	return m[18];
}

static void robust_list_exit(void **state)
{
	(void)state;
	persona_test_init();
	if (!k32_available())
		skip();
	uint32_t k = robust_death(1), p = robust_death(0);
	assert_int_equal(k, FUTEX_OWNER_DIED | FUTEX_WAITERS);
	assert_int_equal(p, k);
}

static int setup(void **state)
{
	int fd;

	(void)state;
	strcpy(path, "/tmp/persona-xlproc-XXXXXX");
	fd = mkstemp(path);
	return fd < 0 ? -1 : close(fd);
}

static int teardown(void **state)
{
	(void)state;
	return unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(uid16),
		cmocka_unit_test(rlimits),
		cmocka_unit_test(getrusage_shape),
		cmocka_unit_test(sysinfo_shape),
		cmocka_unit_test(unames),
		cmocka_unit_test(waits),
		cmocka_unit_test(nice_clamps),
		cmocka_unit_test(prctl_and_affinity),
		cmocka_unit_test(robust_list_calls),
		cmocka_unit_test(robust_list_exit),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
