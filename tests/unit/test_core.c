/* tests/unit/test_core.c — the dispatch, the widening, the message executor
 * (both routes, linked cancellation), the batch entry and foreign-memory
 * access (copies, strings, compare-and-swap): the core every handler stands
 * on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <stdio.h>

#include "personality/c/core/persona.h"
#include "personality/c/core/sysent_types.h"
#include "personality/persona_abi.h"
#include "sysnr.h"
#include "support/i386call.h"

static int count_lines(int fd)
{
	char buf[4096];
	ssize_t n = read(fd, buf, sizeof(buf));
	int lines = 0;

	for (ssize_t i = 0; i < n; i++)
		lines += buf[i] == '\n';
	return lines;
}

static void unknown_number_is_enosys_logged_once(void **state)
{
	int p[2];
	(void)state;
	assert_int_equal(pipe2(p, O_NONBLOCK), 0);
	persona_opts.log_fd = p[1];
	assert_int_equal(p32(77777, 0, 0, 0, 0, 0, 0), -ENOSYS);
	assert_int_equal(p32(77777, 0, 0, 0, 0, 0, 0), -ENOSYS);
	persona_opts.log_fd = -1;
	assert_int_equal(count_lines(p[0]), 1);
	close(p[0]), close(p[1]);
}

static void unimpl_rows_are_enosys(void **state)
{
	(void)state;
	for (uint32_t i = 0; i < SYSENT_SLOTS; i++) {
		const struct sysent *e = &persona_sysent[i];
		if (e->kind != K_UNIMPL)
			continue;
		int p[2];
		assert_int_equal(pipe2(p, O_NONBLOCK), 0);
		persona_opts.log_fd = p[1];
		/* one line naming the call the first time, none after */
		assert_int_equal(p32(e->nr, 0, 0, 0, 0, 0, 0), -ENOSYS);
		assert_int_equal(count_lines(p[0]), 1);
		assert_int_equal(p32(e->nr, 0, 0, 0, 0, 0, 0), -ENOSYS);
		persona_opts.log_fd = -1;
		assert_int_equal(count_lines(p[0]), 0);
		close(p[0]), close(p[1]);
	}
}

static void pass_row_runs_native_call(void **state)
{
	(void)state;
	assert_int_equal(p32(I386_NR_getppid, 0, 0, 0, 0, 0, 0), getppid());
	assert_int_equal(p32(I386_NR_persona_gate, 1234, 0, 0, 0, 0, 0), 1234);
	/* persona_stages: an image built without the stage timers says so;
	 * an unknown flag is refused first */
	assert_int_equal(p32(I386_NR_persona_stages, 0, 0, 0, 0, 0, 0), -EOPNOTSUPP);
	assert_int_equal(p32(I386_NR_persona_stages, 0, 2, 0, 0, 0, 0), -EINVAL);
}

/* Widening per argument type; each row names its own line. */
static const struct widen_case {
	int line;
	uint8_t types[6];
	uint32_t reg[6];
	uint64_t want[6];
} widen_cases[] = {
	{ __LINE__, { T_S32 }, { 0xffffff9c }, { (uint64_t)-100 } },
	{ __LINE__, { T_FD }, { 0xffffff9c }, { (uint64_t)-100 } },
	{ __LINE__, { T_U32 }, { 0xffffff9c }, { 0xffffff9c } },
	{ __LINE__, { T_PTR }, { 0x80000000 }, { 0x80000000 } },
	{ __LINE__, { T_FD, T_LO, T_HI, T_S32 }, { 3, 0x89abcdef, 0x01234567, 0xffffffff },
	  { 3, 0x0123456789abcdefull, (uint64_t)-1 } },
	{ __LINE__, { T_HL, T_LL }, { 0x01234567, 0x89abcdef }, { 0x0123456789abcdefull } },
};

static void widening_follows_types(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(widen_cases); i++) {
		const struct widen_case *c = &widen_cases[i];
		struct sysent e = { .nargs = 0 };
		uint64_t out[6];

		while (e.nargs < 6 && c->types[e.nargs])
			e.nargs++;
		memcpy(e.types, c->types, 6);
		persona_widen(&e, c->reg, out);
		for (int k = 0; k < 6; k++)
			if (out[k] != c->want[k])
				fail_msg("widen case at line %d: arg %d is %#lx, want %#lx", c->line, k,
					 (unsigned long)out[k], (unsigned long)c->want[k]);
	}
}

static void linked_message_cancelled_after_failure(void **state)
{
	struct sysmsg m[4] = {
		{ .nr = __NR_close, .args = { (uint64_t)-1 } },                 /* fails: EBADF */
		{ .nr = __NR_getpid, .flags = SYSMSG_LINKED },                  /* cancelled */
		{ .nr = __NR_getpid, .flags = SYSMSG_LINKED },                  /* chain stays broken */
		{ .nr = __NR_getpid },                                          /* runs */
	};
	(void)state;
	assert_int_equal(persona_submit(m, 4), 4);
	assert_int_equal(m[0].result, -EBADF);
	assert_int_equal(m[1].result, -ECANCELED);
	assert_int_equal(m[2].result, -ECANCELED);
	assert_int_equal(m[3].result, getpid());
	for (int i = 0; i < 4; i++)
		assert_true(m[i].flags & SYSMSG_DONE);
}

