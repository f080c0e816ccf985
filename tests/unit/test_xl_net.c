/* tests/unit/test_xl_net.c — i386 sockets: socketcall and the direct calls,
 * sendmsg/recvmsg with control data (SCM_RIGHTS, SCM_CREDENTIALS, time
 * stamps, truncation), sendmmsg/recvmmsg and the converted socket options,
 * each run through the kernel's ia32 layer and through the translator on
 * the same inputs; results and the bytes written must agree. */
/* first: i386_types.h names fields that <sys/stat.h> turns into macros */
#include "personality/c/xl/i386_net.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/net.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "personality/c/core/persona.h"
#include "personality/c/xl/i386_time.h"
#include "sysnr.h"
#include "xl_diff.h"

#define NR(x) I386_NR_##x
typedef long (*callfn)(long, long, long, long, long, long, long);

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

/* ---- socketcall against the direct calls ------------------------------ */

static void socketcall_basics(void **state)
{
	uint32_t *a = lowmem(4096);
	int32_t *sv = (int32_t *)(a + 16);

	(void)state;
	persona_test_init();
	if (!k32_available())
		skip();
	/* the same socket call: the same descriptor number once the first is closed */
	a[0] = AF_UNIX, a[1] = SOCK_STREAM, a[2] = 0;
	long kfd = k32(NR(socketcall), SYS_SOCKET, LOW(a), 0, 0, 0, 0);
	assert_true(kfd >= 0);
	close(kfd);
	long pfd = p32(NR(socketcall), SYS_SOCKET, LOW(a), 0, 0, 0, 0);
	assert_int_equal(pfd, kfd);
	close(pfd);
	long dfd = p32(NR(socket), AF_UNIX, SOCK_STREAM, 0, 0, 0, 0);
	assert_int_equal(dfd, kfd);
	close(dfd);
	/* bad calls */
	assert_int_equal(p32(NR(socketcall), 0, LOW(a), 0, 0, 0, 0), k32(NR(socketcall), 0, LOW(a), 0, 0, 0, 0));
	assert_int_equal(p32(NR(socketcall), 21, LOW(a), 0, 0, 0, 0), -EINVAL);
	assert_int_equal(k32(NR(socketcall), 21, LOW(a), 0, 0, 0, 0), -EINVAL);
	assert_int_equal(p32(NR(socketcall), SYS_SOCKET, unmapped_low(), 0, 0, 0, 0), -EFAULT);
	assert_int_equal(k32(NR(socketcall), SYS_SOCKET, unmapped_low(), 0, 0, 0, 0), -EFAULT);
	a[0] = AF_INET, a[1] = 12345, a[2] = 0;
	assert_int_equal(p32(NR(socketcall), SYS_SOCKET, LOW(a), 0, 0, 0, 0),
			 k32(NR(socketcall), SYS_SOCKET, LOW(a), 0, 0, 0, 0));
	/* socketpair, send, recv, shutdown through socketcall */
	a[0] = AF_UNIX, a[1] = SOCK_STREAM, a[2] = 0, a[3] = LOW(sv);
	assert_int_equal(p32(NR(socketcall), SYS_SOCKETPAIR, LOW(a), 0, 0, 0, 0), 0);
	char *msg = (char *)(a + 64);
	strcpy(msg, "ping");
	a[0] = sv[0], a[1] = LOW(msg), a[2] = 4, a[3] = 0;
	assert_int_equal(p32(NR(socketcall), SYS_SEND, LOW(a), 0, 0, 0, 0), 4);
	memset(msg, 0, 8);
	a[0] = sv[1];
	assert_int_equal(p32(NR(socketcall), SYS_RECV, LOW(a), 0, 0, 0, 0), 4);
	assert_string_equal(msg, "ping");
	a[0] = sv[0], a[1] = SHUT_WR;
	assert_int_equal(p32(NR(socketcall), SYS_SHUTDOWN, LOW(a), 0, 0, 0, 0), 0);
	a[0] = sv[1], a[1] = LOW(msg), a[2] = 4, a[3] = 0;
	assert_int_equal(p32(NR(socketcall), SYS_RECV, LOW(a), 0, 0, 0, 0), 0);
	/* getsockname / getpeername on a unix pair: the same bytes both ways */
	uint8_t *kn = (uint8_t *)(a + 256), *pn = (uint8_t *)(a + 512);
	int32_t *kl = (int32_t *)(a + 400), *pl = (int32_t *)(a + 401);
	*kl = *pl = 110;
	a[0] = sv[0], a[1] = LOW(kn), a[2] = LOW(kl);
	assert_int_equal(k32(NR(socketcall), SYS_GETSOCKNAME, LOW(a), 0, 0, 0, 0), 0);
	a[1] = LOW(pn), a[2] = LOW(pl);
	assert_int_equal(p32(NR(socketcall), SYS_GETSOCKNAME, LOW(a), 0, 0, 0, 0), 0);
	assert_int_equal(*kl, *pl);
	assert_memory_equal(kn, pn, *kl);
	close(sv[0]);
	close(sv[1]);
}

