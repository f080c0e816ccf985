/* personality/c/xl/ipc.c — SysV IPC (the ipc() multiplexer and the direct
 * calls) and the POSIX message queue calls whose structures differ on i386.
 *
 * Mirrors the kernel's compat layer (ipc/syscall.c, ipc/{sem,msg,shm}.c,
 * ipc/mqueue.c): the ctl calls convert the *id_ds structures in the IPC_64
 * layout (the direct calls always, ipc() when the command carries IPC_64)
 * or the old one; msgsnd/msgrcv convert the 32-bit mtype; shmat places a
 * segment the kernel would put anywhere inside the i386 address space.
 */
#include "core/persona.h"
#include "xl/i386_ipc.h"
#include "xl/i386_time.h"
#include "core/i386_types.h"
#include "xl/common.h"
#include <linux/ipc.h>
#include <linux/sem.h>
#include <linux/msg.h>
#include <linux/mman.h>

/* <linux/shm.h> pulls in libc; its ABI numbers: */
#define SHM_RDONLY   010000
#define SHM_REMAP    040000
#define SHM_LOCK     11
#define SHM_UNLOCK   12
#define SHM_STAT     13
#define SHM_INFO     14
#define SHM_STAT_ANY 15
#define O_CREAT_     0100

/* ipc() call numbers */
enum { IPC_SEMOP = 1, IPC_SEMGET, IPC_SEMCTL, IPC_SEMTIMEDOP,
       IPC_MSGSND = 11, IPC_MSGRCV, IPC_MSGGET, IPC_MSGCTL,
       IPC_SHMAT = 21, IPC_SHMDT, IPC_SHMGET, IPC_SHMCTL };

#define INT32_MAX_ 0x7fffffff
/* Messages up to this size are staged on the stack; larger ones in a
 * temporary mapping sized by the queue limit (msgmax). */
#define MSG_STACK 8192

/* ---- ipc_perm ----------------------------------------------------------- */

static void perm64_out(struct i386_ipc64_perm *o, const struct native_ipc64_perm *p)
{
	o->key = p->key;
	o->uid = p->uid;
	o->gid = p->gid;
	o->cuid = p->cuid;
	o->cgid = p->cgid;
	o->mode = (uint16_t)p->mode;
	o->seq = p->seq;
}

static void perm_out(struct i386_ipc_perm *o, const struct native_ipc64_perm *p)
{
	o->key = p->key;
	o->uid = high2low_id(p->uid);
	o->gid = high2low_id(p->gid);
	o->cuid = high2low_id(p->cuid);
	o->cgid = high2low_id(p->cgid);
	o->mode = (uint16_t)p->mode;
	o->seq = p->seq;
}

/* IPC_SET reads only the owner and the mode. */
static void perm64_in(struct native_ipc64_perm *p, const struct i386_ipc64_perm *o)
{
	p->uid = o->uid;
	p->gid = o->gid;
	p->mode = o->mode;
}

static void perm_in(struct native_ipc64_perm *p, const struct i386_ipc_perm *o)
{
	p->uid = low2high_id(o->uid);
	p->gid = low2high_id(o->gid);
	p->mode = o->mode;
}

static uint32_t lo32(int64_t v) { return (uint32_t)v; }
static uint32_t hi32(int64_t v) { return (uint32_t)((uint64_t)v >> 32); }

/* ---- semaphores ------------------------------------------------------- */

static long put_semid(uint32_t u, const struct native_semid64_ds *d, int version)
{
	if (version == IPC_64) {
		struct i386_semid64_ds v;
		memset(&v, 0, sizeof(v));
		perm64_out(&v.sem_perm, &d->sem_perm);
		v.sem_otime = lo32(d->sem_otime);
		v.sem_otime_high = hi32(d->sem_otime);
		v.sem_ctime = lo32(d->sem_ctime);
		v.sem_ctime_high = hi32(d->sem_ctime);
		v.sem_nsems = (uint32_t)d->sem_nsems;
		return copy_to_user(u, &v, sizeof(v)) ? -EFAULT : 0;
	}
	struct i386_semid_ds v;
	memset(&v, 0, sizeof(v));
	perm_out(&v.sem_perm, &d->sem_perm);
	v.sem_otime = (int32_t)d->sem_otime;
	v.sem_ctime = (int32_t)d->sem_ctime;
	v.sem_nsems = (uint16_t)d->sem_nsems;
	return copy_to_user(u, &v, sizeof(v)) ? -EFAULT : 0;
}

