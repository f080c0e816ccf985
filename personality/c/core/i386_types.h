/* personality/c/core/i386_types.h — i386 layouts of the file, process and memory
 * structures, and the native (x86-64) ones they are converted from.
 *
 * Each i386 struct is checked against the size of the kernel's compat
 * struct (struct compat_stat, stat64, compat_statfs(64), compat_linux_dirent,
 * compat_rusage, compat_sysinfo, compat_flock(64), ...). Native structs are
 * spelled out here rather than taken from uapi headers, which clash with each
 * other in a freestanding build; their sizes are checked too.
 */
#ifndef PERSONA_I386_TYPES_H
#define PERSONA_I386_TYPES_H

#include <stddef.h>
#include <stdint.h>

#define I386_PAGE_SIZE      4096u
#define I386_MAX_NON_LFS    0x7fffffffu     /* largest offset without O_LARGEFILE */
#define I386_O_LARGEFILE    0100000         /* the same bit on i386 and x86-64 */
#define I386_RLIM_INFINITY  0xffffffffu     /* COMPAT_RLIM_INFINITY */
#define I386_OLD_RLIM_MAX   0x7fffffffu     /* the old getrlimit clamps here */
#define I386_UIO_MAXIOV     1024u
/* A 32-bit uid that does not fit 16 bits reads as the overflow uid (the
 * kernel's default for /proc/sys/kernel/overflowuid and overflowgid). */
#define I386_OVERFLOW_ID    65534u

/* ---- stat ------------------------------------------------------------- */

/* stat/lstat/fstat (106-108): struct compat_stat */
struct i386_stat {
	uint32_t st_dev, st_ino;
	uint16_t st_mode, st_nlink, st_uid, st_gid;
	uint32_t st_rdev, st_size, st_blksize, st_blocks;
	uint32_t st_atim_sec, st_atim_nsec, st_mtim_sec, st_mtim_nsec, st_ctim_sec, st_ctim_nsec;
	uint32_t unused4, unused5;
};
_Static_assert(sizeof(struct i386_stat) == 64, "i386 struct stat");

/* oldstat/oldlstat/oldfstat (18, 84, 28): struct __old_kernel_stat */
struct i386_old_stat {
	uint16_t st_dev, st_ino, st_mode, st_nlink, st_uid, st_gid, st_rdev, pad;
	uint32_t st_size, st_atim_sec, st_mtim_sec, st_ctim_sec;
};
_Static_assert(sizeof(struct i386_old_stat) == 32, "i386 __old_kernel_stat");

/* stat64 family: packed; the kernel writes each field and leaves the pads */
struct i386_stat64 {
	uint64_t st_dev;
	uint8_t  pad0[4];
	uint32_t st_ino32;          /* __st_ino */
	uint32_t st_mode, st_nlink, st_uid, st_gid;
	uint64_t st_rdev;
	uint8_t  pad3[4];
	int64_t  st_size;
	uint32_t st_blksize;
	uint64_t st_blocks;
	uint32_t st_atim_sec, st_atim_nsec, st_mtim_sec, st_mtim_nsec, st_ctim_sec, st_ctim_nsec;
	uint64_t st_ino;
} __attribute__((packed));
_Static_assert(sizeof(struct i386_stat64) == 96, "i386 struct stat64");
_Static_assert(offsetof(struct i386_stat64, st_ino32) == 12, "stat64 __st_ino");
_Static_assert(offsetof(struct i386_stat64, st_size) == 44, "stat64 st_size");
_Static_assert(offsetof(struct i386_stat64, st_ino) == 88, "stat64 st_ino");

/* x86-64 struct stat */
struct native_stat {
	uint64_t st_dev, st_ino, st_nlink;
	uint32_t st_mode, st_uid, st_gid, pad0;
	uint64_t st_rdev;
	int64_t  st_size, st_blksize, st_blocks;
	uint64_t st_atim_sec, st_atim_nsec, st_mtim_sec, st_mtim_nsec, st_ctim_sec, st_ctim_nsec;
	int64_t  unused[3];
};
_Static_assert(sizeof(struct native_stat) == 144, "x86-64 struct stat");

/* ---- statfs ----------------------------------------------------------- */

struct i386_statfs {
	int32_t f_type, f_bsize, f_blocks, f_bfree, f_bavail, f_files, f_ffree;
	int32_t f_fsid[2];
	int32_t f_namelen, f_frsize, f_flags;
	int32_t f_spare[4];
};
_Static_assert(sizeof(struct i386_statfs) == 64, "i386 compat_statfs");

struct i386_statfs64 {
	uint32_t f_type, f_bsize;
	uint64_t f_blocks, f_bfree, f_bavail, f_files, f_ffree;
	int32_t  f_fsid[2];
	uint32_t f_namelen, f_frsize, f_flags;
	uint32_t f_spare[4];
} __attribute__((packed));
_Static_assert(sizeof(struct i386_statfs64) == 84, "i386 compat_statfs64");

struct native_statfs {
	int64_t  f_type, f_bsize;
	uint64_t f_blocks, f_bfree, f_bavail, f_files, f_ffree;
	int32_t  f_fsid[2];
	int64_t  f_namelen, f_frsize, f_flags;
	int64_t  f_spare[4];
};
_Static_assert(sizeof(struct native_statfs) == 120, "x86-64 struct statfs");

