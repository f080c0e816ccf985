/* tests/prog/xlcalls.c — the translated time, polling, socket, SysV IPC
 * and futex calls at work in an i386 program, through libc as programs use
 * them. Prints only what must be the same natively and under persona:
 * outcomes, never times, pids or addresses. One argument picks a part
 * (time, poll, net, ipc, futex, threads); none runs them all. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/futex.h>
#include <linux/net.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/select.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/timex.h>
#include <sys/times.h>
#include <sys/uio.h>

#define SAY(...) (printf(__VA_ARGS__), fflush(stdout))

static volatile sig_atomic_t alarms;
static void on_alarm(int sig) { (void)sig; alarms++; }

static void part_time(void)
{
	struct timespec ts, mono, res;
	struct timeval tv;
	time_t t = time(NULL);

	clock_gettime(CLOCK_REALTIME, &ts);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	gettimeofday(&tv, NULL);
	SAY("clocks agree: %s\n", llabs((long long)ts.tv_sec - t) <= 2 && llabs((long long)tv.tv_sec - t) <= 2 ? "yes" : "no");
	int r = clock_getres(CLOCK_MONOTONIC, &res);
	SAY("clock_getres: %d %d\n", r, res.tv_nsec > 0);
	r = clock_gettime((clockid_t)99, &ts);
	SAY("bad clock: %d %d\n", r, errno);
	struct timespec nap = { 0, 1000000 };
	SAY("nanosleep: %d\n", nanosleep(&nap, NULL));
	SAY("clock_nanosleep: %d\n", clock_nanosleep(CLOCK_MONOTONIC, 0, &nap, NULL));
	nap.tv_nsec = 2000000000;
	r = nanosleep(&nap, NULL);
	SAY("nanosleep EINVAL: %d %d\n", r, errno);

	struct sigaction sa = { .sa_handler = on_alarm };
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval it = { { 0, 0 }, { 0, 20000 } }, old;
	SAY("setitimer: %d\n", setitimer(ITIMER_REAL, &it, NULL));
	r = getitimer(ITIMER_REAL, &old);
	SAY("getitimer: %d armed %d\n", r, old.it_value.tv_sec == 0 && old.it_value.tv_usec > 0);
	while (!alarms)
		pause();
	SAY("itimer fired: %d\n", (int)alarms);

	timer_t id;
	struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGALRM };
	SAY("timer_create: %d\n", timer_create(CLOCK_MONOTONIC, &ev, &id));
	struct itimerspec its = { { 0, 0 }, { 0, 10000000 } }, got;
	SAY("timer_settime: %d\n", timer_settime(id, 0, &its, NULL));
	r = timer_gettime(id, &got);
	SAY("timer_gettime: %d armed %d\n", r, got.it_value.tv_sec == 0 && got.it_value.tv_nsec > 0);
	while (alarms < 2)
		pause();
	SAY("timer fired: %d\n", (int)alarms);
	timer_delete(id);

	int tfd = timerfd_create(CLOCK_MONOTONIC, 0);
	its.it_value.tv_nsec = 5000000;
	SAY("timerfd_settime: %d\n", timerfd_settime(tfd, 0, &its, NULL));
	uint64_t n = 0;
	r = (int)read(tfd, &n, sizeof(n));
	SAY("timerfd read: %d fired %d\n", r, n >= 1);
	r = timerfd_gettime(tfd, &got);
	SAY("timerfd_gettime: %d disarmed %d\n", r, got.it_value.tv_sec == 0 && got.it_value.tv_nsec == 0);
	close(tfd);

	struct tms tm;
	SAY("times: %d\n", times(&tm) != (clock_t)-1);
	struct timex tx = { .modes = 0 };
	SAY("adjtimex: %d\n", adjtimex(&tx) >= 0);

	int fd = open("stamp", O_CREAT | O_WRONLY, 0644);
	close(fd);
	struct timeval tvs[2] = { { 1000000000, 5 }, { 1100000000, 7 } };
	struct stat st;
	SAY("utimes: %d\n", utimes("stamp", tvs));
	stat("stamp", &st);
	SAY("times set: %ld %ld %ld\n", (long)st.st_atime, (long)st.st_mtime, (long)st.st_mtim.tv_nsec);
	struct timespec tss[2] = { { 1200000000, 9 }, { 0, UTIME_OMIT } };
	SAY("utimensat: %d\n", utimensat(AT_FDCWD, "stamp", tss, 0));
	stat("stamp", &st);
	SAY("times set: %ld %ld %ld\n", (long)st.st_atime, (long)st.st_atim.tv_nsec, (long)st.st_mtime);
	unlink("stamp");
}

static void part_poll(void)
{
	int p[2];
	fd_set rs, ws;
	struct timeval tv = { 0, 20000 };

	pipe(p);
	FD_ZERO(&rs);
	FD_SET(p[0], &rs);
	int r = select(p[0] + 1, &rs, NULL, NULL, &tv);
	SAY("select empty: %d\n", r);
	SAY("select timeout consumed: %d\n", tv.tv_sec == 0 && tv.tv_usec < 20000);
	write(p[1], "x", 1);
	FD_ZERO(&rs);
	FD_SET(p[0], &rs);
	FD_ZERO(&ws);
	FD_SET(p[1], &ws);
	int nfd = (p[0] > p[1] ? p[0] : p[1]) + 1;
	r = select(nfd, &rs, &ws, NULL, NULL);
	SAY("select ready: %d %d %d\n", r, FD_ISSET(p[0], &rs), FD_ISSET(p[1], &ws));
	/* a descriptor above 32 and above 64: two and three 32-bit words */
	int hi = dup2(p[0], 40), hi2 = dup2(p[0], 70);
	FD_ZERO(&rs);
	FD_SET(hi, &rs);
	FD_SET(hi2, &rs);
	r = select(hi2 + 1, &rs, NULL, NULL, NULL);
	SAY("select high: %d %d %d\n", r, FD_ISSET(hi, &rs), FD_ISSET(hi2, &rs));
	struct timespec ts = { 0, 1000000 };
	sigset_t mask;
	sigemptyset(&mask);
	FD_ZERO(&rs);
	FD_SET(p[0], &rs);
	SAY("pselect: %d\n", pselect(p[0] + 1, &rs, NULL, NULL, &ts, &mask));
	struct pollfd pf[2] = { { p[0], POLLIN, 0 }, { p[1], POLLOUT, 0 } };
	r = poll(pf, 2, 100);
	SAY("poll: %d %x %x\n", r, pf[0].revents, pf[1].revents);
	SAY("ppoll: %d\n", ppoll(pf, 2, &ts, &mask));
	int ep = epoll_create1(0);
	struct epoll_event e = { .events = EPOLLIN, .data.u64 = 0x1122334455667788ull }, out[2];
	epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &e);
	int k = epoll_wait(ep, out, 2, 100);
	SAY("epoll: %d %x %llx\n", k, out[0].events, (unsigned long long)out[0].data.u64);
	SAY("epoll_pwait: %d\n", epoll_pwait(ep, out, 2, 100, &mask));
	close(ep);
	close(hi);
	close(hi2);
	close(p[0]);
	close(p[1]);
}