static long get_semid(struct native_semid64_ds *d, uint32_t u, int version)
{
	memset(d, 0, sizeof(*d));
	if (version == IPC_64) {
		struct i386_semid64_ds v;
		if (copy_from_user(&v, u, sizeof(v)))
			return -EFAULT;
		perm64_in(&d->sem_perm, &v.sem_perm);
		return 0;
	}
	struct i386_semid_ds v;
	if (copy_from_user(&v, u, sizeof(v)))
		return -EFAULT;
	perm_in(&d->sem_perm, &v.sem_perm);
	return 0;
}

/* The direct semctl and msgctl hand the command to the kernel's helpers
 * with IPC_64 still set, which only some of them mask: the STAT forms then
 * act as IPC_STAT and return the id, the INFO forms as IPC_INFO, SETVAL
 * works, and the rest fail with EINVAL (after IPC_SET read its argument).
 * Programs do pass IPC_64 to these calls, so this is kept as it is. */
enum { IPC64_NONE, IPC64_STAT, IPC64_INFO, IPC64_READ_EINVAL, IPC64_EINVAL };

static int ipc64_quirk(int32_t base, int stat1, int stat2, int info)
{
	if (base == IPC_STAT || base == stat1 || base == stat2)
		return IPC64_STAT;
	if (base == IPC_INFO || base == info)
		return IPC64_INFO;
	if (base == IPC_SET)
		return IPC64_READ_EINVAL;
	return IPC64_EINVAL;
}

static long do_semctl(int32_t id, int32_t num, int32_t cmd, uint32_t arg, int version)
{
	struct native_semid64_ds ds;
	int32_t base = cmd & ~IPC_64;
	long r;

	if (id < 0)
		return -EINVAL;
	if ((cmd & IPC_64) && base != SETVAL) {
		switch (ipc64_quirk(base, SEM_STAT, SEM_STAT_ANY, SEM_INFO)) {
		case IPC64_STAT:
			r = nsys4(__NR_semctl, id, num, IPC_STAT, &ds);
			if (r >= 0 && put_semid(arg, &ds, version))
				return -EFAULT;
			return r < 0 ? r : id;
		case IPC64_INFO:
			return nsys4(__NR_semctl, id, num, IPC_INFO, wide_u32(arg));
		case IPC64_READ_EINVAL:
			return get_semid(&ds, arg, version) ? -EFAULT : -EINVAL;
		default:
			return -EINVAL;
		}
	}
	switch (base) {
	case IPC_STAT:
	case SEM_STAT:
	case SEM_STAT_ANY:
		r = nsys4(__NR_semctl, id, num, base, &ds);
		if (r >= 0 && put_semid(arg, &ds, version))
			return -EFAULT;
		return r;
	case IPC_SET:
		if (get_semid(&ds, arg, version))
			return -EFAULT;
		return nsys4(__NR_semctl, id, num, base, &ds);
	case IPC_RMID:
	case IPC_INFO:          /* struct seminfo: ints on both */
	case SEM_INFO:
	case GETVAL:
	case GETPID:
	case GETNCNT:
	case GETZCNT:
	case GETALL:            /* arrays of unsigned short */
	case SETALL:
	case SETVAL:
		return nsys4(__NR_semctl, id, num, base, wide_u32(arg));
	}
	return -EINVAL;
}

XL(semctl)
{
	return do_semctl((int32_t)ARG0(f), (int32_t)ARG1(f), (int32_t)ARG2(f), ARG3(f), IPC_64);
}

static long do_semtimedop32(int32_t id, uint32_t sops, uint32_t nsops, uint32_t utmo)
{
	struct __kernel_timespec ts;

	if (!utmo)
		return nsys4(__NR_semtimedop, id, wide_u32(sops), nsops, 0);
	if (get_i386_timespec(&ts, utmo))
		return -EFAULT;
	return nsys4(__NR_semtimedop, id, wide_u32(sops), nsops, &ts);
}

