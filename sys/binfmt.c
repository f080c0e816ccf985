/* sys/binfmt.c — `persona binfmt install | remove | status`: system-wide
 * registration through binfmt_misc, the Linux form of the proposal's
 * "tell the kernel which programs each personality serves".
 *
 * The entry matches ELF32 little-endian i386 executables (ET_EXEC and ET_DYN)
 * and names as interpreter `persona-binfmt`, a link to this program installed
 * beside it. The kernel then runs every such exec as
 *     persona-binfmt PROGRAM-PATH ORIGINAL-ARGV0 ARGS...
 * (flag P keeps argv[0]; flag F opens the interpreter at registration, so the
 * entry also works inside other mount namespaces and chroots), and main()
 * hands that to `persona run --argv0`.
 *
 * binfmt_private_setup() makes the same registration private to one
 * `persona run` and everything it starts: see there.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <linux/capability.h>
#include <sched.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "sys/persona.h"

int cmd_run(int argc, char **argv) __attribute__((weak));

#define BINFMT_DIR   "/proc/sys/fs/binfmt_misc"
#define BINFMT_MAGIC 0x42494e4d          /* statfs f_type of binfmt_misc */
#define ENTRY_NAME   "persona-i386"
#define INTERP_NAME  "persona-binfmt"

/* e_ident (16 bytes), e_type, e_machine. The mask lets EI_OSABI be anything
 * and e_type be ET_EXEC (2) or ET_DYN (3); it pins class 1 (32-bit), data 1
 * (little-endian), version 1 and machine 3 (EM_386). */
static const unsigned char magic[20] = {
	0x7f, 'E', 'L', 'F', 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 3, 0 };
static const unsigned char mask[20] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff };

static int mounted(void)
{
	struct statfs fs;

	return statfs(BINFMT_DIR, &fs) == 0 && (unsigned long)fs.f_type == BINFMT_MAGIC;
}

static int not_mounted(void)
{
	fprintf(stderr, "persona binfmt: binfmt_misc is not mounted at " BINFMT_DIR "\n"
		"  mount it (as root): mount -t binfmt_misc binfmt_misc " BINFMT_DIR "\n");
	return 1;
}

static int refused(const char *what)
{
	fprintf(stderr, "persona binfmt: cannot %s: %s\n", what, strerror(errno));
	if (errno == EACCES || errno == EPERM)
		fprintf(stderr, "  this needs root (or a user namespace that owns the binfmt_misc mount)\n");
	return 1;
}

/* The interpreter link beside this program: persona-binfmt -> persona. */
static int interpreter_path(char *out, size_t len)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	if (n < 0)
		return -1;
	self[n] = 0;
	slash = strrchr(self, '/');
	*slash = 0;
	if (snprintf(out, len, "%s/" INTERP_NAME, self) >= (int)len)
		return -1;
	return access(out, X_OK);
}

static void hex(char *out, const unsigned char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		out += sprintf(out, "\\x%02x", b[i]);
}

/* The registration line for an entry that sends i386 programs to interp. */
static void entry_line(char *line, size_t len, const char *interp)
{
	char m[4 * sizeof(magic) + 1], k[4 * sizeof(mask) + 1];

	hex(m, magic, sizeof(magic));
	hex(k, mask, sizeof(mask));
	snprintf(line, len, ":" ENTRY_NAME ":M::%s:%s:%s:PF", m, k, interp);
}

