/* tests/unit/test_xl_ipc.c — SysV IPC (direct calls and the ipc()
 * multiplexer, IPC_64 and old layouts) and POSIX message queues: the
 * kernel's ia32 layer against the translator on the same objects. */
#include "personality/c/xl/i386_ipc.h"
#include "personality/c/xl/i386_time.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/syscall.h>

#include "personality/c/core/persona.h"
#include "sysnr.h"
#include "xl_diff.h"

#define NR(x) I386_NR_##x
/* <sys/msg.h> is shadowed by the project's sys/msg.h (-I.): the ABI's
 * names and calls by number */
#define IPC_64   0x0100
#define MSG_INFO 12
#define MSG_NOERROR 010000
struct msginfo_ { int msgpool, msgmap, msgmax, msgmnb, msgmni, msgssz, msgtql; unsigned short msgseg; };
static int msgget(int key, int flg) { return syscall(SYS_msgget, key, flg); }
#define IPC_CALL(op, version) ((long)(((version) << 16) | (op)))
enum { SEMOP = 1, SEMGET, SEMCTL, SEMTIMEDOP, MSGSND = 11, MSGRCV, MSGGET, MSGCTL,
       SHMAT = 21, SHMDT, SHMGET, SHMCTL };

typedef long (*callfn)(long, long, long, long, long, long, long);

/* Runs the same call both ways on two copies of a buffer; compares the
 * results and n bytes. */
static void both(int line, long nr, long a, long b, long c, long d, long e, long off_arg,
		 uint8_t *kb, uint8_t *pb, size_t n)
{
	/* off_arg: which argument (1..5) is "the buffer"; 0 for none */
	long ka[5] = { a, b, c, d, e }, pa[5] = { a, b, c, d, e };
	if (off_arg) {
		ka[off_arg - 1] = LOW(kb) + ka[off_arg - 1];
		pa[off_arg - 1] = LOW(pb) + pa[off_arg - 1];
	}
	long kr = k32(nr, ka[0], ka[1], ka[2], ka[3], ka[4], 0);
	long pr = p32(nr, pa[0], pa[1], pa[2], pa[3], pa[4], 0);
	if (kr != pr)
		fail_msg("line %d: kernel %ld persona %ld", line, kr, pr);
	for (size_t i = 0; i < n; i++)
		if (kb[i] != pb[i])
			fail_msg("line %d: byte %zu: kernel %02x persona %02x", line, i, kb[i], pb[i]);
}

static void fill(uint8_t *kb, uint8_t *pb)
{
	memset(kb, XL_DIFF_FILL, 512);
	memset(pb, XL_DIFF_FILL, 512);
}