/* ---- message queues (SysV) -------------------------------------------- */

static long put_msqid(uint32_t u, const struct native_msqid64_ds *d, int version)
{
	if (version == IPC_64) {
		struct i386_msqid64_ds v;
		memset(&v, 0, sizeof(v));
		perm64_out(&v.msg_perm, &d->msg_perm);
		v.msg_stime = lo32(d->msg_stime);
		v.msg_stime_high = hi32(d->msg_stime);
		v.msg_rtime = lo32(d->msg_rtime);
		v.msg_rtime_high = hi32(d->msg_rtime);
		v.msg_ctime = lo32(d->msg_ctime);
		v.msg_ctime_high = hi32(d->msg_ctime);
		v.msg_cbytes = (uint32_t)d->msg_cbytes;
		v.msg_qnum = (uint32_t)d->msg_qnum;
		v.msg_qbytes = (uint32_t)d->msg_qbytes;
		v.msg_lspid = d->msg_lspid;
		v.msg_lrpid = d->msg_lrpid;
		return copy_to_user(u, &v, sizeof(v)) ? -EFAULT : 0;
	}
	struct i386_msqid_ds v;
	memset(&v, 0, sizeof(v));
	perm_out(&v.msg_perm, &d->msg_perm);
	v.msg_stime = (int32_t)d->msg_stime;
	v.msg_rtime = (int32_t)d->msg_rtime;
	v.msg_ctime = (int32_t)d->msg_ctime;
	v.msg_cbytes = (uint16_t)d->msg_cbytes;
	v.msg_qnum = (uint16_t)d->msg_qnum;
	v.msg_qbytes = (uint16_t)d->msg_qbytes;
	v.msg_lspid = (uint16_t)d->msg_lspid;
	v.msg_lrpid = (uint16_t)d->msg_lrpid;
	return copy_to_user(u, &v, sizeof(v)) ? -EFAULT : 0;
}

static long get_msqid(struct native_msqid64_ds *d, uint32_t u, int version)
{
	memset(d, 0, sizeof(*d));
	if (version == IPC_64) {
		struct i386_msqid64_ds v;
		if (copy_from_user(&v, u, sizeof(v)))
			return -EFAULT;
		perm64_in(&d->msg_perm, &v.msg_perm);
		d->msg_qbytes = v.msg_qbytes;
		return 0;
	}
	struct i386_msqid_ds v;
	if (copy_from_user(&v, u, sizeof(v)))
		return -EFAULT;
	perm_in(&d->msg_perm, &v.msg_perm);
	d->msg_qbytes = v.msg_qbytes;
	return 0;
}

static long do_msgctl(int32_t id, int32_t cmd, uint32_t uptr, int version)
{
	struct native_msqid64_ds ds;
	int32_t base = cmd & ~IPC_64;
	long r;

	if (id < 0 || cmd < 0)
		return -EINVAL;
	if (cmd & IPC_64) {
		switch (ipc64_quirk(base, MSG_STAT, MSG_STAT_ANY, MSG_INFO)) {
		case IPC64_STAT:
			r = nsys3(__NR_msgctl, id, IPC_STAT, &ds);
			if (r >= 0 && put_msqid(uptr, &ds, version))
				return -EFAULT;
			return r < 0 ? r : id;
		case IPC64_INFO:
			return nsys3(__NR_msgctl, id, IPC_INFO, wide_u32(uptr));
		case IPC64_READ_EINVAL:
			return get_msqid(&ds, uptr, version) ? -EFAULT : -EINVAL;
		default:
			return -EINVAL;
		}
	}
	switch (base) {
	case IPC_INFO:          /* struct msginfo: ints on both */
	case MSG_INFO:
		return nsys3(__NR_msgctl, id, base, wide_u32(uptr));
	case IPC_STAT:
	case MSG_STAT:
	case MSG_STAT_ANY:
		r = nsys3(__NR_msgctl, id, base, &ds);
		if (r >= 0 && put_msqid(uptr, &ds, version))
			return -EFAULT;
		return r;
	case IPC_SET:
		if (get_msqid(&ds, uptr, version))
			return -EFAULT;
		return nsys3(__NR_msgctl, id, base, &ds);
	case IPC_RMID:
		return nsys3(__NR_msgctl, id, base, 0);
	}
	return -EINVAL;
}

