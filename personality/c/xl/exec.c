/* personality/c/xl/exec.c — execve and execveat.
 *
 * The kernel must never load an i386 program (it may have no ia32 layer at
 * all), so an i386 target is run as `persona run ... PROGRAM`: the persona
 * binary is exec'd and maps the image registered at that moment. An x86-64
 * target is exec'd natively; a script whose chain of interpreters
 * (script.h) ends in an i386 program goes through persona too, any other
 * script to the kernel.
 */
#include <linux/elf-em.h>
#include <linux/fcntl.h>
#include <linux/mman.h>
#include <linux/limits.h>
#include "core/persona.h"
#include "rt/image.h"
#include "sysnr.h"
#include "signal/ksig.h"
#include "xl/script.h"

/* the kernel's MAX_ARG_STRLEN: one argument string is at most 32 pages */
#define ARG_STRLEN_MAX  (32 * 4096)

#define X_OK_           1       /* <unistd.h>'s, not in the uapi headers */

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
	if (!r && persona_opts.reflect_startup) r = argbuf_str(ab, "--reflect=startup");
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
