/* personality/c/xl/net.c — i386 sockets: socketcall, the message calls with
 * their control data, and the options whose values differ in layout.
 *
 * The simple socket calls are PASS rows; socketcall reaches the same native
 * calls. sendmsg/recvmsg convert struct msghdr, the iovec array and every
 * cmsghdr both ways, following the kernel's compat layer (net/compat.c):
 * the same checks in the same order, the same truncation (MSG_CTRUNC) when
 * the i386 control buffer is too small, SCM_RIGHTS descriptors that do not
 * fit are closed, never leaked into the process.
 *
 * The kernel looks the descriptor up before it reads any argument, so a bad
 * descriptor wins over a bad pointer. Conversions read the arguments first;
 * when they fail, the native call is asked with an argument that cannot be
 * read (FAULT_ADDR): it reports a bad descriptor as the kernel would, and
 * otherwise the conversion's error stands.
 *
 * Known differences from the i386 kernel: recvmmsg and sendmmsg are loops
 * of single native calls, as the kernel's are, but an error after some
 * datagrams is dropped here where the kernel keeps it as the socket's
 * pending error; IPsec policies (IP_XFRM_POLICY) are refused as by a kernel
 * without its compat translator; netfilter's table options (IPT_SO_*,
 * ARPT_SO_*, EBT_SO_*) are not converted and fail with -ENOSYS and a log
 * line when the kernel would read them.
 */
#include "core/persona.h"
#include "core/sysent_types.h"
#include "xl/i386_net.h"
#include "xl/i386_time.h"
#include <linux/net.h>
#include <linux/uio.h>
#include <linux/mman.h>
#include <linux/time.h>
#include <asm/socket.h>

/* message flags and control types (the ABI's numbers; <sys/socket.h> is
 * libc's and not available here) */
#define MSG_OOB          0x1u
#define MSG_CTRUNC       0x8u
#define MSG_DONTWAIT     0x40u
#define MSG_EOR          0x80u
#define MSG_WAITFORONE   0x10000u
#define MSG_BATCH        0x40000u
#define MSG_CMSG_COMPAT  0x80000000u    /* kernel-internal: the native call rejects it */
#define SCM_RIGHTS       1
#define SOCKADDR_STORAGE 128

/* IP/IPv6 options with i386 layouts (linux/in.h numbers; both levels) */
#define SOL_IP   0
#define SOL_IPV6 41
#define MCAST_JOIN_GROUP         42
#define MCAST_BLOCK_SOURCE       43
#define MCAST_UNBLOCK_SOURCE     44
#define MCAST_LEAVE_GROUP        45
#define MCAST_JOIN_SOURCE_GROUP  46
#define MCAST_LEAVE_SOURCE_GROUP 47
#define MCAST_MSFILTER           48
#define IP_XFRM_POLICY           17
#define IPV6_XFRM_POLICY         35

/* An address the kernel refuses to read (kernel half): -EFAULT, always. */
#define FAULT_ADDR ((long)-4096)

/* Control data up to this size is converted on the stack. */
#define CTL_STACK 4096
/* Received control data: the native buffer is never larger, far beyond
 * what any control message can fill (SCM_MAX_FD descriptors plus
 * credentials and stamps). */
#define CTL_NATIVE_MAX 65536
/* Sent control data: far above the kernel's optmem limit (128 KiB by
 * default), which the native call then enforces as the kernel does. */
#define CTL_SEND_MAX (1ul << 20)

static long fd_error(long nr, int32_t fd, long err)
{
	long r = nsys3(nr, (long)fd, FAULT_ADDR, 0);

	return r == -EFAULT ? err : r;
}

/* ---- msghdr conversion ------------------------------------------------ */

struct msgconv {
	struct i386_msghdr   m;         /* as the i386 caller wrote it */
	struct native_msghdr k;         /* what the native call gets */
	uint64_t             total;     /* bytes in the iovecs */
	uint8_t             *ctl;       /* native control buffer */
	size_t               ctlmap;    /* non-zero: ctl is a temporary mapping */
	uint64_t             name[SOCKADDR_STORAGE / 8];
	struct native_iovec  iov[UIO_MAXIOV];
	uint64_t             ctlbuf[CTL_STACK / 8];
};

static void msgconv_done(struct msgconv *c)
{
	if (c->ctlmap)
		nsys2(__NR_munmap, c->ctl, c->ctlmap);
	c->ctlmap = 0;
}

static long ctl_alloc(struct msgconv *c, size_t len)
{
	c->ctl = (uint8_t *)c->ctlbuf;
	c->ctlmap = 0;
	if (len > CTL_STACK) {
		long p = nsys6(__NR_mmap, 0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p < 0)
			return -ENOBUFS;
		c->ctl = (uint8_t *)p;
		c->ctlmap = len;
	}
	return 0;
}

