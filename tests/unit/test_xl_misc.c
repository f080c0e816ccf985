/* tests/unit/test_xl_misc.c — the rest of the file/process/memory domain,
 * kernel ia32 layer against the translator: 64-bit offsets in register
 * pairs (PASS rows: truncate64, fallocate, fadvise64(_64), readahead,
 * sync_file_range), NUMA node masks, move_pages, AIO contexts (the ring
 * below 4 GiB), process_vm_readv, vmsplice, quotactl, keyctl,
 * pidfd_send_signal.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "personality/c/core/persona.h"
#include "personality/c/core/i386_types.h"
#include "personality/c/xl/common.h"
#include "personality/c/core/state.h"
#include "sysnr.h"
#include "xl_diff.h"

#define CASE(nr, ...) { __LINE__, I386_NR_##nr, __VA_ARGS__ }

static char path[64];
static int fd;

static int setup(void **state)
{
	(void)state;
	strcpy(path, access("/dev/shm", W_OK) == 0 ? "/dev/shm/persona-xlm-XXXXXX" : "/tmp/persona-xlm-XXXXXX");
	fd = mkstemp(path);
	return fd < 0 || write(fd, "0123456789abcdef", 16) != 16 ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	close(fd);
	return unlink(path);
}

static long file_size(void)
{
	struct stat st;

	return fstat(fd, &st) ? -1 : (long)st.st_size;
}

/* ---- register pairs of PASS rows: the effect on the file agrees -------- */

static void offset_pairs(void **state)
{
	(void)state;
	persona_test_init();
	if (!k32_available())
		skip();
	/* ftruncate64(fd, lo, hi): 4 GiB + 16 */
	assert_int_equal(k32(I386_NR_ftruncate64, fd, 16, 1, 0, 0, 0), 0);
	long k = file_size();
	assert_int_equal(ftruncate(fd, 16), 0);
	assert_int_equal(p32(I386_NR_ftruncate64, fd, 16, 1, 0, 0, 0), 0);
	assert_int_equal(file_size(), k);
	assert_true(k == (1l << 32) + 16);
	/* fallocate(fd, mode, off lo, hi, len lo, hi) past 4 GiB */
	assert_int_equal(ftruncate(fd, 16), 0);
	assert_int_equal(k32(I386_NR_fallocate, fd, 0, 4096, 1, 4096, 0), 0);
	k = file_size();
	assert_int_equal(ftruncate(fd, 16), 0);
	assert_int_equal(p32(I386_NR_fallocate, fd, 0, 4096, 1, 4096, 0), 0);
	assert_int_equal(file_size(), k);
	assert_int_equal(ftruncate(fd, 16), 0);
	const struct dcase c[] = {
		CASE(fadvise64, { LIT(fd), LIT(0), LIT(1), LIT(100), LIT(4 /* DONTNEED */) }),
		CASE(fadvise64, { LIT(fd), LIT(0), LIT(0), LIT(100), LIT(99) }),
		CASE(fadvise64_64, { LIT(fd), LIT(0), LIT(1), LIT(100), LIT(0), LIT(2) }),
		CASE(fadvise64_64, { LIT(fd), LIT(0), LIT(0), LIT(0), LIT(0x80000000), LIT(0) }),   /* negative length */
		CASE(readahead, { LIT(fd), LIT(0), LIT(1), LIT(4096) }),
		CASE(sync_file_range, { LIT(fd), LIT(0), LIT(1), LIT(4096), LIT(0), LIT(2) }),
		CASE(sync_file_range, { LIT(fd), LIT(0), LIT(0x80000000), LIT(0), LIT(0), LIT(0) }),
		CASE(truncate64, { BUF(0), LIT(32), LIT(0) }, path, sizeof(path)),
		CASE(truncate64, { BUF(0), LIT(0), LIT(0x80000000) }, path, sizeof(path)),
	};
	xl_diff_table(c, ARRAY_SIZE(c));
	assert_int_equal(file_size(), 32);
}

/* ---- NUMA: node masks of 32-bit words ------------------------------------ */

