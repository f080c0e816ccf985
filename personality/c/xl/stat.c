/* personality/c/xl/stat.c — stat, statfs and directory reading for i386.
 *
 * Each call is the native x86-64 call into a local struct, then the kernel's
 * compat conversion (fs/stat.c cp_compat_stat, arch/x86 cp_stat64,
 * fs/statfs.c put_compat_statfs(64), fs/readdir.c compat_filldir) done here:
 * the same EOVERFLOW rules, the same bytes written, and bytes the kernel
 * leaves alone (stat64 pads, dirent padding) left alone.
 */
#include "core/persona.h"
#include "core/plock.h"
#include "core/i386_types.h"
#include "xl/common.h"

#include <asm-generic/fcntl.h>


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

/* ext4 directory cookies.
 * ext4 hands out directory positions ("cookies", d_off) as hashes: 64-bit
 * ones (major << 32 | minor) to native callers, 32-bit ones (the major half
 * alone) to compat callers, whose off_t is 32 bits. Through the personality
 * every call is native, so an i386 program would see cookies that do not
 * fit its d_off (glibc's non-LFS readdir then fails with EOVERFLOW). A
 * batch holding a cookie above 32 bits, from an ext4 directory, is a hashed
 * one: its cookies are given to i386 code as their high halves, which are
 * exactly the 32-bit cookies, and the fd is remembered so that lseek and
 * _llseek translate positions on it both ways (a 32-bit cookie c is the
 * 64-bit position c << 32: the first entry of that hash). */

#define EXT4_SUPER_MAGIC_ 0xEF53
#define HASHDIR_SLOTS     32
#define EXT4_EOF_32       0x7fffffffll
#define EXT4_EOF_64       0x7fffffffffffffffll

static struct hashdir { int32_t fd; uint64_t dev, ino; } hashdirs[HASHDIR_SLOTS];
static uint32_t hashdirs_used;  /* slots ever used: 0 keeps lseek's check free */

static int on_ext4(int fd)
{
	struct native_statfs sf;

	return nsys2(__NR_fstatfs, fd, &sf) == 0 && sf.f_type == EXT4_SUPER_MAGIC_;
}

static void hashdir_note(int fd)
{
	struct native_stat st;
	uint32_t slot = HASHDIR_SLOTS;

	if (nsys2(__NR_fstat, fd, &st) < 0)
		return;
	plock_acquire(&persona_hashdirs_lock);
	for (uint32_t i = 0; i < hashdirs_used; i++) {
		if (hashdirs[i].fd == fd || hashdirs[i].fd < 0)
			slot = i;
		if (hashdirs[i].fd == fd)
			break;
	}
	if (slot == HASHDIR_SLOTS) {
		if (hashdirs_used == HASHDIR_SLOTS)
			slot = (uint32_t)fd % HASHDIR_SLOTS;     /* forget one */
		else
			slot = hashdirs_used++;
	}
	hashdirs[slot] = (struct hashdir){ fd, st.st_dev, st.st_ino };
	plock_release(&persona_hashdirs_lock);
}

/* Is fd a hashed ext4 directory seen before? Checks that the fd still names
 * the same directory (it may have been closed and reused). */
int i386_hashdir(int fd)
{
	struct native_stat st;
	int hashed = 0;

	if (likely(!hashdirs_used))
		return 0;
	plock_acquire(&persona_hashdirs_lock);
	for (uint32_t i = 0; i < hashdirs_used; i++) {
		if (hashdirs[i].fd != fd)
			continue;
		if (nsys2(__NR_fstat, fd, &st) == 0 && st.st_dev == hashdirs[i].dev &&
		    st.st_ino == hashdirs[i].ino)
			hashed = 1;
		else
			hashdirs[i].fd = -1;
		break;
	}
	plock_release(&persona_hashdirs_lock);
	return hashed;
}

/* A native cookie as i386 code sees it. */
static int64_t cookie32(int64_t c, int hashed)
{
	return hashed ? (int64_t)((uint64_t)c >> 32) : c;
}