/* The i386 cmsgs become native ones (cmsghdr_from_user_compat_to_kern). */
static long ctl_in(struct msgconv *c)
{
	uint32_t base = c->m.msg_control, len = c->m.msg_controllen, off, ulen;
	size_t klen = 0, k = 0;

	/* pass 1: check every header and size the native buffer */
	for (off = 0; len >= sizeof(struct i386_cmsghdr) && off < len;) {
		if (copy_from_user(&ulen, base + off, sizeof(ulen)))
			return -EFAULT;
		if (ulen < sizeof(struct i386_cmsghdr) || ulen > len - off)
			return -EINVAL;
		klen += NATIVE_CMSG_ALIGN(ulen - sizeof(struct i386_cmsghdr) + sizeof(struct native_cmsghdr));
		off += I386_CMSG_ALIGN(ulen);
		if (klen > CTL_SEND_MAX)
			return -ENOBUFS;
	}
	if (klen == 0)
		return -EINVAL;
	if (ctl_alloc(c, klen))
		return -ENOBUFS;
	memset(c->ctl, 0, klen);
	/* pass 2: copy them over */
	for (off = 0; off < len;) {
		struct i386_cmsghdr h;
		struct native_cmsghdr *n = (struct native_cmsghdr *)(c->ctl + k);
		if (copy_from_user(&h, base + off, sizeof(h)))
			return -EFAULT;
		if (h.cmsg_len < sizeof(h) || h.cmsg_len > len - off)
			return -EINVAL;
		size_t dlen = h.cmsg_len - sizeof(h);
		if (k + NATIVE_CMSG_ALIGN(sizeof(*n) + dlen) > klen)
			return -EINVAL;         /* changed under us */
		n->cmsg_len = sizeof(*n) + dlen;
		n->cmsg_level = h.cmsg_level;
		n->cmsg_type = h.cmsg_type;
		if (copy_from_user(n + 1, base + off + sizeof(h), dlen))
			return -EFAULT;
		k += NATIVE_CMSG_ALIGN(sizeof(*n) + dlen);
		off += I386_CMSG_ALIGN(h.cmsg_len);
	}
	c->k.msg_control = (uint64_t)c->ctl;
	c->k.msg_controllen = klen;
	return 0;
}

/* Reads an i386 msghdr with its name (send only) and iovecs (get_compat_msghdr). */
static long msg_in(struct msgconv *c, uint32_t umsg, int send)
{
	int32_t namelen;

	c->ctlmap = 0;
	if (copy_from_user(&c->m, umsg, sizeof(c->m)))
		return -EFAULT;
	memset(&c->k, 0, sizeof(c->k));
	namelen = c->m.msg_name ? c->m.msg_namelen : 0;
	if (namelen < 0)
		return -EINVAL;
	if (namelen > SOCKADDR_STORAGE)
		namelen = SOCKADDR_STORAGE;
	if (send) {
		if (c->m.msg_name && namelen) {
			if (copy_from_user(c->name, c->m.msg_name, namelen))
				return -EFAULT;
			c->k.msg_name = (uint64_t)c->name;
			c->k.msg_namelen = namelen;
		}
	} else {
		/* the native call stores the address and its length straight */
		c->k.msg_name = c->m.msg_name;
		c->k.msg_namelen = namelen;
	}
	if (c->m.msg_iovlen > UIO_MAXIOV)
		return -EMSGSIZE;
	c->total = 0;
	for (uint32_t i = 0; i < c->m.msg_iovlen;) {
		struct i386_iovec v[64];
		uint32_t n = c->m.msg_iovlen - i < 64 ? c->m.msg_iovlen - i : 64;
		if (copy_from_user(v, c->m.msg_iov + i * sizeof(v[0]), n * sizeof(v[0])))
			return -EFAULT;
		for (uint32_t j = 0; j < n; j++, i++) {
			if ((int32_t)v[j].iov_len < 0)
				return -EINVAL;
			c->iov[i].iov_base = v[j].iov_base;
			c->iov[i].iov_len = v[j].iov_len;
			c->total += v[j].iov_len;
		}
	}
	c->k.msg_iov = (uint64_t)c->iov;
	c->k.msg_iovlen = c->m.msg_iovlen;
	return 0;
}

static long sendmsg_one(int32_t fd, uint32_t umsg, uint32_t flags, uint32_t msg_flags_ok, struct msgconv *c)
{
	long r = msg_in(c, umsg, 1);

	if (r == 0 && c->m.msg_controllen > INT32_MAX)
		r = -ENOBUFS;
	if (r == 0 && c->m.msg_controllen)
		r = ctl_in(c);
	if (r == 0) {
		flags |= c->m.msg_flags & msg_flags_ok;
		r = nsys3(__NR_sendmsg, (long)fd, &c->k, flags & ~MSG_CMSG_COMPAT);
	}
	msgconv_done(c);
	return r;
}

XL(sendmsg)
{
	struct msgconv c;
	long r = sendmsg_one((int32_t)ARG0(f), ARG1(f), ARG2(f), 0, &c);

	if (r == -EFAULT || r == -EINVAL || r == -EMSGSIZE || r == -ENOBUFS)
		r = fd_error(__NR_sendmsg, (int32_t)ARG0(f), r);
	return r;
}