static void part_net(void)
{
	int sv[2], p[2];

	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	pipe(p);
	/* SCM_RIGHTS: pass the pipe's write end */
	char data[8] = "fd!";
	struct iovec iov = { data, 3 };
	union { char buf[CMSG_SPACE(2 * sizeof(int))]; struct cmsghdr align; } u;
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			    .msg_controllen = CMSG_SPACE(sizeof(int)) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &p[1], sizeof(int));
	SAY("sendmsg rights: %d\n", (int)sendmsg(sv[0], &m, 0));
	memset(data, 0, sizeof(data));
	memset(u.buf, 0, sizeof(u.buf));
	m.msg_controllen = sizeof(u.buf);
	iov.iov_len = sizeof(data);
	int r = (int)recvmsg(sv[1], &m, 0);
	SAY("recvmsg rights: %d %s flags %x\n", r, data, m.msg_flags);
	c = CMSG_FIRSTHDR(&m);
	int got = -1;
	if (c && c->cmsg_type == SCM_RIGHTS)
		memcpy(&got, CMSG_DATA(c), sizeof(int));
	char ch = 0;
	r = (int)write(got, "z", 1);
	int r2 = (int)read(p[0], &ch, 1);
	SAY("passed fd works: %d %d %c\n", r, r2, ch);
	close(got);
	/* two fds, room for one: MSG_CTRUNC, the other never appears */
	c = CMSG_FIRSTHDR(&m);
	m.msg_controllen = CMSG_SPACE(2 * sizeof(int));
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(2 * sizeof(int));
	int two[2] = { p[1], p[1] };
	memcpy(CMSG_DATA(c), two, sizeof(two));
	iov.iov_len = 3;
	sendmsg(sv[0], &m, 0);
	m.msg_controllen = CMSG_SPACE(sizeof(int));
	iov.iov_len = sizeof(data);
	int before = dup(0);
	close(before);
	r = (int)recvmsg(sv[1], &m, 0);
	SAY("recvmsg truncated: %d ctrunc %d\n", r, !!(m.msg_flags & MSG_CTRUNC));
	c = CMSG_FIRSTHDR(&m);
	if (c) {
		memcpy(&got, CMSG_DATA(c), sizeof(int));
		close(got);
	}
	int after = dup(0);
	SAY("no fd leaked: %d\n", after == before);
	close(after);
	close(sv[0]);
	close(sv[1]);

	/* credentials */
	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	int one = 1;
	setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &one, sizeof(one));
	send(sv[0], "c", 1, 0);
	m.msg_controllen = sizeof(u.buf) + 0;
	union { char buf[CMSG_SPACE(sizeof(struct ucred))]; struct cmsghdr align; } cu;
	m.msg_control = cu.buf;
	m.msg_controllen = sizeof(cu.buf);
	r = (int)recvmsg(sv[1], &m, 0);
	SAY("recvmsg creds: %d", r);
	c = CMSG_FIRSTHDR(&m);
	struct ucred cr = { 0, 0, 0 };
	if (c && c->cmsg_type == SCM_CREDENTIALS)
		memcpy(&cr, CMSG_DATA(c), sizeof(cr));
	SAY(" mine %d\n", cr.pid == getpid() && cr.uid == getuid());
	/* sendmmsg / recvmmsg */
	struct mmsghdr mm[3];
	char bufs[3][8] = { "one", "two", "three" };
	struct iovec iovs[3];
	for (int i = 0; i < 3; i++) {
		iovs[i] = (struct iovec){ bufs[i], strlen(bufs[i]) };
		mm[i] = (struct mmsghdr){ { .msg_iov = &iovs[i], .msg_iovlen = 1 }, 0 };
	}
	SAY("sendmmsg: %d\n", sendmmsg(sv[0], mm, 3, 0));
	memset(bufs, 0, sizeof(bufs));
	for (int i = 0; i < 3; i++)
		iovs[i].iov_len = 8;
	struct timespec tmo = { 1, 0 };
	r = recvmmsg(sv[1], mm, 3, MSG_WAITFORONE, &tmo);
	SAY("recvmmsg: %d", r);
	SAY(" %s %s %s %u\n", bufs[0], bufs[1], bufs[2], mm[2].msg_len);
	/* receive timeout: SO_RCVTIMEO with a 32-bit timeval */
	struct timeval rt = { 0, 50000 }, rt2;
	socklen_t rl = sizeof(rt2);
	r = setsockopt(sv[1], SOL_SOCKET, SO_RCVTIMEO, &rt, sizeof(rt));
	r2 = getsockopt(sv[1], SOL_SOCKET, SO_RCVTIMEO, &rt2, &rl);
	SAY("SO_RCVTIMEO: %d %d %ld %ld %d\n", r, r2, (long)rt2.tv_sec, (long)rt2.tv_usec, (int)rl);
	r = (int)recv(sv[1], data, 1, 0);
	SAY("recv times out: %d %d\n", r, errno == EAGAIN);
	close(sv[0]);
	close(sv[1]);

	/* TCP on loopback; socketcall by hand as old programs do */
	int ls = socket(AF_INET, SOCK_STREAM, 0), cs = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t sl = sizeof(sin);
	long args[3] = { ls, (long)&sin, sizeof(sin) };
	SAY("socketcall bind: %ld\n", syscall(SYS_socketcall, SYS_BIND, args));
	listen(ls, 2);
	getsockname(ls, (struct sockaddr *)&sin, &sl);
	SAY("connect: %d\n", connect(cs, (struct sockaddr *)&sin, sizeof(sin)));
	int as = accept(ls, NULL, NULL);
	SAY("accept: %d\n", as >= 0);
	r = (int)send(cs, "tcp", 3, 0);
	memset(data, 0, sizeof(data));
	r2 = (int)recv(as, data, sizeof(data), 0);
	SAY("tcp send/recv: %d %d %s\n", r, r2, data);
	/* UDP with a receive time stamp */
	int us = socket(AF_INET, SOCK_DGRAM, 0), uc = socket(AF_INET, SOCK_DGRAM, 0);
	sin.sin_port = 0;
	bind(us, (struct sockaddr *)&sin, sizeof(sin));
	sl = sizeof(sin);
	getsockname(us, (struct sockaddr *)&sin, &sl);
	setsockopt(us, SOL_SOCKET, SO_TIMESTAMP, &one, sizeof(one));
	sendto(uc, "udp", 3, 0, (struct sockaddr *)&sin, sizeof(sin));
	union { char buf[CMSG_SPACE(sizeof(struct timeval))]; struct cmsghdr align; } tu;
	struct sockaddr_in from;
	iov.iov_len = sizeof(data);
	m = (struct msghdr){ .msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov,
			     .msg_iovlen = 1, .msg_control = tu.buf, .msg_controllen = sizeof(tu.buf) };
	r = (int)recvmsg(us, &m, 0);
	SAY("udp recvmsg: %d namelen %d", r, (int)m.msg_namelen);
	c = CMSG_FIRSTHDR(&m);
	struct timeval stamp = { 0, 0 };
	if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_TIMESTAMP)
		memcpy(&stamp, CMSG_DATA(c), sizeof(stamp));
	SAY(" stamp now %d\n", llabs((long long)stamp.tv_sec - time(NULL)) <= 2);
	close(us);
	close(uc);
	close(as);
	close(cs);
	close(ls);
}

