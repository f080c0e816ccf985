/* personality/c/xl/misc.c — the rest of the file/process/memory domain:
 * quotas, keys, AIO contexts, NUMA node masks, move_pages,
 * pidfd_send_signal's siginfo, and arch_prctl, iopl, ioperm. Each follows the kernel's compat code for
 * the same call; what is not converted fails with -ENOSYS and a log line.
 */
#include "core/persona.h"
#include "core/i386_types.h"
#include "xl/common.h"
#include "core/sysent_types.h"

/* ---- quotactl: struct if_dqblk is 68 bytes on i386, 72 on x86-64 ------- */

#define SUBCMDSHIFT     8
#define Q_GETQUOTA_     0x800007
#define Q_SETQUOTA_     0x800008
#define Q_XGETQSTAT_    0x5805          /* struct fs_quota_stat: packed differently */
#define IF_DQBLK_I386   68
#define IF_DQBLK_NATIVE 72

/* quotactl(cmd, special, id, addr) and quotactl_fd(fd, cmd, id, addr) */
static long quota_call(long nr, long a0, uint32_t cmd, long id, uint64_t addr)
{
	return nr == __NR_quotactl ? nsys4(nr, cmd, a0, id, addr) : nsys4(nr, a0, cmd, id, addr);
}

static long do_quotactl(struct i386_frame *f, long nr, long a0, uint32_t cmd, long id, uint32_t uaddr)
{
	uint32_t sub = cmd >> SUBCMDSHIFT;
	char q[IF_DQBLK_NATIVE];
	long r;

	switch (sub) {
	case Q_GETQUOTA_:
		memset(q, 0, sizeof(q));
		r = quota_call(nr, a0, cmd, id, (uint64_t)q);
		if (r < 0)
			return r;
		return copy_to_user(uaddr, q, IF_DQBLK_I386);
	case Q_SETQUOTA_:
		memset(q, 0, sizeof(q));
		if (copy_from_user(q, uaddr, IF_DQBLK_I386))
			return -EFAULT;
		return quota_call(nr, a0, cmd, id, (uint64_t)q);
	case Q_XGETQSTAT_:
		return persona_enosys(f->nr, "Q_XGETQSTAT: struct fs_quota_stat is not converted");
	default:
		/* the other commands' structs (if_dqinfo, if_nextdqblk,
		 * fs_disk_quota, fs_quota_statv) have one layout */
		return quota_call(nr, a0, cmd, id, uaddr);
	}
}

XL(quotactl)    { return do_quotactl(f, __NR_quotactl, ARG1(f), ARG0(f), wide_s32(ARG2(f)), ARG3(f)); }
XL(quotactl_fd) { return do_quotactl(f, __NR_quotactl_fd, wide_s32(ARG0(f)), ARG1(f), wide_s32(ARG2(f)), ARG3(f)); }

/* ---- keyctl: two commands carry i386 pointers inside structs ----------- */

#define KEYCTL_INSTANTIATE_IOV_ 20
#define KEYCTL_DH_COMPUTE_      23

struct i386_kdf_params { uint32_t hashname, otherinfo, otherinfolen, spare[8]; };
struct native_kdf_params { uint64_t hashname, otherinfo; uint32_t otherinfolen, spare[8]; };

XL(keyctl)
{
	uint32_t op = ARG0(f);

	if (op == KEYCTL_INSTANTIATE_IOV_) {
		struct iov_buf b;
		uint32_t n = ARG2(f) ? ARG3(f) : 0;     /* no array: no payload */
		long r = get_i386_iovec(&b, ARG2(f), n);

		if (r < 0)
			return r;
		r = nsys5(__NR_keyctl, op, wide_s32(ARG1(f)), ARG2(f) ? (long)b.iov : 0, n, wide_s32(ARG4(f)));
		put_iov_buf(&b);
		return r;
	}
	if (op == KEYCTL_DH_COMPUTE_ && ARG4(f)) {
		struct i386_kdf_params k;
		struct native_kdf_params n;

		if (copy_from_user(&k, ARG4(f), sizeof(k)))
			return -EFAULT;
		memset(&n, 0, sizeof(n));
		n.hashname = k.hashname;
		n.otherinfo = k.otherinfo;
		n.otherinfolen = k.otherinfolen;
		memcpy(n.spare, k.spare, sizeof(n.spare));
		return nsys5(__NR_keyctl, op, ARG1(f), ARG2(f), ARG3(f), &n);
	}
	return nsys5(__NR_keyctl, op, ARG1(f), ARG2(f), ARG3(f), ARG4(f));
}