/* ---- received control data -------------------------------------------- */

struct ctl_out {
	uint32_t uc;            /* next i386 cmsg */
	uint32_t left;          /* bytes left in the i386 buffer */
	uint32_t flags;         /* msg_flags to report */
};

/* put_cmsg_compat(): one cmsg, truncated to what is left. */
static void put_cmsg32(struct ctl_out *o, int32_t level, int32_t type, const void *data, uint32_t len)
{
	struct i386_cmsghdr h = { sizeof(h) + len, level, type };
	uint32_t space;

	if (!o->uc || o->left < sizeof(h)) {
		o->flags |= MSG_CTRUNC;
		return;
	}
	if (o->left < h.cmsg_len) {
		o->flags |= MSG_CTRUNC;
		h.cmsg_len = o->left;
	}
	if (copy_to_user(o->uc, &h, sizeof(h)) ||
	    copy_to_user(o->uc + sizeof(h), data, h.cmsg_len - sizeof(h)))
		return;
	space = sizeof(h) + I386_CMSG_ALIGN(len);
	if (o->left < space)
		space = o->left;
	o->uc += space;
	o->left -= space;
}

/* scm_detach_fds_compat(): as many descriptors as fit; the rest closed. */
static void put_fds32(struct ctl_out *o, const int32_t *fds, uint32_t count)
{
	uint32_t max = o->left <= sizeof(struct i386_cmsghdr) ? 0
		       : (o->left - sizeof(struct i386_cmsghdr)) / sizeof(int32_t);
	uint32_t i;

	if (!o->uc)
		max = 0;
	for (i = 0; i < count && i < max; i++)
		if (copy_to_user(o->uc + sizeof(struct i386_cmsghdr) + i * 4, &fds[i], 4))
			break;
	for (uint32_t j = i; j < count; j++)
		nsys1(__NR_close, fds[j]);
	if (i > 0) {
		struct i386_cmsghdr h = { sizeof(h) + i * 4, SOL_SOCKET, SCM_RIGHTS };
		if (!copy_to_user(o->uc, &h, sizeof(h))) {
			uint32_t space = sizeof(h) + i * 4;
			if (o->left < space)
				space = o->left;
			o->uc += space;
			o->left -= space;
		}
	}
	if (i < count || (count && max == 0))
		o->flags |= MSG_CTRUNC;
}

static void ctl_out(struct msgconv *c, struct ctl_out *o)
{
	uint8_t *p = c->ctl, *end = c->ctl + c->k.msg_controllen;

	while (c->ctl && p + sizeof(struct native_cmsghdr) <= end) {
		struct native_cmsghdr *n = (struct native_cmsghdr *)p;
		const uint8_t *data = (const uint8_t *)(n + 1);
		uint32_t len;

		if (n->cmsg_len < sizeof(*n) || n->cmsg_len > (uint64_t)(end - p))
			break;
		len = n->cmsg_len - sizeof(*n);
		if (n->cmsg_level == SOL_SOCKET && n->cmsg_type == SCM_RIGHTS) {
			put_fds32(o, (const int32_t *)data, len / 4);
		} else if (n->cmsg_level == SOL_SOCKET && n->cmsg_type == SO_TIMESTAMP_OLD &&
			   len >= sizeof(struct __kernel_old_timeval)) {
			const struct __kernel_old_timeval *tv = (const void *)data;
			struct i386_timeval t = { (int32_t)tv->tv_sec, (int32_t)tv->tv_usec };
			put_cmsg32(o, SOL_SOCKET, SO_TIMESTAMP_OLD, &t, sizeof(t));
		} else if (n->cmsg_level == SOL_SOCKET &&
			   (n->cmsg_type == SO_TIMESTAMPNS_OLD || n->cmsg_type == SO_TIMESTAMPING_OLD)) {
			const struct __kernel_timespec *ts = (const void *)data;
			struct i386_timespec t[3];
			uint32_t count = n->cmsg_type == SO_TIMESTAMPNS_OLD ? 1 : 3;
			if (len < count * sizeof(*ts))
				count = len / sizeof(*ts);
			for (uint32_t i = 0; i < count; i++)
				t[i] = (struct i386_timespec){ (int32_t)ts[i].tv_sec, (int32_t)ts[i].tv_nsec };
			put_cmsg32(o, SOL_SOCKET, n->cmsg_type, t, count * sizeof(t[0]));
		} else {
			put_cmsg32(o, n->cmsg_level, n->cmsg_type, data, len);
		}
		p += NATIVE_CMSG_ALIGN(n->cmsg_len);
	}
}

