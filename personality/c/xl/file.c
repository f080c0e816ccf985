/* personality/c/xl/file.c — file calls whose i386 form differs: open
 * without O_LARGEFILE, 32-bit lseek, _llseek, i386 iovec arrays, fcntl
 * locks, ioctl, sendfile's 32-bit offset, umount.
 *
 * O_LARGEFILE: the x86-64 kernel sets it on every file it opens, so a file
 * description opened here always carries it. What the flag decides on i386
 * is kept: open/openat/open_by_handle_at without it refuse a
 * regular file over 2 GiB with EOVERFLOW, as generic_file_open does, and,
 * for O_TRUNC, before the file is truncated; the descriptor is marked
 * (core/lfs.c), so that F_GETFL hides the bit and writes and truncation stop at
 * 2 GiB as the kernel stops them for a 32-bit caller.
 */
#include "core/persona.h"
#include "core/i386_types.h"
#include "xl/common.h"
#include "rt/procself.h"
#include "core/lfs.h"

#include <asm-generic/fcntl.h>

#define SEEK_SET_ 0

/* ---- open ---------------------------------------------------------------- */

/* generic_file_open's rule, applied after the native open (which always
 * sets O_LARGEFILE): without it, no regular file past 2 GiB; and the mark
 * such a descriptor carries (core/lfs.c). One fstat serves both: each
 * native call here is a whole system call's cost, which an open that
 * stat'ed twice paid once too often. */
static long open_checked(int32_t flags, long fd)
{
	struct native_stat s;

	if (fd < 0 || (flags & (O_LARGEFILE | O_PATH)))
		return fd;
	if (nsys2(__NR_fstat, fd, &s) < 0)
		return fd;	/* nothing to check by, and nothing to mark */
	if ((s.st_mode & S_IFMT_) == S_IFREG_ && (uint64_t)s.st_size > I386_MAX_NON_LFS) {
		nsys1(__NR_close, fd);
		return -EOVERFLOW;
	}
	persona_lfs_opened(fd, s.st_mode);
	return fd;
}

/* O_TRUNC without O_LARGEFILE: the i386 kernel refuses a big file before it
 * truncates it, so look before the native open truncates. */