/* Both routes give identical results and effects: 8 writes into a pipe, a
 * read back, and a linked chain broken by a bad fd. */
static void routes_give_identical_results(void **state)
{
	const uint32_t routes[] = { SYSMSG_ROUTE_DIRECT, SYSMSG_ROUTE_RING };
	int64_t results[2][10];
	char got[2][64];
	(void)state;

	for (int r = 0; r < 2; r++) {
		int p[2];
		struct sysmsg m[10];
		char msg[8][8];

		assert_int_equal(pipe(p), 0);
		for (int i = 0; i < 8; i++) {
			snprintf(msg[i], sizeof(msg[i]), "m%d;", i);
			m[i] = (struct sysmsg){ .nr = __NR_write,
				.args = { (uint64_t)p[1], (uint64_t)(uintptr_t)msg[i], strlen(msg[i]) } };
		}
		m[8] = (struct sysmsg){ .nr = __NR_write, .args = { (uint64_t)-1, (uint64_t)(uintptr_t)"x", 1 } };
		m[9] = (struct sysmsg){ .nr = __NR_write, .flags = SYSMSG_LINKED,
			.args = { (uint64_t)p[1], (uint64_t)(uintptr_t)"y", 1 } };
		assert_int_equal(persona_batch_run(m, 10, routes[r]), 10);
		for (int i = 0; i < 10; i++)
			results[r][i] = m[i].result;
		memset(got[r], 0, sizeof(got[r]));
		assert_true(read(p[0], got[r], sizeof(got[r]) - 1) > 0);
		close(p[0]), close(p[1]);
	}
	for (int i = 0; i < 10; i++)
		assert_int_equal(results[0][i], results[1][i]);
	assert_int_equal(results[0][8], -EBADF);
	assert_int_equal(results[0][9], -ECANCELED);
	assert_string_equal(got[0], got[1]);
	assert_string_equal(got[0], "m0;m1;m2;m3;m4;m5;m6;m7;");
}

static void batch_entry_runs_i386_calls(void **state)
{
	struct persona_batch_call *c = lowmem(sizeof(*c) * 4);
	(void)state;
	persona_test_init();
	c[0] = (struct persona_batch_call){ .nr = I386_NR_getppid };
	c[1] = (struct persona_batch_call){ .nr = I386_NR_close, .args = { (uint32_t)-1 } };
	c[2] = (struct persona_batch_call){ .nr = I386_NR_getppid, .flags = PERSONA_BATCH_LINKED };
	c[3] = (struct persona_batch_call){ .nr = I386_NR_persona_gate, .args = { 7 } };
	for (uint32_t route = PERSONA_ROUTE_TABLE; route <= PERSONA_ROUTE_RING; route++) {
		assert_int_equal(p32(I386_NR_persona_batch, LOW(c), 4, route, 0, 0, 0), 4);
		assert_int_equal(c[0].result, getppid());
		assert_int_equal(c[1].result, -EBADF);
		assert_int_equal(c[2].result, -ECANCELED);
		assert_int_equal(c[3].result, 7);
	}
	assert_int_equal(p32(I386_NR_persona_batch, LOW(c), 0, 0, 0, 0, 0), -EINVAL);
	assert_int_equal(p32(I386_NR_persona_batch, LOW(c), PERSONA_BATCH_MAX + 1, 0, 0, 0, 0), -EINVAL);
	assert_int_equal(p32(I386_NR_persona_batch, unmapped_low(), 1, 0, 0, 0, 0), -EFAULT);
}

/* A batch of calls the ring does (ring.c: straight from the calls onto the
 * ring) gives what the direct route gives: results, links, order of the
 * data; a call the ring does not take (a reserved field) sends the whole
 * batch the general way, with the same answers. */