/* One recvmsg on an i386 msghdr; returns the byte count or -errno. */
static long recvmsg_one(int32_t fd, uint32_t umsg, uint32_t flags, struct msgconv *c, uint32_t *msg_flags_out)
{
	struct ctl_out o;
	long r = msg_in(c, umsg, 0);
	uint32_t clen;

	if (r < 0)
		return r;
	clen = c->m.msg_controllen;
	if (c->m.msg_control && clen >= sizeof(struct i386_cmsghdr)) {
		/* room for everything that fits the i386 buffer: a native cmsg
		 * is at most twice its i386 size (a timestamp doubles) */
		size_t n = (size_t)clen * 2 + 16;
		if (n > CTL_NATIVE_MAX)
			n = CTL_NATIVE_MAX;
		n = NATIVE_CMSG_ALIGN(n);
		if (ctl_alloc(c, n))
			return -ENOBUFS;
		c->k.msg_control = (uint64_t)c->ctl;
		c->k.msg_controllen = n;
	} else {
		c->ctl = NULL;
	}
	r = nsys3(__NR_recvmsg, (long)fd, &c->k, flags & ~MSG_CMSG_COMPAT);
	if (r < 0) {
		msgconv_done(c);
		return r;
	}
	o = (struct ctl_out){ c->m.msg_control, clen, c->k.msg_flags };
	if (c->ctl)
		ctl_out(c, &o);
	else
		c->k.msg_controllen = 0;
	msgconv_done(c);
	/* name length, flags, control length, as the kernel stores them */
	if (c->m.msg_name &&
	    copy_to_user(umsg + offsetof(struct i386_msghdr, msg_namelen), &c->k.msg_namelen, 4))
		return -EFAULT;
	if (copy_to_user(umsg + offsetof(struct i386_msghdr, msg_flags), &o.flags, 4))
		return -EFAULT;
	clen = o.uc - c->m.msg_control;
	if (!c->ctl)
		clen = 0;
	if (copy_to_user(umsg + offsetof(struct i386_msghdr, msg_controllen), &clen, 4))
		return -EFAULT;
	if (msg_flags_out)
		*msg_flags_out = o.flags;
	return r;
}

XL(recvmsg)
{
	struct msgconv c;
	long r = recvmsg_one((int32_t)ARG0(f), ARG1(f), ARG2(f), &c, NULL);

	if (r == -EFAULT || r == -EINVAL || r == -EMSGSIZE)
		r = fd_error(__NR_recvmsg, (int32_t)ARG0(f), r);
	return r;
}

/* ---- sendmmsg / recvmmsg ---------------------------------------------- */

/* The kernel's sendmmsg is a loop of sendmsg (with MSG_BATCH on all but the
 * last, MSG_EOR taken from each msghdr); so is this one. */
static long do_sendmmsg(int32_t fd, uint32_t uvec, uint32_t vlen, uint32_t flags)
{
	struct msgconv c;
	uint32_t sent = 0;
	long r = 0;

	if (vlen > UIO_MAXIOV)
		vlen = UIO_MAXIOV;
	/* the descriptor is checked first, even for no messages */
	r = nsys4(__NR_sendmmsg, (long)fd, 0, 0, flags & ~MSG_CMSG_COMPAT);
	if (r < 0 || vlen == 0)
		return r;
	while (sent < vlen) {
		uint32_t u = uvec + sent * sizeof(struct i386_mmsghdr);
		uint32_t fl = sent == vlen - 1 ? flags : flags | MSG_BATCH;
		r = sendmsg_one(fd, u, fl, MSG_EOR, &c);
		if (r < 0)
			break;
		uint32_t len = (uint32_t)r;
		if (copy_to_user(u + offsetof(struct i386_mmsghdr, msg_len), &len, 4)) {
			r = -EFAULT;
			break;
		}
		sent++;
		r = 0;
		if ((uint64_t)len < c.total)
			break;          /* a partial send ends the batch */
	}
	return sent ? (long)sent : r;
}

XL(sendmmsg)
{
	return do_sendmmsg((int32_t)ARG0(f), ARG1(f), ARG2(f), ARG3(f));
}

static void now_mono(struct __kernel_timespec *t)
{
	nsys2(__NR_clock_gettime, CLOCK_MONOTONIC, t);
}

/* The kernel's recvmmsg is a loop of recvmsg; the timeout is looked at only
 * between datagrams, and what is left of it is stored back. */