/* ---- AIO contexts ---------------------------------------------------------
 * The context id is the address of the ring the kernel maps, far above
 * 4 GiB for a 64-bit process; i386 code stores it in 32 bits and libaio
 * reads the ring through it. The ring is moved below 4 GiB (the kernel's
 * aio ring follows an mremap and renames the context), so the id the
 * program gets is the address of its ring, as on i386. */

#define MREMAP_MAYMOVE_ 1
#define MREMAP_FIXED_   2

XL(io_setup)
{
	uint32_t uctx = ARG1(f), ctx32;
	uint64_t ctx = 0, end;
	long r, dest;

	if (copy_from_user(&ctx32, uctx, sizeof(ctx32)))
		return -EFAULT;
	if (ctx32 || ARG0(f) == 0)
		return -EINVAL;
	r = nsys2(__NR_io_setup, ARG0(f), &ctx);
	if (r < 0)
		return r;
	end = persona_vm_mapping_end(ctx);
	dest = end > ctx && end - ctx < 0x100000000ull ? persona_vm_reserve((uint32_t)(end - ctx)) : -ENOMEM;
	if (!sysmsg_failed(dest))
		r = nsys5(__NR_mremap, ctx, end - ctx, end - ctx, MREMAP_MAYMOVE_ | MREMAP_FIXED_, dest);
	if (sysmsg_failed(dest) || sysmsg_failed(r)) {
		if (!sysmsg_failed(dest))
			nsys2(__NR_munmap, dest, end - ctx);
		nsys1(__NR_io_destroy, ctx);
		return sysmsg_failed(dest) ? dest : r;
	}
	ctx32 = (uint32_t)dest;
	if (copy_to_user(uctx, &ctx32, sizeof(ctx32))) {
		nsys1(__NR_io_destroy, (uint64_t)ctx32);
		return -EFAULT;
	}
	return 0;
}

#define IOCB_CMD_PREADV_  7
#define IOCB_CMD_PWRITEV_ 8
#define IOCB_OPCODE       16    /* offset of aio_lio_opcode in struct iocb */
#define SUBMIT_CHUNK      64

/* io_submit: the array holds 32-bit iocb pointers. The iocbs themselves
 * have one layout, but vectored ones point at i386 iovecs the native call
 * would read as 64-bit ones: those are refused. */
XL(io_submit)
{
	int32_t nr = (int32_t)ARG1(f);
	uint32_t uarr = ARG2(f);
	uint64_t ptrs[SUBMIT_CHUNK];
	long done = 0;

	if (nr < 0)
		return -EINVAL;
	while (done < nr) {
		int k = 0;
		long r;

		for (; k < SUBMIT_CHUNK && done + k < nr; k++) {
			uint32_t p;
			uint16_t op;

			if (copy_from_user(&p, uarr + 4 * (uint32_t)(done + k), sizeof(p)))
				break;
			if (!copy_from_user(&op, p + IOCB_OPCODE, sizeof(op)) &&
			    (op == IOCB_CMD_PREADV_ || op == IOCB_CMD_PWRITEV_)) {
				if (done + k == 0)
					return persona_enosys(f->nr, "IOCB_CMD_PREADV/PWRITEV: i386 iovecs are not converted");
				break;
			}
			ptrs[k] = p;
		}
		if (k == 0)
			return done ? done : -EFAULT;
		r = nsys3(__NR_io_submit, (uint64_t)ARG0(f), k, ptrs);
		if (r < 0)
			return done ? done : r;
		done += r;
		if (r < k)
			break;
		if (k < SUBMIT_CHUNK && done < nr)
			break;          /* stopped on a bad pointer or a refused iocb */
	}
	return done;
}

