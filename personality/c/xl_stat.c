/* personality/c/xl_stat.c — stat, statfs and directory reading for i386.
 *
 * Each call is the native x86-64 call into a local struct, then the kernel's
 * compat conversion (fs/stat.c cp_compat_stat, arch/x86 cp_stat64,
 * fs/statfs.c put_compat_statfs(64), fs/readdir.c compat_filldir) done here:
 * the same EOVERFLOW rules, the same bytes written, and bytes the kernel
 * leaves alone (stat64 pads, dirent padding) left alone.
 */
#include "persona.h"
#include "i386_types.h"

#include <asm-generic/fcntl.h>

#define S_IFMT_  0170000
#define S_IFREG_ 0100000

/* ---- struct stat (106-108): 16-bit ids and nlink, 32-bit ino and size -- */

static long put_i386_stat(uint32_t uaddr, const struct native_stat *s)
{
	struct i386_stat t;

	memset(&t, 0, sizeof(t));
	t.st_dev = (uint32_t)s->st_dev;
	t.st_ino = (uint32_t)s->st_ino;
	if (t.st_ino != s->st_ino)
		return -EOVERFLOW;
	t.st_mode = (uint16_t)s->st_mode;
	t.st_nlink = (uint16_t)s->st_nlink;
	if (t.st_nlink != s->st_nlink)
		return -EOVERFLOW;
	t.st_uid = high2low_id(s->st_uid);
	t.st_gid = high2low_id(s->st_gid);
	t.st_rdev = (uint32_t)s->st_rdev;
	if ((uint64_t)s->st_size > I386_MAX_NON_LFS)
		return -EOVERFLOW;
	t.st_size = (uint32_t)s->st_size;
	t.st_atim_sec = (uint32_t)s->st_atim_sec;
	t.st_atim_nsec = (uint32_t)s->st_atim_nsec;
	t.st_mtim_sec = (uint32_t)s->st_mtim_sec;
	t.st_mtim_nsec = (uint32_t)s->st_mtim_nsec;
	t.st_ctim_sec = (uint32_t)s->st_ctim_sec;
	t.st_ctim_nsec = (uint32_t)s->st_ctim_nsec;
	t.st_blocks = (uint32_t)s->st_blocks;
	t.st_blksize = (uint32_t)s->st_blksize;
	return copy_to_user(uaddr, &t, sizeof(t));
}

/* ---- struct __old_kernel_stat (18, 28, 84) ------------------------------ */

/* The native st_dev is new_encode_dev(); the old one is major<<8 | minor. */
static uint16_t old_encode_dev(uint64_t dev)
{
	uint32_t major = (uint32_t)(dev & 0xfff00) >> 8;
	uint32_t minor = (uint32_t)((dev & 0xff) | ((dev >> 12) & 0xfff00));

	return (uint16_t)((major << 8) | minor);
}

static long put_i386_old_stat(uint32_t uaddr, const struct native_stat *s)
{
	struct i386_old_stat t;

	memset(&t, 0, sizeof(t));
	t.st_dev = old_encode_dev(s->st_dev);
	t.st_ino = (uint16_t)s->st_ino;
	if (t.st_ino != s->st_ino)
		return -EOVERFLOW;
	t.st_mode = (uint16_t)s->st_mode;
	t.st_nlink = (uint16_t)s->st_nlink;
	if (t.st_nlink != s->st_nlink)
		return -EOVERFLOW;
	t.st_uid = high2low_id(s->st_uid);
	t.st_gid = high2low_id(s->st_gid);
	t.st_rdev = old_encode_dev(s->st_rdev);
	/* the 64-bit kernel's cp_old_stat does not check the size */
	t.st_size = (uint32_t)s->st_size;
	t.st_atim_sec = (uint32_t)s->st_atim_sec;
	t.st_mtim_sec = (uint32_t)s->st_mtim_sec;
	t.st_ctim_sec = (uint32_t)s->st_ctim_sec;
	return copy_to_user(uaddr, &t, sizeof(t));
}

/* ---- struct stat64: field by field, the pads untouched (cp_stat64) ----- */