XL(msgctl)
{
	return do_msgctl((int32_t)ARG0(f), (int32_t)ARG1(f), ARG2(f), IPC_64);
}

/* The largest message the queues take (kernel.msgmax). */
static long msgmax(void)
{
	struct msginfo mi;
	long r = nsys3(__NR_msgctl, 0, IPC_INFO, &mi);

	return r < 0 ? r : mi.msgmax;
}

/* A native struct msgbuf: the long mtype, then the text. */
struct msgstage {
	int64_t *buf;
	size_t   maplen;
	int64_t  local[1 + MSG_STACK / 8];
};

static long stage_alloc(struct msgstage *s, size_t text)
{
	s->maplen = 0;
	s->buf = s->local;
	if (text > MSG_STACK) {
		long p = nsys6(__NR_mmap, 0, 8 + text, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p < 0)
			return -ENOMEM;
		s->buf = (int64_t *)p;
		s->maplen = 8 + text;
	}
	return 0;
}

static void stage_free(struct msgstage *s)
{
	if (s->maplen)
		nsys2(__NR_munmap, s->buf, s->maplen);
}

/* msgsz is an i386 ssize_t: sign-extended, so a negative size reaches the
 * kernel's check as it does from i386. */
static long do_msgsnd(int32_t id, uint32_t umsg, int32_t msgsz, int32_t flg)
{
	struct msgstage s;
	int32_t mtype;
	long r;

	if (copy_from_user(&mtype, umsg, sizeof(mtype)))
		return -EFAULT;
	if (msgsz < 0 || id < 0 || mtype < 1 ||
	    (msgsz > MSG_STACK && msgsz > msgmax())) {
		/* refused before the text is read: no copy needed */
		int64_t hdr = mtype;
		return nsys4(__NR_msgsnd, id, &hdr, (long)msgsz, flg);
	}
	r = stage_alloc(&s, msgsz);
	if (r < 0)
		return r;
	s.buf[0] = mtype;
	if (copy_from_user(s.buf + 1, umsg + 4, msgsz))
		r = -EFAULT;
	else
		r = nsys4(__NR_msgsnd, id, s.buf, (long)msgsz, flg);
	stage_free(&s);
	return r;
}

XL(msgsnd)
{
	return do_msgsnd((int32_t)ARG0(f), ARG1(f), (int32_t)ARG2(f), (int32_t)ARG3(f));
}

static long do_msgrcv(int32_t id, uint32_t umsg, int32_t msgsz, int32_t msgtyp, int32_t flg)
{
	struct msgstage s;
	size_t room = msgsz > 0 ? (size_t)msgsz : 0;
	long r;

	if (id < 0 || msgsz < 0)
		return -EINVAL;
	if (room > MSG_STACK) {
		/* no message is longer than msgmax; should the limit be unreadable,
		 * a megabyte is far beyond its default (8 KiB) */
		long max = msgmax();
		if (max <= 0)
			max = 1 << 20;
		if (room > (size_t)max)
			room = max;
	}
	r = stage_alloc(&s, room);
	if (r < 0)
		return r;
	/* msgtyp is an i386 long: sign-extended */
	r = nsys5(__NR_msgrcv, id, s.buf, (long)room, (long)msgtyp, flg);
	if (r >= 0) {
		int32_t mtype = (int32_t)s.buf[0];
		if (copy_to_user(umsg, &mtype, sizeof(mtype)) ||
		    copy_to_user(umsg + 4, s.buf + 1, r))
			r = -EFAULT;
	}
	stage_free(&s);
	return r;
}

XL(msgrcv)
{
	return do_msgrcv((int32_t)ARG0(f), ARG1(f), (int32_t)ARG2(f), (int32_t)ARG3(f), (int32_t)ARG4(f));
}

/* ---- shared memory ---------------------------------------------------- */