/* An i386 position on a hashed directory as the native one. */
int64_t i386_hashdir_pos(int64_t pos32)
{
	return pos32 >= EXT4_EOF_32 ? EXT4_EOF_64 : (int64_t)((uint64_t)pos32 << 32);
}

/* Whether a batch of native records is from a hashed ext4 directory. */
static int batch_hashed(int fd, const char *buf, long n)
{
	for (long off = 0; off < n; ) {
		const struct native_dirent64 *d = (const void *)(buf + off);

		if ((uint64_t)d->d_off >> 32) {
			if (!on_ext4(fd))
				return 0;
			hashdir_note(fd);
			return 1;
		}
		off += d->d_reclen;
	}
	return 0;
}

/* getdents64: the records are the same; on a hashed directory the cookies
 * are rewritten in place to their 32-bit form. */
XL(getdents64)
{
	int fd = (int32_t)ARG0(f);
	uint32_t dirp = ARG1(f);
	long n = nsys3(__NR_getdents64, fd, (uint64_t)dirp, ARG2(f));
	int hashed = -1;

	for (long off = 0; n > 0 && off < n; ) {
		struct { int64_t ino, off; uint16_t reclen; } __attribute__((packed)) h;

		if (copy_from_user(&h, dirp + (uint32_t)off, sizeof(h)))
			return -EFAULT;
		if (!h.reclen)
			break;
		if (hashed < 0) {
			if (!((uint64_t)h.off >> 32)) {
				off += h.reclen;
				if (off < n)
					continue;
				break;
			}
			hashed = on_ext4(fd);
			if (!hashed)
				break;
			hashdir_note(fd);
			off = 0;        /* rewrite from the first record */
			continue;
		}
		h.off = cookie32(h.off, 1);
		if (copy_to_user(dirp + (uint32_t)off + 8, &h.off, sizeof(h.off)))
			return -EFAULT;
		off += h.reclen;
	}
	return n;
}

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
		int hashed;

		if (n < 0)
			return used ? (long)used : n;
		if (n == 0)
			break;
		hashed = batch_hashed(fd, buf, n);
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
			h.d_off = (uint32_t)cookie32(d->d_off, hashed);
			h.d_reclen = (uint16_t)reclen;
			/* the kernel's order: d_ino, d_reclen, the name, d_type; an
			 * entry's d_off lands once the entry is complete */
			if (copy_to_user(dirp + used, &h.d_ino, 4) ||
			    copy_to_user(dirp + used + 8, &h.d_reclen, 2) ||
			    copy_to_user(dirp + used + I386_DIRENT_NAME, d->d_name, namlen + 1) ||
			    copy_to_user(dirp + used + reclen - 1, &type, 1) ||
			    copy_to_user(dirp + used + 4, &h.d_off, 4)) {
				/* what was delivered stands, as in compat_filldir */
				nsys3(__NR_lseek, fd, pos, 0);
				return used ? (long)used : -EFAULT;
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
 * entry's own position: the directory position before the call. (On a
 * hashed ext4 directory the first entry's own hash position is not
 * reported by any native call; its d_offset reads as 0, which seeks to it
 * just as well.) Returns 1, or 0 at the end. */
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
	if (batch_hashed(fd, buf, n) || i386_hashdir(fd))
		h.d_offset = (uint32_t)cookie32(pos, 1);
	else
		h.d_offset = (uint32_t)pos;
	namlen = (uint32_t)strlen(d->d_name);
	if ((uint32_t)d->d_ino != d->d_ino) {
		nsys3(__NR_lseek, fd, pos, 0);
		return -EOVERFLOW;
	}
	h.d_ino = (uint32_t)d->d_ino;
	h.d_namlen = (uint16_t)namlen;
	if (copy_to_user(dirp, &h, I386_OLD_DIRENT_NAME) ||
	    copy_to_user(dirp + I386_OLD_DIRENT_NAME, d->d_name, namlen + 1)) {
		nsys3(__NR_lseek, fd, pos, 0);  /* the entry was not delivered */
		return -EFAULT;
	}
	/* the rest of what was read is delivered by later calls */
	nsys3(__NR_lseek, fd, d->d_off, 0 /* SEEK_SET */);
	return 1;
}