/* ---- NUMA node masks: arrays of 32-bit words -----------------------------
 * The native call reads whole 64-bit words, up to 4 bytes past the i386
 * mask: the mask is copied into a local one of whole words. Nodes beyond
 * NODE_BITS must be clear (no x86 kernel has that many), as get_nodes()
 * demands of nodes beyond MAX_NUMNODES. */

#define NODE_BITS 8192
#define PAGE_BITS (I386_PAGE_SIZE * 8)

struct nodemask { uint64_t w[NODE_BITS / 64]; };

/* maxnode as the native call should see it, 0 for no mask, or -errno */
static long get_nodemask(struct nodemask *m, uint32_t umask, uint32_t maxnode)
{
	uint32_t bits = maxnode ? maxnode - 1 : 0;

	memset(m, 0, sizeof(*m));
	if (!bits || !umask)
		return maxnode;
	if (bits > PAGE_BITS)
		return -EINVAL;
	/* the words past NODE_BITS must be zero */
	for (uint32_t w = NODE_BITS / 32; w < (bits + 31) / 32; w++) {
		uint32_t v;
		if (copy_from_user(&v, umask + 4 * w, 4))
			return -EFAULT;
		if (w == (bits - 1) / 32 && bits % 32)
			v &= (1u << (bits % 32)) - 1;
		if (v)
			return -EINVAL;
	}
	if (bits > NODE_BITS)
		bits = NODE_BITS;
	if (copy_from_user(m, umask, (bits + 31) / 32 * 4))
		return -EFAULT;
	return bits + 1;
}

XL(set_mempolicy)
{
	struct nodemask m;
	long maxnode = get_nodemask(&m, ARG1(f), ARG2(f));

	if (maxnode < 0)
		return maxnode;
	return nsys3(__NR_set_mempolicy, wide_s32(ARG0(f)), ARG1(f) ? &m : NULL, maxnode);
}

XL(mbind)
{
	struct nodemask m;
	long maxnode = get_nodemask(&m, ARG3(f), ARG4(f));

	if (maxnode < 0)
		return maxnode;
	return nsys6(__NR_mbind, ARG0(f), ARG1(f), ARG2(f), ARG3(f) ? (long)&m : 0, maxnode, ARG5(f));
}

XL(migrate_pages)
{
	struct nodemask from, to;
	long n1 = get_nodemask(&from, ARG2(f), ARG1(f));
	long n2 = n1 < 0 ? n1 : get_nodemask(&to, ARG3(f), ARG1(f));

	if (n2 < 0)
		return n2;
	return nsys4(__NR_migrate_pages, wide_s32(ARG0(f)), n1, ARG2(f) ? &from : NULL, ARG3(f) ? &to : NULL);
}

static uint32_t node_ids(void)
{
	static uint32_t known;

	if (!known)
		known = persona_possible_ids("/sys/devices/system/node/possible");
	return known;
}

/* get_mempolicy's mask, as copy_nodes_to_user writes it for a compat
 * caller: when the i386 mask (in 64-bit words) is longer than the kernel's
 * nodes (in 32-bit words), the tail is cleared and the nodes' words
 * written; otherwise ceil(maxnode / 32) words. */
XL(get_mempolicy)
{
	struct nodemask m;
	uint32_t umask = ARG1(f), maxnode = ARG2(f);
	uint64_t copy = ((uint64_t)maxnode - 1 + 63) / 64 * 8;
	uint32_t nb = (node_ids() + 31) / 32 * 4;
	uint64_t bytes = copy > nb ? copy : ((uint64_t)maxnode + 31) / 32 * 4;
	long r;

	if (umask && maxnode && copy > I386_PAGE_SIZE)
		return -EINVAL;
	memset(&m, 0, sizeof(m));
	r = nsys5(__NR_get_mempolicy, ARG0(f), umask ? &m : NULL,
		  umask && maxnode > NODE_BITS + 1 ? NODE_BITS + 1 : maxnode, ARG3(f), ARG4(f));
	if (r < 0 || !umask)
		return r;
	if (bytes > sizeof(m)) {
		if (clear_user(umask + sizeof(m), bytes - sizeof(m)))
			return -EFAULT;
		bytes = sizeof(m);
	}
	return copy_to_user(umask, &m, bytes);
}