static void part_ipc(void)
{
	int sid = semget(IPC_PRIVATE, 2, IPC_CREAT | 0600);
	struct sembuf op = { 1, 3, 0 };
	SAY("semop: %d\n", semop(sid, &op, 1));
	SAY("semctl GETVAL: %d\n", semctl(sid, 1, GETVAL));
	struct semid_ds sds;
	int r = semctl(sid, 0, IPC_STAT, &sds);
	SAY("semctl IPC_STAT: %d nsems %lu mode %o\n", r, (unsigned long)sds.sem_nsems, sds.sem_perm.mode & 0777);
	struct timespec ts = { 0, 1000000 };
	op = (struct sembuf){ 0, -1, 0 };
	r = semtimedop(sid, &op, 1, &ts);
	SAY("semtimedop: %d %d\n", r, errno);
	semctl(sid, 0, IPC_RMID);

	int mid = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
	struct { long mtype; char text[16]; } msg = { 4, "message" }, in = { 0, "" };
	SAY("msgsnd: %d\n", msgsnd(mid, &msg, 8, 0));
	struct msqid_ds mds;
	r = msgctl(mid, IPC_STAT, &mds);
	SAY("msgctl IPC_STAT: %d qnum %lu\n", r, (unsigned long)mds.msg_qnum);
	r = (int)msgrcv(mid, &in, sizeof(in.text), 0, 0);
	SAY("msgrcv: %d %ld %s\n", r, in.mtype, in.text);
	r = (int)msgrcv(mid, &in, sizeof(in.text), 0, IPC_NOWAIT);
	SAY("msgrcv empty: %d %d\n", r, errno);
	msgctl(mid, IPC_RMID, NULL);

	int hid = shmget(IPC_PRIVATE, 10000, IPC_CREAT | 0600);
	char *a = shmat(hid, NULL, 0), *b = shmat(hid, NULL, SHM_RDONLY);
	SAY("shmat: %d %d\n", a != (void *)-1, b != (void *)-1 && b != a);
	strcpy(a + 9000, "shared");
	SAY("shm shared: %s\n", b + 9000);
	struct shmid_ds hds;
	r = shmctl(hid, IPC_STAT, &hds);
	SAY("shmctl IPC_STAT: %d size %lu nattch %lu\n", r, (unsigned long)hds.shm_segsz, (unsigned long)hds.shm_nattch);
	r = shmdt(a);
	SAY("shmdt: %d %d\n", r, shmdt(b));
	shmctl(hid, IPC_RMID, NULL);
}

