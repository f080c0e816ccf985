/* personality/c/xl/proc.c — process calls whose i386 form differs: 16-bit
 * ids, wait with struct rusage and siginfo, rlimits, sysinfo, old unames,
 * nice, prctl, CPU affinity masks (robust lists: rt/robust.c).
 *
 * The conversions follow the kernel's compat layer (kernel/sys.c,
 * kernel/uid16.c, kernel/exit.c, kernel/compat.c): the same clamping, the
 * same fields written, the same errors.
 */
#include "core/persona.h"
#include "core/plock.h"
#include "core/i386_types.h"
#include "xl/common.h"
#include "core/sysent_types.h"

#define NGROUPS_MAX_ 65536
#define RLIM_NLIMITS_ 16
#define SIGCHLD_ 17

/* ---- 16-bit ids (kernel/uid16.c) -----------------------------------------
 * Arguments arrive as old_uid_t: only the low 16 bits count, and 0xffff is
 * -1 ("leave unchanged"). Results wider than 16 bits read as the overflow id. */

#define ID16(x) low2high_id((uint16_t)(x))

XL(getuid)  { (void)f; long r = nsys0(__NR_getuid);  return r < 0 ? r : high2low_id((uint32_t)r); }
XL(geteuid) { (void)f; long r = nsys0(__NR_geteuid); return r < 0 ? r : high2low_id((uint32_t)r); }
XL(getgid)  { (void)f; long r = nsys0(__NR_getgid);  return r < 0 ? r : high2low_id((uint32_t)r); }
XL(getegid) { (void)f; long r = nsys0(__NR_getegid); return r < 0 ? r : high2low_id((uint32_t)r); }

XL(setuid)    { return nsys1(__NR_setuid, ID16(ARG0(f))); }
XL(setgid)    { return nsys1(__NR_setgid, ID16(ARG0(f))); }
XL(setfsuid)  { return nsys1(__NR_setfsuid, ID16(ARG0(f))); }
XL(setfsgid)  { return nsys1(__NR_setfsgid, ID16(ARG0(f))); }
XL(setreuid)  { return nsys2(__NR_setreuid, ID16(ARG0(f)), ID16(ARG1(f))); }
XL(setregid)  { return nsys2(__NR_setregid, ID16(ARG0(f)), ID16(ARG1(f))); }
XL(setresuid) { return nsys3(__NR_setresuid, ID16(ARG0(f)), ID16(ARG1(f)), ID16(ARG2(f))); }
XL(setresgid) { return nsys3(__NR_setresgid, ID16(ARG0(f)), ID16(ARG1(f)), ID16(ARG2(f))); }

XL(chown)  { return nsys3(__NR_chown, ARG0(f), ID16(ARG1(f)), ID16(ARG2(f))); }
XL(lchown) { return nsys3(__NR_lchown, ARG0(f), ID16(ARG1(f)), ID16(ARG2(f))); }
XL(fchown) { return nsys3(__NR_fchown, wide_s32(ARG0(f)), ID16(ARG1(f)), ID16(ARG2(f))); }

/* getresuid16: three put_user calls in order; the first fault ends it. */
static long put_res16(long nr, const uint32_t *uaddr)
{
	uint32_t ids[3];
	long r = nsys3(nr, &ids[0], &ids[1], &ids[2]);

	for (int i = 0; r == 0 && i < 3; i++) {
		uint16_t v = high2low_id(ids[i]);
		r = copy_to_user(uaddr[i], &v, sizeof(v));
	}
	return r;
}

XL(getresuid) { const uint32_t u[3] = { ARG0(f), ARG1(f), ARG2(f) }; return put_res16(__NR_getresuid, u); }
XL(getresgid) { const uint32_t u[3] = { ARG0(f), ARG1(f), ARG2(f) }; return put_res16(__NR_getresgid, u); }

/* Scratch memory for id lists too long for the stack. */
static void *scratch_map(uint64_t len)
{
	long p = nsys6(__NR_mmap, 0, len, 3 /* PROT_READ|PROT_WRITE */, 0x22 /* MAP_PRIVATE|MAP_ANONYMOUS */, -1, 0);
	return sysmsg_failed(p) ? NULL : (void *)p;
}

