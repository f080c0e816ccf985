/* personality/c/core/lfs.c — open files the program opened without O_LARGEFILE.
 *
 * The kernel keeps O_LARGEFILE in each open file description. A 64-bit
 * caller always gets it (force_o_largefile), and every file here is opened
 * by a 64-bit caller, so the kernel cannot tell. The ia32 layer's open,
 * openat and open_by_handle_at do not force it (creat and openat2, with no
 * compat forms, do). For a 32-bit caller that did not ask for it the kernel:
 *   - hides it from F_GETFL (it is simply not set), and F_SETFL cannot
 *     change it either way;
 *   - stops writes to a regular file at 2^31-1 bytes: a write starting at
 *     or past that offset fails with EFBIG, one reaching past it is cut
 *     short there (generic_write_check_limits, MAX_NON_LFS);
 *   - refuses ftruncate/ftruncate64 past 2^31-1 with EINVAL (the ia32
 *     layer's ftruncate64 is do_sys_ftruncate(fd, length, small = 1)).
 * So the personality keeps the bit itself, per descriptor number: set by
 * open, openat and open_by_handle_at without O_LARGEFILE
 * (O_PATH descriptors and block devices carry no such difference), copied
 * by dup, dup2, dup3 and fcntl F_DUPFD*, cleared by close, close_range and
 * by dup2/dup3 onto the number. Since F_SETFL cannot change the bit, a
 * descriptor's mark and its description's bit stay equal. A forked child
 * inherits the marks with its copy of memory; threads share them.
 *
 * Limits (docs/differences.md): marks do not cross execve (an inherited
 * descriptor counts as large-file), descriptors received over a socket are
 * large-file, numbers from LFS_FDS on are not marked, a vfork child's close
 * drops its parent's mark (they share this memory), and sendfile, splice,
 * copy_file_range and io_uring writes into a marked file are not limited.
 *
 * Cost: nothing for the rows the table does not mark lfs=. The rows it
 * marks take the C path, where persona_lfs_pass() looks at them first,
 * only while a descriptor of their kind is marked: lfs=write rows (write,
 * pwrite64) while a regular file is, lfs=fd rows (ftruncate64, close,
 * dup*, close_range) while any descriptor is. So a program that reads a
 * file opened without O_LARGEFILE, or writes to a pipe or a device so
 * opened, keeps the asm fast path. In a batch only a call
 * persona_lfs_needed() names leaves the messages (a write to a pipe or a
 * device opened without O_LARGEFILE may still take the ring).
 */
#include "core/persona.h"
#include "core/i386_types.h"
#include "core/sysent_types.h"
#include "core/lfs.h"
#include "sysnr.h"

#include <asm-generic/fcntl.h>

#define S_IFMT_  0170000
#define S_IFREG_ 0100000
#define S_IFBLK_ 0060000
#define SEEK_CUR_ 1
#define CLOSE_RANGE_CLOEXEC_ (1u << 2)

/* Descriptor numbers below this can be marked (8 KiB of bits each). */
#define LFS_FDS 65536

static uint64_t lfs_any[LFS_FDS / 64];   /* opened without O_LARGEFILE */
static uint64_t lfs_reg[LFS_FDS / 64];   /* ... and a regular file: 2 GiB limit */
/* How many descriptors are marked, and how many of them are regular files:
 * the asm fast path and the batch entry send the rows the table marks
 * lfs=fd to C while the first is not zero, lfs=write while the second is. */
volatile uint32_t persona_lfs_marked;
volatile uint32_t persona_lfs_reg_marked;

static int in_range(long fd) { return fd >= 0 && fd < LFS_FDS; }

static int test_bit(const uint64_t *map, long fd)
{
	return in_range(fd) && (__atomic_load_n(&map[fd / 64], __ATOMIC_RELAXED) >> (fd % 64)) & 1;
}

/* Set or clear fd's bit in map; the count of set bits follows. */
static void set_mark(uint64_t *map, volatile uint32_t *count, long fd, int on)
{
	uint64_t bit = 1ull << (fd % 64);
	uint64_t was;

	if (on)
		was = __atomic_fetch_or(&map[fd / 64], bit, __ATOMIC_RELAXED) & bit;
	else
		was = __atomic_fetch_and(&map[fd / 64], ~bit, __ATOMIC_RELAXED) & bit;
	if (on && !was)
		__atomic_add_fetch(count, 1, __ATOMIC_RELAXED);
	else if (!on && was)
		__atomic_sub_fetch(count, 1, __ATOMIC_RELAXED);
}

/* reg implies any: a marked regular file is a marked descriptor. */
static void set_marks(long fd, int any, int reg)
{
	if (!in_range(fd))
		return;
	set_mark(lfs_any, &persona_lfs_marked, fd, any || reg);
	set_mark(lfs_reg, &persona_lfs_reg_marked, fd, reg);
}

void persona_lfs_opened(long fd, uint32_t st_mode)
{
	uint32_t type = st_mode & S_IFMT_;

	if (type == S_IFBLK_)           /* blkdev_open sets O_LARGEFILE itself */
		return;
	set_marks(fd, 1, type == S_IFREG_);
}