/* A listening TCP socket on loopback, connect and accept through socketcall. */
static void socketcall_tcp(void **state)
{
	uint32_t *a = lowmem(4096);
	struct sockaddr_in *sin = (void *)(a + 128);
	int32_t *len = (int32_t *)(a + 200);

	(void)state;
	persona_test_init();
	int ls = socket(AF_INET, SOCK_STREAM, 0), cs = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(ls >= 0 && cs >= 0);
	*sin = (struct sockaddr_in){ .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	a[0] = ls, a[1] = LOW(sin), a[2] = sizeof(*sin);
	assert_int_equal(p32(NR(socketcall), SYS_BIND, LOW(a), 0, 0, 0, 0), 0);
	a[0] = ls, a[1] = 4;
	assert_int_equal(p32(NR(socketcall), SYS_LISTEN, LOW(a), 0, 0, 0, 0), 0);
	*len = sizeof(*sin);
	a[0] = ls, a[1] = LOW(sin), a[2] = LOW(len);
	assert_int_equal(p32(NR(socketcall), SYS_GETSOCKNAME, LOW(a), 0, 0, 0, 0), 0);
	assert_true(sin->sin_port != 0);
	a[0] = cs, a[1] = LOW(sin), a[2] = sizeof(*sin);
	assert_int_equal(p32(NR(socketcall), SYS_CONNECT, LOW(a), 0, 0, 0, 0), 0);
	a[0] = ls, a[1] = 0, a[2] = 0, a[3] = SOCK_CLOEXEC;
	long as = p32(NR(socketcall), SYS_ACCEPT4, LOW(a), 0, 0, 0, 0);
	assert_true(as >= 0);
	assert_true(fcntl(as, F_GETFD) & FD_CLOEXEC);
	/* sendto / recvfrom */
	char *buf = (char *)(a + 512);
	strcpy(buf, "tcp!");
	a[0] = cs, a[1] = LOW(buf), a[2] = 4, a[3] = 0, a[4] = 0, a[5] = 0;
	assert_int_equal(p32(NR(socketcall), SYS_SENDTO, LOW(a), 0, 0, 0, 0), 4);
	memset(buf, 0, 8);
	a[0] = as;
	assert_int_equal(p32(NR(socketcall), SYS_RECVFROM, LOW(a), 0, 0, 0, 0), 4);
	assert_string_equal(buf, "tcp!");
	close(as);
	close(cs);
	close(ls);
}

/* ---- sendmsg / recvmsg ------------------------------------------------ */

/* buffer layout for one message */
#define M_HDR   0
#define M_IOV   64
#define M_DATA  128
#define M_NAME  256
#define M_CTL   512
#define M_CTLSZ 1024

static void put_hdr(uint8_t *b, uint32_t name, int32_t namelen, uint32_t niov, uint32_t ctl, uint32_t ctllen)
{
	struct i386_msghdr m = { name ? (uint32_t)LOW(b + M_NAME) : 0, namelen, (uint32_t)LOW(b + M_IOV), niov,
				 ctl ? (uint32_t)LOW(b + M_CTL) : 0, ctllen, 0 };
	memcpy(b + M_HDR, &m, sizeof(m));
}

static void put_iov(uint8_t *b, int i, uint32_t off, uint32_t len)
{
	struct i386_iovec v = { (uint32_t)LOW(b + off), len };
	memcpy(b + M_IOV + i * sizeof(v), &v, sizeof(v));
}

/* An SCM_RIGHTS message carrying fds[0..n) */
static uint32_t put_rights(uint8_t *b, const int *fds, int n)
{
	struct i386_cmsghdr h = { sizeof(h) + 4 * n, SOL_SOCKET, SCM_RIGHTS };
	memcpy(b + M_CTL, &h, sizeof(h));
	memcpy(b + M_CTL + sizeof(h), fds, 4 * n);
	return sizeof(h) + 4 * n;
}

/* One scenario, run once per way: send `nfd` pipe write ends with "hello"
 * from one end of a unix pair, receive with an i386 control buffer of
 * `ctlroom` bytes; returns the recvmsg result and leaves the received
 * buffer in rb. Received descriptors are checked to work, then closed. */
static long rights_scenario(callfn call, int type, int nfd, uint32_t ctlroom, int passcred,
			    uint8_t *sb, uint8_t *rb, long *send_result)
{
	int sv[2], p[2], fds[4];

	assert_int_equal(socketpair(AF_UNIX, type, 0, sv), 0);
	assert_int_equal(pipe(p), 0);
	for (int i = 0; i < nfd; i++)
		fds[i] = p[1];
	if (passcred) {
		int one = 1;
		setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &one, sizeof(one));
	}
	memset(sb, XL_DIFF_FILL, 2048);
	memcpy(sb + M_DATA, "hello", 5);
	put_iov(sb, 0, M_DATA, 3);
	put_iov(sb, 1, M_DATA + 3, 2);
	uint32_t clen = nfd ? put_rights(sb, fds, nfd) : 0;
	put_hdr(sb, 0, 0, 2, nfd, clen);
	*send_result = call(NR(sendmsg), sv[0], LOW(sb), 0, 0, 0, 0);

	memset(rb, XL_DIFF_FILL, 2048);
	memset(rb + M_DATA, 0, 16);
	put_iov(rb, 0, M_DATA, 16);
	put_hdr(rb, 0, 0, 1, ctlroom != 0, ctlroom);
	long r = call(NR(recvmsg), sv[1], LOW(rb), 0, 0, 0, 0);
	/* every received descriptor must be the pipe's write end */
	struct i386_msghdr m;
	memcpy(&m, rb + M_HDR, sizeof(m));
	for (uint32_t off = 0; m.msg_control && off + 12 <= m.msg_controllen;) {
		struct i386_cmsghdr h;
		memcpy(&h, rb + M_CTL + off, sizeof(h));
		if (h.cmsg_level == SOL_SOCKET && h.cmsg_type == SCM_RIGHTS) {
			for (uint32_t i = 0; i < (h.cmsg_len - 12) / 4; i++) {
				int32_t fd;
				char c = 0;
				memcpy(&fd, rb + M_CTL + off + 12 + 4 * i, 4);
				assert_int_equal(write(fd, "z", 1), 1);
				assert_int_equal(read(p[0], &c, 1), 1);
				assert_int_equal(c, 'z');
				close(fd);
			}
		}
		if (h.cmsg_len < 12)
			break;
		off += (h.cmsg_len + 3) & ~3u;
	}
	close(sv[0]);
	close(sv[1]);
	close(p[0]);
	close(p[1]);
	return r;
}

