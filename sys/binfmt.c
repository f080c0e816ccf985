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
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

static int do_install(void)
{
	char interp[PATH_MAX], line[PATH_MAX + 256], m[4 * 20 + 1], k[4 * 20 + 1];
	int fd;

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
	hex(m, magic, sizeof(magic));
	hex(k, mask, sizeof(mask));
	snprintf(line, sizeof(line), ":" ENTRY_NAME ":M::%s:%s:%s:PF", m, k, interp);
	fd = open(BINFMT_DIR "/register", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return refused("open " BINFMT_DIR "/register");
	if (write(fd, line, strlen(line)) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return refused("register the entry");
	}
	close(fd);
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