static long put_i386_stat64(uint32_t uaddr, const struct native_stat *s)
{
	struct i386_stat64 t;
	long r;

	t.st_dev = s->st_dev;
	t.st_ino32 = (uint32_t)s->st_ino;
	t.st_ino = s->st_ino;
	t.st_mode = s->st_mode;
	t.st_nlink = (uint32_t)s->st_nlink;
	t.st_uid = s->st_uid;
	t.st_gid = s->st_gid;
	t.st_rdev = s->st_rdev;
	t.st_size = s->st_size;
	t.st_atim_sec = (uint32_t)s->st_atim_sec;
	t.st_atim_nsec = (uint32_t)s->st_atim_nsec;
	t.st_mtim_sec = (uint32_t)s->st_mtim_sec;
	t.st_mtim_nsec = (uint32_t)s->st_mtim_nsec;
	t.st_ctim_sec = (uint32_t)s->st_ctim_sec;
	t.st_ctim_nsec = (uint32_t)s->st_ctim_nsec;
	t.st_blksize = (uint32_t)s->st_blksize;
	t.st_blocks = (uint64_t)s->st_blocks;
	/* three runs: [0,8) [12,40) [44,96); pad0 and pad3 are not written */
	r = copy_to_user(uaddr, &t, offsetof(struct i386_stat64, pad0));
	if (!r)
		r = copy_to_user(uaddr + offsetof(struct i386_stat64, st_ino32), &t.st_ino32,
				 offsetof(struct i386_stat64, pad3) - offsetof(struct i386_stat64, st_ino32));
	if (!r)
		r = copy_to_user(uaddr + offsetof(struct i386_stat64, st_size), &t.st_size,
				 sizeof(t) - offsetof(struct i386_stat64, st_size));
	return r;
}

typedef long (*put_stat_fn)(uint32_t, const struct native_stat *);

/* The path is read by the native call straight from i386 memory: a bad
 * path pointer gives -EFAULT from the kernel itself. */
static long do_stat(long nr, long a, long b, long flags, uint32_t ubuf, put_stat_fn put)
{
	struct native_stat s;
	long r;

	if (nr == __NR_newfstatat)
		r = nsys4(nr, a, b, &s, flags);
	else
		r = nsys2(nr, a, &s);
	if (r < 0)
		return r;
	return put(ubuf, &s);
}

XL(stat)      { return do_stat(__NR_stat, ARG0(f), 0, 0, ARG1(f), put_i386_stat); }
XL(lstat)     { return do_stat(__NR_lstat, ARG0(f), 0, 0, ARG1(f), put_i386_stat); }
XL(fstat)     { return do_stat(__NR_fstat, wide_s32(ARG0(f)), 0, 0, ARG1(f), put_i386_stat); }
XL(oldstat)   { return do_stat(__NR_stat, ARG0(f), 0, 0, ARG1(f), put_i386_old_stat); }
XL(oldlstat)  { return do_stat(__NR_lstat, ARG0(f), 0, 0, ARG1(f), put_i386_old_stat); }
XL(oldfstat)  { return do_stat(__NR_fstat, wide_s32(ARG0(f)), 0, 0, ARG1(f), put_i386_old_stat); }
XL(stat64)    { return do_stat(__NR_stat, ARG0(f), 0, 0, ARG1(f), put_i386_stat64); }
XL(lstat64)   { return do_stat(__NR_lstat, ARG0(f), 0, 0, ARG1(f), put_i386_stat64); }
XL(fstat64)   { return do_stat(__NR_fstat, wide_s32(ARG0(f)), 0, 0, ARG1(f), put_i386_stat64); }
XL(fstatat64)
{
	return do_stat(__NR_newfstatat, wide_s32(ARG0(f)), ARG1(f), wide_s32(ARG3(f)), ARG2(f),
		       put_i386_stat64);
}

/* Used by open: is this an fd of a regular file too big for a 32-bit off_t? */
long i386_fd_too_big(int fd)
{
	struct native_stat s;

	if (nsys2(__NR_fstat, fd, &s) < 0)
		return 0;
	return (s.st_mode & S_IFMT_) == S_IFREG_ && (uint64_t)s.st_size > I386_MAX_NON_LFS;
}