struct rcase {
	int line;
	int type, nfd;
	uint32_t ctlroom;
	int passcred;
};

static const struct rcase rcases[] = {
	{ __LINE__, SOCK_STREAM, 1, 64, 0 },
	{ __LINE__, SOCK_DGRAM, 2, 64, 0 },
	{ __LINE__, SOCK_STREAM, 3, 20, 0 },     /* room for 2: one closed, MSG_CTRUNC */
	{ __LINE__, SOCK_STREAM, 2, 16, 0 },     /* room for 1 */
	{ __LINE__, SOCK_STREAM, 2, 12, 0 },     /* a header only: none fit */
	{ __LINE__, SOCK_STREAM, 1, 8, 0 },      /* less than a header */
	{ __LINE__, SOCK_STREAM, 1, 0, 0 },      /* no control buffer */
	{ __LINE__, SOCK_DGRAM, 0, 64, 1 },      /* SCM_CREDENTIALS */
	{ __LINE__, SOCK_DGRAM, 1, 64, 1 },      /* credentials, then rights */
	{ __LINE__, SOCK_DGRAM, 2, 30, 1 },      /* credentials fit, rights truncated */
	{ __LINE__, SOCK_DGRAM, 1, 20, 1 },      /* credentials truncated */
	{ __LINE__, SOCK_STREAM, 0, 64, 0 },
};

/* The same message calls through socketcall: an argument block per call. */
static long p32_socketcall(long nr, long a, long b, long c, long d, long e, long f)
{
	static uint32_t *args;
	long call = nr == NR(sendmsg) ? SYS_SENDMSG : nr == NR(recvmsg) ? SYS_RECVMSG : 0;

	if (!call)
		return p32(nr, a, b, c, d, e, f);
	if (!args)
		args = lowmem(4096);
	args[0] = (uint32_t)a, args[1] = (uint32_t)b, args[2] = (uint32_t)c;
	return p32(NR(socketcall), call, LOW(args), 0, 0, 0, 0);
}

static void scm_rights(void **state)
{
	uint8_t *sb = lowmem(4096), *kb = lowmem(4096), *pb = lowmem(4096);

	(void)state;
	persona_test_init();
	if (!k32_available())
		skip();
	for (size_t i = 0; i < ARRAY_SIZE(rcases); i++) {
		const struct rcase *c = &rcases[i];
		long ks, ps;
		int before = count_fds();
		long kr = rights_scenario(k32, c->type, c->nfd, c->ctlroom, c->passcred, sb, kb, &ks);
		assert_int_equal(count_fds(), before);
		/* odd rows go through socketcall */
		long pr = rights_scenario(i % 2 ? p32_socketcall : p32, c->type, c->nfd, c->ctlroom,
					  c->passcred, sb, pb, &ps);
		if (count_fds() != before)
			fail_msg("line %d: descriptors leaked", c->line);
		if (ks != ps || kr != pr)
			fail_msg("line %d: kernel send %ld recv %ld, persona send %ld recv %ld", c->line,
				 ks, kr, ps, pr);
		/* buffers hold their own addresses: compare all but the pointers */
		struct i386_msghdr km, pm;
		memcpy(&km, kb, sizeof(km));
		memcpy(&pm, pb, sizeof(pm));
		if (km.msg_namelen != pm.msg_namelen || km.msg_controllen != pm.msg_controllen ||
		    km.msg_flags != pm.msg_flags)
			fail_msg("line %d: msghdr: kernel namelen %d controllen %u flags %#x, "
				 "persona %d %u %#x", c->line, km.msg_namelen, km.msg_controllen,
				 km.msg_flags, pm.msg_namelen, pm.msg_controllen, pm.msg_flags);
		if (memcmp(kb + M_DATA, pb + M_DATA, 256) || memcmp(kb + M_CTL, pb + M_CTL, M_CTLSZ))
			fail_msg("line %d: received bytes differ", c->line);
	}
}

/* Credentials sent explicitly (SCM_CREDENTIALS from the i386 side), then
 * received; recvmmsg_time64 on the same pair. */
