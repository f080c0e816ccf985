/* tests/unit/test_xl_futex.c — futex with a 32-bit timeout: the kernel's
 * ia32 layer against the translator; the fourth argument is a timeout only
 * for the waiting operations and a plain number (val2) for the others. */
#include "personality/c/xl/i386_time.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <linux/futex.h>
#include <pthread.h>
#include <unistd.h>

#include "personality/c/core/persona.h"
#include "sysnr.h"
#include "xl_diff.h"

#define NR(x) I386_NR_##x
#define TS32(s, ns) (&(struct i386_timespec){ (s), (ns) })

/* buffer: futex word at 0 (value 1), second word at 4 (value 0), timeout at 16 */
static const uint32_t words[] = { 1, 0, 0, 0 };
struct init { uint32_t w[4]; struct i386_timespec ts; };
#define WITH_TS(s, ns) (&(struct init){ { 1, 0, 0, 0 }, { (s), (ns) } })

static const struct dcase futex_cases[] = {
	{ __LINE__, NR(futex), { BUF(0), LIT(FUTEX_WAKE), LIT(1) }, words, sizeof(words) },
	{ __LINE__, NR(futex), { BUF(0), LIT(FUTEX_WAKE_PRIVATE), LIT(10) }, words, sizeof(words) },
	{ __LINE__, NR(futex), { BUF(0), LIT(FUTEX_WAIT), LIT(2), BUF(16) }, WITH_TS(0, 1000), sizeof(struct init) },
	{ __LINE__, NR(futex), { BUF(0), LIT(FUTEX_WAIT), LIT(1), BUF(16) }, WITH_TS(0, 1000), sizeof(struct init) },
	{ __LINE__, NR(futex), { BUF(0), LIT(FUTEX_WAIT_PRIVATE), LIT(1), BUF(16) }, WITH_TS(0, 1000), sizeof(struct init) },
	{ __LINE__, NR(futex), { BUF(0), LIT(FUTEX_WAIT), LIT(1), BUF(16) }, WITH_TS(0, -1), sizeof(struct init) },
	{ __LINE__, NR(futex), { BUF(0), LIT(FUTEX_WAIT), LIT(1), BUF(16) }, WITH_TS(-1, 0), sizeof(struct init) },
	{ __LINE__, NR(futex), { BUF(0), LIT(FUTEX_WAIT), LIT(1), BAD } },
	{ __LINE__, NR(futex), { BAD, LIT(FUTEX_WAIT), LIT(1), BUF(16) }, WITH_TS(0, 1000), sizeof(struct init) },
	{ __LINE__, NR(futex), { BAD, LIT(FUTEX_WAKE), LIT(1) } },
	/* an absolute timeout in the past */
	{ __LINE__, NR(futex), { BUF(0), LIT(FUTEX_WAIT_BITSET), LIT(1), BUF(16), NUL, LIT(~0u) }, WITH_TS(1, 0), sizeof(struct init) },
	{ __LINE__, NR(futex), { BUF(0), LIT(FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME), LIT(1), BUF(16), NUL, LIT(~0u) }, WITH_TS(1, 0), sizeof(struct init) },
	{ __LINE__, NR(futex), { BUF(0), LIT(FUTEX_WAIT_BITSET), LIT(1), BUF(16), NUL, LIT(0) }, WITH_TS(1, 0), sizeof(struct init) },
	/* val2 is a number: a pointer-looking value must not be read */
	{ __LINE__, NR(futex), { BUF(0), LIT(FUTEX_CMP_REQUEUE), LIT(1), LIT(0x7fffffff), BUF(4), LIT(1) }, words, sizeof(words) },
	{ __LINE__, NR(futex), { BUF(0), LIT(FUTEX_CMP_REQUEUE), LIT(1), LIT(5), BUF(4), LIT(2) }, words, sizeof(words) },
	{ __LINE__, NR(futex), { BUF(0), LIT(FUTEX_REQUEUE), LIT(1), LIT(0xdead0000), BUF(4) }, words, sizeof(words) },
	{ __LINE__, NR(futex), { BUF(0), LIT(FUTEX_WAKE_OP), LIT(1), LIT(1), BUF(4), LIT(FUTEX_OP(FUTEX_OP_ADD, 3, FUTEX_OP_CMP_EQ, 0)) }, words, sizeof(words) },
	{ __LINE__, NR(futex), { BUF(0), LIT(99), LIT(1) }, words, sizeof(words) },
	{ __LINE__, NR(futex_time64), { BUF(0), LIT(FUTEX_WAKE), LIT(1) }, words, sizeof(words) },
};

static void table(void **state)
{
	(void)state;
	xl_diff_table(futex_cases, ARRAY_SIZE(futex_cases));
}

/* A waiter blocked through the translator is woken through it. */
static uint32_t *word;
static long waited;

static void *waiter(void *arg)
{
	(void)arg;
	waited = p32(NR(futex), LOW(word), FUTEX_WAIT, 0, 0, 0, 0);
	return NULL;
}

static void wait_and_wake(void **state)
{
	pthread_t t;
	long woken = 0;

	(void)state;
	persona_test_init();
	word = lowmem(4096);
	*word = 0;
	assert_int_equal(pthread_create(&t, NULL, waiter, NULL), 0);
	/* wake until the waiter was there to be woken (it may not have slept yet) */
	for (int i = 0; i < 2000 && woken == 0; i++) {
		woken = p32(NR(futex), LOW(word), FUTEX_WAKE, 1, 0, 0, 0);
		if (!woken)
			usleep(1000);
	}
	pthread_join(t, NULL);
	assert_int_equal(woken, 1);
	assert_int_equal(waited, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table),
		cmocka_unit_test(wait_and_wake),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
