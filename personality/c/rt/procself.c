/* personality/c/rt/procself.c — what an i386 program reads about itself.
 *
 * Under persona the kernel sees the persona binary: /proc/self/exe names
 * it, /proc/self/cmdline holds persona's command line and /proc/self/auxv
 * the x86-64 auxiliary vector. A program opening those gets, instead, what
 * a native exec would have given it:
 *
 *   exe      the program file itself (busybox and others re-exec
 *            themselves through it); opened for writing, ETXTBSY, as the
 *            kernel refuses to write a running program
 *   cmdline  the program's argument strings as they are now in its memory
 *            (a program may rewrite them, and the kernel reads them live)
 *   auxv     the i386 auxiliary vector the loader built: 32-bit pairs up
 *            to and including AT_NULL, and the zero pairs after it the
 *            kernel's file shows for an i386 process
 *
 * for /proc/self/, /proc/thread-self/ and /proc/<own pid or tid>/. cmdline
 * and auxv are answered with a sealed memfd holding the text, reopened
 * read-only at position 0 and moved to the descriptor number the open
 * would have returned. What stays different: fstat and /proc/self/fd show
 * a memfd. /proc/self/comm needs nothing: the loader names the process
 * after the program before it starts (prctl PR_SET_NAME), as exec does.
 *
 * readlink (and readlinkat) of /proc/self/exe names the program too.
 */
#include "core/persona.h"
#include "rt/image.h"
#include "rt/procself.h"

#include <linux/fcntl.h>
#include <linux/auxvec.h>
#include <linux/memfd.h>

#define AT_FDCWD_ (-100)
#define AUXV_MAX  64            /* pairs; the kernel's i386 vector has ~25 */

/* What the initial i386 stack said (persona_procself_init). */
static uint32_t arg_start, arg_end, env_end;
static uint32_t auxv[2 * AUXV_MAX];
static uint32_t auxv_words;

static size_t strlen32(uint32_t p)
{
	return strlen((const char *)(uintptr_t)p);
}

/* Called once with the program's initial esp, before its first
 * instruction: argc, argv[], NULL, envp[], NULL, auxv pairs, AT_NULL. */
void persona_procself_init(uint32_t esp)
{
	const uint32_t *sp = (const uint32_t *)(uintptr_t)esp;
	uint32_t argc = sp[0], i;
	const uint32_t *envp = sp + 1 + argc + 1, *av;

	if (argc) {
		arg_start = sp[1];
		arg_end = sp[argc] + (uint32_t)strlen32(sp[argc]) + 1;
	}
	for (i = 0; envp[i]; i++)
		env_end = envp[i] + (uint32_t)strlen32(envp[i]) + 1;
	if (!env_end)
		env_end = arg_end;
	av = envp + i + 1;
	for (i = 0; i < AUXV_MAX - 3 && av[2 * i] != AT_NULL; i++) {
		auxv[2 * i] = av[2 * i];
		auxv[2 * i + 1] = av[2 * i + 1];
	}
	/* The kernel keeps an i386 vector as 32-bit pairs in an array of
	 * 64-bit words and finds its end by testing every other 64-bit word
	 * (every other pair) for zero: the file then ends with the first zero
	 * pair at an even index and one more pair. AT_NULL at an odd index is
	 * followed by two zero pairs; the rest of auxv[] is zero. */
	auxv_words = 2 * (((i + 1) & ~1u) + 2);
	if (auxv_words > ARRAY_SIZE(auxv))
		auxv_words = ARRAY_SIZE(auxv);
}