static void send_credentials(void **state)
{
	uint8_t *b[2] = { lowmem(4096), lowmem(4096) }, *sb = lowmem(4096);
	long s[2], r[2], m[2];

	(void)state;
	persona_test_init();
	if (!k32_available())
		skip();
	for (int w = 0; w < 2; w++) {
		callfn call = w ? p32 : k32;
		int sv[2], one = 1;
		assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
		setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &one, sizeof(one));
		memset(sb, 0, 2048);
		memcpy(sb + M_DATA, "cred", 4);
		put_iov(sb, 0, M_DATA, 4);
		struct i386_cmsghdr h = { 12 + 12, SOL_SOCKET, SCM_CREDENTIALS };
		int32_t cred[3] = { getpid(), (int32_t)getuid(), (int32_t)getgid() };
		memcpy(sb + M_CTL, &h, sizeof(h));
		memcpy(sb + M_CTL + 12, cred, sizeof(cred));
		put_hdr(sb, 0, 0, 1, 1, 24);
		s[w] = call(NR(sendmsg), sv[0], LOW(sb), 0, 0, 0, 0);
		/* a bogus pid must be refused the same way */
		cred[0] = 1;
		memcpy(sb + M_CTL + 12, cred, sizeof(cred));
		m[w] = call(NR(sendmsg), sv[0], LOW(sb), 0, 0, 0, 0);
		if (m[w] > 0)
			recv(sv[1], sb + 1024, 16, 0);      /* root may send any pid */
		/* receive through recvmmsg_time64, one message */
		uint8_t *rb = b[w];
		memset(rb, XL_DIFF_FILL, 2048);
		memset(rb + M_DATA, 0, 16);
		put_iov(rb, 0, M_DATA, 16);
		put_hdr(rb, 0, 0, 1, 1, 64);
		struct i386_mmsghdr mm;
		memcpy(&mm.msg_hdr, rb + M_HDR, sizeof(mm.msg_hdr));
		mm.msg_len = 0;
		memcpy(rb + 1800, &mm, sizeof(mm));
		struct __kernel_timespec ts = { 2, 0 };
		memcpy(rb + 1900, &ts, sizeof(ts));
		r[w] = call(NR(recvmmsg_time64), sv[1], LOW(rb + 1800), 1, MSG_DONTWAIT, LOW(rb + 1900), 0);
		close(sv[0]);
		close(sv[1]);
	}
	assert_int_equal(s[0], 4);
	assert_int_equal(s[1], 4);
	assert_int_equal(m[0], m[1]);
	assert_int_equal(r[0], 1);
	assert_int_equal(r[1], 1);
	/* mmsghdr: controllen, flags, msg_len; the control bytes (pid/uid/gid) */
	assert_memory_equal(b[0] + 1800 + 20, b[1] + 1800 + 20, 12);
	assert_memory_equal(b[0] + M_CTL, b[1] + M_CTL, 64);
	assert_memory_equal(b[0] + M_DATA, b[1] + M_DATA, 16);
}