static long do_recvmmsg(int32_t fd, uint32_t uvec, uint32_t vlen, uint32_t flags,
			uint32_t utmo, int tmo64)
{
	struct msgconv c;
	struct __kernel_timespec tmo, end, now;
	uint32_t got = 0, mflags;
	long r = 0;

	if (utmo) {
		if (tmo64 ? copy_from_user(&tmo, utmo, sizeof(tmo)) : get_i386_timespec(&tmo, utmo))
			return -EFAULT;
		if (tmo.tv_sec < 0 || tmo.tv_nsec < 0 || tmo.tv_nsec >= 1000000000)
			return -EINVAL;
		now_mono(&now);
		end.tv_sec = now.tv_sec + tmo.tv_sec;
		end.tv_nsec = now.tv_nsec + tmo.tv_nsec;
		if (end.tv_nsec >= 1000000000) {
			end.tv_sec++;
			end.tv_nsec -= 1000000000;
		}
	}
	/* the descriptor and a pending socket error come first */
	r = nsys5(__NR_recvmmsg, (long)fd, 0, 0, flags & ~(MSG_CMSG_COMPAT | MSG_WAITFORONE), 0);
	if (r < 0 || vlen == 0)
		return r;
	while (got < vlen) {
		uint32_t u = uvec + got * sizeof(struct i386_mmsghdr);
		r = recvmsg_one(fd, u, flags & ~MSG_WAITFORONE, &c, &mflags);
		if (r < 0)
			break;
		uint32_t len = (uint32_t)r;
		if (copy_to_user(u + offsetof(struct i386_mmsghdr, msg_len), &len, 4)) {
			r = -EFAULT;
			break;
		}
		r = 0;
		got++;
		if (flags & MSG_WAITFORONE)
			flags |= MSG_DONTWAIT;
		if (utmo) {
			now_mono(&now);
			tmo.tv_sec = end.tv_sec - now.tv_sec;
			tmo.tv_nsec = end.tv_nsec - now.tv_nsec;
			if (tmo.tv_nsec < 0) {
				tmo.tv_sec--;
				tmo.tv_nsec += 1000000000;
			}
			if (tmo.tv_sec < 0) {
				tmo.tv_sec = tmo.tv_nsec = 0;
				break;
			}
			if (tmo.tv_sec == 0 && tmo.tv_nsec == 0)
				break;
		}
		if (mflags & MSG_OOB)
			break;
	}
	if (got == 0)
		return r;
	/* an error after some datagrams is dropped here; the kernel would
	 * report it on the next call through the socket's pending error */
	if (utmo) {
		if (tmo64 ? copy_to_user(utmo, &tmo, sizeof(tmo)) : put_i386_timespec(utmo, &tmo))
			return -EFAULT;
	}
	return got;
}

XL(recvmmsg)
{
	return do_recvmmsg((int32_t)ARG0(f), ARG1(f), ARG2(f), ARG3(f), ARG4(f), 0);
}

XL(recvmmsg_time64)
{
	return do_recvmmsg((int32_t)ARG0(f), ARG1(f), ARG2(f), ARG3(f), ARG4(f), 1);
}

/* ---- socket options ---------------------------------------------------- */

/* Options whose i386 layout is not converted here (netfilter's tables
 * carry i386 pointers and alignment throughout). */
static int option_unsupported(int32_t level, int32_t name)
{
	if (level == SOL_IP || level == SOL_IPV6) {
		if (level == SOL_IP && name >= 64 && name <= 65)        /* IPT_SO_SET_* / GET_* */
			return 1;
		if (level == SOL_IPV6 && name >= 64 && name <= 65)      /* IP6T_SO_* */
			return 1;
		if (level == SOL_IP && name >= 96 && name <= 97)        /* ARPT_SO_* */
			return 1;
		if (level == SOL_IP && name >= 128 && name <= 131)      /* EBT_SO_* */
			return 1;
	}
	return 0;
}

/* Can len bytes at u be read? (the kernel copies the whole value first) */
static int user_readable(uint32_t u, uint32_t len)
{
	uint8_t chunk[256];

	for (uint32_t off = 0; off < len; off += sizeof(chunk)) {
		uint32_t n = len - off < sizeof(chunk) ? len - off : sizeof(chunk);
		if (copy_from_user(chunk, u + off, n))
			return 0;
	}
	return 1;
}

/* A conversion failed with err: the native call, given an address it cannot
 * read, reports what the kernel checks first (descriptor, level, option);
 * if it gets as far as reading the value, err stands. */
static long set_replay(int32_t fd, int32_t level, int32_t name, uint32_t nlen, long err)
{
	long r = nsys5(__NR_setsockopt, (long)fd, level, name, FAULT_ADDR, nlen);

	return r == -EFAULT ? err : r;
}

/* MCAST_MSFILTER: struct group_filter, whose sockaddr_storage members are
 * only 4-aligned on i386: the source list starts at 140, not 144. */
#define GF32_HDR   140u             /* offsetof(compat_group_filter, gf_slist) */
#define GF64_HDR   144u
#define GF_SS      128u
#define GF_MAX_SRC 1024u            /* far above igmp_max_msf / mld_max_msf */
struct gf64_hdr {
	uint32_t ifindex, pad;
	uint8_t  group[GF_SS];
	uint32_t fmode, numsrc;
};
_Static_assert(sizeof(struct gf64_hdr) == GF64_HDR, "x86-64 group_filter header");