/* ---- statfs ------------------------------------------------------------ */

static long put_i386_statfs(uint32_t uaddr, const struct native_statfs *k)
{
	struct i386_statfs t;

	if (((uint64_t)k->f_blocks | k->f_bfree | k->f_bavail | (uint64_t)k->f_bsize |
	     (uint64_t)k->f_frsize) >> 32)
		return -EOVERFLOW;
	/* f_files and f_ffree may be -1, which fits */
	if (k->f_files != ~0ull && k->f_files >> 32)
		return -EOVERFLOW;
	if (k->f_ffree != ~0ull && k->f_ffree >> 32)
		return -EOVERFLOW;
	memset(&t, 0, sizeof(t));
	t.f_type = (int32_t)k->f_type;
	t.f_bsize = (int32_t)k->f_bsize;
	t.f_blocks = (int32_t)k->f_blocks;
	t.f_bfree = (int32_t)k->f_bfree;
	t.f_bavail = (int32_t)k->f_bavail;
	t.f_files = (int32_t)k->f_files;
	t.f_ffree = (int32_t)k->f_ffree;
	t.f_namelen = (int32_t)k->f_namelen;
	t.f_fsid[0] = k->f_fsid[0];
	t.f_fsid[1] = k->f_fsid[1];
	t.f_frsize = (int32_t)k->f_frsize;
	t.f_flags = (int32_t)k->f_flags;
	return copy_to_user(uaddr, &t, sizeof(t));
}

static long put_i386_statfs64(uint32_t uaddr, const struct native_statfs *k)
{
	struct i386_statfs64 t;

	if (((uint64_t)k->f_bsize | (uint64_t)k->f_frsize) >> 32)
		return -EOVERFLOW;
	memset(&t, 0, sizeof(t));
	t.f_type = (uint32_t)k->f_type;
	t.f_bsize = (uint32_t)k->f_bsize;
	t.f_blocks = k->f_blocks;
	t.f_bfree = k->f_bfree;
	t.f_bavail = k->f_bavail;
	t.f_files = k->f_files;
	t.f_ffree = k->f_ffree;
	t.f_namelen = (uint32_t)k->f_namelen;
	t.f_fsid[0] = k->f_fsid[0];
	t.f_fsid[1] = k->f_fsid[1];
	t.f_frsize = (uint32_t)k->f_frsize;
	t.f_flags = (uint32_t)k->f_flags;
	return copy_to_user(uaddr, &t, sizeof(t));
}

static long do_statfs(long nr, long a, uint32_t ubuf,
		      long (*put)(uint32_t, const struct native_statfs *))
{
	struct native_statfs k;
	long r = nsys2(nr, a, &k);

	return r < 0 ? r : put(ubuf, &k);
}

XL(statfs)  { return do_statfs(__NR_statfs, ARG0(f), ARG1(f), put_i386_statfs); }
XL(fstatfs) { return do_statfs(__NR_fstatfs, wide_s32(ARG0(f)), ARG1(f), put_i386_statfs); }

/* The size argument must be the i386 struct's, checked before anything else. */
XL(statfs64)
{
	if (ARG1(f) != sizeof(struct i386_statfs64))
		return -EINVAL;
	return do_statfs(__NR_statfs, ARG0(f), ARG2(f), put_i386_statfs64);
}

XL(fstatfs64)
{
	if (ARG1(f) != sizeof(struct i386_statfs64))
		return -EINVAL;
	return do_statfs(__NR_fstatfs, wide_s32(ARG0(f)), ARG2(f), put_i386_statfs64);
}

XL(ustat)
{
	struct native_ustat n;
	struct i386_ustat t;
	long r = nsys2(__NR_ustat, ARG0(f), &n);

	if (r < 0)
		return r;
	memset(&t, 0, sizeof(t));
	t.f_tfree = n.f_tfree;
	t.f_tinode = (uint32_t)n.f_tinode;
	return copy_to_user(ARG1(f), &t, sizeof(t));
}

/* ---- directories ------------------------------------------------------- */

#define DIRBUF 4096