static long put_shmid(uint32_t u, const struct native_shmid64_ds *d, int version)
{
	if (version == IPC_64) {
		struct i386_shmid64_ds v;
		memset(&v, 0, sizeof(v));
		perm64_out(&v.shm_perm, &d->shm_perm);
		v.shm_segsz = (uint32_t)d->shm_segsz;
		v.shm_atime = lo32(d->shm_atime);
		v.shm_atime_high = hi32(d->shm_atime);
		v.shm_dtime = lo32(d->shm_dtime);
		v.shm_dtime_high = hi32(d->shm_dtime);
		v.shm_ctime = lo32(d->shm_ctime);
		v.shm_ctime_high = hi32(d->shm_ctime);
		v.shm_cpid = d->shm_cpid;
		v.shm_lpid = d->shm_lpid;
		v.shm_nattch = (uint32_t)d->shm_nattch;
		return copy_to_user(u, &v, sizeof(v)) ? -EFAULT : 0;
	}
	struct i386_shmid_ds v;
	memset(&v, 0, sizeof(v));
	perm_out(&v.shm_perm, &d->shm_perm);
	v.shm_segsz = (int32_t)d->shm_segsz;
	v.shm_atime = (int32_t)d->shm_atime;
	v.shm_dtime = (int32_t)d->shm_dtime;
	v.shm_ctime = (int32_t)d->shm_ctime;
	v.shm_cpid = (uint16_t)d->shm_cpid;
	v.shm_lpid = (uint16_t)d->shm_lpid;
	v.shm_nattch = (uint16_t)d->shm_nattch;
	return copy_to_user(u, &v, sizeof(v)) ? -EFAULT : 0;
}

static long get_shmid(struct native_shmid64_ds *d, uint32_t u, int version)
{
	memset(d, 0, sizeof(*d));
	if (version == IPC_64) {
		struct i386_shmid64_ds v;
		if (copy_from_user(&v, u, sizeof(v)))
			return -EFAULT;
		perm64_in(&d->shm_perm, &v.shm_perm);
		return 0;
	}
	struct i386_shmid_ds v;
	if (copy_from_user(&v, u, sizeof(v)))
		return -EFAULT;
	perm_in(&d->shm_perm, &v.shm_perm);
	return 0;
}

static long do_shmctl(int32_t id, int32_t cmd, uint32_t uptr, int version)
{
	int32_t base = cmd & ~IPC_64;
	long r;

	if (cmd < 0 || id < 0)
		return -EINVAL;
	/* the direct shmctl does not mask IPC_64: no command matches */
	if (cmd & IPC_64)
		return -EINVAL;
	switch (base) {
	case IPC_INFO: {
		struct native_shminfo64 k;
		r = nsys3(__NR_shmctl, id, base, &k);
		if (r < 0)
			return r;
		/* the i386 view of an unlimited size is INT_MAX */
		if (k.shmmax > INT32_MAX_)
			k.shmmax = INT32_MAX_;
		if (version == IPC_64) {
			struct i386_shminfo64 v = { (uint32_t)k.shmmax, (uint32_t)k.shmmin, (uint32_t)k.shmmni,
						    (uint32_t)k.shmseg, (uint32_t)k.shmall, 0, 0, 0, 0 };
			return copy_to_user(uptr, &v, sizeof(v)) ? -EFAULT : r;
		}
		struct i386_shminfo v = { (int32_t)k.shmmax, (int32_t)k.shmmin, (int32_t)k.shmmni,
					  (int32_t)k.shmseg, (int32_t)k.shmall };
		return copy_to_user(uptr, &v, sizeof(v)) ? -EFAULT : r;
	}
	case SHM_INFO: {
		struct native_shm_info k;
		r = nsys3(__NR_shmctl, id, base, &k);
		if (r < 0)
			return r;
		struct i386_shm_info v = { k.used_ids, (uint32_t)k.shm_tot, (uint32_t)k.shm_rss,
					   (uint32_t)k.shm_swp, (uint32_t)k.swap_attempts,
					   (uint32_t)k.swap_successes };
		return copy_to_user(uptr, &v, sizeof(v)) ? -EFAULT : r;
	}
	case IPC_STAT:
	case SHM_STAT:
	case SHM_STAT_ANY: {
		struct native_shmid64_ds k;
		r = nsys3(__NR_shmctl, id, base, &k);
		if (r >= 0 && put_shmid(uptr, &k, version))
			return -EFAULT;
		return r;
	}
	case IPC_SET: {
		struct native_shmid64_ds k;
		if (get_shmid(&k, uptr, version))
			return -EFAULT;
		return nsys3(__NR_shmctl, id, base, &k);
	}
	case IPC_RMID:
	case SHM_LOCK:
	case SHM_UNLOCK:
		return nsys3(__NR_shmctl, id, base, 0);
	}
	return -EINVAL;
}

