/* personality/c/xl_proclife.c — process life: fork, clone, exec, exit, and
 * the i386 TLS calls.
 *
 * fork/clone: a new process is a copy of this one, personality included,
 * so a plain native fork is right; only the child's reflection must be
 * re-armed (the kernel does not carry Syscall User Dispatch across fork).
 * vfork and clone(CLONE_VM | CLONE_VFORK) (posix_spawn): the child shares
 * memory with its suspended parent, so it must not touch the parent's
 * personality stack, frame or signal stack: it starts on a stack of its own
 * (persona_clone_vfork), with its own sigaltstack, and while it runs the
 * gate uses that stack; the parent restores its own state when it resumes.
 * Threads (CLONE_THREAD) get personality state of their own (thread.c);
 * CLONE_VM without CLONE_THREAD or CLONE_VFORK is refused with -ENOSYS.
 *
 * execve: the kernel must never load an i386 program (it may have no ia32
 * layer at all), so an i386 target is run as `persona run ... PROGRAM`: the
 * persona binary is exec'd and maps the image registered at that moment. An
 * x86-64 target is exec'd natively; a script whose chain of interpreters
 * (script.h) ends in an i386 program goes through persona too, any other
 * script to the kernel.
 *
 * readlink("/proc/self/exe") names the program, not the persona binary.
 *
 * set_thread_area: x86-64 has no GDT TLS entries for 64-bit processes; a
 * slot of the process's LDT stands in (see fault.c for the selector fix-up).
 */
#include <linux/sched.h>
#include <linux/elf-em.h>
#include "persona.h"
#include "image.h"
#include "sysnr.h"
#include "ksig.h"
#include "script.h"

#include <linux/fcntl.h>
#include <linux/mman.h>
#include <linux/limits.h>

void persona_robust_exit(void);   /* xl_proc.c: the i386 robust futex list */
/* thread.c */
int persona_thread_exit_prepare(void);
void persona_thread_after_fork(void);
long persona_thread_clone(struct i386_frame *f, uint64_t flags, uint32_t newsp,
			  uint32_t ptid, uint32_t tls, uint32_t ctid);

/* the kernel's MAX_ARG_STRLEN: one argument string is at most 32 pages */
#define ARG_STRLEN_MAX  (32 * 4096)

#define X_OK_           1       /* <unistd.h>'s, not in the uapi headers */
/* where the vfork wait pipe's ends go: out of the way of the program's fds */
#define PRIVATE_FD_MIN  900

extern void persona_reflect_child(void) __attribute__((weak));