/* getdents (141): native getdents64 records become compat_linux_dirent
 * records. An i386 record is always shorter than its native one, but a
 * native read can still return entries that do not fit what is left of the
 * i386 buffer: the directory is then sought back to the first entry not
 * delivered (its start is the previous entry's d_off), as the kernel leaves
 * f_pos at the entry that did not fit. Padding between the name's NUL and
 * d_type is left unwritten, as compat_filldir leaves it. */
XL(getdents)
{
	int fd = (int32_t)ARG0(f);
	uint32_t dirp = ARG1(f), count = ARG2(f), used = 0;
	long err = -EINVAL;             /* the kernel's answer when nothing fits */
	long long pos;
	char buf[DIRBUF] __attribute__((aligned(8)));

	pos = nsys3(__NR_lseek, fd, 0, 1 /* SEEK_CUR */);
	if (pos < 0) {
		/* not open, or not a directory: getdents64 gives the kernel's error */
		long r = nsys3(__NR_getdents64, fd, buf, sizeof(buf));
		return r < 0 ? r : pos;
	}
	for (;;) {
		long n = nsys3(__NR_getdents64, fd, buf, sizeof(buf));
		long off = 0;

		if (n < 0)
			return used ? (long)used : n;
		if (n == 0)
			break;
		while (off < n) {
			const struct native_dirent64 *d = (const void *)(buf + off);
			uint32_t namlen = (uint32_t)strlen(d->d_name);
			uint32_t reclen = (I386_DIRENT_NAME + namlen + 2 + 3) & ~3u;
			struct i386_dirent h;
			uint8_t type = d->d_type;

			if (reclen > count - used || (uint32_t)d->d_ino != d->d_ino) {
				/* compat_filldir checks the room first, then the inode */
				if (reclen <= count - used)
					err = -EOVERFLOW;
				nsys3(__NR_lseek, fd, pos, 0 /* SEEK_SET */);
				goto out;
			}
			h.d_ino = (uint32_t)d->d_ino;
			h.d_off = (uint32_t)d->d_off;
			h.d_reclen = (uint16_t)reclen;
			if (copy_to_user(dirp + used, &h, I386_DIRENT_NAME) ||
			    copy_to_user(dirp + used + I386_DIRENT_NAME, d->d_name, namlen + 1) ||
			    copy_to_user(dirp + used + reclen - 1, &type, 1)) {
				nsys3(__NR_lseek, fd, pos, 0);
				return -EFAULT;
			}
			used += reclen;
			pos = d->d_off;
			off += d->d_reclen;
		}
	}
	return used;                    /* the end of the directory */
out:
	return used ? (long)used : err;
}

/* readdir (89): one struct old_linux_dirent per call; d_offset is the
 * entry's own position. Returns 1, or 0 at the end. */
XL(readdir)
{
	int fd = (int32_t)ARG0(f);
	uint32_t dirp = ARG1(f);
	char buf[DIRBUF] __attribute__((aligned(8)));
	const struct native_dirent64 *d = (const void *)buf;
	struct i386_old_dirent h;
	long long pos = nsys3(__NR_lseek, fd, 0, 1 /* SEEK_CUR */);
	long n;
	uint32_t namlen;

	n = nsys3(__NR_getdents64, fd, buf, sizeof(buf));
	if (n <= 0)
		return n;
	if (pos < 0)
		pos = 0;
	namlen = (uint32_t)strlen(d->d_name);
	if ((uint32_t)d->d_ino != d->d_ino) {
		nsys3(__NR_lseek, fd, pos, 0);
		return -EOVERFLOW;
	}
	/* the rest of what was read is delivered by later calls */
	nsys3(__NR_lseek, fd, d->d_off, 0 /* SEEK_SET */);
	h.d_ino = (uint32_t)d->d_ino;
	h.d_offset = (uint32_t)pos;
	h.d_namlen = (uint16_t)namlen;
	if (copy_to_user(dirp, &h, I386_OLD_DIRENT_NAME) ||
	    copy_to_user(dirp + I386_OLD_DIRENT_NAME, d->d_name, namlen + 1))
		return -EFAULT;
	return 1;
}