static void semaphores(void **state)
{
	uint8_t *kb = lowmem(4096), *pb = lowmem(4096);

	(void)state;
	persona_test_init();
	if (!k32_available())
		skip();
	int id = semget(IPC_PRIVATE, 3, IPC_CREAT | 0600);
	assert_true(id >= 0);
	/* SETVAL / GETVAL, direct and through ipc() (the argument by pointer) */
	assert_int_equal(p32(NR(semctl), id, 1, SETVAL, 7, 0, 0), 0);
	assert_int_equal(k32(NR(semctl), id, 1, GETVAL, 0, 0, 0), 7);
	assert_int_equal(p32(NR(semctl), id, 1, GETVAL, 0, 0, 0), 7);
	uint32_t *arg = (uint32_t *)(kb + 1024);
	*arg = 9;
	assert_int_equal(p32(NR(ipc), SEMCTL, id, 2, SETVAL, LOW(arg), 0), 0);
	assert_int_equal(k32(NR(ipc), SEMCTL, id, 2, GETVAL, LOW(arg), 0), 9);
	assert_int_equal(p32(NR(ipc), SEMCTL, id, 2, GETVAL, 0, 0), -EINVAL);
	assert_int_equal(k32(NR(ipc), SEMCTL, id, 2, GETVAL, 0, 0), -EINVAL);
	assert_int_equal(p32(NR(ipc), SEMCTL, id, 2, GETVAL, unmapped_low(), 0), -EFAULT);
	/* GETALL */
	fill(kb, pb);
	both(__LINE__, NR(semctl), id, 0, GETALL, 0, 0, 4, kb, pb, 64);
	/* IPC_STAT: direct (always IPC_64), ipc() with IPC_64 and old */
	fill(kb, pb);
	both(__LINE__, NR(semctl), id, 0, IPC_STAT, 0, 0, 4, kb, pb, 128);
	fill(kb, pb);
	both(__LINE__, NR(semctl), id, 0, IPC_STAT | IPC_64, 0, 0, 4, kb, pb, 128);
	for (int v = 0; v < 2; v++) {
		fill(kb, pb);
		*(uint32_t *)(kb + 256) = LOW(kb);
		*(uint32_t *)(pb + 256) = LOW(pb);
		long kr = k32(NR(ipc), SEMCTL, id, 0, IPC_STAT | (v ? IPC_64 : 0), LOW(kb + 256), 0);
		long pr = p32(NR(ipc), SEMCTL, id, 0, IPC_STAT | (v ? IPC_64 : 0), LOW(pb + 256), 0);
		assert_int_equal(kr, 0);
		assert_int_equal(pr, 0);
		assert_memory_equal(kb, pb, 128);
	}
	/* SEM_INFO, IPC_INFO, SEM_STAT by index */
	fill(kb, pb);
	both(__LINE__, NR(semctl), 0, 0, SEM_INFO, 0, 0, 4, kb, pb, 64);
	fill(kb, pb);
	both(__LINE__, NR(semctl), 0, 0, IPC_INFO, 0, 0, 4, kb, pb, 64);
	/* IPC_SET: mode through the translator, seen by the kernel */
	struct i386_semid64_ds *ds = (void *)pb;
	assert_int_equal(p32(NR(semctl), id, 0, IPC_STAT, LOW(ds), 0, 0), 0);
	ds->sem_perm.mode = 0640;
	assert_int_equal(p32(NR(semctl), id, 0, IPC_SET, LOW(ds), 0, 0), 0);
	fill(kb, pb);
	assert_int_equal(k32(NR(semctl), id, 0, IPC_STAT, LOW(kb), 0, 0), 0);
	assert_int_equal(((struct i386_semid64_ds *)kb)->sem_perm.mode, 0640);
	/* errors */
	both(__LINE__, NR(semctl), id, 0, IPC_STAT, unmapped_low(), 0, 0, kb, pb, 0);
	both(__LINE__, NR(semctl), id, 0, IPC_SET, unmapped_low(), 0, 0, kb, pb, 0);
	both(__LINE__, NR(semctl), -1, 0, IPC_STAT, 0, 0, 4, kb, pb, 0);
	both(__LINE__, NR(semctl), id, 0, 99, 0, 0, 4, kb, pb, 0);
	both(__LINE__, NR(semctl), 0x7fff0000, 0, IPC_STAT, 0, 0, 4, kb, pb, 0);
	/* semop / semtimedop through ipc(): take 1 from sem 1 (7), then a
	 * wait on sem 0 (0) that times out */
	struct sembuf *ops = (void *)(kb + 2048);
	ops[0] = (struct sembuf){ 1, -1, 0 };
	assert_int_equal(p32(NR(ipc), SEMOP, id, 1, 0, LOW(ops), 0), 0);
	assert_int_equal(k32(NR(ipc), SEMOP, id, 1, 0, LOW(ops), 0), 0);
	assert_int_equal(p32(NR(semctl), id, 1, GETVAL, 0, 0, 0), 5);
	ops[0] = (struct sembuf){ 0, -1, 0 };
	struct i386_timespec *ts = (void *)(kb + 2100);
	*ts = (struct i386_timespec){ 0, 1000000 };
	assert_int_equal(p32(NR(ipc), SEMTIMEDOP, id, 1, 0, LOW(ops), LOW(ts)), -EAGAIN);
	assert_int_equal(k32(NR(ipc), SEMTIMEDOP, id, 1, 0, LOW(ops), LOW(ts)), -EAGAIN);
	*ts = (struct i386_timespec){ 0, -1 };
	assert_int_equal(p32(NR(ipc), SEMTIMEDOP, id, 1, 0, LOW(ops), LOW(ts)),
			 k32(NR(ipc), SEMTIMEDOP, id, 1, 0, LOW(ops), LOW(ts)));
	assert_int_equal(p32(NR(ipc), SEMTIMEDOP, id, 1, 0, LOW(ops), unmapped_low()), -EFAULT);
	assert_int_equal(p32(NR(ipc), SEMOP, id, 1, 0, unmapped_low(), 0),
			 k32(NR(ipc), SEMOP, id, 1, 0, unmapped_low(), 0));
	assert_int_equal(p32(NR(ipc), 99, 0, 0, 0, 0, 0), -ENOSYS);
	assert_int_equal(k32(NR(ipc), 99, 0, 0, 0, 0, 0), -ENOSYS);
	/* a semget through ipc() */
	long id2 = p32(NR(ipc), SEMGET, IPC_PRIVATE, 1, IPC_CREAT | 0600, 0, 0);
	assert_true(id2 >= 0);
	assert_int_equal(p32(NR(ipc), SEMCTL, id2, 0, IPC_RMID, LOW(arg), 0), 0);
	assert_int_equal(p32(NR(semctl), id, 0, IPC_RMID, 0, 0, 0), 0);
}

