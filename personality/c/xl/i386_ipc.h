/* personality/c/xl/i386_ipc.h — i386 layouts of the SysV IPC and POSIX message
 * queue structures, and their x86-64 counterparts.
 *
 * IPC_64 ("new") layouts carry 32-bit uids and split 64-bit times into
 * low/high words; the old layouts (no IPC_64 bit, ipc() multiplexer only)
 * have 16-bit ids. Sizes are those of the kernel's compat structs.
 */
#ifndef PERSONA_I386_IPC_H
#define PERSONA_I386_IPC_H

#include <stddef.h>
#include <stdint.h>

struct i386_ipc64_perm {
	int32_t  key;
	uint32_t uid, gid, cuid, cgid;
	uint16_t mode, pad1;
	uint16_t seq, pad2;
	uint32_t unused1, unused2;
};
_Static_assert(sizeof(struct i386_ipc64_perm) == 36, "i386 compat_ipc64_perm");

struct i386_ipc_perm {          /* old: 16-bit ids */
	int32_t  key;
	uint16_t uid, gid, cuid, cgid;
	uint16_t mode, seq;
};
_Static_assert(sizeof(struct i386_ipc_perm) == 16, "i386 compat_ipc_perm");

struct i386_semid64_ds {
	struct i386_ipc64_perm sem_perm;
	uint32_t sem_otime, sem_otime_high, sem_ctime, sem_ctime_high;
	uint32_t sem_nsems, unused3, unused4;
};
_Static_assert(sizeof(struct i386_semid64_ds) == 64, "i386 compat_semid64_ds");

struct i386_semid_ds {
	struct i386_ipc_perm sem_perm;
	int32_t  sem_otime, sem_ctime;
	uint32_t sem_base, sem_pending, sem_pending_last, undo;
	uint16_t sem_nsems;
};
_Static_assert(sizeof(struct i386_semid_ds) == 44, "i386 compat_semid_ds");

struct i386_msqid64_ds {
	struct i386_ipc64_perm msg_perm;
	uint32_t msg_stime, msg_stime_high, msg_rtime, msg_rtime_high, msg_ctime, msg_ctime_high;
	uint32_t msg_cbytes, msg_qnum, msg_qbytes;
	int32_t  msg_lspid, msg_lrpid;
	uint32_t unused4, unused5;
};
_Static_assert(sizeof(struct i386_msqid64_ds) == 88, "i386 compat_msqid64_ds");

struct i386_msqid_ds {
	struct i386_ipc_perm msg_perm;
	uint32_t msg_first, msg_last;
	int32_t  msg_stime, msg_rtime, msg_ctime;
	uint32_t msg_lcbytes, msg_lqbytes;
	uint16_t msg_cbytes, msg_qnum, msg_qbytes;
	uint16_t msg_lspid, msg_lrpid;
};
_Static_assert(sizeof(struct i386_msqid_ds) == 56, "i386 compat_msqid_ds");

struct i386_shmid64_ds {
	struct i386_ipc64_perm shm_perm;
	uint32_t shm_segsz;
	uint32_t shm_atime, shm_atime_high, shm_dtime, shm_dtime_high, shm_ctime, shm_ctime_high;
	int32_t  shm_cpid, shm_lpid;
	uint32_t shm_nattch, unused4, unused5;
};
_Static_assert(sizeof(struct i386_shmid64_ds) == 84, "i386 compat_shmid64_ds");

struct i386_shmid_ds {
	struct i386_ipc_perm shm_perm;
	int32_t  shm_segsz;
	int32_t  shm_atime, shm_dtime, shm_ctime;
	uint16_t shm_cpid, shm_lpid;
	uint16_t shm_nattch, shm_unused;
	uint32_t shm_unused2, shm_unused3;
};
_Static_assert(sizeof(struct i386_shmid_ds) == 48, "i386 compat_shmid_ds");

struct i386_shminfo64 {
	uint32_t shmmax, shmmin, shmmni, shmseg, shmall, unused1, unused2, unused3, unused4;
};
_Static_assert(sizeof(struct i386_shminfo64) == 36, "i386 compat_shminfo64");

struct i386_shminfo {           /* old */
	int32_t shmmax, shmmin, shmmni, shmseg, shmall;
};

struct i386_shm_info {
	int32_t  used_ids;
	uint32_t shm_tot, shm_rss, shm_swp, swap_attempts, swap_successes;
};
_Static_assert(sizeof(struct i386_shm_info) == 24, "i386 compat_shm_info");

struct i386_mq_attr {
	int32_t mq_flags, mq_maxmsg, mq_msgsize, mq_curmsgs;
	int32_t reserved[4];
};
_Static_assert(sizeof(struct i386_mq_attr) == 32, "i386 compat_mq_attr");

/* ---- x86-64 ---------------------------------------------------------- */

struct native_ipc64_perm {
	int32_t  key;
	uint32_t uid, gid, cuid, cgid;
	uint32_t mode;
	uint16_t seq, pad2;
	uint64_t unused1, unused2;
};
_Static_assert(sizeof(struct native_ipc64_perm) == 48, "x86-64 ipc64_perm");

struct native_semid64_ds {
	struct native_ipc64_perm sem_perm;
	int64_t  sem_otime;
	uint64_t unused1;
	int64_t  sem_ctime;
	uint64_t unused2;
	uint64_t sem_nsems, unused3, unused4;
};
_Static_assert(sizeof(struct native_semid64_ds) == 104, "x86-64 semid64_ds");

struct native_msqid64_ds {
	struct native_ipc64_perm msg_perm;
	int64_t  msg_stime, msg_rtime, msg_ctime;
	uint64_t msg_cbytes, msg_qnum, msg_qbytes;
	int32_t  msg_lspid, msg_lrpid;
	uint64_t unused4, unused5;
};
_Static_assert(sizeof(struct native_msqid64_ds) == 120, "x86-64 msqid64_ds");

struct native_shmid64_ds {
	struct native_ipc64_perm shm_perm;
	uint64_t shm_segsz;
	int64_t  shm_atime, shm_dtime, shm_ctime;
	int32_t  shm_cpid, shm_lpid;
	uint64_t shm_nattch, unused4, unused5;
};
_Static_assert(sizeof(struct native_shmid64_ds) == 112, "x86-64 shmid64_ds");

struct native_shminfo64 {
	uint64_t shmmax, shmmin, shmmni, shmseg, shmall, unused1, unused2, unused3, unused4;
};

struct native_shm_info {
	int32_t  used_ids;
	uint64_t shm_tot, shm_rss, shm_swp, swap_attempts, swap_successes;
};
_Static_assert(sizeof(struct native_shm_info) == 48, "x86-64 shm_info");

struct native_mq_attr {
	int64_t mq_flags, mq_maxmsg, mq_msgsize, mq_curmsgs;
	int64_t reserved[4];
};
_Static_assert(sizeof(struct native_mq_attr) == 64, "x86-64 mq_attr");

#endif