/* futex: a mutex and a condition variable handed back and forth */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int turn, rounds = 2000;

static void *ping(void *arg)
{
	int me = (int)(intptr_t)arg;

	for (int i = 0; i < rounds; i++) {
		pthread_mutex_lock(&mu);
		while (turn != me)
			pthread_cond_wait(&cv, &mu);
		turn = !me;
		pthread_cond_signal(&cv);
		pthread_mutex_unlock(&mu);
	}
	return NULL;
}

static void part_threads(void)
{
	pthread_t t;
	int r = pthread_create(&t, NULL, ping, (void *)1);

	if (r) {
		SAY("pthread_create: %d\n", r);
		return;
	}
	ping((void *)0);
	pthread_join(t, NULL);
	SAY("handoffs: %d\n", rounds * 2);
}

/* futex calls of one thread: timeouts, a value that changed, no waiters */
static void part_futex(void)
{
	struct timespec ts;
	static int word = 1;

	struct timespec rel = { 0, 1000000 };
	long r = syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 1, &rel, NULL, 0);
	SAY("futex wait times out: %ld %d\n", r, errno);
	r = syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 2, &rel, NULL, 0);
	SAY("futex value changed: %ld %d\n", r, errno);
	r = syscall(SYS_futex, &word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	SAY("futex wake nobody: %ld\n", r);
	r = syscall(SYS_futex, &word, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)(intptr_t)5, &word + 1, 1);
	SAY("futex cmp_requeue: %ld\n", r);
	/* a timed wait that times out */
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += 5000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&mu);
	SAY("timedwait: %d\n", pthread_cond_timedwait(&cv, &mu, &ts));
	pthread_mutex_unlock(&mu);
}

int main(int argc, char **argv)
{
	static const struct { const char *name; void (*fn)(void); } parts[] = {
		{ "time", part_time }, { "poll", part_poll }, { "net", part_net },
		{ "ipc", part_ipc }, { "futex", part_futex }, { "threads", part_threads },
	};

	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		if (argc > 1 && strcmp(argv[1], parts[i].name))
			continue;
		SAY("== %s\n", parts[i].name);
		parts[i].fn();
	}
	return 0;
}