/* Writes one line to BINFMT_DIR/register: 0, or -1 with errno. */
static int register_line(const char *line)
{
	int fd = open(BINFMT_DIR "/register", O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (write(fd, line, strlen(line)) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	close(fd);
	return 0;
}

static int do_install(void)
{
	char interp[PATH_MAX], line[PATH_MAX + 256];

	if (!mounted())
		return not_mounted();
	if (interpreter_path(interp, sizeof(interp)) != 0) {
		fprintf(stderr, "persona binfmt: no %s beside this program (%s): run make install, "
			"or make in the build tree\n", INTERP_NAME, interp);
		return 1;
	}
	if (access(BINFMT_DIR "/" ENTRY_NAME, F_OK) == 0) {
		fprintf(stderr, "persona binfmt: already registered (persona binfmt remove first)\n");
		return 1;
	}
	entry_line(line, sizeof(line), interp);
	if (register_line(line) < 0)
		return refused("register the entry");
	printf("registered %s: i386 programs now run through %s\n", ENTRY_NAME, interp);
	return 0;
}

static int do_remove(void)
{
	int fd;

	if (!mounted())
		return not_mounted();
	fd = open(BINFMT_DIR "/" ENTRY_NAME, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT) {
			printf("not registered\n");
			return 0;
		}
		return refused("open the entry");
	}
	if (write(fd, "-1", 2) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return refused("remove the entry");
	}
	close(fd);
	printf("removed %s\n", ENTRY_NAME);
	return 0;
}

static int do_status(void)
{
	char buf[4096];
	FILE *f;

	if (!mounted()) {
		printf("binfmt_misc: not mounted at " BINFMT_DIR "\nregistered: no\n");
		return 1;
	}
	printf("binfmt_misc: mounted at " BINFMT_DIR "\n");
	f = fopen(BINFMT_DIR "/" ENTRY_NAME, "r");
	if (!f) {
		printf("registered: no\n");
		return 1;
	}
	printf("registered: yes (%s)\n", ENTRY_NAME);
	while (fgets(buf, sizeof(buf), f))
		printf("  %s", buf);
	fclose(f);
	return 0;
}

/* ---- a registration private to one `persona run` ----------------------- */

/* Every i386 descendant of a `persona run` must run under the personality,
 * also when a 64-bit program (a shell, make, xargs) stands between. The
 * kernel does that for us once a binfmt_misc entry sends i386 programs to
 * persona; since Linux 6.7 each user namespace may mount a binfmt_misc
 * instance of its own, so persona run moves itself into a new user and
 * mount namespace, mounts one there and registers the entry in it. Nothing
 * outside sees it, everything started inside inherits it, and no call of a
 * 64-bit descendant pays anything for it (a seccomp filter would put every
 * one of their calls on the kernel's slow entry path).
 *
 * The ids: each id of the parent namespace maps to itself where persona
 * may write such a map (root: a helper left in the parent namespace writes
 * it, as only a process there may), else only the caller's own uid and
 * gid (as an unprivileged user may), which shows other ids as the
 * overflow id 65534. The capability sets are put back as they were. */

/* binfmt_misc instances per user namespace came with Linux 6.7 */
#define BINFMT_USERNS_MAJOR 6
#define BINFMT_USERNS_MINOR 7

static int kernel_at_least(int major, int minor)
{
	struct utsname u;
	int ma = 0, mi = 0;

	if (uname(&u) < 0 || sscanf(u.release, "%d.%d", &ma, &mi) != 2)
		return 0;
	return ma > major || (ma == major && mi >= minor);
}

/* "id id count" for each extent of a map file read before unshare. */
static int identity_map(const char *file, char *out, size_t len)
{
	unsigned long inside, outside, count;
	size_t used = 0;
	FILE *f = fopen(file, "re");

	if (!f)
		return -1;
	while (fscanf(f, "%lu %lu %lu", &inside, &outside, &count) == 3) {
		int k = snprintf(out + used, len - used, "%lu %lu %lu\n", inside, inside, count);
		if (k < 0 || (size_t)k >= len - used)
			break;
		used += (size_t)k;
	}
	fclose(f);
	return used ? 0 : -1;
}

static int write_text(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* Root's identity maps, written by a child that stays in the parent
 * namespace: after unshare the process itself no longer holds CAP_SETUID
 * there. Returns the child's pid (it waits for a byte on go), or -1. */
static pid_t start_map_writer(int go, const char *uid_map, const char *gid_map)
{
	pid_t parent = getpid(), pid = fork();
	char path[64], byte;

	if (pid != 0)
		return pid;
	if (read(go, &byte, 1) != 1)
		_exit(1);
	snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)parent);
	if (write_text(path, uid_map) < 0)
		_exit(1);
	snprintf(path, sizeof(path), "/proc/%d/gid_map", (int)parent);
	_exit(write_text(path, gid_map) < 0 ? 1 : 0);
}

/* The caller's own ids only, written by itself. */
static int map_own_ids(uid_t uid, gid_t gid)
{
	char line[64];

	snprintf(line, sizeof(line), "%u %u 1\n", (unsigned)uid, (unsigned)uid);
	if (write_text("/proc/self/uid_map", line) < 0)
		return -1;
	/* an unprivileged gid map needs setgroups refused (user_namespaces(7)) */
	if (write_text("/proc/self/setgroups", "deny") < 0 && errno != ENOENT)
		return -1;
	snprintf(line, sizeof(line), "%u %u 1\n", (unsigned)gid, (unsigned)gid);
	return write_text("/proc/self/gid_map", line);
}

/* The capability sets, read before unshare and put back after: the new
 * namespace gives its creator every capability in it, and a program must
 * see the ones it had outside (none for a user, root's own set for root). */
struct caps {
	struct __user_cap_header_struct h;
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];
	uint64_t bounding;      /* root's exec takes its sets from the bounding set */
};