static void ring_batch_matches_direct(void **state)
{
	char *low = lowmem(4096);
	struct persona_batch_call *c = (struct persona_batch_call *)(void *)(low + 1024);
	static const uint32_t routes[] = { PERSONA_ROUTE_RING, PERSONA_ROUTE_DIRECT, PERSONA_ROUTE_TABLE };
	int32_t want[7];
	(void)state;
	persona_test_init();
	memcpy(low, "abcdefgh", 8);
	for (unsigned r = 0; r < 3; r++)
		for (int bad = 0; bad < 2; bad++) {
			int p[2];
			char got[16] = "";
			assert_int_equal(pipe(p), 0);
			uint32_t w = (uint32_t)p[1], n = bad ? 7 : 6;
			c[0] = (struct persona_batch_call){ .nr = I386_NR_write, .flags = PERSONA_BATCH_LINKED,
				.args = { w, (uint32_t)LOW(low), 2 } };      /* a link to nothing */
			c[1] = (struct persona_batch_call){ .nr = I386_NR_write, .args = { w, (uint32_t)LOW(low + 2), 2 } };
			c[2] = (struct persona_batch_call){ .nr = I386_NR_write, .args = { (uint32_t)-1, (uint32_t)LOW(low), 1 } };
			c[3] = (struct persona_batch_call){ .nr = I386_NR_write, .flags = PERSONA_BATCH_LINKED,
				.args = { w, (uint32_t)LOW(low), 1 } };
			c[4] = (struct persona_batch_call){ .nr = I386_NR_pwrite64, .args = { w, (uint32_t)LOW(low), 1, 0, 0 } };
			c[5] = (struct persona_batch_call){ .nr = I386_NR_write, .args = { w, (uint32_t)LOW(low + 4), 4 } };
			c[6] = (struct persona_batch_call){ .nr = I386_NR_write, .reserved = 1,
				.args = { w, (uint32_t)LOW(low), 1 } };
			assert_int_equal(p32(I386_NR_persona_batch, LOW(c), n, routes[r], 0, 0, 0), n);
			close(p[1]);
			assert_true(read(p[0], got, sizeof(got) - 1) >= 0);
			close(p[0]);
			if (strcmp(got, "abcdefgh"))
				fail_msg("route %u%s: the pipe got \"%s\"", routes[r], bad ? " (with a refused call)" : "", got);
			if (r == 0 && !bad)
				for (int i = 0; i < 6; i++)
					want[i] = c[i].result;
			for (uint32_t i = 0; i < 6; i++)
				if (c[i].result != want[i])
					fail_msg("route %u%s: call %u gave %d, the ring %d", routes[r],
						 bad ? " (with a refused call)" : "", i, c[i].result, want[i]);
			if (bad)
				assert_int_equal(c[6].result, -EINVAL);
		}
	assert_int_equal(want[0], 2);
	assert_int_equal(want[2], -EBADF);
	assert_int_equal(want[3], -ECANCELED);
	assert_int_equal(want[4], -ESPIPE);
	assert_int_equal(want[5], 4);
}

static void uaccess_survives_bad_pointers(void **state)
{
	char buf[16], *low = lowmem(4096);
	(void)state;
	persona_test_init();
	memcpy(low, "hello", 6);
	assert_int_equal(copy_from_user(buf, LOW(low), 6), 0);
	assert_string_equal(buf, "hello");
	assert_int_equal(copy_from_user(buf, unmapped_low(), 4), -EFAULT);
	assert_int_equal(copy_to_user(unmapped_low(), buf, 4), -EFAULT);
	assert_int_equal(clear_user(unmapped_low(), 4), -EFAULT);
	assert_int_equal(copy_from_user(buf, 0xfffffff8u, 16), -EFAULT);   /* wraps past 4 GiB */
	assert_int_equal(strncpy_from_user(buf, LOW(low), sizeof(buf)), 5);
	assert_int_equal(strncpy_from_user(buf, LOW(low), 3), -ENAMETOOLONG);
	assert_int_equal(strncpy_from_user(buf, unmapped_low(), sizeof(buf)), -EFAULT);
	/* a string running into an unmapped page faults, it is not truncated */
	char *edge = lowmem(2 * 4096);
	mprotect(edge + 4096, 4096, PROT_NONE);
	memset(edge + 4096 - 4, 'a', 4);
	assert_int_equal(strncpy_from_user(buf, LOW(edge + 4096 - 4), sizeof(buf)), -EFAULT);
	/* compare-and-swap: stores only over the expected value, reports the
	 * value found, and faults into -EFAULT like the copies */
	uint32_t *word = (uint32_t *)(void *)(low + 64), expected = 7;
	*word = 7;
	assert_int_equal(cmpxchg_user_u32(LOW(word), &expected, 9), 1);
	assert_int_equal(*word, 9);
	assert_int_equal(expected, 7);
	assert_int_equal(cmpxchg_user_u32(LOW(word), &expected, 11), 0);
	assert_int_equal(*word, 9);
	assert_int_equal(expected, 9);
	assert_int_equal(cmpxchg_user_u32(unmapped_low(), &expected, 1), -EFAULT);
	assert_int_equal(cmpxchg_user_u32(0xfffffffeu, &expected, 1), -EFAULT);   /* past the limit */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(unknown_number_is_enosys_logged_once),
		cmocka_unit_test(unimpl_rows_are_enosys),
		cmocka_unit_test(pass_row_runs_native_call),
		cmocka_unit_test(widening_follows_types),
		cmocka_unit_test(linked_message_cancelled_after_failure),
		cmocka_unit_test(routes_give_identical_results),
		cmocka_unit_test(batch_entry_runs_i386_calls),
		cmocka_unit_test(ring_batch_matches_direct),
		cmocka_unit_test(uaccess_survives_bad_pointers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