static void numa_masks(void **state)
{
	(void)state;
	static const uint32_t node0[2] = { 1, 0 };
	static const uint32_t node9999[1] = { 0x80000000 };
	uint8_t *page = lowmem(4096);
	uint32_t *pages = lowmem(16);
	pages[0] = LOW(page);
	page[0] = 1;
	const struct dcase c[] = {
		CASE(get_mempolicy, { BUF(0), BUF(64), LIT(65), LIT(0), LIT(0) }),
		CASE(get_mempolicy, { BUF(0), BUF(64), LIT(33), LIT(0), LIT(0) }),
		CASE(get_mempolicy, { BUF(0), BUF(64), LIT(1025), LIT(0), LIT(0) }),
		CASE(get_mempolicy, { BUF(0), BUF(64), LIT(1), LIT(0), LIT(0) }),
		CASE(get_mempolicy, { BUF(0), BAD, LIT(65), LIT(0), LIT(0) }),
		CASE(get_mempolicy, { BUF(0), BUF(64), LIT(65), LIT(LOW(page)), LIT(2 /* MPOL_F_ADDR */) }),
		CASE(set_mempolicy, { LIT(0 /* MPOL_DEFAULT */), LIT(0), LIT(0) }),
		CASE(set_mempolicy, { LIT(1 /* MPOL_PREFERRED */), BUF(0), LIT(33) }, node0, sizeof(node0)),
		CASE(set_mempolicy, { LIT(1), BUF(0), LIT(33) }, node9999, sizeof(node9999)),
		CASE(set_mempolicy, { LIT(1), BAD, LIT(33) }),
		CASE(set_mempolicy, { LIT(1), BUF(0), LIT(40000) }, node0, sizeof(node0)),
		CASE(set_mempolicy, { LIT(0), LIT(0), LIT(0) }),
		CASE(mbind, { LIT(LOW(page)), LIT(4096), LIT(0), LIT(0), LIT(0), LIT(0) }),
		CASE(mbind, { LIT(LOW(page)), LIT(4096), LIT(2 /* MPOL_BIND */), BUF(0), LIT(33), LIT(0) }, node0, sizeof(node0)),
		CASE(mbind, { LIT(LOW(page)), LIT(4096), LIT(0), LIT(0), LIT(0), LIT(0) }),
		CASE(migrate_pages, { LIT(0), LIT(33), BUF(0), BUF(0) }, node0, sizeof(node0)),
		CASE(migrate_pages, { LIT(0), LIT(33), BAD, BUF(0) }, node0, sizeof(node0)),
		CASE(move_pages, { LIT(0), LIT(1), LIT(LOW(pages)), LIT(0), BUF(0), LIT(0) }),
		CASE(move_pages, { LIT(0), LIT(1), BAD, LIT(0), BUF(0), LIT(0) }),
	};
	xl_diff_table(c, ARRAY_SIZE(c));
}

/* ---- AIO: the context id is the ring's address, below 4 GiB ------------- */

#define AIO_RING_MAGIC 0xa10a10a1

struct iocb32 {                 /* struct iocb: one layout on both */
	uint64_t data;
	uint32_t key, rw_flags;
	uint16_t opcode;
	int16_t  reqprio;
	uint32_t fildes;
	uint64_t buf, nbytes;
	int64_t  offset;
	uint64_t reserved2;
	uint32_t flags, resfd;
};