static void messages(void **state)
{
	uint8_t *kb = lowmem(4096), *pb = lowmem(4096);

	(void)state;
	persona_test_init();
	if (!k32_available())
		skip();
	int id = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
	assert_true(id >= 0);
	/* i386 msgbuf: a 32-bit mtype, then the text */
	uint8_t *m = kb + 1024;
	*(int32_t *)m = 5;
	memcpy(m + 4, "hello", 5);
	assert_int_equal(p32(NR(msgsnd), id, LOW(m), 5, 0, 0, 0), 0);
	*(int32_t *)m = 6;
	memcpy(m + 4, "world!", 6);
	assert_int_equal(k32(NR(msgsnd), id, LOW(m), 6, 0, 0, 0), 0);
	/* IPC_STAT both ways: the same queue, the same bytes */
	fill(kb, pb);
	both(__LINE__, NR(msgctl), id, IPC_STAT, 0, 0, 0, 3, kb, pb, 128);
	for (int v = 0; v < 2; v++) {
		fill(kb, pb);
		both(__LINE__, NR(ipc), MSGCTL, id, IPC_STAT | (v ? IPC_64 : 0), 0, 0, 5, kb, pb, 128);
	}
	fill(kb, pb);
	both(__LINE__, NR(msgctl), 0, MSG_INFO, 0, 0, 0, 3, kb, pb, 64);
	/* receive each through the other way */
	uint8_t *r = pb + 1024;
	memset(r, 0, 64);
	assert_int_equal(k32(NR(msgrcv), id, LOW(r), 64, 5, 0, 0), 5);
	assert_int_equal(*(int32_t *)r, 5);
	assert_memory_equal(r + 4, "hello", 5);
	memset(r, 0, 64);
	assert_int_equal(p32(NR(msgrcv), id, LOW(r), 2, 0, IPC_NOWAIT, 0), -E2BIG);
	assert_int_equal(p32(NR(msgrcv), id, LOW(r), 64, 0, IPC_NOWAIT, 0), 6);
	assert_int_equal(*(int32_t *)r, 6);
	assert_memory_equal(r + 4, "world!", 6);
	assert_int_equal(p32(NR(msgrcv), id, LOW(r), 64, 0, IPC_NOWAIT, 0), -ENOMSG);
	/* through ipc(): send, then receive with the old kludge and the new form */
	*(int32_t *)m = 7;
	memcpy(m + 4, "abc", 3);
	assert_int_equal(p32(NR(ipc), MSGSND, id, 3, 0, LOW(m), 0), 0);
	assert_int_equal(p32(NR(ipc), MSGSND, id, 3, 0, LOW(m), 0), 0);
	uint32_t *kludge = (uint32_t *)(pb + 2048);
	kludge[0] = LOW(r), kludge[1] = 7;
	memset(r, 0, 64);
	assert_int_equal(p32(NR(ipc), IPC_CALL(MSGRCV, 0), id, 64, IPC_NOWAIT, LOW(kludge), 0), 3);
	assert_memory_equal(r + 4, "abc", 3);
	memset(r, 0, 64);
	assert_int_equal(k32(NR(ipc), IPC_CALL(MSGRCV, 1), id, 64, IPC_NOWAIT, LOW(r), 7), 3);
	assert_int_equal(*(int32_t *)r, 7);
	/* errors: each both ways */
	both(__LINE__, NR(msgsnd), id, 0, 5, 0, 0, 0, kb, pb, 0);
	both(__LINE__, NR(msgsnd), id, unmapped_low(), 5, 0, 0, 0, kb, pb, 0);
	*(int32_t *)m = 0;
	both(__LINE__, NR(msgsnd), id, LOW(m), 5, 0, 0, 0, kb, pb, 0);     /* mtype < 1 */
	*(int32_t *)m = 1;
	both(__LINE__, NR(msgsnd), id, LOW(m), -1, 0, 0, 0, kb, pb, 0);
	both(__LINE__, NR(msgsnd), id, LOW(m), 1 << 20, 0, 0, 0, kb, pb, 0);  /* over msgmax */
	both(__LINE__, NR(msgsnd), -1, LOW(m), 5, 0, 0, 0, kb, pb, 0);
	both(__LINE__, NR(msgrcv), id, LOW(r), -1, 0, IPC_NOWAIT, 0, kb, pb, 0);
	both(__LINE__, NR(msgrcv), -1, LOW(r), 5, 0, IPC_NOWAIT, 0, kb, pb, 0);
	both(__LINE__, NR(ipc), MSGRCV, id, 64, IPC_NOWAIT, 0, 0, kb, pb, 0);
	both(__LINE__, NR(ipc), MSGRCV, id, -1, IPC_NOWAIT, 0, 0, kb, pb, 0);
	both(__LINE__, NR(msgctl), id, IPC_STAT, unmapped_low(), 0, 0, 0, kb, pb, 0);
	both(__LINE__, NR(msgctl), id, 77, 0, 0, 0, 3, kb, pb, 0);
	/* a message larger than the stack staging through the translator */
	uint8_t *big = lowmem(65536);
	*(int32_t *)big = 3;
	for (int i = 0; i < 8000; i++)
		big[4 + i] = (uint8_t)i;
	int max = 0;
	{
		struct msginfo_ mi;
		max = syscall(SYS_msgctl, 0, IPC_INFO, &mi) >= 0 ? mi.msgmax : 0;
	}
	if (max >= 8000) {
		assert_int_equal(p32(NR(msgsnd), id, LOW(big), 8000, 0, 0, 0), 0);
		memset(big, 0, 8004);
		assert_int_equal(p32(NR(msgrcv), id, LOW(big), 60000, 3, 0, 0), 8000);
		for (int i = 0; i < 8000; i++)
			assert_int_equal(big[4 + i], (uint8_t)i);
	}
	/* IPC_SET qbytes and mode through the translator */
	struct i386_msqid64_ds *ds = (void *)pb;
	assert_int_equal(p32(NR(msgctl), id, IPC_STAT, LOW(ds), 0, 0, 0), 0);
	ds->msg_perm.mode = 0604;
	ds->msg_qbytes = 4096;
	assert_int_equal(p32(NR(msgctl), id, IPC_SET, LOW(ds), 0, 0, 0), 0);
	struct native_msqid64_ds n;
	assert_int_equal(syscall(SYS_msgctl, id, IPC_STAT, &n), 0);
	assert_int_equal(n.msg_perm.mode & 0777, 0604);
	assert_int_equal(n.msg_qbytes, 4096);
	assert_int_equal(p32(NR(ipc), MSGCTL, id, IPC_RMID, 0, 0, 0), 0);
}