int persona_lfs_hidden(long fd) { return test_bit(lfs_any, fd); }

void persona_lfs_dup(long from, long to)
{
	if (to >= 0 && to != from)
		set_marks(to, test_bit(lfs_any, from), test_bit(lfs_reg, from));
}

void persona_lfs_closed(long first, long last)
{
	if (!persona_lfs_marked || first < 0)
		return;
	for (long fd = first; fd <= last && fd < LFS_FDS; fd++)
		if (test_bit(lfs_any, fd))
			set_marks(fd, 0, 0);
}

/* How many of count bytes a write at pos (-1: the file position) may
 * write to a marked regular file: count, fewer, or -EFBIG. Anything the
 * kernel checks before the limit (a bad or read-only descriptor, a
 * negative position, an empty write) is left to the native call: count. */
long persona_lfs_room(long fd, int64_t pos, int append, uint64_t count)
{
	long fl;

	if (!count || !test_bit(lfs_reg, fd))
		return (long)count;
	fl = nsys2(__NR_fcntl, fd, F_GETFL);
	if (fl < 0 || (fl & O_ACCMODE) == O_RDONLY)
		return (long)count;
	if (append || (fl & O_APPEND)) {
		struct native_stat s;
		if (nsys2(__NR_fstat, fd, &s) < 0)
			return (long)count;
		pos = s.st_size;
	} else if (pos == -1) {
		pos = nsys3(__NR_lseek, fd, 0, SEEK_CUR_);
		if (pos < 0)
			return (long)count;
	} else if (pos < 0) {
		return (long)count;
	}
	if (pos >= (int64_t)I386_MAX_NON_LFS)
		return -EFBIG;
	if (count > I386_MAX_NON_LFS - (uint64_t)pos)
		count = I386_MAX_NON_LFS - (uint64_t)pos;
	return (long)count;
}

/* Whether persona_lfs_pass() has anything to do for this call (i386
 * arguments): a write only to a marked regular file (the 2 GiB limit is a
 * regular file's), the descriptor calls only where a number involved is
 * marked. The batch entry asks, so that a write to a pipe or /dev/null
 * opened without O_LARGEFILE stays a message and may take the ring. */
int persona_lfs_needed(uint32_t nr, const uint32_t *args)
{
	long fd = wide_s32(args[0]);

	switch (nr) {
	case I386_NR_write:
	case I386_NR_pwrite64:
		return test_bit(lfs_reg, fd);
	case I386_NR_ftruncate64:
	case I386_NR_close:
	case I386_NR_dup:
		return test_bit(lfs_any, fd);
	case I386_NR_dup2:
	case I386_NR_dup3:
		return test_bit(lfs_any, fd) || test_bit(lfs_any, wide_s32(args[1]));
	case I386_NR_close_range:
		return 1;
	default:
		return 0;
	}
}

/* A PASS row while some descriptor is marked: 1 and the result in *res
 * when the row is one of those above, else 0 (the plain native call). */
int persona_lfs_pass(const struct sysent *e, const struct i386_frame *f, long *res)
{
	long fd = wide_s32(ARG0(f)), r;

	switch (e->nr) {
	case I386_NR_write:
		r = persona_lfs_room(fd, -1, 0, ARG2(f));
		*res = r < 0 ? r : nsys3(__NR_write, fd, ARG1(f), r);
		return 1;
	case I386_NR_pwrite64:
		r = persona_lfs_room(fd, (int64_t)wide_pair(ARG3(f), ARG4(f)), 0, ARG2(f));
		*res = r < 0 ? r : nsys4(__NR_pwrite64, fd, ARG1(f), r, wide_pair(ARG3(f), ARG4(f)));
		return 1;
	case I386_NR_ftruncate64:
		if ((int64_t)wide_pair(ARG1(f), ARG2(f)) > (int64_t)I386_MAX_NON_LFS &&
		    test_bit(lfs_any, fd)) {
			*res = -EINVAL;
			return 1;
		}
		return 0;
	case I386_NR_close:
		*res = nsys1(__NR_close, fd);
		persona_lfs_closed(fd, fd);    /* the number is free even on error */
		return 1;
	case I386_NR_dup:
		*res = nsys1(__NR_dup, fd);
		persona_lfs_dup(fd, *res);
		return 1;
	case I386_NR_dup2:
	case I386_NR_dup3:
		*res = e->tnr == __NR_dup2 ? nsys2(__NR_dup2, fd, wide_s32(ARG1(f)))
					   : nsys3(__NR_dup3, fd, wide_s32(ARG1(f)), wide_s32(ARG2(f)));
		if (*res >= 0)
			persona_lfs_dup(fd, *res);
		return 1;
	case I386_NR_close_range:
		*res = nsys3(__NR_close_range, ARG0(f), ARG1(f), ARG2(f));
		if (*res == 0 && !(ARG2(f) & CLOSE_RANGE_CLOEXEC_))
			persona_lfs_closed(ARG0(f), ARG1(f) > (uint32_t)LFS_FDS ? LFS_FDS : ARG1(f));
		return 1;
	default:
		return 0;
	}
}
