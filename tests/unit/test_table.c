/* tests/unit/test_table.c — the table against the kernel's own numbers.
 *
 * One test per row and property, built from the generated X-macro:
 *   nr      the row's number is asm/unistd_32.h's __NR_<name>
 *   tnr     the row's x86-64 number is asm/unistd_64.h's __NR_<target>
 *   handler an XLATE/EMUL row has a handler linked in
 *   hole    an unused number answers -ENOSYS, from the kernel too
 * A row newer than the installed headers is reported as skipped, not
 * passed. A missing handler of another translator domain is skipped with
 * its name until that domain lands; this file's list of them only shrinks.
 *
 * Both unistd headers define __NR_* with different values, so each is read
 * where it is included: the macros are turned into strings at that point
 * ("__NR_x" stays as it is where a header lacks x).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "personality/c/persona.h"
#include "personality/c/sysent_types.h"
#include "support/i386call.h"

#define STR2(x) #x
#define STR(x) STR2(x)

struct row {
	uint32_t nr;
	const char *name, *kind, *target;
	int tnr;
	const char *nr32;   /* __NR_<name> of unistd_32.h, as text */
	const char *nr64;   /* __NR_<target> of unistd_64.h, as text */
	int line;           /* the table line */
};

/* the x86-64 numbers: persona.h has included asm/unistd_64.h */
static const char *const target64[] = {
#define SYSENT(nr, name, kind, target, tnr, nargs, t0, t1, t2, t3, t4, t5, fast, route, thr, reason, line) \
	STR(__NR_##target),
#include "sysent.h"
#undef SYSENT
};

/* from here on __NR_* are the i386 numbers */
#include <asm/unistd_32.h>

static struct row rows[] = {
#define SYSENT(nr, name, kind, target, tnr, nargs, t0, t1, t2, t3, t4, t5, fast, route, thr, reason, line) \
	{ nr, #name, #kind, #target, tnr, STR(__NR_##name), NULL, line },
#include "sysent.h"
#undef SYSENT
};

#define NROWS (sizeof(rows) / sizeof(rows[0]))

/* Rows whose handlers other translator domains provide (time, polling,
 * sockets, IPC, futex; signals; process creation, exec and TLS). A missing
 * one is skipped, not failed, until it lands. */
static const char *const other_domains[] = {
	"time", "stime", "gettimeofday", "settimeofday", "clock_settime", "clock_gettime",
	"clock_getres", "clock_nanosleep", "nanosleep", "adjtimex", "clock_adjtime",
	"setitimer", "getitimer", "utime", "utimes", "futimesat", "utimensat",
	"timer_create", "timer_settime", "timer_gettime", "timerfd_settime", "timerfd_gettime",
	"sched_rr_get_interval", "times", "select", "_newselect", "pselect6", "pselect6_time64",
	"ppoll", "futex", "socketcall", "getsockopt", "setsockopt", "sendmsg", "recvmsg",
	"sendmmsg", "recvmmsg", "recvmmsg_time64", "ipc", "semctl", "shmctl", "shmat",
	"msgsnd", "msgrcv", "msgctl", "mq_open", "mq_timedsend", "mq_timedreceive",
	"mq_notify", "mq_getsetattr", "io_getevents", "io_pgetevents", "io_pgetevents_time64",
	"sigaction", "rt_sigaction", "signal", "sgetmask", "ssetmask", "sigprocmask",
	"rt_sigprocmask", "sigsuspend", "rt_sigsuspend", "sigpending", "rt_sigpending",
	"rt_sigtimedwait", "rt_sigtimedwait_time64", "rt_sigqueueinfo", "rt_tgsigqueueinfo",
	"sigaltstack", "sigreturn", "rt_sigreturn", "pause", "signalfd", "signalfd4",
	"fork", "vfork", "clone", "clone3", "execve", "execveat", "exit", "exit_group",
	"set_thread_area", "get_thread_area", "modify_ldt", "arch_prctl", "iopl", "ioperm",
	"persona_batch",
};

static int other_domain(const char *name)
{
	for (size_t i = 0; i < sizeof(other_domains) / sizeof(other_domains[0]); i++)
		if (!strcmp(other_domains[i], name))
			return 1;
	return 0;
}

static int unknown(const char *text) { return !strncmp(text, "__NR_", 5); }

static void check_nr(void **state)
{
	const struct row *r = *state;

	if (unknown(r->nr32)) {
		printf("# %s (table line %d): newer than asm/unistd_32.h\n", r->name, r->line);
		skip();
	}
	if ((uint32_t)atoi(r->nr32) != r->nr)
		fail_msg("table line %d: %s is %u, asm/unistd_32.h says %s", r->line, r->name, r->nr, r->nr32);
}

static void check_tnr(void **state)
{
	const struct row *r = *state;

	if (unknown(r->nr64)) {
		printf("# %s -> %s (table line %d): newer than asm/unistd_64.h\n", r->name, r->target, r->line);
		skip();
	}
	if (atoi(r->nr64) != r->tnr)
		fail_msg("table line %d: %s targets %s = %d, asm/unistd_64.h says %s",
			 r->line, r->name, r->target, r->tnr, r->nr64);
}

static void check_handler(void **state)
{
	const struct row *r = *state;

	if (persona_handler(r->nr))
		return;
	if (other_domain(r->name)) {
		printf("# %s (table line %d): handler of another domain not linked yet\n", r->name, r->line);
		skip();
	}
	fail_msg("table line %d: %s is %s but no xl_%s is linked", r->line, r->name, r->kind, r->name);
}

static void check_hole(void **state)
{
	const struct row *r = *state;

	assert_int_equal(p32(r->nr, 0, 0, 0, 0, 0, 0), -ENOSYS);
	if (k32_available())
		assert_int_equal(k32(r->nr, 0, 0, 0, 0, 0, 0), -ENOSYS);
}

/* Every row is reachable by its number and numbers are contiguous. */
static void table_shape(void **state)
{
	(void)state;
	assert_int_equal(rows[0].nr, 0);
	for (size_t i = 0; i < NROWS; i++) {
		const struct sysent *e = persona_lookup(rows[i].nr);
		assert_non_null(e);
		assert_int_equal(e->nr, rows[i].nr);
		assert_string_equal(e->name, rows[i].name);
		if (rows[i].nr < I386_NR_PRIVATE_BASE)
			assert_int_equal(rows[i].nr, i);
	}
	assert_int_equal(rows[I386_NR_LINUX_MAX].nr, I386_NR_LINUX_MAX);
	assert_null(persona_lookup(I386_NR_LINUX_MAX + 1));
}

int main(void)
{
	struct CMUnitTest *t = calloc(4 * NROWS + 1, sizeof(*t));
	size_t n = 0;
	static char names[4 * 480][64];

	t[n++] = (struct CMUnitTest){ .name = "table_shape", .test_func = table_shape };
	for (size_t i = 0; i < NROWS; i++) {
		struct row *r = &rows[i];

		r->nr64 = target64[i];
		if (!strcmp(r->name, "unused")) {
			snprintf(names[n], sizeof(names[n]), "hole %u", r->nr);
			t[n] = (struct CMUnitTest){ .name = names[n], .test_func = check_hole, .initial_state = r };
			n++;
			continue;
		}
		if (r->nr < I386_NR_PRIVATE_BASE) {
			snprintf(names[n], sizeof(names[n]), "nr %s", r->name);
			t[n] = (struct CMUnitTest){ .name = names[n], .test_func = check_nr, .initial_state = r };
			n++;
		}
		if (strcmp(r->target, "none")) {
			snprintf(names[n], sizeof(names[n]), "tnr %s -> %s", r->name, r->target);
			t[n] = (struct CMUnitTest){ .name = names[n], .test_func = check_tnr, .initial_state = r };
			n++;
		}
		if (!strcmp(r->kind, "XLATE") || !strcmp(r->kind, "EMUL")) {
			snprintf(names[n], sizeof(names[n]), "handler %s", r->name);
			t[n] = (struct CMUnitTest){ .name = names[n], .test_func = check_handler, .initial_state = r };
			n++;
		}
	}
	persona_test_init();
	return _cmocka_run_group_tests("table", t, n, NULL, NULL);
}
