/* bench/ptrace-emu.c — the classic userland emulator, for comparison: a
 * tracer that stops an i386 program at every system-call entry with
 * PTRACE_SYSEMU, performs the call itself and writes the result register.
 *
 *   ptrace-emu PROGRAM [ARGS...]
 *
 * Emulated (the benchmarked calls): getppid, read, write, open, close,
 * stat64, fstat64, and the personality's private gate number (answered with
 * ebx, no kernel call: the cost of the way in alone). Files the tracee opens
 * through the emulator live in the tracer, under fd numbers from
 * EMU_FD_BASE on; a tracee fd is reached through pidfd_getfd. Every other
 * call (the C library's start-up, exit) is handed to the kernel: the tracer
 * rewinds the instruction and lets it run once under PTRACE_SYSCALL.
 * A 64-bit tracee's calls all pass through to the kernel.
 *
 * Exit status: the tracee's; 126 when tracing cannot start (the reason on
 * stderr).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>
#include "personality/persona_abi.h"
#include "sysnr.h"              /* the tracee's numbers, I386_NR_*, from the table */

#define USER_CS_32   0x23          /* the i386 user code segment */
#define INSN_LEN     2             /* int $0x80, sysenter landing, syscall */
#define EMU_FD_BASE  (1 << 20)
#define FD_CACHE     1024
#define PATH_MAX_EMU 4096

/* struct stat64 of the i386 ABI (4-byte alignment of 64-bit members). */
struct i386_stat64 {
	uint64_t st_dev;
	uint32_t pad0;
	uint32_t st_ino32;
	uint32_t st_mode;
	uint32_t st_nlink;
	uint32_t st_uid;
	uint32_t st_gid;
	uint64_t st_rdev;
	uint32_t pad3;
	int64_t  st_size;
	uint32_t st_blksize;
	uint64_t st_blocks;
	uint32_t st_atime_, st_atime_nsec;
	uint32_t st_mtime_, st_mtime_nsec;
	uint32_t st_ctime_, st_ctime_nsec;
	uint64_t st_ino;
} __attribute__((packed));
_Static_assert(sizeof(struct i386_stat64) == 96, "i386 struct stat64 layout");

static pid_t tracee;
static pid_t self_pid;
static int pidfd = -1;
static int fd_cache[FD_CACHE];      /* tracee fd -> tracer fd + 1 (0: none) */

static _Noreturn void die(const char *what)
{
	fprintf(stderr, "ptrace-emu: %s: %s\n", what, strerror(errno));
	if (tracee > 0)
		kill(tracee, SIGKILL);
	exit(126);
}

/* The tracer's fd for a tracee fd, or -errno. */
static long local_fd(long fd)
{
	if (fd >= EMU_FD_BASE)
		return fd - EMU_FD_BASE;
	if (fd < 0)
		return -EBADF;
	if (fd < FD_CACHE && fd_cache[fd])
		return fd_cache[fd] - 1;
	if (pidfd < 0 && (pidfd = (int)syscall(SYS_pidfd_open, tracee, 0)) < 0)
		return -errno;
	int l = (int)syscall(SYS_pidfd_getfd, pidfd, (int)fd, 0);
	if (l < 0)
		return -errno;
	if (fd < FD_CACHE)
		fd_cache[fd] = l + 1;
	return l;
}

static long peek(void *dst, uint64_t src, size_t n)
{
	struct iovec l = { dst, n }, r = { (void *)(uintptr_t)src, n };
	return process_vm_readv(tracee, &l, 1, &r, 1, 0) == (ssize_t)n ? 0 : -EFAULT;
}

static long poke(uint64_t dst, const void *src, size_t n)
{
	struct iovec l = { (void *)src, n }, r = { (void *)(uintptr_t)dst, n };
	return process_vm_writev(tracee, &l, 1, &r, 1, 0) == (ssize_t)n ? 0 : -EFAULT;
}

static long peek_path(char *dst, uint64_t src)
{
	/* Page by page: a path may end just before an unmapped page. */
	size_t got = 0;
	while (got < PATH_MAX_EMU) {
		size_t chunk = 4096 - ((src + got) & 4095);
		if (chunk > PATH_MAX_EMU - got)
			chunk = PATH_MAX_EMU - got;
		if (peek(dst + got, src + got, chunk) < 0)
			return -EFAULT;
		if (memchr(dst + got, 0, chunk))
			return 0;
		got += chunk;
	}
	return -ENAMETOOLONG;
}

static long put_stat64(uint64_t dst, const struct stat *st)
{
	struct i386_stat64 s = {
		.st_dev = st->st_dev, .st_ino32 = (uint32_t)st->st_ino,
		.st_mode = st->st_mode, .st_nlink = (uint32_t)st->st_nlink,
		.st_uid = st->st_uid, .st_gid = st->st_gid, .st_rdev = st->st_rdev,
		.st_size = st->st_size, .st_blksize = (uint32_t)st->st_blksize,
		.st_blocks = (uint64_t)st->st_blocks,
		.st_atime_ = (uint32_t)st->st_atim.tv_sec, .st_atime_nsec = (uint32_t)st->st_atim.tv_nsec,
		.st_mtime_ = (uint32_t)st->st_mtim.tv_sec, .st_mtime_nsec = (uint32_t)st->st_mtim.tv_nsec,
		.st_ctime_ = (uint32_t)st->st_ctim.tv_sec, .st_ctime_nsec = (uint32_t)st->st_ctim.tv_nsec,
		.st_ino = st->st_ino,
	};
	return poke(dst, &s, sizeof s);
}

static long ret_errno(long r)
{
	return r < 0 ? -errno : r;
}