static void aio_rings(void **state)
{
	uint32_t *kctx = lowmem(8), *pctx = lowmem(8);
	struct iocb32 *cb = lowmem(sizeof(*cb));
	uint32_t *list = lowmem(8);
	char *buf = lowmem(64);
	struct { uint64_t data, obj; int64_t res, res2; } ev;

	(void)state;
	persona_test_init();
	if (!k32_available())
		skip();
	assert_int_equal(k32(I386_NR_io_setup, 8, LOW(kctx), 0, 0, 0, 0), 0);
	assert_int_equal(p32(I386_NR_io_setup, 8, LOW(pctx), 0, 0, 0, 0), 0);
	assert_true(*kctx && *pctx);
	assert_true((uint64_t)*pctx + 4096 <= persona_mmap_top);
	/* the ring header is where the id says, and reads the same */
	assert_int_equal(((uint32_t *)(uintptr_t)*pctx)[4], AIO_RING_MAGIC);
	assert_memory_equal((void *)(uintptr_t)*kctx + 4, (void *)(uintptr_t)*pctx + 4, 28);
	/* a non-zero context or no events: EINVAL; a bad pointer: EFAULT */
	assert_int_equal(p32(I386_NR_io_setup, 8, LOW(pctx), 0, 0, 0, 0), -EINVAL);
	assert_int_equal(k32(I386_NR_io_setup, 8, LOW(kctx), 0, 0, 0, 0), -EINVAL);
	assert_int_equal(p32(I386_NR_io_setup, 8, unmapped_low(), 0, 0, 0, 0), -EFAULT);
	assert_int_equal(k32(I386_NR_io_setup, 8, unmapped_low(), 0, 0, 0, 0), -EFAULT);
	/* submit through a 32-bit pointer array; reap natively by the id */
	*cb = (struct iocb32){ .data = 42, .opcode = 0 /* PREAD */, .fildes = (uint32_t)fd,
			       .buf = LOW(buf), .nbytes = 10, .offset = 3 };
	list[0] = LOW(cb);
	assert_int_equal(p32(I386_NR_io_submit, *pctx, 1, LOW(list), 0, 0, 0), 1);
	assert_int_equal(syscall(SYS_io_getevents, (long)*pctx, 1, 1, &ev, NULL), 1);
	assert_int_equal(ev.data, 42);
	assert_int_equal(ev.obj, LOW(cb));
	assert_int_equal(ev.res, 10);
	assert_memory_equal(buf, "3456789abc", 10);
	assert_int_equal(p32(I386_NR_io_submit, *pctx, -1, LOW(list), 0, 0, 0), -EINVAL);
	assert_int_equal(k32(I386_NR_io_submit, *kctx, -1, LOW(list), 0, 0, 0), -EINVAL);
	assert_int_equal(p32(I386_NR_io_submit, *pctx, 1, unmapped_low(), 0, 0, 0), -EFAULT);
	assert_int_equal(k32(I386_NR_io_submit, *kctx, 1, unmapped_low(), 0, 0, 0), -EFAULT);
	assert_int_equal(p32(I386_NR_io_destroy, *pctx, 0, 0, 0, 0, 0), 0);
	assert_int_equal(k32(I386_NR_io_destroy, *kctx, 0, 0, 0, 0, 0), 0);
}

/* ---- iovec users beyond readv -------------------------------------------- */

static void iov_users(void **state)
{
	char *src = lowmem(64), *dst = lowmem(64);
	struct i386_iovec *l = lowmem(16), *r = lowmem(16);
	int p[2];
	char got[16];

	(void)state;
	persona_test_init();
	if (!k32_available())
		skip();
	strcpy(src, "remote bytes");
	*l = (struct i386_iovec){ LOW(dst), 12 };
	*r = (struct i386_iovec){ LOW(src), 12 };
	assert_int_equal(k32(I386_NR_process_vm_readv, getpid(), LOW(l), 1, LOW(r), 1, 0), 12);
	memset(dst, 0, 64);
	assert_int_equal(p32(I386_NR_process_vm_readv, getpid(), LOW(l), 1, LOW(r), 1, 0), 12);
	assert_string_equal(dst, "remote bytes");
	*l = (struct i386_iovec){ LOW(src), 6 };
	*r = (struct i386_iovec){ LOW(dst), 6 };
	memset(dst, 0, 64);
	assert_int_equal(p32(I386_NR_process_vm_writev, getpid(), LOW(l), 1, LOW(r), 1, 0), 6);
	assert_string_equal(dst, "remote");
	assert_int_equal(p32(I386_NR_process_vm_readv, getpid(), unmapped_low(), 1, LOW(r), 1, 0), -EFAULT);
	assert_int_equal(k32(I386_NR_process_vm_readv, getpid(), unmapped_low(), 1, LOW(r), 1, 0), -EFAULT);
	/* vmsplice: user pages into a pipe */
	assert_int_equal(pipe(p), 0);
	*l = (struct i386_iovec){ LOW(src), 6 };
	assert_int_equal(k32(I386_NR_vmsplice, p[1], LOW(l), 1, 0, 0, 0), 6);
	assert_int_equal(p32(I386_NR_vmsplice, p[1], LOW(l), 1, 0, 0, 0), 6);
	assert_int_equal(read(p[0], got, 12), 12);
	assert_memory_equal(got, "remoteremote", 12);
	close(p[0]), close(p[1]);
}