XL(shmctl)
{
	return do_shmctl((int32_t)ARG0(f), (int32_t)ARG1(f), ARG2(f), IPC_64);
}

/* A PROT_NONE range of len bytes inside the i386 address space. */
static long reserve_low(uint64_t len)
{
	if (len == 0 || len > 0xffffffffull)
		return -ENOMEM;
	return persona_vm_reserve((uint32_t)len);
}

/* Without an address the kernel would attach above 4 GiB: reserve a range
 * inside the i386 space and attach over it (SHM_REMAP replaces the
 * reservation in one step, so no other thread can take the range). */
static long do_shmat(int32_t id, uint32_t addr, int32_t flg, uint32_t *raddr)
{
	struct native_shmid64_ds ds;
	long r, base;
	uint64_t len;

	if (addr) {
		r = nsys3(__NR_shmat, id, wide_u32(addr), flg);
		if (r < 0)
			return r;
		*raddr = (uint32_t)r;
		return 0;
	}
	if (id < 0 || (flg & SHM_REMAP))
		return -EINVAL;
	r = nsys3(__NR_shmctl, id, IPC_STAT, &ds);
	if (r < 0)
		return r;
	len = (ds.shm_segsz + 4095) & ~4095ull;
	base = reserve_low(len);
	if (base < 0 || (uint64_t)base + len > 0x100000000ull) {
		if (base >= 0)
			nsys2(__NR_munmap, base, len);
		return -ENOMEM;
	}
	r = nsys3(__NR_shmat, id, base, flg | SHM_REMAP);
	if (r < 0) {
		nsys2(__NR_munmap, base, len);
		return r;
	}
	*raddr = (uint32_t)r;
	return 0;
}

static long do_shmdt(uint32_t addr)
{
	long r = nsys1(__NR_shmdt, wide_u32(addr));

	/* the segment's length is not known here */
	if (!r)
		persona_vm_released(addr, 0);
	return r;
}

XL(shmdt)
{
	return do_shmdt(ARG0(f));
}

XL(shmat)
{
	uint32_t raddr;
	long r = do_shmat((int32_t)ARG0(f), ARG1(f), (int32_t)ARG2(f), &raddr);

	return r < 0 ? r : (long)(int32_t)raddr;
}

/* ---- the ipc() multiplexer -------------------------------------------- */