#define GROUPS_LOCAL 64

XL(getgroups)
{
	int32_t size = (int32_t)ARG0(f);
	uint32_t ulist = ARG1(f);
	uint32_t local[GROUPS_LOCAL], *g = local;
	long n, max, r = 0;

	if (size < 0)
		return -EINVAL;
	n = nsys2(__NR_getgroups, 0, NULL);
	if (n < 0 || size == 0)
		return n;
	if (n > size)
		return -EINVAL;
	max = n;
	if (max > GROUPS_LOCAL && !(g = scratch_map((uint64_t)max * 4)))
		return -ENOMEM;
	n = nsys2(__NR_getgroups, max, g);
	for (long i = 0; n > 0 && i < n && !r; i++) {
		uint16_t v = high2low_id(g[i]);
		r = copy_to_user(ulist + 2 * (uint32_t)i, &v, sizeof(v));
	}
	if (g != local)
		nsys2(__NR_munmap, g, (uint64_t)max * 4);
	return r ? r : n;
}

XL(setgroups)
{
	int32_t size = (int32_t)ARG0(f);
	uint32_t ulist = ARG1(f);
	uint32_t local[GROUPS_LOCAL], *g = local;
	uint16_t v;
	long r = 0;

	/* permission and size are checked before the list is read */
	if ((uint32_t)size > NGROUPS_MAX_ || size < 0)
		return nsys2(__NR_setgroups, size, NULL);
	if (size > GROUPS_LOCAL && !(g = scratch_map((uint64_t)size * 4)))
		return -ENOMEM;
	for (int32_t i = 0; i < size && !r; i++) {
		r = copy_from_user(&v, ulist + 2 * (uint32_t)i, sizeof(v));
		g[i] = low2high_id(v);
	}
	/* A fault: the native call reads the same bytes (and more), so it
	 * reports -EPERM, or -EFAULT, in the kernel's order. */
	r = r ? nsys2(__NR_setgroups, size, (uint64_t)ulist) : nsys2(__NR_setgroups, size, g);
	if (g != local)
		nsys2(__NR_munmap, g, (uint64_t)size * 4);
	return r;
}

/* ---- wait ---------------------------------------------------------------- */

long put_i386_rusage(uint32_t uaddr, const struct native_rusage *n)
{
	struct i386_rusage t;

	for (int i = 0; i < 2; i++) {
		t.ru_utime[i] = (int32_t)n->ru_utime[i];
		t.ru_stime[i] = (int32_t)n->ru_stime[i];
	}
	for (int i = 0; i < 14; i++)
		t.ru_long[i] = (int32_t)n->ru_long[i];
	return copy_to_user(uaddr, &t, sizeof(t));
}

XL(waitpid)
{
	return nsys4(__NR_wait4, wide_s32(ARG0(f)), ARG1(f), wide_s32(ARG2(f)), 0);
}

XL(wait4)
{
	struct native_rusage ru;
	uint32_t uru = ARG3(f);
	long r = nsys4(__NR_wait4, wide_s32(ARG0(f)), ARG1(f), wide_s32(ARG2(f)), uru ? &ru : NULL);

	if (r > 0 && uru && put_i386_rusage(uru, &ru))
		return -EFAULT;
	return r;
}

/* waitid: the rusage first, then six ints of siginfo (signo, errno, code,
 * pid, uid, status), written even when no child was waiting (all zero). */
XL(waitid)
{
	struct native_siginfo si;
	struct native_rusage ru;
	struct i386_siginfo_chld t;
	uint32_t uinfo = ARG2(f), uru = ARG4(f);
	long r;

	memset(&si, 0, sizeof(si));
	r = nsys5(__NR_waitid, wide_s32(ARG0(f)), wide_s32(ARG1(f)), &si, wide_s32(ARG3(f)),
		  uru ? &ru : NULL);
	if (r < 0)
		return r;
	if (si.signo == SIGCHLD_ && uru && put_i386_rusage(uru, &ru))
		return -EFAULT;
	if (!uinfo)
		return r;
	t.signo = si.signo;
	t.err = 0;
	t.code = si.code;
	t.pid = si.u.chld.pid;
	t.uid = si.u.chld.uid;
	t.status = si.u.chld.status;
	return copy_to_user(uinfo, &t, sizeof(t)) ? -EFAULT : r;
}