/* move_pages: the page list holds 32-bit pointers; done in chunks, whose
 * results (pages not migrated) add up */
XL(move_pages)
{
	uint32_t count = ARG1(f), upages = ARG2(f), unodes = ARG3(f), ustatus = ARG4(f);
	uint64_t pages[SUBMIT_CHUNK];
	long total = 0;

	for (uint32_t i = 0; i < count || (count == 0 && i == 0); i += SUBMIT_CHUNK) {
		uint32_t k = count - i < SUBMIT_CHUNK ? count - i : SUBMIT_CHUNK;
		long r;

		for (uint32_t j = 0; j < k; j++) {
			uint32_t p;
			if (copy_from_user(&p, upages + 4 * (i + j), sizeof(p)))
				return -EFAULT;
			pages[j] = p;
		}
		r = nsys6(__NR_move_pages, wide_s32(ARG0(f)), k, (long)pages,
			  unodes ? unodes + 4 * i : 0, ustatus + 4 * i, wide_s32(ARG5(f)));
		if (r < 0)
			return r;
		total += r;
		if (count == 0)
			break;
	}
	return total;
}

/* ---- pidfd_send_signal: an i386 siginfo ------------------------------------
 * Signals a program may send carry the kill, rt or timer part of the union:
 * three 32-bit words at offset 12 on i386 (pid/tid, uid/overrun, sigval),
 * at 16 on x86-64 with a 64-bit sigval. */

XL(pidfd_send_signal)
{
	uint32_t u[32];
	struct native_siginfo si;

	if (!ARG2(f))
		return nsys4(__NR_pidfd_send_signal, wide_s32(ARG0(f)), wide_s32(ARG1(f)), 0, ARG3(f));
	if (copy_from_user(u, ARG2(f), sizeof(u)))
		/* the native call reads the same 128 bytes, after its fd checks */
		return nsys4(__NR_pidfd_send_signal, wide_s32(ARG0(f)), wide_s32(ARG1(f)), (uint64_t)ARG2(f), ARG3(f));
	memset(&si, 0, sizeof(si));
	si.signo = (int32_t)u[0];
	si.err = (int32_t)u[1];
	si.code = (int32_t)u[2];
	si.u.rt.pid = (int32_t)u[3];
	si.u.rt.uid = u[4];
	si.u.rt.value = u[5];
	return nsys4(__NR_pidfd_send_signal, wide_s32(ARG0(f)), wide_s32(ARG1(f)), &si, ARG3(f));
}

/* ---- arch_prctl, iopl, ioperm ----------------------------------------- */

#define ARCH_GET_CPUID_             0x1011
#define ARCH_SET_CPUID_             0x1012
#define ARCH_GET_XCOMP_SUPP_        0x1021
#define ARCH_REQ_XCOMP_GUEST_PERM_  0x1025

/* What a 32-bit caller may ask of arch_prctl (the kernel's compat entry):
 * the CPUID and XSAVE-permission options; fs/gs bases are 64-bit only
 * (-EINVAL, as for a 32-bit process), and mapping a vDSO is not offered. */
XL(arch_prctl)
{
	uint32_t option = ARG0(f);

	if (option == ARCH_GET_CPUID_ || option == ARCH_SET_CPUID_ ||
	    (option >= ARCH_GET_XCOMP_SUPP_ && option <= ARCH_REQ_XCOMP_GUEST_PERM_))
		return nsys2(__NR_arch_prctl, option, wide_u32(ARG1(f)));
	return -EINVAL;
}

/* I/O privilege and port permissions are per thread and apply to
 * compatibility-mode code as well: the native calls do it. */
XL(iopl)
{
	return nsys1(__NR_iopl, wide_u32(ARG0(f)));
}

XL(ioperm)
{
	return nsys3(__NR_ioperm, wide_u32(ARG0(f)), wide_u32(ARG1(f)), wide_s32(ARG2(f)));
}