XL(ipc)
{
	uint32_t call = ARG0(f) & 0xffff, version = ARG0(f) >> 16;
	int32_t first = (int32_t)ARG1(f), second = (int32_t)ARG2(f);
	uint32_t third = ARG3(f), ptr = ARG4(f), fifth = ARG5(f);

	switch (call) {
	case IPC_SEMOP:
		return do_semtimedop32(first, ptr, (uint32_t)second, 0);
	case IPC_SEMTIMEDOP:
		return do_semtimedop32(first, ptr, (uint32_t)second, fifth);
	case IPC_SEMGET:
		return nsys3(__NR_semget, first, second, (int32_t)third);
	case IPC_SEMCTL: {
		uint32_t arg;
		if (!ptr)
			return -EINVAL;
		if (copy_from_user(&arg, ptr, sizeof(arg)))
			return -EFAULT;
		return do_semctl(first, second, (int32_t)third & ~IPC_64, arg, (int32_t)third & IPC_64);
	}
	case IPC_MSGSND:
		return do_msgsnd(first, ptr, second, (int32_t)third);
	case IPC_MSGRCV:
		if (first < 0 || second < 0)
			return -EINVAL;
		if (!version) {
			struct { uint32_t msgp; int32_t msgtyp; } k;
			if (!ptr)
				return -EINVAL;
			if (copy_from_user(&k, ptr, sizeof(k)))
				return -EFAULT;
			return do_msgrcv(first, k.msgp, second, k.msgtyp, (int32_t)third);
		}
		return do_msgrcv(first, ptr, second, (int32_t)fifth, (int32_t)third);
	case IPC_MSGGET:
		return nsys2(__NR_msgget, first, second);
	case IPC_MSGCTL:
		return do_msgctl(first, second & ~IPC_64, ptr, second & IPC_64);
	case IPC_SHMAT: {
		uint32_t raddr;
		long r;
		if (version == 1)
			return -EINVAL;
		r = do_shmat(first, ptr, second, &raddr);
		if (r < 0)
			return r;
		return copy_to_user(third, &raddr, sizeof(raddr)) ? -EFAULT : 0;
	}
	case IPC_SHMDT:
		return do_shmdt(ptr);
	case IPC_SHMGET:
		return nsys3(__NR_shmget, first, (uint32_t)second, (int32_t)third);
	case IPC_SHMCTL:
		return do_shmctl(first, second & ~IPC_64, ptr, second & IPC_64);
	}
	return -ENOSYS;
}

/* ---- POSIX message queues --------------------------------------------- */

static long get_mq_attr(struct native_mq_attr *a, uint32_t u)
{
	struct i386_mq_attr v;

	if (copy_from_user(&v, u, sizeof(v)))
		return -EFAULT;
	memset(a, 0, sizeof(*a));
	a->mq_flags = v.mq_flags;
	a->mq_maxmsg = v.mq_maxmsg;
	a->mq_msgsize = v.mq_msgsize;
	a->mq_curmsgs = v.mq_curmsgs;
	return 0;
}

XL(mq_open)
{
	struct native_mq_attr a;
	int32_t oflag = (int32_t)ARG1(f);
	int use = ARG3(f) && (oflag & O_CREAT_);

	if (use && get_mq_attr(&a, ARG3(f)))
		return -EFAULT;
	return nsys4(__NR_mq_open, wide_u32(ARG0(f)), oflag, ARG2(f) & 0xffff, use ? &a : NULL);
}

XL(mq_getsetattr)
{
	struct native_mq_attr nv, ov;
	long r;

	if (ARG1(f) && get_mq_attr(&nv, ARG1(f)))
		return -EFAULT;
	r = nsys3(__NR_mq_getsetattr, wide_s32(ARG0(f)), ARG1(f) ? &nv : NULL, ARG2(f) ? &ov : NULL);
	if (r || !ARG2(f))
		return r;
	struct i386_mq_attr v = { (int32_t)ov.mq_flags, (int32_t)ov.mq_maxmsg, (int32_t)ov.mq_msgsize,
				  (int32_t)ov.mq_curmsgs, { 0, 0, 0, 0 } };
	return copy_to_user(ARG2(f), &v, sizeof(v)) ? -EFAULT : 0;
}

XL(mq_notify)
{
	struct native_sigevent ev;

	if (ARG1(f) && get_i386_sigevent(&ev, ARG1(f)))
		return -EFAULT;
	return nsys2(__NR_mq_notify, wide_s32(ARG0(f)), ARG1(f) ? &ev : NULL);
}

XL(mq_timedsend)
{
	struct __kernel_timespec ts;

	if (ARG4(f) && get_i386_timespec(&ts, ARG4(f)))
		return -EFAULT;
	return nsys5(__NR_mq_timedsend, wide_s32(ARG0(f)), wide_u32(ARG1(f)), wide_u32(ARG2(f)),
		     wide_u32(ARG3(f)), ARG4(f) ? &ts : NULL);
}

XL(mq_timedreceive)
{
	struct __kernel_timespec ts;

	if (ARG4(f) && get_i386_timespec(&ts, ARG4(f)))
		return -EFAULT;
	return nsys5(__NR_mq_timedreceive, wide_s32(ARG0(f)), wide_u32(ARG1(f)), wide_u32(ARG2(f)),
		     wide_u32(ARG3(f)), ARG4(f) ? &ts : NULL);
}