static long msfilter_set(int32_t fd, int32_t level, uint32_t uval, uint32_t len)
{
	struct { uint32_t ifindex; uint8_t group[GF_SS]; uint32_t fmode, numsrc; } __attribute__((packed)) h;
	struct gf64_hdr *k;
	uint64_t klen, n;
	long r, p;

	_Static_assert(sizeof(h) == GF32_HDR, "i386 group_filter header");
	if (len < GF32_HDR)
		return set_replay(fd, level, MCAST_MSFILTER, GF64_HDR, -EINVAL);
	if (!user_readable(uval, len) || copy_from_user(&h, uval, sizeof(h)))
		return set_replay(fd, level, MCAST_MSFILTER, GF64_HDR, -EFAULT);
	n = h.numsrc;
	if (n >= 0x1ffffff)
		return set_replay(fd, level, MCAST_MSFILTER, GF64_HDR, -ENOBUFS);
	if (GF32_HDR + n * GF_SS > len)
		return set_replay(fd, level, MCAST_MSFILTER, GF64_HDR, -EINVAL);
	if (n > GF_MAX_SRC)
		return set_replay(fd, level, MCAST_MSFILTER, GF64_HDR, -ENOBUFS);
	klen = GF64_HDR + n * GF_SS;
	p = nsys6(__NR_mmap, 0, klen, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p < 0)
		return -ENOBUFS;
	k = (struct gf64_hdr *)p;
	k->ifindex = h.ifindex;
	memcpy(k->group, h.group, GF_SS);
	k->fmode = h.fmode;
	k->numsrc = h.numsrc;
	if (copy_from_user(k + 1, uval + GF32_HDR, n * GF_SS))
		r = -EFAULT;
	else
		r = nsys5(__NR_setsockopt, (long)fd, level, MCAST_MSFILTER, k, klen);
	nsys2(__NR_munmap, p, klen);
	return r;
}

static long msfilter_get(int32_t fd, int32_t level, uint32_t uval, uint32_t ulen)
{
	struct { uint32_t ifindex; uint8_t group[GF_SS]; uint32_t fmode, numsrc; } __attribute__((packed)) h;
	struct gf64_hdr *k;
	int32_t len, klen32;
	uint64_t klen, num;
	long r, p;

	if (copy_from_user(&len, ulen, sizeof(len)))
		return nsys5(__NR_getsockopt, (long)fd, level, MCAST_MSFILTER, FAULT_ADDR, FAULT_ADDR);
	if (len < (int32_t)GF32_HDR || copy_from_user(&h, uval, sizeof(h))) {
		int32_t probe = GF64_HDR;
		r = nsys5(__NR_getsockopt, (long)fd, level, MCAST_MSFILTER, FAULT_ADDR, &probe);
		return r != -EFAULT ? r : len < (int32_t)GF32_HDR ? -EINVAL : -EFAULT;
	}
	num = h.numsrc < GF_MAX_SRC ? h.numsrc : GF_MAX_SRC;
	klen = GF64_HDR + num * GF_SS;
	p = nsys6(__NR_mmap, 0, klen, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p < 0)
		return -ENOBUFS;
	k = (struct gf64_hdr *)p;
	k->ifindex = h.ifindex;
	memcpy(k->group, h.group, GF_SS);
	k->fmode = h.fmode;
	k->numsrc = (uint32_t)num;
	klen32 = (int32_t)klen;
	r = nsys5(__NR_getsockopt, (long)fd, level, MCAST_MSFILTER, k, &klen32);
	if (r == 0) {
		/* the sources copied, then the length, mode and count, as the
		 * kernel stores them for i386 */
		uint64_t copied = k->numsrc < num ? k->numsrc : num;
		int32_t outlen = GF32_HDR + copied * GF_SS;
		if (copy_to_user(uval + GF32_HDR, k + 1, copied * GF_SS) ||
		    copy_to_user(ulen, &outlen, sizeof(outlen)) ||
		    copy_to_user(uval + offsetof(__typeof__(h), fmode), &k->fmode, 4) ||
		    copy_to_user(uval + offsetof(__typeof__(h), numsrc), &k->numsrc, 4))
			r = -EFAULT;
	}
	nsys2(__NR_munmap, p, klen);
	return r;
}

/* copy_from_user for an option value, replayed on a fault */
#define OPT_IN(dst, n, nlen) do { \
		if (copy_from_user((dst), uval, (n))) \
			return set_replay(fd, level, name, (nlen), -EFAULT); \
	} while (0)