/* Error paths, in the kernel's order. */
static void msg_errors(void **state)
{
	uint8_t *b = lowmem(4096);
	int sv[2];

	(void)state;
	persona_test_init();
	if (!k32_available())
		skip();
	assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
	struct { int line; long nr; int fd; void (*prep)(uint8_t *); int bad_hdr; } cases[] = {
		{ __LINE__, NR(sendmsg), 0, NULL, 1 },
		{ __LINE__, NR(recvmsg), 1, NULL, 1 },
		{ __LINE__, NR(sendmsg), -1, NULL, 1 },     /* bad fd wins over a bad pointer */
		{ __LINE__, NR(recvmsg), 999, NULL, 1 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		int fd = cases[i].fd == 0 ? sv[0] : cases[i].fd == 1 ? sv[1] : cases[i].fd;
		long kr = k32(cases[i].nr, fd, unmapped_low(), MSG_DONTWAIT, 0, 0, 0);
		long pr = p32(cases[i].nr, fd, unmapped_low(), MSG_DONTWAIT, 0, 0, 0);
		if (kr != pr)
			fail_msg("line %d: kernel %ld persona %ld", cases[i].line, kr, pr);
	}
	/* msghdr contents: each row sets up the header, both ways get it */
	struct hcase { int line; int32_t namelen; uint32_t niov; int bad_iov; uint32_t ctllen;
		       int32_t cmsg_len; int stdin_fd; long nr; } hc[] = {
		{ __LINE__, -1, 1, 0, 0, 0, 0, NR(sendmsg) },
		{ __LINE__, 0, 1025, 0, 0, 0, 0, NR(sendmsg) },
		{ __LINE__, 0, 1025, 0, 0, 0, 0, NR(recvmsg) },
		{ __LINE__, 0, 1, 1, 0, 0, 0, NR(sendmsg) },
		{ __LINE__, 0, 1, 0, 5, 0, 0, NR(sendmsg) },       /* control shorter than a header */
		{ __LINE__, 0, 1, 0, 16, 40, 0, NR(sendmsg) },     /* cmsg_len beyond the buffer */
		{ __LINE__, 0, 1, 0, 16, 8, 0, NR(sendmsg) },      /* cmsg_len below a header */
		{ __LINE__, 0, 1, 0, 16, 16, 0, NR(sendmsg) },     /* SCM_RIGHTS with one fd: 0 */
		{ __LINE__, 0, 1, 0, 0, 0, 1, NR(sendmsg) },       /* not a socket */
		{ __LINE__, 1000, 1, 0, 0, 0, 0, NR(sendmsg) },    /* name clamped to 128 */
		{ __LINE__, 0, 0, 0, 0, 0, 0, NR(recvmsg) },
	};
	for (size_t i = 0; i < ARRAY_SIZE(hc); i++) {
		long r[2];
		for (int w = 0; w < 2; w++) {
			memset(b, 0, 2048);
			put_iov(b, 0, M_DATA, 3);
			if (hc[i].bad_iov) {
				struct i386_iovec v = { unmapped_low(), 3 };
				memcpy(b + M_IOV, &v, sizeof(v));
			}
			put_hdr(b, hc[i].namelen != 0, hc[i].namelen, hc[i].niov, hc[i].ctllen, hc[i].ctllen);
			struct i386_cmsghdr h = { (uint32_t)hc[i].cmsg_len, SOL_SOCKET, SCM_RIGHTS };
			memcpy(b + M_CTL, &h, sizeof(h));
			int32_t fd0 = sv[0];
			memcpy(b + M_CTL + 12, &fd0, 4);
			int fd = hc[i].stdin_fd ? 0 : hc[i].nr == NR(sendmsg) ? sv[0] : sv[1];
			r[w] = (w ? p32 : k32)(hc[i].nr, fd, LOW(b), MSG_DONTWAIT, 0, 0, 0);
			/* drain what a successful send queued */
			char tmp[64];
			while (recv(sv[1], tmp, sizeof(tmp), MSG_DONTWAIT) > 0)
				;
		}
		if (r[0] != r[1])
			fail_msg("line %d: kernel %ld persona %ld", hc[i].line, r[0], r[1]);
	}
	close(sv[0]);
	close(sv[1]);
}

/* UDP on loopback with SO_TIMESTAMP and SO_TIMESTAMPNS: the stamps shrink
 * to the i386 layouts. */
static void timestamps(void **state)
{
	uint8_t *b[2] = { lowmem(4096), lowmem(4096) };
	long r[2];

	(void)state;
	persona_test_init();
	if (!k32_available())
		skip();
	for (int w = 0; w < 2; w++) {
		int rs = socket(AF_INET, SOCK_DGRAM, 0), ss = socket(AF_INET, SOCK_DGRAM, 0), one = 1;
		struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
		socklen_t sl = sizeof(sin);
		assert_int_equal(bind(rs, (void *)&sin, sizeof(sin)), 0);
		getsockname(rs, (void *)&sin, &sl);
		setsockopt(rs, SOL_SOCKET, SO_TIMESTAMP_OLD, &one, sizeof(one));
		setsockopt(rs, SOL_SOCKET, SO_TIMESTAMPNS_OLD, &one, sizeof(one));
		assert_int_equal(sendto(ss, "udp", 3, 0, (void *)&sin, sizeof(sin)), 3);
		memset(b[w], XL_DIFF_FILL, 2048);
		memset(b[w] + M_DATA, 0, 16);
		put_iov(b[w], 0, M_DATA, 16);
		put_hdr(b[w], 1, 16, 1, 1, 128);
		r[w] = (w ? p32 : k32)(NR(recvmsg), rs, LOW(b[w]), 0, 0, 0, 0);
		close(rs);
		close(ss);
	}
	assert_int_equal(r[0], 3);
	assert_int_equal(r[1], 3);
	struct i386_msghdr km, pm;
	memcpy(&km, b[0], sizeof(km));
	memcpy(&pm, b[1], sizeof(pm));
	assert_int_equal(km.msg_controllen, pm.msg_controllen);
	/* with both set, the kernel sends one stamp: the nanosecond one */
	assert_int_equal(km.msg_controllen, 20);
	assert_int_equal(km.msg_flags, pm.msg_flags);
	assert_int_equal(km.msg_namelen, pm.msg_namelen);
	/* headers equal, stamps within a second */
	for (uint32_t off = 0; off < km.msg_controllen; off += 20) {
		assert_memory_equal(b[0] + M_CTL + off, b[1] + M_CTL + off, 12);
		int32_t ks, ps;
		memcpy(&ks, b[0] + M_CTL + off + 12, 4);
		memcpy(&ps, b[1] + M_CTL + off + 12, 4);
		assert_true(abs(ks - ps) <= 1);
	}
	assert_memory_equal(b[0] + M_CTL + km.msg_controllen, b[1] + M_CTL + km.msg_controllen, 64);
}

/* ---- sendmmsg / recvmmsg ---------------------------------------------- */

#define MM_VEC  1024        /* i386 mmsghdr array */
#define MM_IOV  1280
#define MM_DATA 1536

static void setup_mmsg(uint8_t *b, int n, int payload)
{
	memset(b, XL_DIFF_FILL, 4096);
	for (int i = 0; i < n; i++) {
		struct i386_mmsghdr m = { { 0, 0, (uint32_t)LOW(b + MM_IOV + 8 * i), 1, 0, 0, 0 }, 0 };
		struct i386_iovec v = { (uint32_t)LOW(b + MM_DATA + 64 * i), payload ? 4u + i : 64u };
		memcpy(b + MM_VEC + 32 * i, &m, sizeof(m));
		memcpy(b + MM_IOV + 8 * i, &v, sizeof(v));
		if (payload)
			memset(b + MM_DATA + 64 * i, 'a' + i, 64);
	}
}

static void mmsg(void **state)
{
	uint8_t *sb = lowmem(4096), *rb[2] = { lowmem(4096), lowmem(4096) };
	long sr[2], rr[2], rr2[2];

	(void)state;
	persona_test_init();
	if (!k32_available())
		skip();
	for (int w = 0; w < 2; w++) {
		callfn call = w ? p32 : k32;
		int sv[2];
		assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
		setup_mmsg(sb, 3, 1);
		sr[w] = call(NR(sendmmsg), sv[0], LOW(sb + MM_VEC), 3, 0, 0, 0);
		setup_mmsg(rb[w], 4, 0);
		rr[w] = call(NR(recvmmsg), sv[1], LOW(rb[w] + MM_VEC), 4, MSG_DONTWAIT, 0, 0);
		rr2[w] = call(NR(recvmmsg), sv[1], LOW(rb[w] + MM_VEC), 4, MSG_DONTWAIT, 0, 0);
		/* sent lengths land in the send vector */
		for (int i = 0; i < 3; i++) {
			uint32_t len;
			memcpy(&len, sb + MM_VEC + 32 * i + 28, 4);
			assert_int_equal(len, 4 + i);
		}
		close(sv[0]);
		close(sv[1]);
	}
	assert_int_equal(sr[0], 3);
	assert_int_equal(sr[1], 3);
	assert_int_equal(rr[0], 3);
	assert_int_equal(rr[1], 3);
	assert_int_equal(rr2[0], -EAGAIN);
	assert_int_equal(rr2[1], -EAGAIN);
	for (int i = 0; i < 4; i++) {
		uint32_t kl, pl;
		memcpy(&kl, rb[0] + MM_VEC + 32 * i + 28, 4);
		memcpy(&pl, rb[1] + MM_VEC + 32 * i + 28, 4);
		assert_int_equal(kl, pl);
		/* flags and lengths in each msghdr */
		assert_memory_equal(rb[0] + MM_VEC + 32 * i + 20, rb[1] + MM_VEC + 32 * i + 20, 8);
	}
	assert_memory_equal(rb[0] + MM_DATA, rb[1] + MM_DATA, 4 * 64);

	/* through socketcall, with a timeout and MSG_WAITFORONE */
	for (int w = 0; w < 2; w++) {
		callfn call = w ? p32 : k32;
		int sv[2];
		uint32_t *a = (uint32_t *)(rb[w] + 3900);
		struct i386_timespec *ts = (void *)(rb[w] + 3950);
		assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
		setup_mmsg(sb, 2, 1);
		a[0] = sv[0], a[1] = LOW(sb + MM_VEC), a[2] = 2, a[3] = 0;
		sr[w] = call(NR(socketcall), SYS_SENDMMSG, LOW(a), 0, 0, 0, 0);
		setup_mmsg(rb[w], 4, 0);
		*ts = (struct i386_timespec){ 5, 0 };
		a[0] = sv[1], a[1] = LOW(rb[w] + MM_VEC), a[2] = 4, a[3] = MSG_WAITFORONE, a[4] = LOW(ts);
		rr[w] = call(NR(socketcall), SYS_RECVMMSG, LOW(a), 0, 0, 0, 0);
		assert_true(ts->tv_sec >= 3 && ts->tv_sec <= 5);
		close(sv[0]);
		close(sv[1]);
	}
	assert_int_equal(sr[0], 2);
	assert_int_equal(sr[1], 2);
	assert_int_equal(rr[0], 2);
	assert_int_equal(rr[1], 2);
	/* errors */
	assert_int_equal(p32(NR(sendmmsg), -1, 0, 1, 0, 0, 0), k32(NR(sendmmsg), -1, 0, 1, 0, 0, 0));
	assert_int_equal(p32(NR(recvmmsg), -1, 0, 1, 0, 0, 0), k32(NR(recvmmsg), -1, 0, 1, 0, 0, 0));
	assert_int_equal(p32(NR(recvmmsg), 0, 0, 1, 0, unmapped_low(), 0), -EFAULT);
	assert_int_equal(k32(NR(recvmmsg), 0, 0, 1, 0, unmapped_low(), 0), -EFAULT);
	int sv[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
	assert_int_equal(p32(NR(sendmmsg), sv[0], unmapped_low(), 1, 0, 0, 0),
			 k32(NR(sendmmsg), sv[0], unmapped_low(), 1, 0, 0, 0));
	assert_int_equal(p32(NR(sendmmsg), sv[0], 0, 0, 0, 0, 0), 0);
	close(sv[0]);
	close(sv[1]);
}

/* ---- socket options ---------------------------------------------------- */

static void sockopts(void **state)
{
	uint8_t *kb = lowmem(4096), *pb = lowmem(4096);
	int s = socket(AF_INET, SOCK_DGRAM, 0);

	(void)state;
	persona_test_init();
	if (!k32_available())
		skip();
	assert_true(s >= 0);
	struct ocase { int line; long nr; int level, name; const void *val; uint32_t len; int badval; int fd; } oc[] = {
		{ __LINE__, NR(setsockopt), SOL_SOCKET, SO_RCVTIMEO_OLD, &(struct i386_timeval){ 2, 500000 }, 8 },
		{ __LINE__, NR(getsockopt), SOL_SOCKET, SO_RCVTIMEO_OLD, NULL, 8 },
		{ __LINE__, NR(getsockopt), SOL_SOCKET, SO_RCVTIMEO_OLD, NULL, 4 },
		{ __LINE__, NR(getsockopt), SOL_SOCKET, SO_RCVTIMEO_OLD, NULL, 100 },
		{ __LINE__, NR(getsockopt), SOL_SOCKET, SO_RCVTIMEO_OLD, NULL, -1 },
		{ __LINE__, NR(setsockopt), SOL_SOCKET, SO_SNDTIMEO_OLD, &(struct i386_timeval){ 1, 2 }, 8 },
		{ __LINE__, NR(getsockopt), SOL_SOCKET, SO_SNDTIMEO_OLD, NULL, 8 },
		{ __LINE__, NR(setsockopt), SOL_SOCKET, SO_SNDTIMEO_OLD, &(struct i386_timeval){ 1, 2 }, 6 },
		{ __LINE__, NR(setsockopt), SOL_SOCKET, SO_SNDTIMEO_OLD, &(struct i386_timeval){ 1, 2 }, 2 },
		{ __LINE__, NR(setsockopt), SOL_SOCKET, SO_SNDTIMEO_OLD, NULL, 8, 1 },
		{ __LINE__, NR(setsockopt), SOL_SOCKET, SO_SNDTIMEO_OLD, NULL, 8, 1, -1 },
		{ __LINE__, NR(setsockopt), SOL_SOCKET, SO_SNDTIMEO_OLD, &(struct i386_timeval){ 1, 2 }, 8, 0, 2 },
		{ __LINE__, NR(setsockopt), SOL_SOCKET, SO_SNDTIMEO_OLD, &(struct i386_timeval){ 1, -2 }, 8 },
		{ __LINE__, NR(getsockopt), SOL_SOCKET, SO_TYPE, NULL, 4 },
		{ __LINE__, NR(getsockopt), SOL_SOCKET, SO_RCVTIMEO_OLD, NULL, 8, 1 },
		{ __LINE__, NR(setsockopt), SOL_SOCKET, SO_REUSEADDR, &(int){ 1 }, 4 },
		{ __LINE__, NR(getsockopt), SOL_SOCKET, SO_REUSEADDR, NULL, 4 },
		{ __LINE__, NR(setsockopt), SOL_SOCKET, SO_LINGER, &(struct linger){ 1, 5 }, 8 },
		{ __LINE__, NR(getsockopt), SOL_SOCKET, SO_LINGER, NULL, 8 },
		{ __LINE__, NR(setsockopt), IPPROTO_IP, MCAST_JOIN_GROUP, NULL, 132 },
		{ __LINE__, NR(setsockopt), IPPROTO_IP, MCAST_JOIN_GROUP, NULL, 100 },
		{ __LINE__, NR(setsockopt), IPPROTO_IP, MCAST_LEAVE_GROUP, NULL, 132 },
		{ __LINE__, NR(setsockopt), IPPROTO_IP, MCAST_JOIN_GROUP, NULL, 132, 1 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(oc); i++) {
		long r[2];
		uint8_t *bs[2] = { kb, pb };
		for (int w = 0; w < 2; w++) {
			uint8_t *b = bs[w];
			memset(b, XL_DIFF_FILL, 512);
			int32_t len = (int32_t)oc[i].len;
			if (oc[i].val)
				memcpy(b, oc[i].val, 8);
			if (oc[i].name == MCAST_JOIN_GROUP || oc[i].name == MCAST_LEAVE_GROUP) {
				struct i386_group_req g = { 0, { 0 } };
				struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(0xe00000fb) };
				memcpy(g.gr_group, &sin, sizeof(sin));
				memcpy(b, &g, sizeof(g));
			}
			memcpy(b + 256, &len, 4);
			long val = oc[i].badval ? (long)unmapped_low() : LOW(b);
			/* fd: 0 the socket, -1 a bad one, 2 stdin (not a socket) */
			int fd = oc[i].fd == -1 ? -1 : oc[i].fd == 2 ? 0 : s;
			/* group membership is state: each way joins on its own socket */
			int fresh = -1;
			if (oc[i].level == IPPROTO_IP)
				fd = fresh = socket(AF_INET, SOCK_DGRAM, 0);
			r[w] = (w ? p32 : k32)(oc[i].nr, fd, oc[i].level, oc[i].name, val,
					       oc[i].nr == NR(getsockopt) ? LOW(b + 256) : (long)oc[i].len, 0);
			if (fresh >= 0)
				close(fresh);
		}
		if (r[0] != r[1])
			fail_msg("line %d: kernel %ld persona %ld", oc[i].line, r[0], r[1]);
		if (memcmp(kb, pb, 512))
			fail_msg("line %d: bytes differ", oc[i].line);
	}
	/* a socket filter: accept everything */
	struct sock_filter *ins = (void *)(kb + 1024);
	ins[0] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 0xffffffff);
	struct i386_sock_fprog *fp = (void *)(kb + 1100);
	fp->len = 1;
	fp->filter = (uint32_t)LOW(ins);
	assert_int_equal(p32(NR(setsockopt), s, SOL_SOCKET, SO_ATTACH_FILTER, LOW(fp), 8, 0), 0);
	assert_int_equal(k32(NR(setsockopt), s, SOL_SOCKET, SO_ATTACH_FILTER, LOW(fp), 8, 0), 0);
	assert_int_equal(p32(NR(setsockopt), s, SOL_SOCKET, SO_ATTACH_FILTER, LOW(fp), 16, 0),
			 k32(NR(setsockopt), s, SOL_SOCKET, SO_ATTACH_FILTER, LOW(fp), 16, 0));
	/* through socketcall too */
	uint32_t *a = (uint32_t *)(kb + 2048);
	int32_t *len = (int32_t *)(kb + 2100);
	struct i386_timeval *tv = (void *)(kb + 2200);
	*len = 8;
	a[0] = s, a[1] = SOL_SOCKET, a[2] = SO_RCVTIMEO_OLD, a[3] = LOW(tv), a[4] = LOW(len);
	assert_int_equal(p32(NR(socketcall), SYS_GETSOCKOPT, LOW(a), 0, 0, 0, 0), 0);
	assert_int_equal(tv->tv_sec, 2);
	assert_int_equal(tv->tv_usec, 500000);
	assert_int_equal(*len, 8);
	close(s);
}

/* Multicast source filters (struct group_filter: the source list sits at
 * 140 on i386, 144 on x86-64), IPsec policies (refused for i386 without the
 * kernel's translator) and the exact size IPv4 wants for source requests. */
static void multicast_filters(void **state)
{
	uint8_t *b[2] = { lowmem(4096), lowmem(4096) };
	long set[2], get[2], other[2][4];

	(void)state;
	persona_test_init();
	if (!k32_available())
		skip();
	for (int w = 0; w < 2; w++) {
		callfn call = w ? p32 : k32;
		uint8_t *g = b[w];
		int s = socket(AF_INET, SOCK_DGRAM, 0);
		memset(g, 0, 4096);
		uint32_t ifindex = 1, fmode = 1 /* MCAST_INCLUDE */, n = 2;
		struct sockaddr_in grp = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(0xe00000fb) };
		memcpy(g, &ifindex, 4);
		memcpy(g + 4, &grp, sizeof(grp));
		memcpy(g + 132, &fmode, 4);
		memcpy(g + 136, &n, 4);
		for (uint32_t i = 0; i < n; i++) {
			struct sockaddr_in src = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(0x0a000001 + i) };
			memcpy(g + 140 + 128 * i, &src, sizeof(src));
		}
		/* a filter needs the membership first */
		struct group_req gr = { .gr_interface = ifindex };
		memcpy(&gr.gr_group, &grp, sizeof(grp));
		setsockopt(s, IPPROTO_IP, MCAST_JOIN_GROUP, &gr, sizeof(gr));
		set[w] = call(NR(setsockopt), s, IPPROTO_IP, MCAST_MSFILTER, LOW(g), 140 + 128 * n, 0);
		/* read it back into a second buffer with room for 4 sources */
		uint8_t *r = g + 1024;
		memcpy(r, g, 140);
		n = 4;
		memcpy(r + 136, &n, 4);
		int32_t *len = (int32_t *)(g + 3000);
		*len = 140 + 128 * 4;
		get[w] = call(NR(getsockopt), s, IPPROTO_IP, MCAST_MSFILTER, LOW(r), LOW(len), 0);
		other[w][0] = call(NR(setsockopt), s, IPPROTO_IP, MCAST_MSFILTER, LOW(g), 100, 0);
		other[w][1] = call(NR(setsockopt), s, IPPROTO_IP, IP_XFRM_POLICY, LOW(g + 2048), 64, 0);
		other[w][2] = call(NR(setsockopt), s, IPPROTO_IP, MCAST_BLOCK_SOURCE, LOW(g + 2048), 300, 0);
		*len = 100;
		other[w][3] = call(NR(getsockopt), s, IPPROTO_IP, MCAST_MSFILTER, LOW(r), LOW(len), 0);
		close(s);
	}
	/* where loopback takes multicast, both succeed */
	if (set[0] != set[1] || get[0] != get[1])
		fail_msg("set kernel %ld persona %ld, get kernel %ld persona %ld", set[0], set[1], get[0], get[1]);
	for (int i = 0; i < 4; i++)
		if (other[0][i] != other[1][i])
			fail_msg("case %d: kernel %ld persona %ld", i, other[0][i], other[1][i]);
	assert_memory_equal(b[0], b[1], 4096);
	if (set[0] == 0 && get[0] == 0) {
		uint32_t numsrc;
		memcpy(&numsrc, b[1] + 1024 + 136, 4);
		assert_int_equal(numsrc, 2);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(socketcall_basics),
		cmocka_unit_test(socketcall_tcp),
		cmocka_unit_test(scm_rights),
		cmocka_unit_test(msg_errors),
		cmocka_unit_test(send_credentials),
		cmocka_unit_test(timestamps),
		cmocka_unit_test(mmsg),
		cmocka_unit_test(sockopts),
		cmocka_unit_test(multicast_filters),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
