/* personality/c/xl/futex.c — futex with a 32-bit timespec.
 *
 * The fourth argument is a timeout pointer only for the operations that
 * wait; for the others (WAKE_OP, REQUEUE, CMP_REQUEUE, ...) it is val2, a
 * number, passed on unchanged. futex_time64 shares x86-64's layout and is a
 * PASS row. Futex words are i386 addresses, valid as they are.
 */
#include "core/persona.h"
#include "xl/i386_time.h"
#include <linux/futex.h>

#ifndef FUTEX_LOCK_PI2
#define FUTEX_LOCK_PI2 13
#endif

static int futex_cmd_has_timeout(uint32_t cmd)
{
	switch (cmd) {
	case FUTEX_WAIT:
	case FUTEX_LOCK_PI:
	case FUTEX_LOCK_PI2:
	case FUTEX_WAIT_BITSET:
	case FUTEX_WAIT_REQUEUE_PI:
		return 1;
	}
	return 0;
}

XL(futex)
{
	uint32_t op = ARG1(f), utmo = ARG3(f);
	struct __kernel_timespec ts;
	long arg3 = wide_u32(utmo);

	if (utmo && futex_cmd_has_timeout(op & FUTEX_CMD_MASK)) {
		if (get_i386_timespec(&ts, utmo))
			return -EFAULT;
		arg3 = (long)&ts;
	}
	return nsys6(__NR_futex, wide_u32(ARG0(f)), (int32_t)op, wide_u32(ARG2(f)), arg3,
		     wide_u32(ARG4(f)), wide_u32(ARG5(f)));
}