static long do_setsockopt(int32_t fd, int32_t level, int32_t name, uint32_t uval, uint32_t len)
{
	if (level == SOL_SOCKET && (name == SO_RCVTIMEO_OLD || name == SO_SNDTIMEO_OLD)) {
		struct __kernel_old_timeval tv;
		struct i386_timeval t;
		/* every SOL_SOCKET option reads an int first */
		if (len < sizeof(int32_t))
			return set_replay(fd, level, name, sizeof(tv), -EINVAL);
		OPT_IN(&t, sizeof(int32_t), sizeof(tv));
		if (len < sizeof(t))
			return set_replay(fd, level, name, sizeof(tv), -EINVAL);
		OPT_IN(&t, sizeof(t), sizeof(tv));
		tv.tv_sec = t.tv_sec;
		tv.tv_usec = t.tv_usec;
		return nsys5(__NR_setsockopt, (long)fd, level, name, &tv, sizeof(tv));
	}
	if (level == SOL_SOCKET && (name == SO_ATTACH_FILTER || name == SO_ATTACH_REUSEPORT_CBPF)) {
		struct i386_sock_fprog p32;
		struct { uint16_t len; uint16_t pad[3]; uint64_t filter; } p = { 0, { 0, 0, 0 }, 0 };
		if (len < sizeof(int32_t))
			return set_replay(fd, level, name, sizeof(p), -EINVAL);
		OPT_IN(&p32, sizeof(int32_t), sizeof(p));
		if (len != sizeof(p32))
			return set_replay(fd, level, name, sizeof(p), -EINVAL);
		OPT_IN(&p32, sizeof(p32), sizeof(p));
		p.len = p32.len;
		p.filter = p32.filter;
		return nsys5(__NR_setsockopt, (long)fd, level, name, &p, sizeof(p));
	}
	if ((level == SOL_IP || level == SOL_IPV6) &&
	    (name == MCAST_JOIN_GROUP || name == MCAST_LEAVE_GROUP)) {
		struct i386_group_req g32;
		struct { uint32_t ifindex, pad; uint8_t group[128]; } g;
		if (len < sizeof(g32))
			return set_replay(fd, level, name, sizeof(g), -EINVAL);
		OPT_IN(&g32, sizeof(g32), sizeof(g));
		g.ifindex = g32.gr_interface;
		g.pad = 0;
		memcpy(g.group, g32.gr_group, sizeof(g.group));
		return nsys5(__NR_setsockopt, (long)fd, level, name, &g, sizeof(g));
	}
	if ((level == SOL_IP || level == SOL_IPV6) &&
	    (name == MCAST_JOIN_SOURCE_GROUP || name == MCAST_LEAVE_SOURCE_GROUP ||
	     name == MCAST_BLOCK_SOURCE || name == MCAST_UNBLOCK_SOURCE)) {
		struct i386_group_source_req g32;
		struct { uint32_t ifindex, pad; uint8_t group[128], source[128]; } g;
		/* IPv4 wants the exact size, IPv6 at least it */
		if (len < sizeof(g32) || (level == SOL_IP && len != sizeof(g32)))
			return set_replay(fd, level, name, sizeof(g), -EINVAL);
		OPT_IN(&g32, sizeof(g32), sizeof(g));
		g.ifindex = g32.gsr_interface;
		g.pad = 0;
		memcpy(g.group, g32.gsr_group, sizeof(g.group));
		memcpy(g.source, g32.gsr_source, sizeof(g.source));
		return nsys5(__NR_setsockopt, (long)fd, level, name, &g, sizeof(g));
	}
	if ((level == SOL_IP || level == SOL_IPV6) && name == MCAST_MSFILTER)
		return msfilter_set(fd, level, uval, len);
	if ((level == SOL_IP && name == IP_XFRM_POLICY) || (level == SOL_IPV6 && name == IPV6_XFRM_POLICY)) {
		/* IPsec policies have an i386 layout the kernel converts only
		 * with its optional compat translator; without one (the usual
		 * case) it refuses them after reading: so do we */
		long r;
		if (!uval && !len)
			return nsys5(__NR_setsockopt, (long)fd, level, name, 0, 0);
		r = set_replay(fd, level, name, len, -EFAULT);
		if (r != -EFAULT)
			return r;
		return user_readable(uval, len) ? -EOPNOTSUPP : -EFAULT;
	}
	if (option_unsupported(level, name)) {
		/* the kernel may refuse it before reading the value (no such
		 * option here, module not loaded, wrong socket): then so do we */
		long r = nsys5(__NR_setsockopt, (long)fd, level, name, FAULT_ADDR, len);
		if (r != -EFAULT)
			return r;
		return persona_enosys(I386_NR_setsockopt, "level %d option %d: i386 layout not converted", level, name);
	}
	return nsys5(__NR_setsockopt, (long)fd, level, name, wide_u32(uval), len);
}