static void shared_memory(void **state)
{
	uint8_t *kb = lowmem(4096), *pb = lowmem(4096);

	(void)state;
	persona_test_init();
	if (!k32_available())
		skip();
	int id = shmget(IPC_PRIVATE, 3 * 4096 + 100, IPC_CREAT | 0600);
	assert_true(id >= 0);
	long pa = p32(NR(shmat), id, 0, 0, 0, 0, 0);
	long ka = k32(NR(shmat), id, 0, 0, 0, 0, 0);
	assert_true(pa != 0 && (pa < 0 ? pa < -4095 : 1));
	assert_true(ka != 0);
	uint8_t *pp = (uint8_t *)(uintptr_t)(uint32_t)pa, *kp = (uint8_t *)(uintptr_t)(uint32_t)ka;
	strcpy((char *)pp + 4096, "shared");
	assert_string_equal((char *)kp + 4096, "shared");
	/* through ipc(): the address lands in *third */
	uint32_t *raddr = (uint32_t *)(kb + 2048);
	assert_int_equal(p32(NR(ipc), SHMAT, id, SHM_RDONLY, LOW(raddr), 0, 0), 0);
	assert_true(*raddr != 0);
	assert_string_equal((char *)(uintptr_t)*raddr + 4096, "shared");
	assert_int_equal(p32(NR(ipc), SHMDT, 0, 0, 0, *raddr, 0), 0);
	assert_int_equal(p32(NR(ipc), IPC_CALL(SHMAT, 1), id, 0, LOW(raddr), 0, 0), -EINVAL);
	assert_int_equal(p32(NR(ipc), SHMAT, id, 0, unmapped_low(), 0, 0),
			 k32(NR(ipc), SHMAT, id, 0, unmapped_low(), 0, 0));
	/* stats: the same segment both ways (atime moves: compare the rest) */
	fill(kb, pb);
	both(__LINE__, NR(shmctl), id, IPC_STAT, 0, 0, 0, 3, kb, pb, 0);
	struct i386_shmid64_ds *k = (void *)kb, *p = (void *)pb;
	assert_int_equal(k->shm_segsz, 3 * 4096 + 100);
	assert_int_equal(p->shm_segsz, k->shm_segsz);
	/* both attaches, plus one left by each failed ipc(SHMAT) store above */
	assert_int_equal(p->shm_nattch, 4);
	assert_int_equal(k->shm_nattch, 4);
	assert_memory_equal(&k->shm_perm, &p->shm_perm, sizeof(k->shm_perm));
	assert_int_equal(k->shm_cpid, p->shm_cpid);
	for (int v = 0; v < 2; v++) {
		fill(kb, pb);
		both(__LINE__, NR(ipc), SHMCTL, id, IPC_STAT | (v ? IPC_64 : 0), 0, 0, 5, kb, pb, 0);
		assert_memory_equal(kb, pb, 24);
	}
	fill(kb, pb);
	both(__LINE__, NR(shmctl), 0, IPC_INFO, 0, 0, 0, 3, kb, pb, 128);
	fill(kb, pb);
	both(__LINE__, NR(ipc), SHMCTL, 0, IPC_INFO, 0, 0, 5, kb, pb, 128);
	fill(kb, pb);
	both(__LINE__, NR(shmctl), 0, SHM_INFO, 0, 0, 0, 3, kb, pb, 128);
	both(__LINE__, NR(shmctl), id, IPC_STAT, unmapped_low(), 0, 0, 0, kb, pb, 0);
	both(__LINE__, NR(shmctl), -1, IPC_STAT, 0, 0, 0, 3, kb, pb, 0);
	both(__LINE__, NR(shmctl), id, 99, 0, 0, 0, 3, kb, pb, 0);
	assert_int_equal(p32(NR(shmat), -1, 0, 0, 0, 0, 0), k32(NR(shmat), -1, 0, 0, 0, 0, 0));
	assert_int_equal(p32(NR(shmat), id, 0, SHM_REMAP, 0, 0, 0), k32(NR(shmat), id, 0, SHM_REMAP, 0, 0, 0));
	assert_int_equal(p32(NR(shmdt), pa, 0, 0, 0, 0, 0), 0);
	assert_int_equal(k32(NR(shmdt), ka, 0, 0, 0, 0, 0), 0);
	assert_int_equal(p32(NR(shmctl), id, IPC_RMID, 0, 0, 0, 0), 0);
}