static int strcmp_(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

/* ---- exit ------------------------------------------------------------- */

/* set while a vfork child runs: only the child runs then, and it sees the
 * flag too (the memory is shared) */
static int vfork_active;

static void dump_stats_once(void)
{
	static int dumped;

	/* a vfork child's counts are its parent's: the parent reports them */
	if (persona_stats_dump && !dumped && !vfork_active) {
		dumped = 1;
		persona_stats_dump();
	}
}

XL(exit)
{
	/* the thread's own state first (thread.c); the last thread's exit
	 * ends the process */
	if (persona_thread_exit_prepare())
		dump_stats_once();
	return nsys1(__NR_exit, wide_s32(ARG0(f)));
}

XL(exit_group)
{
	dump_stats_once();
	persona_robust_exit();
	return nsys1(__NR_exit_group, wide_s32(ARG0(f)));
}

/* ---- fork, vfork, clone ----------------------------------------------- */

static void child_after_fork(void)
{
	persona_thread_after_fork();
	if (persona_reflect_child)
		persona_reflect_child();
}

/* A pipe whose write end the child holds (close-on-exec) until it execs or
 * exits: the parent's read returns then. */
static long vfork_pipe(int fds[2])
{
	int raw[2];
	long r = nsys2(__NR_pipe2, raw, O_CLOEXEC);

	if (r < 0)
		return r;
	for (int i = 0; i < 2; i++) {
		long hi = nsys3(__NR_fcntl, raw[i], F_DUPFD_CLOEXEC, PRIVATE_FD_MIN);
		if (hi >= 0) {
			nsys1(__NR_close, raw[i]);
			fds[i] = (int)hi;
		} else {
			fds[i] = raw[i];
		}
	}
	return 0;
}

static void vfork_wait(int rd)
{
	char c;
	long r;

	do
		r = nsys3(__NR_read, rd, &c, 1);
	while (r == -EINTR);
	nsys1(__NR_close, rd);
}

/* Writes an i386 struct user_desc into the LDT (see set_thread_area). */
static long tls_install(uint32_t udesc, int allocate);

/* A new process that does not share memory with this one: the common part
 * of fork, vfork and clone. newsp, if not 0, is the child's i386 stack;
 * tls, if CLONE_SETTLS, an i386 struct user_desc for the child's TLS. */
static long fork_like(struct i386_frame *f, uint64_t flags, uint32_t newsp,
		      uint32_t ptid, uint32_t tls, uint32_t ctid)
{
	int wait_exec = (flags & CLONE_VFORK) != 0;
	int fds[2] = { -1, -1 };
	long r;

	if (wait_exec && vfork_pipe(fds) < 0)
		wait_exec = 0;      /* no pipe: the parent just does not wait */
	/* CLONE_SETTLS means an fs base natively: the child installs the i386
	 * descriptor itself */
	r = nsys5(__NR_clone, flags & ~(uint64_t)(CLONE_VM | CLONE_VFORK | CLONE_SETTLS),
		  0, wide_u32(ptid), wide_u32(ctid), 0);
	if (r == 0) {
		child_after_fork();
		if (wait_exec)
			nsys1(__NR_close, fds[0]);
		if (newsp)
			f->esp = newsp;
		if ((flags & CLONE_SETTLS) && tls_install(tls, 0) < 0)
			nsys1(__NR_exit_group, 127);
		return 0;
	}
	if (wait_exec) {
		nsys1(__NR_close, fds[1]);
		if (r > 0)
			vfork_wait(fds[0]);
		else
			nsys1(__NR_close, fds[0]);
	}
	return r;
}

XL(fork)
{
	return fork_like(f, KSIGCHLD, 0, 0, 0, 0);
}

/* ---- vfork: a child sharing memory ------------------------------------ */

long persona_clone_vfork(uint64_t flags, void *stack, uint32_t *ptid, uint32_t *ctid, uint64_t tls);
void persona_vfork_child(void) __attribute__((noreturn));
void persona_gate_leave(struct i386_frame *f) __attribute__((noreturn));

/* Only one vfork child runs at a time: its parent is suspended. */
static uint8_t vfork_kstack[PERSONA_KSTACK_SIZE] __attribute__((aligned(64)));
static uint8_t vfork_altstack[PERSONA_ALTSTACK_SIZE] __attribute__((aligned(64)));
static struct i386_frame vfork_child_frame;
static uint64_t vfork_child_mask;

/* The child, on vfork_kstack: a signal stack of its own (the parent may
 * be suspended inside a handler on the shared one), then i386 code. */
void persona_vfork_child(void)
{
	struct {
		uint64_t ss_sp;
		int32_t  ss_flags, pad;
		uint64_t ss_size;
	} ss = { .ss_sp = (uint64_t)(uintptr_t)vfork_altstack, .ss_size = sizeof(vfork_altstack) };

	nsys2(__NR_sigaltstack, &ss, 0);
	/* the mask i386 code runs with (not a signal handler's, if the call
	 * was reflected: the child skips the handler's sigreturn) */
	nsys4(__NR_rt_sigprocmask, KSIG_SETMASK, &vfork_child_mask, 0, KSIGSET_SIZE);
	/* memory is shared with the parent's other threads: their state stays
	 * as it is; only this thread's reflection is re-armed */
	if (persona_reflect_child)
		persona_reflect_child();
	persona_gate_leave(&vfork_child_frame);
}

static long vfork_shared(struct i386_frame *f, uint64_t flags, uint32_t newsp,
			 uint32_t ptid, uint32_t ctid)
{
	struct i386_frame saved = *f;
	struct persona_thread *self = persona_self();
	uint64_t saved_top = self->kstack_top;
	uint8_t *top = vfork_kstack + sizeof(vfork_kstack);
	long r;

	if (__atomic_exchange_n(&vfork_active, 1, __ATOMIC_ACQUIRE)) {
		/* a vfork child's own vfork, or another thread's vfork child is
		 * running: the stack is taken; a copy will do */
		return fork_like(f, flags & ~(uint64_t)CLONE_VM, newsp, ptid, 0, ctid);
	}
	vfork_child_frame = *f;
	vfork_child_frame.eax = 0;
	if (persona_self()->reflect_uc)
		vfork_child_mask = ((struct kucontext *)persona_self()->reflect_uc)->uc_sigmask;
	else
		nsys4(__NR_rt_sigprocmask, KSIG_BLOCK, 0, &vfork_child_mask, KSIGSET_SIZE);
	if (newsp)
		vfork_child_frame.esp = newsp;
	/* the child's gate entries run on its stack, not on this one */
	self->kstack_top = (uint64_t)(uintptr_t)top;
	vfork_active = 1;
	r = persona_clone_vfork(flags, top - 256, (uint32_t *)(uintptr_t)ptid,
				(uint32_t *)(uintptr_t)ctid, 0);
	/* the child has exec'd or exited: this process's state is its own again */
	vfork_active = 0;
	self->kstack_top = saved_top;
	*f = saved;
	return r;
}

XL(vfork)
{
	return vfork_shared(f, CLONE_VM | CLONE_VFORK | KSIGCHLD, 0, 0, 0);
}

static long clone_common(struct i386_frame *f, uint64_t flags, uint32_t newsp,
			 uint32_t ptid, uint32_t tls, uint32_t ctid)
{
	if (flags & CLONE_THREAD)
		return persona_thread_clone(f, flags, newsp, ptid, tls, ctid);
	if ((flags & CLONE_VM) && !(flags & CLONE_VFORK)) {
		plog("clone: CLONE_VM without CLONE_VFORK needs a thread's personality state: -ENOSYS");
		return -ENOSYS;
	}
	if ((flags & CLONE_VM) && (flags & CLONE_SETTLS)) {
		/* the LDT is per address space: a new TLS there is a thread's */
		plog("clone: CLONE_VM with CLONE_SETTLS needs a thread's personality state: -ENOSYS");
		return -ENOSYS;
	}
	if (flags & CLONE_VM)
		return vfork_shared(f, flags, newsp, ptid, ctid);
	return fork_like(f, flags, newsp, ptid, tls, ctid);
}

/* i386 order: flags, newsp, parent_tid, tls, child_tid */
XL(clone)
{
	return clone_common(f, ARG0(f), ARG1(f), ARG2(f), ARG3(f), ARG4(f));
}

XL(clone3)
{
	struct clone_args ca;
	uint32_t size = ARG1(f);

	if (size < CLONE_ARGS_SIZE_VER0)
		return -EINVAL;
	if (size > sizeof(ca))
		size = sizeof(ca);
	memset(&ca, 0, sizeof(ca));
	if (copy_from_user(&ca, ARG0(f), size) < 0)
		return -EFAULT;
	if (ca.flags & CLONE_THREAD) {
		/* pidfd is read only with CLONE_PIDFD, which a thread here cannot have */
		if (ca.set_tid || (ca.flags & CLONE_INTO_CGROUP) || (ca.exit_signal & ~0xffull)) {
			plog("clone3: a thread with set_tid or a cgroup is not supported: -ENOSYS");
			return -ENOSYS;
		}
		return persona_thread_clone(f, ca.flags | ca.exit_signal,
					    ca.stack ? (uint32_t)(ca.stack + ca.stack_size) : 0,
					    (uint32_t)ca.parent_tid, (uint32_t)ca.tls, (uint32_t)ca.child_tid);
	}
	if (ca.flags & CLONE_VM) {
		/* glibc falls back to clone, which handles CLONE_VFORK */
		return -ENOSYS;
	}
	if (ca.flags & CLONE_SETTLS) {
		plog("clone3: CLONE_SETTLS without CLONE_VM is not supported: -ENOSYS");
		return -ENOSYS;
	}
	uint32_t newsp = ca.stack ? (uint32_t)(ca.stack + ca.stack_size) : 0;
	ca.stack = 0;
	ca.stack_size = 0;
	long r = nsys2(__NR_clone3, &ca, size);
	if (r == 0) {
		child_after_fork();
		if (newsp)
			f->esp = newsp;
	}
	return r;
}

/* ---- execve ----------------------------------------------------------- */

/* The native argv/envp being built: strings and pointers in a scratch
 * mapping (the arguments may be megabytes; the image has no heap). */
struct argbuf {
	char     *str, *str_end;
	uint64_t *vec;
	uint32_t  n, cap;
	char     *base;
	size_t    size;
};

#define ARGBUF_STR  (6u << 20)
#define ARGBUF_VEC  (2u << 20)

static long argbuf_init(struct argbuf *ab)
{
	long p = nsys6(__NR_mmap, 0, ARGBUF_STR + ARGBUF_VEC, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p < 0 && p > -4096)
		return p;
	ab->base = (char *)p;
	ab->size = ARGBUF_STR + ARGBUF_VEC;
	ab->str = ab->base;
	ab->str_end = ab->base + ARGBUF_STR;
	ab->vec = (uint64_t *)(ab->base + ARGBUF_STR);
	ab->cap = ARGBUF_VEC / sizeof(uint64_t);
	ab->n = 0;
	return 0;
}

static void argbuf_free(struct argbuf *ab)
{
	nsys2(__NR_munmap, ab->base, ab->size);
}

static long argbuf_ptr(struct argbuf *ab, const char *s)
{
	if (ab->n >= ab->cap)
		return -E2BIG;
	ab->vec[ab->n++] = (uint64_t)(uintptr_t)s;
	return 0;
}

static long argbuf_str(struct argbuf *ab, const char *s)
{
	size_t len = strlen(s) + 1;

	if (len > (size_t)(ab->str_end - ab->str))
		return -E2BIG;
	memcpy(ab->str, s, len);
	ab->str += len;
	return argbuf_ptr(ab, ab->str - len);
}

/* Appends the i386 string array at uvec (NULL-terminated 32-bit pointers),
 * from element skip on. Returns the number of elements in the array. */
static long argbuf_user(struct argbuf *ab, uint32_t uvec, uint32_t skip)
{
	uint32_t i, p;
	long r;

	if (!uvec)
		return 0;
	for (i = 0;; i++) {
		if (copy_from_user(&p, uvec + 4 * i, 4) < 0)
			return -EFAULT;
		if (!p)
			return i;
		if (i < skip)
			continue;
		size_t room = (size_t)(ab->str_end - ab->str);
		r = strncpy_from_user(ab->str, p, room < ARG_STRLEN_MAX ? room : ARG_STRLEN_MAX);
		if (r == -ENAMETOOLONG)
			return -E2BIG;
		if (r < 0)
			return r;
		long e = argbuf_ptr(ab, ab->str);
		if (e < 0)
			return e;
		ab->str += r + 1;
	}
}

static int is_i386_elf(const uint8_t *h, long n)
{
	return n >= 20 && h[0] == 0x7f && h[1] == 'E' && h[2] == 'L' && h[3] == 'F' &&
	       h[4] == 1 && (h[18] | h[19] << 8) == EM_386;
}

/* Reads the first bytes of the file execve names. */
static long read_head(int dirfd, const char *path, uint32_t flags, uint8_t *buf, size_t n)
{
	long fd, r;

	if (!path[0] && (flags & AT_EMPTY_PATH))
		return nsys4(__NR_pread64, dirfd, buf, n, 0);
	fd = nsys4(__NR_openat, dirfd, path,
		   O_RDONLY | O_CLOEXEC | ((flags & AT_SYMLINK_NOFOLLOW) ? O_NOFOLLOW : 0), 0);
	if (fd < 0)
		return fd;
	r = nsys4(__NR_pread64, fd, buf, n, 0);
	nsys1(__NR_close, fd);
	return r;
}

/* A path the new persona process can open on its own: relative to dirfd
 * becomes absolute through /proc/self/fd. */
static long path_for_persona(int dirfd, const char *path, uint32_t flags, char *out, size_t n)
{
	char link[64];
	long len;

	if (path[0] == '/' || (dirfd == AT_FDCWD && path[0])) {
		if (strlen(path) + 1 > n)
			return -ENAMETOOLONG;
		memcpy(out, path, strlen(path) + 1);
		return 0;
	}
	psnprintf(link, sizeof(link), "/proc/self/fd/%d", dirfd);
	len = nsys3(__NR_readlink, link, out, n - 1);
	if (len < 0)
		return len;
	out[len] = 0;
	if (!path[0] && (flags & AT_EMPTY_PATH))
		return 0;
	if ((size_t)len + 1 + strlen(path) + 1 > n)
		return -ENAMETOOLONG;
	out[len] = '/';
	memcpy(out + len + 1, path, strlen(path) + 1);
	return 0;
}

/* persona run's options for the new process: this process's own. */
static long push_persona_run(struct argbuf *ab)
{
	long r = argbuf_str(ab, persona_process.persona_exe);

	if (!r) r = argbuf_str(ab, "run");
	if (!r && persona_opts.trace) r = argbuf_str(ab, "--trace");
	if (!r && persona_opts.stats) r = argbuf_str(ab, "--stats");
	if (!r && persona_opts.no_patch == 1) r = argbuf_str(ab, "--no-patch");
	if (!r && persona_opts.no_patch == 2) r = argbuf_str(ab, "--patch=page0");
	if (!r && persona_opts.seccomp) r = argbuf_str(ab, "--seccomp");
	if (!r && persona_process.ldt_cs_forced) r = argbuf_str(ab, "--ldt-cs");
	if (!r && persona_process.descendants_native) r = argbuf_str(ab, "--descendants=native");
	if (!r && persona_process.log_path[0]) {
		r = argbuf_str(ab, "--log");
		if (!r) r = argbuf_str(ab, persona_process.log_path);
	}
	return r;
}

/* script_follow's reader: the file execve names with the caller's dirfd
 * and flags, interpreters from the working directory as the kernel opens them. */
struct exec_lookup {
	int dirfd;
	uint32_t flags;
};

static long exec_read_head(void *ctx, int level, const char *path, void *buf, unsigned long n)
{
	const struct exec_lookup *l = ctx;

	if (level == 0)
		return read_head(l->dirfd, path, l->flags, buf, n);
	return read_head(AT_FDCWD, path, 0, buf, n);
}

static long do_execve(int dirfd, uint32_t upath, uint32_t uargv, uint32_t uenvp, uint32_t flags)
{
	/* on the personality stack (12 KiB of its 256), not static: threads
	 * may exec at once, and a vfork child's exec must leave nothing held
	 * in the memory it shares with its parent */
	char path[PATH_MAX], target[PATH_MAX], argv0[PATH_MAX];
	struct script_chain chain;
	struct exec_lookup lookup = { dirfd, flags };
	struct argbuf ab;
	long r, envi;
	int via_persona;

	r = strncpy_from_user(path, upath, sizeof(path));
	if (r < 0)
		return r;
	/* the program's own file, not the persona binary the kernel would name */
	if (!memcmp(path, "/proc/self/exe", sizeof("/proc/self/exe")) && persona_process.exe_path[0])
		memcpy(path, persona_process.exe_path, strlen(persona_process.exe_path) + 1);

	/* an i386 program, or scripts (nested as deep as the kernel allows)
	 * that end in one: persona run follows the same chain. Anything else,
	 * and any chain that fails, goes to the kernel, which answers as it
	 * would natively (ELOOP, ENOENT, ENOEXEC...). */
	via_persona = script_follow(&chain, path, exec_read_head, &lookup) == 0 &&
		      is_i386_elf(chain.head, chain.head_len);
	if (via_persona) {
		/* what the kernel would check before loading anything */
		r = nsys4(__NR_faccessat2, dirfd, path, X_OK_, flags & (AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW));
		if (r < 0)
			return r;
		r = path_for_persona(dirfd, path, flags, target, sizeof(target));
		if (r < 0)
			return r;
	}

	r = argbuf_init(&ab);
	if (r < 0)
		return r;
	if (via_persona) {
		/* persona run ... --argv0 ARGV0 -- TARGET ARGV[1...]; for a script
		 * persona run drops argv[0] and builds the interpreters' argv as
		 * the kernel does */
		uint32_t p0 = 0;
		r = push_persona_run(&ab);
		if (!r && uargv && copy_from_user(&p0, uargv, 4) < 0)
			r = -EFAULT;
		if (!r && p0) {
			r = strncpy_from_user(argv0, p0, sizeof(argv0));
			if (r >= 0) r = argbuf_str(&ab, "--argv0");
			if (!r) r = argbuf_str(&ab, argv0);
		}
		if (!r) r = argbuf_str(&ab, "--");
		if (!r) r = argbuf_str(&ab, target);
		if (!r) {
			r = argbuf_user(&ab, uargv, 1);
			r = r < 0 ? r : 0;
		}
	} else {
		r = argbuf_user(&ab, uargv, 0);
		r = r < 0 ? r : 0;
	}
	if (!r) r = argbuf_ptr(&ab, 0);
	envi = ab.n;
	if (!r) {
		r = argbuf_user(&ab, uenvp, 0);
		r = r < 0 ? r : 0;
	}
	if (!r) r = argbuf_ptr(&ab, 0);
	if (!r) {
		if (via_persona)
			r = nsys3(__NR_execve, persona_process.persona_exe, ab.vec, ab.vec + envi);
		else
			r = nsys5(__NR_execveat, dirfd, path, ab.vec, ab.vec + envi, flags);
	}
	argbuf_free(&ab);
	return r;
}

XL(execve)
{
	return do_execve(AT_FDCWD, ARG0(f), ARG1(f), ARG2(f), 0);
}

XL(execveat)
{
	return do_execve((int32_t)ARG0(f), ARG1(f), ARG2(f), ARG3(f), ARG4(f));
}

/* ---- readlink of /proc/self/exe ---------------------------------------- */

/* The kernel names the persona binary there; the program must see itself
 * (busybox and others re-exec /proc/self/exe, or find files beside it).
 * Returns the link's length, or 0 if path is not this process's exe link. */
static long own_exe_link(uint32_t upath)
{
	char path[64], mine[48];
	long r = strncpy_from_user(path, upath, sizeof(path));

	if (r < 0 || !persona_process.exe_path[0])
		return 0;
	psnprintf(mine, sizeof(mine), "/proc/%ld/exe", nsys0(__NR_getpid));
	if (strcmp_(path, "/proc/self/exe") && strcmp_(path, "/proc/thread-self/exe") && strcmp_(path, mine))
		return 0;
	return (long)strlen(persona_process.exe_path);
}

static long readlink_exe(uint32_t ubuf, int32_t size, long len)
{
	if (size <= 0)
		return -EINVAL;
	if (len > size)
		len = size;
	return copy_to_user(ubuf, persona_process.exe_path, (size_t)len) < 0 ? -EFAULT : len;
}

XL(readlink)
{
	long len = own_exe_link(ARG0(f));

	if (len)
		return readlink_exe(ARG1(f), (int32_t)ARG2(f), len);
	return nsys3(__NR_readlink, wide_u32(ARG0(f)), wide_u32(ARG1(f)), wide_s32(ARG2(f)));
}

XL(readlinkat)
{
	long len = own_exe_link(ARG1(f));

	if (len)        /* an absolute path: the directory fd does not matter */
		return readlink_exe(ARG2(f), (int32_t)ARG3(f), len);
	return nsys4(__NR_readlinkat, wide_s32(ARG0(f)), wide_u32(ARG1(f)), wide_u32(ARG2(f)), wide_s32(ARG3(f)));
}

/* ---- TLS: set_thread_area, get_thread_area, modify_ldt ----------------- */

/* struct user_desc as i386 passes it; flags holds the bit fields
 * (seg_32bit, contents:2, read_exec_only, limit_in_pages, seg_not_present,
 * useable; x86-64's lm bit must read 0 for a 32-bit caller). */
struct i386_user_desc {
	uint32_t entry_number;
	uint32_t base_addr;
	uint32_t limit;
	uint32_t flags;
};
_Static_assert(sizeof(struct i386_user_desc) == sizeof(persona_main_thread.tls_desc[0]), "tls_desc");
#define UD_LM           0x80u
#define UD_EMPTY_BITS   0x7fu
#define UD_EMPTY_VALUE  0x28u   /* read_exec_only | seg_not_present */

/* The calling thread: the %gs slot names it (image.h). */
static struct persona_thread *current_thread(void)
{
	return persona_self();
}

static int desc_is_empty(const struct i386_user_desc *d)
{
	return !d->base_addr && !d->limit &&
	       (!(d->flags & UD_EMPTY_BITS) || (d->flags & UD_EMPTY_BITS) == UD_EMPTY_VALUE);
}

static struct i386_user_desc *entry_desc(struct persona_thread *t, uint32_t entry)
{
	return (struct i386_user_desc *)t->tls_desc[entry - PERSONA_TLS_ENTRY_MIN];
}

struct persona_thread *persona_thread_by_tid(int32_t tid);     /* thread.c */

uint16_t persona_tls_ldt_selector(uint16_t sel)
{
	struct persona_thread *t = current_thread();
	uint32_t entry = sel >> 3, i = entry - PERSONA_TLS_ENTRY_MIN;

	if ((sel & 7) != 3 || entry < PERSONA_TLS_ENTRY_MIN || i >= PERSONA_TLS_ENTRIES)
		return 0;
	if (t == &persona_main_thread && persona_process.mode == PERSONA_MODE_I386) {
		/* %gs holds no slot of ours (the program loaded the GDT-style
		 * selector itself): the thread is the one with this tid */
		int32_t tid = (int32_t)nsys0(__NR_gettid);
		struct persona_thread *other = tid != t->tid ? persona_thread_by_tid(tid) : NULL;
		if (other)
			t = other;
	}
	if (!t->tls_slot[i] || desc_is_empty(entry_desc(t, entry)))
		return 0;
	return (uint16_t)(t->tls_slot[i] << 3 | 7);     /* TI: the LDT, RPL 3 */
}

/* An entry number as a caller may give it: 12..14, or the LDT slot that
 * stands in for one of them in this thread (%gs >> 3, as glibc computes
 * it). Returns the entry, or 0. */
static uint32_t tls_entry(struct persona_thread *t, uint32_t n)
{
	if (n >= PERSONA_TLS_ENTRY_MIN && n < PERSONA_TLS_ENTRY_MIN + PERSONA_TLS_ENTRIES)
		return n;
	for (uint32_t i = 0; i < PERSONA_TLS_ENTRIES; i++)
		if (t->tls_slot[i] && t->tls_slot[i] == n)
			return PERSONA_TLS_ENTRY_MIN + i;
	return 0;
}

/* Writes the i386 descriptor at udesc as the thread's TLS entry (in the
 * LDT slot standing in for it); with allocate, an entry_number of -1 picks
 * the first empty entry and is written back, as the kernel does. */
static long tls_install(uint32_t udesc, int allocate)
{
	struct persona_thread *t = current_thread();
	struct i386_user_desc d;
	uint32_t entry;
	long r;

	if (copy_from_user(&d, udesc, sizeof(d)) < 0)
		return -EFAULT;
	entry = d.entry_number;
	if (entry == (uint32_t)-1 && allocate) {
		for (entry = PERSONA_TLS_ENTRY_MIN; entry < PERSONA_TLS_ENTRY_MIN + PERSONA_TLS_ENTRIES; entry++)
			if (desc_is_empty(entry_desc(t, entry)))
				break;
		if (entry == PERSONA_TLS_ENTRY_MIN + PERSONA_TLS_ENTRIES)
			return -ESRCH;
		if (copy_to_user(udesc, &entry, sizeof(entry)) < 0)
			return -EFAULT;
	} else if (!(entry = tls_entry(t, entry))) {
		return -EINVAL;
	}
	uint32_t i = entry - PERSONA_TLS_ENTRY_MIN;
	if (!t->tls_slot[i] && t != &persona_main_thread) {
		/* a thread has one LDT slot, for the entry its clone set */
		plog("set_thread_area: a second TLS entry (%u) in a thread is not supported: -ESRCH", entry);
		return -ESRCH;
	}
	if (!t->tls_slot[i])    /* the main thread: the LDT slot of the same number */
		t->tls_slot[i] = (uint16_t)entry;
	d.flags &= ~UD_LM;
	struct i386_user_desc ld = d;
	ld.entry_number = t->tls_slot[i];
	r = nsys3(__NR_modify_ldt, 0x11, &ld, sizeof(ld));
	if (r < 0)
		return r;
	d.entry_number = entry;
	*entry_desc(t, entry) = d;
	persona_thread_by_slot[t->tls_slot[i]] = t;
	return 0;
}

/* A new thread's TLS (clone's CLONE_SETTLS): the i386 struct user_desc at
 * udesc names an entry as the parent sees it (glibc passes %gs >> 3, the
 * parent's LDT slot); the descriptor goes into the child's own LDT slot.
 * Returns the selector the child loads into %gs, or -errno. */
long persona_tls_for_thread(struct persona_thread *parent, struct persona_thread *child,
			    uint32_t udesc, uint16_t slot)
{
	struct i386_user_desc d, ld;
	uint32_t entry;
	long r;

	if (copy_from_user(&d, udesc, sizeof(d)) < 0)
		return -EFAULT;
	if (!(entry = tls_entry(parent, d.entry_number)))
		return -EINVAL;
	d.flags &= ~UD_LM;
	ld = d;
	ld.entry_number = slot;
	r = nsys3(__NR_modify_ldt, 0x11, &ld, sizeof(ld));
	if (r < 0)
		return r;
	d.entry_number = entry;
	memset(child->tls_slot, 0, sizeof(child->tls_slot));
	memset(child->tls_desc, 0, sizeof(child->tls_desc));
	child->tls_slot[entry - PERSONA_TLS_ENTRY_MIN] = slot;
	*entry_desc(child, entry) = d;
	return slot << 3 | 7;   /* TI: the LDT, RPL 3 */
}

XL(set_thread_area)
{
	return tls_install(ARG0(f), 1);
}

XL(get_thread_area)
{
	struct persona_thread *t = current_thread();
	struct i386_user_desc d;
	uint32_t entry;

	if (copy_from_user(&entry, ARG0(f), sizeof(entry)) < 0)
		return -EFAULT;
	if (!(entry = tls_entry(t, entry)))
		return -EINVAL;
	d = *entry_desc(t, entry);
	if (desc_is_empty(&d)) {
		memset(&d, 0, sizeof(d));
		d.flags = UD_EMPTY_VALUE;
	}
	d.entry_number = entry;
	return copy_to_user(ARG0(f), &d, sizeof(d)) < 0 ? -EFAULT : 0;
}

XL(modify_ldt)
{
	uint32_t func = ARG0(f);

	if (func == 1 || func == 0x11) {
		struct i386_user_desc d;
		if (ARG2(f) != sizeof(d))
			return -EINVAL;
		if (copy_from_user(&d, ARG1(f), sizeof(d)) < 0)
			return -EFAULT;
		d.flags &= ~UD_LM;      /* not a bit a 32-bit caller has */
		return nsys3(__NR_modify_ldt, func, &d, sizeof(d));
	}
	/* reads: the same layout natively; the buffer is i386 memory */
	return nsys3(__NR_modify_ldt, func, wide_u32(ARG1(f)), wide_u32(ARG2(f)));
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