static long trunc_would_overflow(long dfd, uint32_t path, int32_t flags)
{
	struct native_stat s;

	if ((flags & (O_TRUNC | O_LARGEFILE | O_PATH)) != O_TRUNC ||
	    (flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
		return 0;
	if (nsys4(__NR_newfstatat, dfd, path, &s, (flags & O_NOFOLLOW) ? 0x100 /* AT_SYMLINK_NOFOLLOW */ : 0) < 0)
		return 0;
	return (s.st_mode & S_IFMT_) == S_IFREG_ && (uint64_t)s.st_size > I386_MAX_NON_LFS;
}

static long do_open(long dfd, uint32_t path, int32_t flags, uint32_t mode)
{
	long fd;

	/* /proc/self/exe, cmdline, auxv: the program's, not persona's */
	if (persona_procself_open(dfd, path, flags, mode, &fd))
		return fd;
	if (trunc_would_overflow(dfd, path, flags))
		return -EOVERFLOW;
	return open_checked(flags, nsys4(__NR_openat, dfd, path, flags, mode));
}

XL(open)   { return do_open(-100 /* AT_FDCWD */, ARG0(f), (int32_t)ARG1(f), ARG2(f)); }
XL(openat) { return do_open(wide_s32(ARG0(f)), ARG1(f), (int32_t)ARG2(f), ARG3(f)); }

/* struct open_how is three 64-bit fields on both ABIs: only the program's
 * own /proc files differ from a plain pass-through (the ia32 layer has no
 * compat openat2, and creat neither: both get O_LARGEFILE forced, as
 * here). */
XL(openat2)
{
	struct { uint64_t flags, mode, resolve; } how;
	long fd;

	if (ARG3(f) >= sizeof(how) && !copy_from_user(&how, ARG2(f), sizeof(how)) &&
	    !how.resolve && how.flags <= 0xffffffffu &&
	    persona_procself_open(wide_s32(ARG0(f)), ARG1(f), (int32_t)how.flags, (uint32_t)how.mode, &fd))
		return fd;
	return nsys4(__NR_openat2, wide_s32(ARG0(f)), wide_u32(ARG1(f)), wide_u32(ARG2(f)), wide_u32(ARG3(f)));
}

XL(open_by_handle_at)
{
	int32_t flags = (int32_t)ARG2(f);
	long fd = nsys3(__NR_open_by_handle_at, wide_s32(ARG0(f)), ARG1(f), flags);

	return open_checked(flags, fd);
}

/* ---- seeking --------------------------------------------------------------- */

/* A 32-bit off_t result: past 2 GiB the i386 kernel says EOVERFLOW (the
 * position has moved, as there). */
/* Seeking on a hashed ext4 directory (see xl/stat.c): the i386 positions
 * are 32-bit cookies, at most the 32-bit end-of-directory mark, as ext4's
 * llseek allows a compat caller. */
#define EXT4_EOF_32 0x7fffffffll

static long hashdir_seek(long fd, int64_t off, uint32_t whence)
{
	int64_t cur, target;

	switch (whence) {
	case 0: /* SEEK_SET */
		target = off;
		break;
	case 1: /* SEEK_CUR */
		cur = nsys3(__NR_lseek, fd, 0, 1);
		if (cur < 0)
			return cur;
		target = (int64_t)((uint64_t)cur >> 32) + off;
		break;
	case 2: /* SEEK_END */
		target = EXT4_EOF_32 + off;
		break;
	default:
		return -EINVAL;
	}
	if (target < 0 || target > EXT4_EOF_32)
		return -EINVAL;
	cur = nsys3(__NR_lseek, fd, i386_hashdir_pos(target), 0);
	return cur < 0 ? cur : target;
}

/* A 32-bit off_t result: past 2 GiB the i386 kernel says EOVERFLOW (the
 * position has moved, as there). */
XL(lseek)
{
	long fd = wide_s32(ARG0(f)), r;

	if (unlikely(i386_hashdir((int)fd)))
		return hashdir_seek(fd, wide_s32(ARG1(f)), ARG2(f));
	r = nsys3(__NR_lseek, fd, wide_s32(ARG1(f)), ARG2(f));
	return r > (long)I386_MAX_NON_LFS ? -EOVERFLOW : r;
}

/* _llseek(fd, offset_high, offset_low, loff_t *result, whence) */
XL(_llseek)
{
	long fd = wide_s32(ARG0(f)), r;

	if (unlikely(i386_hashdir((int)fd)))
		r = hashdir_seek(fd, (int64_t)wide_pair(ARG2(f), ARG1(f)), ARG4(f));
	else
		r = nsys3(__NR_lseek, fd, wide_pair(ARG2(f), ARG1(f)), ARG4(f));
	if (r < 0)
		return r;
	return copy_to_user(ARG3(f), &r, sizeof(int64_t));
}

/* A bad iovec: the kernel looks at the fd (and, for positioned I/O, the
 * position and seekability) first. The native call with a count over
 * UIO_MAXIOV answers exactly those checks and then -EINVAL. */
static long iov_error(long err, long nr, long fd, long pos)
{
	long probe = nsys6(nr, fd, 0, I386_UIO_MAXIOV + 1, pos, 0, 0);

	return probe == -EINVAL ? err : probe;
}

#define RWF_APPEND_ 0x10

/* A write into a descriptor without O_LARGEFILE stops at 2 GiB (core/lfs.c):
 * the vector is cut to the room left, or the write fails with EFBIG. */
static long iov_room(struct iov_buf *b, uint32_t n, long fd, long pos, long flags)
{
	uint64_t total = 0;
	long room;

	for (uint32_t i = 0; i < n; i++)
		total += b->iov[i].iov_len;
	room = persona_lfs_room(fd, pos, (flags & RWF_APPEND_) != 0, total);
	if (room < 0 || (uint64_t)room == total)
		return room;
	for (uint32_t i = 0; i < n; i++) {
		if (b->iov[i].iov_len > (uint64_t)room)
			b->iov[i].iov_len = (uint64_t)room;
		room -= (long)b->iov[i].iov_len;
	}
	return 0;
}

static long do_iov(long nr, long fd, uint32_t uiov, uint32_t n, long pos, long flags, int positioned)
{
	struct iov_buf b;
	long r = get_i386_iovec(&b, uiov, n);

	if (r < 0)
		return iov_error(r, nr, fd, pos);
	if (unlikely(persona_lfs_reg_marked) &&
	    (nr == __NR_writev || nr == __NR_pwritev || nr == __NR_pwritev2)) {
		r = iov_room(&b, n, fd, positioned ? pos : -1, flags);
		if (r < 0) {
			put_iov_buf(&b);
			return r;
		}
	}
	if (positioned)
		r = nsys6(nr, fd, (long)b.iov, n, pos, 0, flags);
	else
		r = nsys3(nr, fd, b.iov, n);
	put_iov_buf(&b);
	return r;
}

XL(readv)  { return do_iov(__NR_readv, wide_s32(ARG0(f)), ARG1(f), ARG2(f), 0, 0, 0); }
XL(writev) { return do_iov(__NR_writev, wide_s32(ARG0(f)), ARG1(f), ARG2(f), 0, 0, 0); }
XL(preadv)
{
	long pos = (long)wide_pair(ARG3(f), ARG4(f));

	if (pos < 0)
		return -EINVAL;
	return do_iov(__NR_preadv, wide_s32(ARG0(f)), ARG1(f), ARG2(f), pos, 0, 1);
}
XL(pwritev)
{
	long pos = (long)wide_pair(ARG3(f), ARG4(f));

	if (pos < 0)
		return -EINVAL;
	return do_iov(__NR_pwritev, wide_s32(ARG0(f)), ARG1(f), ARG2(f), pos, 0, 1);
}
/* the 2 forms take -1 as "the current position" */
XL(preadv2)
{
	return do_iov(__NR_preadv2, wide_s32(ARG0(f)), ARG1(f), ARG2(f),
		      (long)wide_pair(ARG3(f), ARG4(f)), wide_s32(ARG5(f)), 1);
}
XL(pwritev2)
{
	return do_iov(__NR_pwritev2, wide_s32(ARG0(f)), ARG1(f), ARG2(f),
		      (long)wide_pair(ARG3(f), ARG4(f)), wide_s32(ARG5(f)), 1);
}

XL(vmsplice)
{
	struct iov_buf b;
	long r = get_i386_iovec(&b, ARG1(f), ARG2(f));

	if (r < 0)
		return r;
	r = nsys4(__NR_vmsplice, wide_s32(ARG0(f)), b.iov, ARG2(f), ARG3(f));
	put_iov_buf(&b);
	return r;
}

static long do_process_vm(long nr, struct i386_frame *f)
{
	struct iov_buf l, rm;
	long r = get_i386_iovec(&l, ARG1(f), ARG2(f));

	if (r < 0)
		return r;
	r = get_i386_iovec(&rm, ARG3(f), ARG4(f));
	if (r < 0) {
		put_iov_buf(&l);
		return r;
	}
	r = nsys6(nr, wide_s32(ARG0(f)), (long)l.iov, ARG2(f), (long)rm.iov, ARG4(f), ARG5(f));
	put_iov_buf(&rm);
	put_iov_buf(&l);
	return r;
}

XL(process_vm_readv)  { return do_process_vm(__NR_process_vm_readv, f); }
XL(process_vm_writev) { return do_process_vm(__NR_process_vm_writev, f); }

XL(process_madvise)
{
	struct iov_buf b;
	long r = get_i386_iovec(&b, ARG1(f), ARG2(f));

	if (r < 0)
		return r;
	r = nsys5(__NR_process_madvise, wide_s32(ARG0(f)), b.iov, ARG2(f), wide_s32(ARG3(f)), ARG4(f));
	put_iov_buf(&b);
	return r;
}

/* ---- fcntl: record locks (fs/fcntl.c do_compat_fcntl64) ------------------ */

#define F_GETLK_      5
#define F_SETLK_      6
#define F_SETLKW_     7
#define F_GETLK64_    12
#define F_SETLK64_    13
#define F_SETLKW64_   14
#define F_OFD_GETLK_  36
#define F_OFD_SETLK_  37
#define F_OFD_SETLKW_ 38
#define F_DUPFD_CLOEXEC_ 1030    /* F_LINUX_SPECIFIC_BASE + 6 */

static long lock_cmd_native(uint32_t cmd)
{
	switch (cmd) {
	case F_GETLK64_:  return F_GETLK_;
	case F_SETLK64_:  return F_SETLK_;
	case F_SETLKW64_: return F_SETLKW_;
	default:          return cmd;
	}
}

/* A fault reading the i386 struct: the native call with a NULL struct gives
 * the kernel's earlier answers (EBADF, O_PATH) or -EFAULT. */
static long lock_fault(long fd, uint32_t cmd)
{
	return nsys3(__NR_fcntl, fd, lock_cmd_native(cmd), 0);
}

static long do_fcntl64(long fd, uint32_t cmd, uint32_t arg)
{
	struct native_flock n;
	long r;

	switch (cmd) {
	case F_GETLK_:
	case F_SETLK_:
	case F_SETLKW_: {
		struct i386_flock t;

		if (copy_from_user(&t, arg, sizeof(t)))
			return lock_fault(fd, cmd);
		memset(&n, 0, sizeof(n));
		n.l_type = t.l_type;
		n.l_whence = t.l_whence;
		n.l_start = t.l_start;
		n.l_len = t.l_len;
		n.l_pid = t.l_pid;
		r = nsys3(__NR_fcntl, fd, cmd, &n);
		if (r < 0 || cmd != F_GETLK_)
			return r;
		/* fixup_compat_flock */
		if (n.l_start > (int64_t)I386_MAX_NON_LFS)
			return -EOVERFLOW;
		if (n.l_len > (int64_t)I386_MAX_NON_LFS)
			n.l_len = I386_MAX_NON_LFS;
		memset(&t, 0, sizeof(t));
		t.l_type = n.l_type;
		t.l_whence = n.l_whence;
		t.l_start = (int32_t)n.l_start;
		t.l_len = (int32_t)n.l_len;
		t.l_pid = n.l_pid;
		return copy_to_user(arg, &t, sizeof(t));
	}
	case F_GETLK64_:
	case F_SETLK64_:
	case F_SETLKW64_:
	case F_OFD_GETLK_:
	case F_OFD_SETLK_:
	case F_OFD_SETLKW_: {
		struct i386_flock64 t;

		if (copy_from_user(&t, arg, sizeof(t)))
			return lock_fault(fd, cmd);
		memset(&n, 0, sizeof(n));
		n.l_type = t.l_type;
		n.l_whence = t.l_whence;
		n.l_start = t.l_start;
		n.l_len = t.l_len;
		n.l_pid = t.l_pid;
		r = nsys3(__NR_fcntl, fd, lock_cmd_native(cmd), &n);
		if (r < 0 || (cmd != F_GETLK64_ && cmd != F_OFD_GETLK_))
			return r;
		memset(&t, 0, sizeof(t));
		t.l_type = n.l_type;
		t.l_whence = n.l_whence;
		t.l_start = n.l_start;
		t.l_len = n.l_len;
		t.l_pid = n.l_pid;
		return copy_to_user(arg, &t, sizeof(t));
	}
	case F_GETFL:
		/* the bit the kernel keeps for a 32-bit caller that did not ask
		 * for it (core/lfs.c); F_SETFL cannot change it, natively either */
		r = nsys2(__NR_fcntl, fd, F_GETFL);
		return r >= 0 && persona_lfs_hidden(fd) ? r & ~(long)O_LARGEFILE : r;
	case F_DUPFD:
	case F_DUPFD_CLOEXEC_:
		r = nsys3(__NR_fcntl, fd, cmd, arg);
		if (r >= 0)
			persona_lfs_dup(fd, r);
		return r;
	default:
		/* every other command takes an int, or a pointer to a layout
		 * both ABIs share (f_owner_ex, u64 hints) */
		return nsys3(__NR_fcntl, fd, cmd, arg);
	}
}

XL(fcntl64) { return do_fcntl64(wide_s32(ARG0(f)), ARG1(f), ARG2(f)); }

/* On x86 the old fcntl is fcntl64 (the ia32 table points both at
 * compat_sys_fcntl64): the 64-bit lock commands work through it too. */
XL(fcntl) { return do_fcntl64(wide_s32(ARG0(f)), ARG1(f), ARG2(f)); }

/* ---- ioctl --------------------------------------------------------------------
 * The table below is the whole policy; docs/differences.md summarizes it.
 *   IO_PASS      the argument means the same on both ABIs: an integer, an fd,
 *                or a pointer to a struct without longs or pointers (and no
 *                64-bit member whose alignment differs), so the request goes
 *                to the kernel unchanged
 *   IO_RENUMBER  the number codes sizeof(long) or sizeof(a pointer), but the
 *                kernel reads or writes an int or a u64 either way: the
 *                x86-64 number, as the compat layer's *32 aliases map it
 *   IO_ULONG_OUT the kernel writes an unsigned long: the i386 caller gets 32
 *                bits, -EFBIG when the value does not fit (compat_put_ulong
 *                after compat_blkdev_ioctl's check)
 *   IO_IFREQ     struct ifreq: its first 32 bytes are the i386 struct
 *   IO_MTGET     struct mtget: five longs and two ints (st.c's mtget32)
 * Anything else is refused with -ENOTTY, what the compat layer answers for a
 * request it cannot convert; it is counted for --stats and logged once per
 * number when a log is asked for. */

enum ioctl_how { IO_PASS, IO_RENUMBER, IO_ULONG_OUT, IO_IFREQ, IO_MTGET };

static const struct ioctl_rule {
	uint32_t cmd;
	uint8_t  how;
	uint32_t native;
} ioctl_rules[] = {
	/* terminals: struct termios/termios2/termio/winsize/serial_icounter_struct/
	 * serial_rs485 (ints, shorts, chars), ints, pid_t */
	{ 0x5401, IO_PASS, 0 },  /* TCGETS */
	{ 0x5402, IO_PASS, 0 },  /* TCSETS */
	{ 0x5403, IO_PASS, 0 },  /* TCSETSW */
	{ 0x5404, IO_PASS, 0 },  /* TCSETSF */
	{ 0x5405, IO_PASS, 0 },  /* TCGETA: struct termio */
	{ 0x5406, IO_PASS, 0 },  /* TCSETA */
	{ 0x5407, IO_PASS, 0 },  /* TCSETAW */
	{ 0x5408, IO_PASS, 0 },  /* TCSETAF */
	{ 0x5409, IO_PASS, 0 },  /* TCSBRK */
	{ 0x540A, IO_PASS, 0 },  /* TCXONC */
	{ 0x540B, IO_PASS, 0 },  /* TCFLSH */
	{ 0x540C, IO_PASS, 0 },  /* TIOCEXCL */
	{ 0x540D, IO_PASS, 0 },  /* TIOCNXCL */
	{ 0x540E, IO_PASS, 0 },  /* TIOCSCTTY */
	{ 0x540F, IO_PASS, 0 },  /* TIOCGPGRP */
	{ 0x5410, IO_PASS, 0 },  /* TIOCSPGRP */
	{ 0x5411, IO_PASS, 0 },  /* TIOCOUTQ (SIOCOUTQ) */
	{ 0x5412, IO_PASS, 0 },  /* TIOCSTI */
	{ 0x5413, IO_PASS, 0 },  /* TIOCGWINSZ */
	{ 0x5414, IO_PASS, 0 },  /* TIOCSWINSZ */
	{ 0x5415, IO_PASS, 0 },  /* TIOCMGET */
	{ 0x5416, IO_PASS, 0 },  /* TIOCMBIS */
	{ 0x5417, IO_PASS, 0 },  /* TIOCMBIC */
	{ 0x5418, IO_PASS, 0 },  /* TIOCMSET */
	{ 0x5419, IO_PASS, 0 },  /* TIOCGSOFTCAR */
	{ 0x541A, IO_PASS, 0 },  /* TIOCSSOFTCAR */
	{ 0x541B, IO_PASS, 0 },  /* FIONREAD (SIOCINQ) */
	{ 0x541C, IO_PASS, 0 },  /* TIOCLINUX: a char subcode */
	{ 0x541D, IO_PASS, 0 },  /* TIOCCONS */
	{ 0x5420, IO_PASS, 0 },  /* TIOCPKT */
	{ 0x5421, IO_PASS, 0 },  /* FIONBIO */
	{ 0x5422, IO_PASS, 0 },  /* TIOCNOTTY */
	{ 0x5423, IO_PASS, 0 },  /* TIOCSETD */
	{ 0x5424, IO_PASS, 0 },  /* TIOCGETD */
	{ 0x5425, IO_PASS, 0 },  /* TCSBRKP */
	{ 0x5427, IO_PASS, 0 },  /* TIOCSBRK */
	{ 0x5428, IO_PASS, 0 },  /* TIOCCBRK */
	{ 0x5429, IO_PASS, 0 },  /* TIOCGSID */
	{ 0x542A, IO_PASS, 0 },  /* TCGETS2 */
	{ 0x542B, IO_PASS, 0 },  /* TCSETS2 */
	{ 0x542C, IO_PASS, 0 },  /* TCSETSW2 */
	{ 0x542D, IO_PASS, 0 },  /* TCSETSF2 */
	{ 0x542E, IO_PASS, 0 },  /* TIOCGRS485: struct serial_rs485 */
	{ 0x542F, IO_PASS, 0 },  /* TIOCSRS485 */
	{ 0x5437, IO_PASS, 0 },  /* TIOCVHANGUP */
	{ 0x5441, IO_PASS, 0 },  /* TIOCGPTPEER */
	{ 0x5450, IO_PASS, 0 },  /* FIONCLEX */
	{ 0x5451, IO_PASS, 0 },  /* FIOCLEX */
	{ 0x5452, IO_PASS, 0 },  /* FIOASYNC */
	{ 0x5453, IO_PASS, 0 },  /* TIOCSERCONFIG */
	{ 0x5456, IO_PASS, 0 },  /* TIOCGLCKTRMIOS */
	{ 0x5457, IO_PASS, 0 },  /* TIOCSLCKTRMIOS */
	{ 0x5459, IO_PASS, 0 },  /* TIOCSERGETLSR: int */
	{ 0x545C, IO_PASS, 0 },  /* TIOCMIWAIT: int */
	{ 0x545D, IO_PASS, 0 },  /* TIOCGICOUNT: struct serial_icounter_struct (ints) */
	{ 0x5460, IO_PASS, 0 },  /* FIOQSIZE: loff_t */
	{ 0x80045430, IO_PASS, 0 },  /* TIOCGPTN: unsigned int */
	{ 0x40045431, IO_PASS, 0 },  /* TIOCSPTLCK: int */
	{ 0x80045432, IO_PASS, 0 },  /* TIOCGDEV: unsigned int */
	{ 0x40045436, IO_PASS, 0 },  /* TIOCSIG: int */
	{ 0x80045438, IO_PASS, 0 },  /* TIOCGEXCL */
	{ 0x80045439, IO_PASS, 0 },  /* TIOCGPTLCK */
	{ 0x80045440, IO_PASS, 0 },  /* TIOCGPKT */
	/* virtual consoles: ints, chars, struct vt_mode/vt_stat (chars, shorts) */
	{ 0x4B33, IO_PASS, 0 },  /* KDGKBTYPE */
	{ 0x4B3A, IO_PASS, 0 },  /* KDSETMODE */
	{ 0x4B3B, IO_PASS, 0 },  /* KDGETMODE */
	{ 0x4B44, IO_PASS, 0 },  /* KDGKBMODE */
	{ 0x4B45, IO_PASS, 0 },  /* KDSKBMODE */
	{ 0x5600, IO_PASS, 0 },  /* VT_OPENQRY */
	{ 0x5601, IO_PASS, 0 },  /* VT_GETMODE */
	{ 0x5602, IO_PASS, 0 },  /* VT_SETMODE */
	{ 0x5603, IO_PASS, 0 },  /* VT_GETSTATE */
	{ 0x5606, IO_PASS, 0 },  /* VT_ACTIVATE */
	{ 0x5607, IO_PASS, 0 },  /* VT_WAITACTIVE */
	{ 0x5608, IO_PASS, 0 },  /* VT_DISALLOCATE */
	/* files: ints, fds, and structs of u64/u32/chars */
	{ 0x00000002, IO_PASS, 0 },  /* FIGETBSZ: int */
	{ 0x40049409, IO_PASS, 0 },  /* FICLONE: the source fd */
	{ 0x4020940d, IO_PASS, 0 },  /* FICLONERANGE: struct file_clone_range (s64, u64s) */
	{ 0xc0189436, IO_PASS, 0 },  /* FIDEDUPERANGE: struct file_dedupe_range (+ 32-byte infos) */
	{ 0xc0045877, IO_PASS, 0 },  /* FIFREEZE */
	{ 0xc0045878, IO_PASS, 0 },  /* FITHAW */
	{ 0xc0185879, IO_PASS, 0 },  /* FITRIM: struct fstrim_range (u64s) */
	{ 0xc020660b, IO_PASS, 0 },  /* FS_IOC_FIEMAP: struct fiemap (u64s, u32s) */
	{ 0x801c581f, IO_PASS, 0 },  /* FS_IOC_FSGETXATTR: struct fsxattr (u32s) */
	{ 0x401c5820, IO_PASS, 0 },  /* FS_IOC_FSSETXATTR */
	{ 0x81009431, IO_PASS, 0 },  /* FS_IOC_GETFSLABEL: char[256] */
	{ 0x41009432, IO_PASS, 0 },  /* FS_IOC_SETFSLABEL */
	{ 0x80111500, IO_PASS, 0 },  /* FS_IOC_GETFSUUID: struct fsuuid2 (u8s) */
	{ 0x80811501, IO_PASS, 0 },  /* FS_IOC_GETFSSYSFSPATH: struct fs_sysfs_path (u8s) */
	{ 0x80046601, IO_RENUMBER, 0x80086601 },  /* FS_IOC32_GETFLAGS → FS_IOC_GETFLAGS (an int) */
	{ 0x40046602, IO_RENUMBER, 0x40086602 },  /* FS_IOC32_SETFLAGS */
	{ 0x80047601, IO_RENUMBER, 0x80087601 },  /* FS_IOC32_GETVERSION */
	{ 0x40047602, IO_RENUMBER, 0x40087602 },  /* FS_IOC32_SETVERSION */
	{ 0x80045200, IO_PASS, 0 },  /* RNDGETENTCNT: int */
	/* block devices (block/ioctl.c compat_blkdev_ioctl) */
	{ 0x0000125d, IO_PASS, 0 },  /* BLKROSET: int */
	{ 0x0000125e, IO_PASS, 0 },  /* BLKROGET: int */
	{ 0x0000125f, IO_PASS, 0 },  /* BLKRRPART */
	{ 0x00001260, IO_ULONG_OUT, 0 },  /* BLKGETSIZE: unsigned long */
	{ 0x00001261, IO_PASS, 0 },  /* BLKFLSBUF */
	{ 0x00001262, IO_PASS, 0 },  /* BLKRASET: the value itself */
	{ 0x00001263, IO_ULONG_OUT, 0 },  /* BLKRAGET: long */
	{ 0x00001264, IO_PASS, 0 },  /* BLKFRASET */
	{ 0x00001265, IO_ULONG_OUT, 0 },  /* BLKFRAGET: long */
	{ 0x00001268, IO_PASS, 0 },  /* BLKSSZGET: int */
	{ 0x80041270, IO_RENUMBER, 0x80081270 },  /* BLKBSZGET: size_t in the number, an int written */
	{ 0x40041271, IO_RENUMBER, 0x40081271 },  /* BLKBSZSET: an int read */
	{ 0x80041272, IO_RENUMBER, 0x80081272 },  /* BLKGETSIZE64: the kernel writes a u64 */
	{ 0x00001277, IO_PASS, 0 },  /* BLKDISCARD: u64[2] */
	{ 0x00001278, IO_PASS, 0 },  /* BLKIOMIN: unsigned int */
	{ 0x00001279, IO_PASS, 0 },  /* BLKIOOPT */
	{ 0x0000127a, IO_PASS, 0 },  /* BLKALIGNOFF: int */
	{ 0x0000127b, IO_PASS, 0 },  /* BLKPBSZGET: unsigned int */
	{ 0x0000127c, IO_PASS, 0 },  /* BLKDISCARDZEROES */
	{ 0x0000127d, IO_PASS, 0 },  /* BLKSECDISCARD: u64[2] */
	{ 0x0000127e, IO_PASS, 0 },  /* BLKROTATIONAL: unsigned short */
	{ 0x0000127f, IO_PASS, 0 },  /* BLKZEROOUT: u64[2] */
	/* loop devices: ints, fds, struct loop_info64 / loop_config (u64s, u32s, u8s) */
	{ 0x4C00, IO_PASS, 0 },  /* LOOP_SET_FD */
	{ 0x4C01, IO_PASS, 0 },  /* LOOP_CLR_FD */
	{ 0x4C04, IO_PASS, 0 },  /* LOOP_SET_STATUS64 */
	{ 0x4C05, IO_PASS, 0 },  /* LOOP_GET_STATUS64 */
	{ 0x4C06, IO_PASS, 0 },  /* LOOP_CHANGE_FD */
	{ 0x4C07, IO_PASS, 0 },  /* LOOP_SET_CAPACITY */
	{ 0x4C08, IO_PASS, 0 },  /* LOOP_SET_DIRECT_IO */
	{ 0x4C09, IO_PASS, 0 },  /* LOOP_SET_BLOCK_SIZE */
	{ 0x4C0A, IO_PASS, 0 },  /* LOOP_CONFIGURE */
	{ 0x4C80, IO_PASS, 0 },  /* LOOP_CTL_ADD */
	{ 0x4C81, IO_PASS, 0 },  /* LOOP_CTL_REMOVE */
	{ 0x4C82, IO_PASS, 0 },  /* LOOP_CTL_GET_FREE */
	/* magnetic tape (drivers/scsi/st.c): struct mtop is a short and an int */
	{ 0x40086d01, IO_PASS, 0 },  /* MTIOCTOP */
	{ 0x801c6d02, IO_MTGET, 0x80306d02 },     /* MTIOCGET: struct mtget */
	{ 0x80046d03, IO_ULONG_OUT, 0x80086d03 }, /* MTIOCPOS: struct mtpos, one long */
	/* namespaces (nsfs): no argument, or a uid_t */
	{ 0xb701, IO_PASS, 0 },  /* NS_GET_USERNS */
	{ 0xb702, IO_PASS, 0 },  /* NS_GET_PARENT */
	{ 0xb703, IO_PASS, 0 },  /* NS_GET_NSTYPE */
	{ 0xb704, IO_PASS, 0 },  /* NS_GET_OWNER_UID */
	/* perf events: ints, u64s, and two numbers coding a pointer's size */
	{ 0x2400, IO_PASS, 0 },      /* PERF_EVENT_IOC_ENABLE */
	{ 0x2401, IO_PASS, 0 },      /* PERF_EVENT_IOC_DISABLE */
	{ 0x2402, IO_PASS, 0 },      /* PERF_EVENT_IOC_REFRESH */
	{ 0x2403, IO_PASS, 0 },      /* PERF_EVENT_IOC_RESET */
	{ 0x40082404, IO_PASS, 0 },  /* PERF_EVENT_IOC_PERIOD: u64 */
	{ 0x2405, IO_PASS, 0 },      /* PERF_EVENT_IOC_SET_OUTPUT */
	{ 0x40042406, IO_RENUMBER, 0x40082406 },  /* PERF_EVENT_IOC_SET_FILTER: a string */
	{ 0x80042407, IO_RENUMBER, 0x80082407 },  /* PERF_EVENT_IOC_ID: a u64 written */
	{ 0x40042408, IO_PASS, 0 },  /* PERF_EVENT_IOC_SET_BPF: a u32 fd */
	{ 0x40042409, IO_PASS, 0 },  /* PERF_EVENT_IOC_PAUSE_OUTPUT: u32 */
	/* userfaultfd: structs of u64s */
	{ 0xc018aa3f, IO_PASS, 0 },  /* UFFDIO_API */
	{ 0xc020aa00, IO_PASS, 0 },  /* UFFDIO_REGISTER */
	{ 0x8010aa01, IO_PASS, 0 },  /* UFFDIO_UNREGISTER */
	{ 0x8010aa02, IO_PASS, 0 },  /* UFFDIO_WAKE */
	{ 0xc028aa03, IO_PASS, 0 },  /* UFFDIO_COPY */
	{ 0xc020aa04, IO_PASS, 0 },  /* UFFDIO_ZEROPAGE */
	/* sockets: ints, pids, and struct ifreq requests */
	{ 0x8901, IO_PASS, 0 },   /* FIOSETOWN */
	{ 0x8902, IO_PASS, 0 },   /* SIOCSPGRP */
	{ 0x8903, IO_PASS, 0 },   /* FIOGETOWN */
	{ 0x8904, IO_PASS, 0 },   /* SIOCGPGRP */
	{ 0x8905, IO_PASS, 0 },   /* SIOCATMARK */
	{ 0x894B, IO_PASS, 0 },   /* SIOCOUTQNSD */
	{ 0x8910, IO_IFREQ, 0 },  /* SIOCGIFNAME */
	{ 0x8913, IO_IFREQ, 0 },  /* SIOCGIFFLAGS */
	{ 0x8914, IO_IFREQ, 0 },  /* SIOCSIFFLAGS */
	{ 0x8915, IO_IFREQ, 0 },  /* SIOCGIFADDR */
	{ 0x8917, IO_IFREQ, 0 },  /* SIOCGIFDSTADDR */
	{ 0x8919, IO_IFREQ, 0 },  /* SIOCGIFBRDADDR */
	{ 0x891b, IO_IFREQ, 0 },  /* SIOCGIFNETMASK */
	{ 0x891d, IO_IFREQ, 0 },  /* SIOCGIFMETRIC */
	{ 0x8921, IO_IFREQ, 0 },  /* SIOCGIFMTU */
	{ 0x8927, IO_IFREQ, 0 },  /* SIOCGIFHWADDR */
	{ 0x8933, IO_IFREQ, 0 },  /* SIOCGIFINDEX */
	{ 0x8942, IO_IFREQ, 0 },  /* SIOCGIFTXQLEN */
};

#define IFREQ_I386   32
#define IFREQ_NATIVE 40

/* struct mtget: mt_type, mt_resid, mt_dsreg, mt_gstat, mt_erreg are longs,
 * mt_fileno and mt_blkno ints (__kernel_daddr_t) */
#define MTGET_LONGS 5
#define MTGET_INTS  2

_Static_assert(MTGET_LONGS * 4 + MTGET_INTS * 4 == 28, "i386 struct mtget (MTIOCGET codes 28)");
_Static_assert(MTGET_LONGS * 8 + MTGET_INTS * 4 == 48, "x86-64 struct mtget (MTIOCGET codes 48)");

static uint32_t refused[16];    /* requests already logged */

static long ioctl_refuse(uint32_t cmd)
{
	PERSONA_REFUSED();
	for (unsigned i = 0; i < ARRAY_SIZE(refused); i++) {
		if (refused[i] == cmd)
			return -ENOTTY;
		if (!refused[i]) {
			refused[i] = cmd;
			break;
		}
	}
	plog("ioctl request 0x%x: its i386 argument layout is not known here; -ENOTTY", cmd);
	return -ENOTTY;
}

static long ioctl_ifreq(long fd, uint32_t cmd, uint32_t arg)
{
	char ifr[IFREQ_NATIVE];
	long res;

	memset(ifr, 0, sizeof(ifr));
	if (copy_from_user(ifr, arg, IFREQ_I386))
		return nsys3(__NR_ioctl, fd, cmd, 0);   /* EBADF/ENOTTY first, else EFAULT */
	res = nsys3(__NR_ioctl, fd, cmd, ifr);
	if (res < 0)
		return res;
	return copy_to_user(arg, ifr, IFREQ_I386) ? -EFAULT : res;
}

/* The kernel writes a long: 32 bits of it for i386, if they hold it. */
static long ioctl_ulong_out(long fd, uint32_t native, uint32_t arg)
{
	uint64_t v = 0;
	uint32_t v32;
	long res = nsys3(__NR_ioctl, fd, native, &v);

	if (res < 0)
		return res;
	if (v > 0xffffffffull)
		return -EFBIG;
	v32 = (uint32_t)v;
	return copy_to_user(arg, &v32, sizeof(v32)) ? -EFAULT : res;
}

static long ioctl_mtget(long fd, uint32_t native, uint32_t arg)
{
	struct { int64_t l[MTGET_LONGS]; int32_t i[MTGET_INTS]; } n;
	struct { int32_t l[MTGET_LONGS]; int32_t i[MTGET_INTS]; } t;
	long res = nsys3(__NR_ioctl, fd, native, &n);

	if (res < 0)
		return res;
	for (int k = 0; k < MTGET_LONGS; k++)
		t.l[k] = (int32_t)n.l[k];
	for (int k = 0; k < MTGET_INTS; k++)
		t.i[k] = n.i[k];
	return copy_to_user(arg, &t, sizeof(t)) ? -EFAULT : res;
}

XL(ioctl)
{
	long fd = wide_s32(ARG0(f));
	uint32_t cmd = ARG1(f), arg = ARG2(f);

	for (unsigned i = 0; i < ARRAY_SIZE(ioctl_rules); i++) {
		const struct ioctl_rule *r = &ioctl_rules[i];

		if (r->cmd != cmd)
			continue;
		switch (r->how) {
		case IO_PASS:
			return nsys3(__NR_ioctl, fd, cmd, arg);
		case IO_RENUMBER:
			return nsys3(__NR_ioctl, fd, r->native, arg);
		case IO_ULONG_OUT:
			return ioctl_ulong_out(fd, r->native ? r->native : cmd, arg);
		case IO_MTGET:
			return ioctl_mtget(fd, r->native, arg);
		default:
			return ioctl_ifreq(fd, cmd, arg);
		}
	}
	return ioctl_refuse(cmd);
}

/* ---- sendfile with a 32-bit off_t (compat_sys_sendfile) -------------------- */

XL(sendfile)
{
	long out = wide_s32(ARG0(f)), in = wide_s32(ARG1(f));
	uint32_t uoff = ARG2(f), count = ARG3(f);
	int32_t off32;
	int64_t pos;
	long r;

	if (!uoff)
		return nsys4(__NR_sendfile, out, in, 0, count);
	if (copy_from_user(&off32, uoff, sizeof(off32)))
		return -EFAULT;
	pos = off32;
	/* the limit is MAX_NON_LFS: a copy reaching past it is cut there, one
	 * starting at it fails with EOVERFLOW (after the fd checks) */
	if (pos >= 0 && pos + (int64_t)count > (int64_t)I386_MAX_NON_LFS) {
		if (pos >= (int64_t)I386_MAX_NON_LFS) {
			r = nsys4(__NR_sendfile, out, in, &pos, 0);
			r = r < 0 ? r : -EOVERFLOW;
		} else {
			r = nsys4(__NR_sendfile, out, in, &pos, (int64_t)I386_MAX_NON_LFS - pos);
		}
	} else {
		r = nsys4(__NR_sendfile, out, in, &pos, count);
	}
	off32 = (int32_t)pos;
	if (copy_to_user(uoff, &off32, sizeof(off32)))
		return -EFAULT;
	return r;
}

/* ---- umount(name) is umount2(name, 0) ---------------------------------------- */

XL(umount) { return nsys2(__NR_umount2, ARG0(f), 0); }