struct i386_ustat {
	int32_t  f_tfree;
	uint32_t f_tinode;
	char     f_fname[6], f_fpack[6];
};
_Static_assert(sizeof(struct i386_ustat) == 20, "i386 compat_ustat");

struct native_ustat {
	int32_t  f_tfree;
	uint64_t f_tinode;
	char     f_fname[6], f_fpack[6];
};
_Static_assert(sizeof(struct native_ustat) == 32, "x86-64 struct ustat");

/* ---- directories ------------------------------------------------------ */

/* getdents (141): a record is ALIGN(10 + namlen + 2, 4) bytes; d_type is
 * its last byte. */
struct i386_dirent {
	uint32_t d_ino, d_off;
	uint16_t d_reclen;
	char     d_name[];
} __attribute__((packed));
#define I386_DIRENT_NAME 10

/* readdir (89): one entry per call */
struct i386_old_dirent {
	uint32_t d_ino, d_offset;
	uint16_t d_namlen;
	char     d_name[];
} __attribute__((packed));
#define I386_OLD_DIRENT_NAME 10

/* getdents64: the same on both */
struct native_dirent64 {
	uint64_t d_ino;
	int64_t  d_off;
	uint16_t d_reclen;
	uint8_t  d_type;
	char     d_name[];
};

/* ---- uname ------------------------------------------------------------ */

#define UTS_FIELD 65
struct native_utsname { char f[6][UTS_FIELD]; };      /* new_utsname */
struct i386_old_utsname { char f[5][UTS_FIELD]; };    /* old_utsname (109) */
struct i386_oldold_utsname { char f[5][9]; };         /* oldold_utsname (59) */

/* ---- resources -------------------------------------------------------- */

struct i386_rlimit { uint32_t rlim_cur, rlim_max; };
struct native_rlimit { uint64_t rlim_cur, rlim_max; };

struct i386_rusage {
	int32_t ru_utime[2], ru_stime[2];     /* struct old_timeval32 */
	int32_t ru_long[14];                  /* maxrss .. nivcsw */
};
_Static_assert(sizeof(struct i386_rusage) == 72, "i386 compat_rusage");

struct native_rusage {
	int64_t ru_utime[2], ru_stime[2];
	int64_t ru_long[14];
};
_Static_assert(sizeof(struct native_rusage) == 144, "x86-64 struct rusage");

struct i386_sysinfo {
	int32_t  uptime;
	uint32_t loads[3];
	uint32_t totalram, freeram, sharedram, bufferram, totalswap, freeswap;
	uint16_t procs, pad;
	uint32_t totalhigh, freehigh, mem_unit;
	char     f[8];
};
_Static_assert(sizeof(struct i386_sysinfo) == 64, "i386 compat_sysinfo");

struct native_sysinfo {
	int64_t  uptime;
	uint64_t loads[3];
	uint64_t totalram, freeram, sharedram, bufferram, totalswap, freeswap;
	uint16_t procs, pad;
	uint64_t totalhigh, freehigh;
	uint32_t mem_unit;
	char     f[4];
};
_Static_assert(sizeof(struct native_sysinfo) == 112, "x86-64 struct sysinfo");

/* SIGCHLD siginfo as waitid writes it: six ints on i386 */
struct i386_siginfo_chld {
	int32_t signo, err, code;
	int32_t pid;
	uint32_t uid;
	int32_t status;
};

struct native_siginfo {
	int32_t signo, err, code, pad;
	union {
		struct { int32_t pid; uint32_t uid; int32_t status; } chld;
		struct { int32_t pid; uint32_t uid; uint64_t value; } rt;
		int32_t raw[28];
	} u;
};
_Static_assert(sizeof(struct native_siginfo) == 128, "x86-64 siginfo");


/* ---- file I/O ---------------------------------------------------------- */

/* st_mode's file type bits (the same on both ABIs) */
#define S_IFMT_  0170000
#define S_IFREG_ 0100000

struct i386_iovec { uint32_t iov_base, iov_len; };
struct native_iovec { uint64_t iov_base, iov_len; };

/* fcntl F_GETLK/F_SETLK(W): 32-bit off_t */
struct i386_flock {
	int16_t l_type, l_whence;
	int32_t l_start, l_len;
	int32_t l_pid;
};
_Static_assert(sizeof(struct i386_flock) == 16, "i386 compat_flock");

/* F_GETLK64 and friends: packed, 24 bytes */
struct i386_flock64 {
	int16_t l_type, l_whence;
	int64_t l_start, l_len;
	int32_t l_pid;
} __attribute__((packed));
_Static_assert(sizeof(struct i386_flock64) == 24, "i386 compat_flock64");

struct native_flock {
	int16_t l_type, l_whence;
	int64_t l_start, l_len;
	int32_t l_pid;
};
_Static_assert(sizeof(struct native_flock) == 32, "x86-64 struct flock");

/* ---- memory ----------------------------------------------------------- */

/* old mmap (90): one pointer to the six arguments */
struct i386_mmap_args {
	uint32_t addr, len, prot, flags, fd, offset;
};

#endif