XL(getrusage)
{
	struct native_rusage ru;
	long r = nsys2(__NR_getrusage, wide_s32(ARG0(f)), &ru);

	return r < 0 ? r : put_i386_rusage(ARG1(f), &ru);
}

/* ---- rlimits ------------------------------------------------------------- */

XL(setrlimit)
{
	struct i386_rlimit t;
	struct native_rlimit n;

	if (copy_from_user(&t, ARG1(f), sizeof(t)))
		return -EFAULT;
	n.rlim_cur = t.rlim_cur == I386_RLIM_INFINITY ? ~0ull : t.rlim_cur;
	n.rlim_max = t.rlim_max == I386_RLIM_INFINITY ? ~0ull : t.rlim_max;
	return nsys2(__NR_setrlimit, ARG0(f), &n);
}

/* ugetrlimit (191): values above 32 bits read as infinity (0xffffffff) */
XL(ugetrlimit)
{
	struct native_rlimit n;
	struct i386_rlimit t;
	long r = nsys2(__NR_getrlimit, ARG0(f), &n);

	if (r < 0)
		return r;
	t.rlim_cur = n.rlim_cur > I386_RLIM_INFINITY ? I386_RLIM_INFINITY : (uint32_t)n.rlim_cur;
	t.rlim_max = n.rlim_max > I386_RLIM_INFINITY ? I386_RLIM_INFINITY : (uint32_t)n.rlim_max;
	return copy_to_user(ARG1(f), &t, sizeof(t));
}

/* getrlimit (76), the old one: everything above 0x7fffffff reads as
 * 0x7fffffff, the old i386 RLIM_INFINITY. */
XL(getrlimit)
{
	struct native_rlimit n;
	struct i386_rlimit t;
	long r;

	if (ARG0(f) >= RLIM_NLIMITS_)
		return -EINVAL;
	r = nsys2(__NR_getrlimit, ARG0(f), &n);
	if (r < 0)
		return r;
	t.rlim_cur = n.rlim_cur > I386_OLD_RLIM_MAX ? I386_OLD_RLIM_MAX : (uint32_t)n.rlim_cur;
	t.rlim_max = n.rlim_max > I386_OLD_RLIM_MAX ? I386_OLD_RLIM_MAX : (uint32_t)n.rlim_max;
	return copy_to_user(ARG1(f), &t, sizeof(t));
}

/* ---- sysinfo: memory sizes scaled into 32 bits, as compat_sys_sysinfo --- */

XL(sysinfo)
{
	struct native_sysinfo s;
	struct i386_sysinfo t;
	long r = nsys1(__NR_sysinfo, &s);

	if (r < 0)
		return r;
	if ((s.totalram >> 32) || (s.totalswap >> 32)) {
		int bits = 0;

		while (s.mem_unit < I386_PAGE_SIZE) {
			s.mem_unit <<= 1;
			bits++;
		}
		s.totalram >>= bits;
		s.freeram >>= bits;
		s.sharedram >>= bits;
		s.bufferram >>= bits;
		s.totalswap >>= bits;
		s.freeswap >>= bits;
		s.totalhigh >>= bits;
		s.freehigh >>= bits;
	}
	memset(&t, 0, sizeof(t));
	t.uptime = (int32_t)s.uptime;
	for (int i = 0; i < 3; i++)
		t.loads[i] = (uint32_t)s.loads[i];
	t.totalram = (uint32_t)s.totalram;
	t.freeram = (uint32_t)s.freeram;
	t.sharedram = (uint32_t)s.sharedram;
	t.bufferram = (uint32_t)s.bufferram;
	t.totalswap = (uint32_t)s.totalswap;
	t.freeswap = (uint32_t)s.freeswap;
	t.procs = s.procs;
	t.totalhigh = (uint32_t)s.totalhigh;
	t.freehigh = (uint32_t)s.freehigh;
	t.mem_unit = s.mem_unit;
	return copy_to_user(ARG0(f), &t, sizeof(t));
}