static void posix_queues(void **state)
{
	uint8_t *b = lowmem(4096);

	(void)state;
	persona_test_init();
	if (!k32_available())
		skip();
	char *kname = (char *)b, *pname = (char *)b + 64;
	snprintf(kname, 64, "/persona-k-%d", getpid());
	snprintf(pname, 64, "/persona-p-%d", getpid());
	struct i386_mq_attr *attr = (void *)(b + 256);
	*attr = (struct i386_mq_attr){ 0, 4, 64, 0, { 0 } };
	long kq = k32(NR(mq_open), LOW(kname), O_CREAT | O_RDWR, 0600, LOW(attr), 0, 0);
	long pq = p32(NR(mq_open), LOW(pname), O_CREAT | O_RDWR, 0600, LOW(attr), 0, 0);
	if (kq == -ENOSYS || kq == -EACCES) {
		skip();
	}
	assert_true(kq >= 0 && pq >= 0);
	struct i386_mq_attr *ka = (void *)(b + 512), *pa = (void *)(b + 600);
	memset(ka, 0xa5, 40);
	memset(pa, 0xa5, 40);
	assert_int_equal(k32(NR(mq_getsetattr), kq, 0, LOW(ka), 0, 0, 0), 0);
	assert_int_equal(p32(NR(mq_getsetattr), pq, 0, LOW(pa), 0, 0, 0), 0);
	assert_memory_equal(ka, pa, 40);
	assert_int_equal(pa->mq_maxmsg, 4);
	assert_int_equal(pa->mq_msgsize, 64);
	/* set O_NONBLOCK through the translator */
	struct i386_mq_attr *nv = (void *)(b + 700);
	*nv = (struct i386_mq_attr){ O_NONBLOCK, 0, 0, 0, { 0 } };
	assert_int_equal(p32(NR(mq_getsetattr), pq, LOW(nv), LOW(pa), 0, 0, 0), 0);
	assert_int_equal(p32(NR(mq_getsetattr), pq, 0, LOW(pa), 0, 0, 0), 0);
	assert_int_equal(pa->mq_flags, O_NONBLOCK);
	/* send and receive with 32-bit timeouts */
	struct i386_timespec *ts = (void *)(b + 800);
	*ts = (struct i386_timespec){ 0, 0 };
	char *msg = (char *)b + 1024;
	strcpy(msg, "queued");
	assert_int_equal(p32(NR(mq_timedsend), pq, LOW(msg), 6, 3, LOW(ts), 0), 0);
	uint32_t *prio = (uint32_t *)(b + 900);
	char *rcv = (char *)b + 2048;
	memset(rcv, 0, 64);
	assert_int_equal(p32(NR(mq_timedreceive), pq, LOW(rcv), 64, LOW(prio), LOW(ts), 0), 6);
	assert_string_equal(rcv, "queued");
	assert_int_equal(*prio, 3);
	assert_int_equal(p32(NR(mq_timedreceive), pq, LOW(rcv), 64, LOW(prio), LOW(ts), 0), -EAGAIN);
	/* an absolute timeout in the past on a blocking queue: ETIMEDOUT */
	*ts = (struct i386_timespec){ 1, 0 };
	assert_int_equal(p32(NR(mq_timedreceive), kq, LOW(rcv), 64, LOW(prio), LOW(ts), 0),
			 k32(NR(mq_timedreceive), kq, LOW(rcv), 64, LOW(prio), LOW(ts), 0));
	*ts = (struct i386_timespec){ 1, -1 };
	assert_int_equal(p32(NR(mq_timedreceive), kq, LOW(rcv), 64, LOW(prio), LOW(ts), 0),
			 k32(NR(mq_timedreceive), kq, LOW(rcv), 64, LOW(prio), LOW(ts), 0));
	assert_int_equal(p32(NR(mq_timedsend), kq, LOW(msg), 6, 0, unmapped_low(), 0), -EFAULT);
	assert_int_equal(p32(NR(mq_getsetattr), pq, unmapped_low(), 0, 0, 0, 0), -EFAULT);
	assert_int_equal(p32(NR(mq_open), LOW(pname), O_CREAT | O_RDWR, 0600, unmapped_low(), 0, 0), -EFAULT);
	/* mq_notify with an i386 sigevent, then unregister */
	struct i386_sigevent *ev = (void *)(b + 3000);
	memset(ev, 0, sizeof(*ev));
	ev->sigev_notify = SIGEV_SIGNAL;
	ev->sigev_signo = SIGUSR1;
	assert_int_equal(p32(NR(mq_notify), pq, LOW(ev), 0, 0, 0, 0), 0);
	assert_int_equal(p32(NR(mq_notify), pq, LOW(ev), 0, 0, 0, 0), -EBUSY);
	assert_int_equal(p32(NR(mq_notify), pq, 0, 0, 0, 0, 0), 0);
	assert_int_equal(p32(NR(mq_notify), pq, unmapped_low(), 0, 0, 0, 0), -EFAULT);
	close(kq);
	close(pq);
	syscall(SYS_mq_unlink, kname);
	syscall(SYS_mq_unlink, pname);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(semaphores),
		cmocka_unit_test(messages),
		cmocka_unit_test(shared_memory),
		cmocka_unit_test(posix_queues),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