/* ---- quotactl, keyctl, pidfd_send_signal: the answers agree ------------- */

static void misc_answers(void **state)
{
	(void)state;
	static const char dev[] = "/dev/null";
	static const char desc[] = "persona-test";
	const struct dcase c[] = {
		/* Q_GETQUOTA (0x800007 << 8 | USRQUOTA), Q_GETFMT, Q_SYNC */
		CASE(quotactl, { LIT(0x80000700), BUF(0), LIT(0), BUF(256) }, dev, sizeof(dev)),
		CASE(quotactl, { LIT(0x80000400), BUF(0), LIT(0), BUF(256) }, dev, sizeof(dev)),
		CASE(quotactl, { LIT(0x80000100), LIT(0), LIT(0), LIT(0) }),
		CASE(quotactl, { LIT(0x80000700), BAD, LIT(0), BUF(256) }),
		CASE(quotactl_fd, { LIT(fd), LIT(0x80000700), LIT(0), BUF(256) }),
		CASE(quotactl_fd, { LIT(-1), LIT(0x80000700), LIT(0), BUF(256) }),
		/* keyctl: a plain command, the iovec one without a key */
		CASE(keyctl, { LIT(0 /* GET_KEYRING_ID */), LIT(-5 /* KEY_SPEC_USER_SESSION */), LIT(0) }),
		CASE(keyctl, { LIT(20 /* INSTANTIATE_IOV */), LIT(12345), BUF(0), LIT(0), LIT(0) }, desc, sizeof(desc)),
		CASE(keyctl, { LIT(20), LIT(12345), LIT(0), LIT(2000), LIT(0) }),
		CASE(keyctl, { LIT(23 /* DH_COMPUTE */), BAD, BUF(0), LIT(16), LIT(0) }),
		/* pidfd_send_signal with no pidfd; a bad siginfo pointer */
		CASE(pidfd_send_signal, { LIT(-1), LIT(0), LIT(0), LIT(0) }),
		CASE(pidfd_send_signal, { LIT(fd), LIT(0), LIT(0), LIT(0) }),
		CASE(pidfd_send_signal, { LIT(-1), LIT(SIGUSR1), BAD, LIT(0) }),
	};
	xl_diff_table(c, ARRAY_SIZE(c));
}

/* pidfd_send_signal with an i386 siginfo reaches the target with its value */
static void siginfo_value(void **state)
{
	int p[2];
	pid_t pid;
	int32_t *si = lowmem(128);

	(void)state;
	persona_test_init();
	assert_int_equal(pipe(p), 0);
	pid = fork();
	if (pid == 0) {
		sigset_t set;
		siginfo_t got;
		sigemptyset(&set);
		sigaddset(&set, SIGUSR1);
		sigprocmask(SIG_BLOCK, &set, NULL);
		if (write(p[1], "r", 1) != 1)
			_exit(2);
		if (sigwaitinfo(&set, &got) != SIGUSR1)
			_exit(3);
		_exit(got.si_code == SI_QUEUE && got.si_value.sival_int == 0x1234 && got.si_pid == getppid() ? 0 : 4);
	}
	char c;
	assert_int_equal(read(p[0], &c, 1), 1);
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	assert_true(pidfd >= 0);
	memset(si, 0, 128);
	si[0] = SIGUSR1;
	si[2] = SI_QUEUE;
	si[3] = getpid();
	si[4] = (int32_t)getuid();
	si[5] = 0x1234;
	assert_int_equal(p32(I386_NR_pidfd_send_signal, pidfd, SIGUSR1, LOW(si), 0, 0, 0), 0);
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	close(pidfd), close(p[0]), close(p[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(offset_pairs),
		cmocka_unit_test(numa_masks),
		cmocka_unit_test(aio_rings),
		cmocka_unit_test(iov_users),
		cmocka_unit_test(misc_answers),
		cmocka_unit_test(siginfo_value),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