static long do_getsockopt(int32_t fd, int32_t level, int32_t name, uint32_t uval, uint32_t ulen)
{
	if (level == SOL_SOCKET && (name == SO_RCVTIMEO_OLD || name == SO_SNDTIMEO_OLD)) {
		struct __kernel_old_timeval tv;
		struct i386_timeval t;
		int32_t len, klen = sizeof(tv);
		long r;
		if (copy_from_user(&len, ulen, sizeof(len)))
			return nsys5(__NR_getsockopt, (long)fd, level, name, FAULT_ADDR, FAULT_ADDR);
		if (len < 0) {
			r = nsys5(__NR_getsockopt, (long)fd, level, name, FAULT_ADDR, FAULT_ADDR);
			return r == -EFAULT ? -EINVAL : r;
		}
		r = nsys5(__NR_getsockopt, (long)fd, level, name, &tv, &klen);
		if (r < 0)
			return r;
		t.tv_sec = (int32_t)tv.tv_sec;
		t.tv_usec = (int32_t)tv.tv_usec;
		if (len > (int32_t)sizeof(t))
			len = sizeof(t);
		if (copy_to_user(uval, &t, len) || copy_to_user(ulen, &len, sizeof(len)))
			return -EFAULT;
		return 0;
	}
	if ((level == SOL_IP || level == SOL_IPV6) && name == MCAST_MSFILTER)
		return msfilter_get(fd, level, uval, ulen);
	if (option_unsupported(level, name)) {
		int32_t len;
		long r;
		if (copy_from_user(&len, ulen, sizeof(len)))
			return nsys5(__NR_getsockopt, (long)fd, level, name, FAULT_ADDR, FAULT_ADDR);
		r = nsys5(__NR_getsockopt, (long)fd, level, name, FAULT_ADDR, &len);
		if (r != -EFAULT)
			return r;
		return persona_enosys(I386_NR_getsockopt, "level %d option %d: i386 layout not converted", level, name);
	}
	return nsys5(__NR_getsockopt, (long)fd, level, name, wide_u32(uval), wide_u32(ulen));
}

XL(setsockopt)
{
	return do_setsockopt((int32_t)ARG0(f), (int32_t)ARG1(f), (int32_t)ARG2(f), ARG3(f), ARG4(f));
}

XL(getsockopt)
{
	return do_getsockopt((int32_t)ARG0(f), (int32_t)ARG1(f), (int32_t)ARG2(f), ARG3(f), ARG4(f));
}

/* ---- socketcall -------------------------------------------------------- */

/* Arguments per call, SYS_SOCKET (1) .. SYS_SENDMMSG (20). */
static const uint8_t socketcall_nargs[SYS_SENDMMSG + 1] = {
	0, 3, 3, 3, 2, 3, 3, 3, 4, 4, 4, 6, 6, 2, 5, 5, 3, 3, 4, 5, 4,
};

/* sign-extended int, zero-extended everything else (pointers, sizes) */
#define S(i) ((long)(int32_t)a[i])
#define U(i) ((long)a[i])

XL(socketcall)
{
	uint32_t call = ARG0(f), a[6] = { 0 };

	if (call < SYS_SOCKET || call > SYS_SENDMMSG)
		return -EINVAL;
	if (copy_from_user(a, ARG1(f), socketcall_nargs[call] * sizeof(uint32_t)))
		return -EFAULT;
	switch (call) {
	case SYS_SOCKET:      return nsys3(__NR_socket, S(0), S(1), S(2));
	case SYS_BIND:        return nsys3(__NR_bind, S(0), U(1), S(2));
	case SYS_CONNECT:     return nsys3(__NR_connect, S(0), U(1), S(2));
	case SYS_LISTEN:      return nsys2(__NR_listen, S(0), S(1));
	case SYS_ACCEPT:      return nsys4(__NR_accept4, S(0), U(1), U(2), 0);
	case SYS_GETSOCKNAME: return nsys3(__NR_getsockname, S(0), U(1), U(2));
	case SYS_GETPEERNAME: return nsys3(__NR_getpeername, S(0), U(1), U(2));
	case SYS_SOCKETPAIR:  return nsys4(__NR_socketpair, S(0), S(1), S(2), U(3));
	case SYS_SEND:        return nsys6(__NR_sendto, S(0), U(1), U(2), U(3), 0, 0);
	case SYS_RECV:        return nsys6(__NR_recvfrom, S(0), U(1), U(2), U(3), 0, 0);
	case SYS_SENDTO:      return nsys6(__NR_sendto, S(0), U(1), U(2), U(3), U(4), S(5));
	case SYS_RECVFROM:    return nsys6(__NR_recvfrom, S(0), U(1), U(2), U(3), U(4), U(5));
	case SYS_SHUTDOWN:    return nsys2(__NR_shutdown, S(0), S(1));
	case SYS_SETSOCKOPT:  return do_setsockopt((int32_t)a[0], (int32_t)a[1], (int32_t)a[2], a[3], a[4]);
	case SYS_GETSOCKOPT:  return do_getsockopt((int32_t)a[0], (int32_t)a[1], (int32_t)a[2], a[3], a[4]);
	case SYS_SENDMSG: {
		struct i386_frame g = { .ebx = a[0], .ecx = a[1], .edx = a[2] };
		return xl_sendmsg(&g);
	}
	case SYS_RECVMSG: {
		struct i386_frame g = { .ebx = a[0], .ecx = a[1], .edx = a[2] };
		return xl_recvmsg(&g);
	}
	case SYS_ACCEPT4:     return nsys4(__NR_accept4, S(0), U(1), U(2), S(3));
	case SYS_RECVMMSG:    return do_recvmmsg((int32_t)a[0], a[1], a[2], a[3], a[4], 0);
	case SYS_SENDMMSG:    return do_sendmmsg((int32_t)a[0], a[1], a[2], a[3]);
	}
	return -EINVAL;
}