/* Performs an i386 call for the tracee. Returns 1 and the result in *res
 * when emulated, 0 when the kernel must run it. */
static int emulate(const struct user_regs_struct *r, long *res)
{
	uint32_t b = (uint32_t)r->rbx, c = (uint32_t)r->rcx, d = (uint32_t)r->rdx;
	char buf[4096], path[PATH_MAX_EMU];
	struct stat st;
	long fd, n;

	switch ((long)r->orig_rax) {
	case PERSONA_NR_GATE:
		*res = (int32_t)b;
		return 1;
	case I386_NR_getppid:
		/* The tracee's parent is this tracer. */
		*res = syscall(SYS_getpid);
		return 1;
	case I386_NR_read:
		if ((fd = local_fd((int32_t)b)) < 0)
			return *res = fd, 1;
		n = d < sizeof buf ? d : sizeof buf;
		n = ret_errno(read((int)fd, buf, (size_t)n));
		*res = n > 0 && poke(c, buf, (size_t)n) < 0 ? -EFAULT : n;
		return 1;
	case I386_NR_write:
		if ((fd = local_fd((int32_t)b)) < 0)
			return *res = fd, 1;
		n = d < sizeof buf ? d : sizeof buf;
		if (peek(buf, c, (size_t)n) < 0)
			return *res = -EFAULT, 1;
		*res = ret_errno(write((int)fd, buf, (size_t)n));
		return 1;
	case I386_NR_open:
		if ((n = peek_path(path, b)) < 0)
			return *res = n, 1;
		n = ret_errno(open(path, (int)c, (mode_t)d));
		*res = n < 0 ? n : n + EMU_FD_BASE;
		return 1;
	case I386_NR_close:
		if ((int32_t)b < EMU_FD_BASE) {
			/* The tracee's own fd: the kernel closes it; forget ours. */
			if ((int32_t)b >= 0 && (int32_t)b < FD_CACHE && fd_cache[b]) {
				close(fd_cache[b] - 1);
				fd_cache[b] = 0;
			}
			return 0;
		}
		*res = ret_errno(close((int)((int32_t)b - EMU_FD_BASE)));
		return 1;
	case I386_NR_stat64:
		if ((n = peek_path(path, b)) < 0)
			return *res = n, 1;
		if ((n = ret_errno(stat(path, &st))) < 0)
			return *res = n, 1;
		*res = put_stat64(c, &st);
		return 1;
	case I386_NR_fstat64:
		if ((fd = local_fd((int32_t)b)) < 0)
			return *res = fd, 1;
		if ((n = ret_errno(fstat((int)fd, &st))) < 0)
			return *res = n, 1;
		*res = put_stat64(c, &st);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: ptrace-emu PROGRAM [ARGS...]\n");
		return 2;
	}
	self_pid = getpid();
	tracee = fork();
	if (tracee < 0)
		die("fork");
	if (tracee == 0) {
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0) {
			fprintf(stderr, "ptrace-emu: PTRACE_TRACEME: %s\n", strerror(errno));
			_exit(126);
		}
		execv(argv[1], argv + 1);
		fprintf(stderr, "ptrace-emu: exec %s: %s\n", argv[1], strerror(errno));
		_exit(126);
	}

	int status;
	if (waitpid(tracee, &status, 0) < 0)
		die("waitpid");
	if (!WIFSTOPPED(status)) {
		/* The child could not trace or exec; it said why. */
		return WIFEXITED(status) ? WEXITSTATUS(status) : 126;
	}
	if (ptrace(PTRACE_SETOPTIONS, tracee, NULL,
		   (void *)(long)(PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL)) < 0)
		die("PTRACE_SETOPTIONS");

	/* Each stop is one of: an emulation stop (SYSEMU at entry), the entry
	 * of a rewound call let through (PTRACE_SYSCALL), or its exit. */
	enum { EMULATING, PASS_ENTRY, PASS_EXIT } state = EMULATING;
	int request = PTRACE_SYSEMU, sig = 0;
	for (;;) {
		if (ptrace(request, tracee, NULL, (void *)(long)sig) < 0)
			die(request == PTRACE_SYSEMU ? "PTRACE_SYSEMU" : "PTRACE_SYSCALL");
		sig = 0;
		if (waitpid(tracee, &status, __WALL) < 0)
			die("waitpid");
		if (WIFEXITED(status))
			return WEXITSTATUS(status);
		if (WIFSIGNALED(status)) {
			fprintf(stderr, "ptrace-emu: tracee killed by signal %d\n", WTERMSIG(status));
			return 128 + WTERMSIG(status);
		}
		if (!WIFSTOPPED(status))
			continue;
		if (WSTOPSIG(status) != (SIGTRAP | 0x80)) {
			sig = WSTOPSIG(status);         /* a signal: deliver it */
			continue;
		}
		if (state == PASS_ENTRY) {
			state = PASS_EXIT;
			continue;                       /* let the kernel run it */
		}
		if (state == PASS_EXIT) {
			state = EMULATING;
			request = PTRACE_SYSEMU;
			continue;
		}

		struct user_regs_struct regs;
		if (ptrace(PTRACE_GETREGS, tracee, NULL, &regs) < 0)
			die("PTRACE_GETREGS");
		long res;
		if (regs.cs == USER_CS_32 && emulate(&regs, &res)) {
			regs.rax = (uint64_t)res;
		} else {
			/* SYSEMU skipped it: run the instruction again, traced. */
			regs.rax = regs.orig_rax;
			regs.rip -= INSN_LEN;
			state = PASS_ENTRY;
			request = PTRACE_SYSCALL;
		}
		if (ptrace(PTRACE_SETREGS, tracee, NULL, &regs) < 0)
			die("PTRACE_SETREGS");
	}
}
