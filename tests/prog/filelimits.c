/* tests/prog/filelimits.c — what an i386 program sees of files opened
 * without O_LARGEFILE and of ioctl requests, through raw system calls so
 * that libc adds no O_LARGEFILE of its own. Prints results and errno
 * numbers only; the personality must add nothing to stdout or stderr.
 *   filelimits largefile   F_GETFL, writes and truncation at 2 GiB
 *   filelimits ioctl       FICLONE, MTIOCTOP, an unknown request, an unknown number
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

#define I386_O_LARGEFILE 0100000
#define LIMIT 0x7fffffffll              /* MAX_NON_LFS */

static long show(const char *what, long r)
{
	if (r < 0)
		printf("%s: errno %d\n", what, errno);
	else
		printf("%s: %ld\n", what, r);
	return r;
}

static long pwrite64_at(int fd, const void *b, long n, long long pos)
{
	return syscall(SYS_pwrite64, fd, b, n, (unsigned)(pos & 0xffffffff), (unsigned)(pos >> 32));
}

static long ftruncate64_to(int fd, long long len)
{
	return syscall(SYS_ftruncate64, fd, (unsigned)(len & 0xffffffff), (unsigned)(len >> 32));
}

static int largefile(void)
{
	char b[32];
	long fd, dup_fd;

	memset(b, 'x', sizeof(b));
	fd = show("open", syscall(SYS_open, "f", O_RDWR | O_CREAT, 0600));
	show("F_GETFL & O_LARGEFILE", syscall(SYS_fcntl64, fd, F_GETFL) & I386_O_LARGEFILE);
	show("pwrite64 at 3 GiB", pwrite64_at(fd, b, 32, 3ll << 30));
	show("pwrite64 9 bytes before the limit", pwrite64_at(fd, b, 32, LIMIT - 9));
	show("pwrite64 at the limit", pwrite64_at(fd, b, 32, LIMIT));
	show("ftruncate64 to 3 GiB", ftruncate64_to(fd, 3ll << 30));
	show("ftruncate64 to 4 KiB", ftruncate64_to(fd, 4096));
	dup_fd = show("dup", syscall(SYS_dup, fd));
	show("dup: F_GETFL & O_LARGEFILE", syscall(SYS_fcntl64, dup_fd, F_GETFL) & I386_O_LARGEFILE);
	show("dup: pwrite64 at 3 GiB", pwrite64_at(dup_fd, b, 32, 3ll << 30));
	syscall(SYS_close, dup_fd);
	syscall(SYS_close, fd);
	fd = show("open with O_LARGEFILE", syscall(SYS_open, "f", O_RDWR | I386_O_LARGEFILE));
	show("F_GETFL & O_LARGEFILE", syscall(SYS_fcntl64, fd, F_GETFL) & I386_O_LARGEFILE);
	show("pwrite64 at 3 GiB", pwrite64_at(fd, b, 32, 3ll << 30));
	show("ftruncate64 to 3 GiB", ftruncate64_to(fd, 3ll << 30));
	syscall(SYS_close, fd);
	/* a file over 2 GiB cannot be opened without O_LARGEFILE */
	show("open over 2 GiB", syscall(SYS_open, "f", O_RDONLY));
	unlink("f");
	return 0;
}

static int ioctls(void)
{
	long a = show("open a", syscall(SYS_open, "a", O_RDWR | O_CREAT, 0600));
	long b = show("open b", syscall(SYS_open, "b", O_RDWR | O_CREAT, 0600));
	char mtop[8] = { 0 };

	show("write a", syscall(SYS_write, a, "hello\n", 6));
	/* FICLONE: tmpfs and ext4 refuse, btrfs and xfs clone; either way the same */
	show("FICLONE", syscall(SYS_ioctl, b, 0x40049409, a));
	show("MTIOCTOP on a file", syscall(SYS_ioctl, a, 0x40086d01, mtop));
	show("an unknown request", syscall(SYS_ioctl, a, 0xc018587e, 0));
	show("an unknown system call", syscall(999));
	unlink("a");
	unlink("b");
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc == 2 && !strcmp(argv[1], "largefile"))
		return largefile();
	if (argc == 2 && !strcmp(argv[1], "ioctl"))
		return ioctls();
	fprintf(stderr, "usage: filelimits largefile|ioctl\n");
	return 2;
}