/* ---- old unames: prefixes of the native struct new_utsname -------------- */

XL(olduname)
{
	struct native_utsname u;
	long r = nsys1(__NR_uname, &u);

	if (r < 0)
		return r;
	return copy_to_user(ARG0(f), &u, sizeof(struct i386_old_utsname));
}

/* oldolduname: 8 bytes of each of five fields, and a NUL */
XL(oldolduname)
{
	struct native_utsname u;
	struct i386_oldold_utsname t;
	long r = nsys1(__NR_uname, &u);

	if (r < 0)
		return r;
	memset(&t, 0, sizeof(t));
	for (int i = 0; i < 5; i++)
		memcpy(t.f[i], u.f[i], 8);
	return copy_to_user(ARG0(f), &t, sizeof(t));
}

/* ---- nice: x86-64 has none; sys_nice's clamping over get/setpriority ---- */

XL(nice)
{
	int32_t inc = (int32_t)ARG0(f);
	long prio = nsys2(__NR_getpriority, 0 /* PRIO_PROCESS */, 0);
	long nv, r;

	if (prio < 0)
		return prio;
	if (inc < -40)
		inc = -40;
	if (inc > 40)
		inc = 40;
	nv = (20 - prio) + inc;                 /* getpriority returns 20 - nice */
	if (nv < -20)
		nv = -20;
	if (nv > 19)
		nv = 19;
	r = nsys3(__NR_setpriority, 0, 0, nv);
	/* sys_nice says EPERM where setpriority says EACCES */
	return r == -EACCES ? -EPERM : r;
}

/* ---- prctl ----------------------------------------------------------------- */

#define PR_SET_SECCOMP_      22
#define PR_GET_TID_ADDRESS_  40

XL(prctl)
{
	uint32_t opt = ARG0(f);

	switch (opt) {
	case PR_GET_TID_ADDRESS_: {
		/* the kernel would store a 64-bit pointer */
		uint64_t a = 0;
		long r = nsys2(__NR_prctl, opt, &a);
		uint32_t a32 = (uint32_t)a;
		return r < 0 ? r : copy_to_user(ARG1(f), &a32, sizeof(a32));
	}
	case PR_SET_SECCOMP_:
		/* a filter would see our native x86-64 calls, not the i386 ones */
		return persona_enosys(f->nr, "PR_SET_SECCOMP: filters would see the personality's native calls");
	default:
		/* every other option takes integers, or pointers to int-sized or
		 * byte data (names, PR_GET_PDEATHSIG's int, PR_SET_MM's
		 * u64-only struct prctl_mm_map) */
		return nsys5(__NR_prctl, opt, ARG1(f), ARG2(f), ARG3(f), ARG4(f));
	}
}

/* ---- CPU affinity: the mask is measured in 32-bit words ----------------- */

#define CPUMASK_LOCAL 1024      /* bytes: 8192 CPUs */

XL(sched_getaffinity)
{
	uint32_t len = ARG1(f);
	uint8_t mask[CPUMASK_LOCAL];
	long r;

	static uint32_t cpu_ids;

	if (!cpu_ids)
		cpu_ids = persona_possible_ids("/sys/devices/system/cpu/possible");
	/* the compat checks: whole 32-bit words, enough bits for every CPU */
	if ((len & 3) || (uint64_t)len * 8 < cpu_ids)
		return -EINVAL;
	/* the native call wants whole 64-bit words */
	r = nsys3(__NR_sched_getaffinity, wide_s32(ARG0(f)),
		  len > CPUMASK_LOCAL ? CPUMASK_LOCAL : (len + 7) & ~7u, mask);
	if (r < 0)
		return r;
	/* compat returns min(len, cpumask_size()), native min(len rounded up
	 * to 64 bits, cpumask_size()); cpumask_size() is whole 64-bit words */
	if ((uint32_t)r > len)
		r = len;
	return copy_to_user(ARG2(f), mask, (uint32_t)r) ? -EFAULT : r;
}