/* "/proc/<this process>/" : the length of that prefix, or 0. */
static size_t own_proc_prefix(const char *p)
{
	static const char *const fixed[] = { "/proc/self/", "/proc/thread-self/" };
	long ids[2];
	size_t n;

	for (unsigned k = 0; k < ARRAY_SIZE(fixed); k++) {
		n = strlen(fixed[k]);
		if (!memcmp(p, fixed[k], n))
			return n;
	}
	if (memcmp(p, "/proc/", 6))
		return 0;
	ids[0] = nsys0(__NR_getpid);
	ids[1] = nsys0(__NR_gettid);
	for (unsigned k = 0; k < ARRAY_SIZE(ids); k++) {
		char mine[32];
		n = (size_t)psnprintf(mine, sizeof(mine), "/proc/%ld/", ids[k]);
		if (!memcmp(p, mine, n))
			return n;
	}
	return 0;
}

/* A read-only descriptor on a sealed memfd holding data, numbered as the
 * open it answers would have been (the lowest free one). */
static long memfd_answer(const char *name, const void *data, size_t len, int32_t flags)
{
	char self[32];
	long fd, ro, r = 0;
	size_t done = 0;

	fd = nsys2(__NR_memfd_create, name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return fd;
	while (done < len) {
		r = nsys3(__NR_write, fd, (const char *)data + done, len - done);
		if (r <= 0)
			break;
		done += (size_t)r;
	}
	if (r < 0)
		goto fail;
	nsys3(__NR_fcntl, fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL);
	/* a new open file description: read-only, at position 0 */
	psnprintf(self, sizeof(self), "/proc/self/fd/%ld", fd);
	ro = nsys4(__NR_openat, AT_FDCWD_, self, O_RDONLY | O_CLOEXEC, 0);
	if (ro < 0) {
		r = ro;
		goto fail;
	}
	r = nsys3(__NR_dup3, ro, fd, flags & O_CLOEXEC);
	nsys1(__NR_close, ro);
	if (r < 0)
		goto fail;
	return fd;
fail:
	nsys1(__NR_close, fd);
	return r;
}

static long open_cmdline(int32_t flags)
{
	uint32_t end = arg_end;

	if (!arg_start)
		return memfd_answer("cmdline", "", 0, flags);
	/* the kernel's rule for a program that overwrote its last NUL
	 * (setproctitle): the text runs on into the environment to a NUL */
	if (((const char *)(uintptr_t)arg_end)[-1] != 0)
		while (end < env_end && ((const char *)(uintptr_t)end)[-1] != 0)
			end++;
	return memfd_answer("cmdline", (const void *)(uintptr_t)arg_start, end - arg_start, flags);
}

/* 1 when the open of upath is one of the program's own /proc files and
 * *result holds the answer (a descriptor or -errno); 0 to open as asked. */
int persona_procself_open(long dfd, uint32_t upath, int32_t flags, uint32_t mode, long *result)
{
	char path[64];
	const char *leaf;
	size_t n;

	(void)dfd;      /* the paths answered here are absolute */
	if (persona_process.mode != PERSONA_MODE_I386 || strncpy_from_user(path, upath, sizeof(path)) < 0)
		return 0;
	n = own_proc_prefix(path);
	if (!n)
		return 0;
	leaf = path + n;
	/* a link opened as itself, or a directory wanted: the kernel's answer */
	if (flags & (O_NOFOLLOW | O_DIRECTORY | O_CREAT))
		return 0;
	if (!memcmp(leaf, "exe", 4) && persona_process.exe_path[0]) {
		if ((flags & O_ACCMODE) != O_RDONLY && !(flags & O_PATH))
			*result = -ETXTBSY;
		else
			*result = nsys4(__NR_openat, AT_FDCWD_, persona_process.exe_path, flags, mode);
		return 1;
	}
	if ((flags & O_ACCMODE) != O_RDONLY || (flags & O_PATH))
		return 0;
	if (!memcmp(leaf, "cmdline", 8)) {
		*result = open_cmdline(flags);
		return 1;
	}
	if (!memcmp(leaf, "auxv", 5) && auxv_words) {
		*result = memfd_answer("auxv", auxv, auxv_words * sizeof(auxv[0]), flags);
		return 1;
	}
	return 0;
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
	if (strcmp(path, "/proc/self/exe") && strcmp(path, "/proc/thread-self/exe") && strcmp(path, mine))
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