static int caps_get(struct caps *c)
{
	memset(c, 0, sizeof(*c));
	c->h.version = _LINUX_CAPABILITY_VERSION_3;
	for (int cap = 0; cap <= CAP_LAST_CAP; cap++)
		if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) == 1)
			c->bounding |= 1ull << cap;
	return (int)syscall(SYS_capget, &c->h, c->d);
}

static int caps_set(struct caps *c)
{
	c->h.pid = 0;
	for (int cap = 0; cap <= CAP_LAST_CAP; cap++)
		if (!(c->bounding & (1ull << cap)) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
			return -1;
	return (int)syscall(SYS_capset, &c->h, c->d);
}

int binfmt_private_setup(char *why, size_t len)
{
	char interp[PATH_MAX], line[PATH_MAX + 256], uid_map[1024], gid_map[1024];
	uid_t uid = geteuid();
	gid_t gid = getegid();
	int go[2], status, privileged = uid == 0;
	pid_t writer = -1;
	struct caps caps;

	/* an enclosing persona run (or the administrator) registered it already */
	if (mounted() && access(BINFMT_DIR "/" ENTRY_NAME, F_OK) == 0)
		return 0;
	if (interpreter_path(interp, sizeof(interp)) != 0) {
		snprintf(why, len, "no %s beside persona (%s)", INTERP_NAME, interp);
		return -1;
	}
	/* checked first: past unshare there is no way back to the old namespace */
	if (!kernel_at_least(BINFMT_USERNS_MAJOR, BINFMT_USERNS_MINOR)) {
		snprintf(why, len, "this kernel has one binfmt_misc for the whole system "
			 "(one per user namespace needs Linux %d.%d)", BINFMT_USERNS_MAJOR, BINFMT_USERNS_MINOR);
		return -1;
	}
	if (caps_get(&caps) < 0) {
		snprintf(why, len, "cannot read the capability sets: %s", strerror(errno));
		return -1;
	}
	if (privileged && (identity_map("/proc/self/uid_map", uid_map, sizeof(uid_map)) < 0 ||
			   identity_map("/proc/self/gid_map", gid_map, sizeof(gid_map)) < 0))
		privileged = 0;
	if (privileged && pipe2(go, O_CLOEXEC) == 0) {
		writer = start_map_writer(go[0], uid_map, gid_map);
		close(go[0]);
		if (writer < 0)
			close(go[1]);
	}
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0) {
		snprintf(why, len, "cannot create a user namespace: %s", strerror(errno));
		if (writer > 0) {
			close(go[1]);
			waitpid(writer, &status, 0);
		}
		return -1;
	}
	int mapped = 0;
	if (writer > 0) {
		mapped = write(go[1], "g", 1) == 1 && waitpid(writer, &status, 0) == writer &&
			 WIFEXITED(status) && WEXITSTATUS(status) == 0;
		close(go[1]);
	}
	if (!mapped && map_own_ids(uid, gid) < 0) {
		snprintf(why, len, "cannot map ids into the user namespace: %s", strerror(errno));
		return -1;
	}
	if (mount("binfmt_misc", BINFMT_DIR, "binfmt_misc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) {
		snprintf(why, len, "cannot mount binfmt_misc in a user namespace (Linux 6.7 or later): %s",
			 strerror(errno));
		return -1;
	}
	entry_line(line, sizeof(line), interp);
	if (register_line(line) < 0) {
		snprintf(why, len, "cannot register in the private binfmt_misc: %s", strerror(errno));
		return -1;
	}
	if (caps_set(&caps) < 0) {
		snprintf(why, len, "cannot restore the capability sets: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int cmd_binfmt(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "install"))
		return do_install();
	if (argc == 2 && !strcmp(argv[1], "remove"))
		return do_remove();
	if (argc == 2 && !strcmp(argv[1], "status"))
		return do_status();
	fprintf(stderr, "usage: persona binfmt install|remove|status\n");
	return 2;
}

/* Invoked by the kernel as the interpreter: persona-binfmt PATH ARGV0 ARGS... */
int persona_binfmt_entry(int argc, char **argv)
{
	char **run = calloc((size_t)argc + 4, sizeof(char *));
	int n = 0;

	if (argc < 3 || !run || !cmd_run) {
		fprintf(stderr, INTERP_NAME ": started by binfmt_misc as: " INTERP_NAME " PROGRAM ARGV0 [ARGS...]\n");
		return 127;
	}
	run[n++] = "run";
	run[n++] = "--argv0";
	run[n++] = argv[2];
	run[n++] = "--";
	run[n++] = argv[1];
	for (int i = 3; i < argc; i++)
		run[n++] = argv[i];
	run[n] = NULL;
	return cmd_run(n, run);
}
