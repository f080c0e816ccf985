/* tests/prog/selfview.c — what an i386 program reads about itself: the
 * same natively and under persona run.
 *
 *   selfview exe        /proc/self/exe and /proc/<pid>/exe: the link names
 *                       this program, opening it opens this program's file,
 *                       opening it for writing fails as for a running program
 *   selfview cmdline A.. /proc/self/cmdline: the arguments, read in small
 *                       pieces, again after the program rewrote one
 *   selfview auxv       /proc/self/auxv: 32-bit pairs ending in AT_NULL, each
 *                       value what getauxval says
 *   selfview getauxval  the auxiliary values a program relies on
 *   selfview comm       /proc/self/comm and prctl(PR_GET_NAME)
 *   selfview uname      uname's machine, then under personality(PER_LINUX32)
 *   selfview fds        closes what it inherited and runs itself again, which
 *                       prints the lowest free descriptor and the open ones
 *                       below 900 (the personality's own lie above or are closed)
 *   selfview reexec     runs itself again through /proc/self/exe
 */
#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *base(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

static int same_file(int fd, const char *path)
{
	struct stat a, b;
	return fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

static int exe(void)
{
	char link[4096], p[64];
	ssize_t n = readlink("/proc/self/exe", link, sizeof(link) - 1);

	if (n < 0)
		return printf("readlink: %s\n", strerror(errno)), 1;
	link[n] = 0;
	printf("exe link: %s\n", base(link));
	snprintf(p, sizeof(p), "/proc/%d/exe", (int)getpid());
	const char *paths[] = { "/proc/self/exe", "/proc/thread-self/exe", p };
	for (unsigned i = 0; i < 3; i++) {
		int fd = open(paths[i], O_RDONLY);
		printf("open %s: %s\n", i == 2 ? "/proc/PID/exe" : paths[i],
		       fd < 0 ? strerror(errno) : same_file(fd, link) ? "this program's file" : "ANOTHER FILE");
		if (fd >= 0) {
			unsigned char h[4];
			printf("  reads: %s\n", read(fd, h, 4) == 4 && !memcmp(h, ELFMAG, 4) ? "an ELF header" : "no ELF header");
			close(fd);
		}
		fd = openat(AT_FDCWD, paths[i], O_RDONLY | O_CLOEXEC);
		printf("openat %s: %s\n", i == 2 ? "/proc/PID/exe" : paths[i],
		       fd < 0 ? strerror(errno) : same_file(fd, link) ? "this program's file" : "ANOTHER FILE");
		if (fd >= 0)
			close(fd);
	}
	int fd = open("/proc/self/exe", O_WRONLY);
	printf("open for writing: %s\n", fd < 0 ? strerror(errno) : "opened");
	/* openat2, where the kernel has it (5.6 on) */
	struct { uint64_t flags, mode, resolve; } how = { O_RDONLY, 0, 0 };
	fd = (int)syscall(437 /* openat2 */, AT_FDCWD, "/proc/self/exe", &how, sizeof(how));
	if (fd >= 0 || errno != ENOSYS)
		printf("openat2: %s\n", fd < 0 ? strerror(errno) : same_file(fd, link) ? "this program's file" : "ANOTHER FILE");
	return 0;
}

static void show(const char *what, const char *buf, ssize_t n)
{
	printf("%s (%zd bytes): ", what, n);
	for (ssize_t i = 0; i < n; i++)
		putchar(buf[i] ? buf[i] : '|');
	putchar('\n');
}

static ssize_t read_all(const char *path, char *buf, size_t size, size_t piece)
{
	int fd = open(path, O_RDONLY);
	ssize_t n = 0, r;

	if (fd < 0)
		return -1;
	while ((size_t)n < size && (r = read(fd, buf + n, piece < size - n ? piece : size - n)) > 0)
		n += r;
	close(fd);
	return n;
}

static int cmdline(int argc, char **argv)
{
	static char buf[65536];
	ssize_t n = read_all("/proc/self/cmdline", buf, sizeof(buf), 3);

	show("cmdline", buf, n);
	if (argc > 2) {
		/* programs rewrite their arguments to change what ps shows */
		memset(argv[2], 'x', strlen(argv[2]));
		n = read_all("/proc/self/cmdline", buf, sizeof(buf), 4096);
		show("cmdline after rewriting argv[2]", buf, n);
	}
	int fd = open("/proc/self/cmdline", O_RDONLY);
	printf("write to it: %s\n", write(fd, "x", 1) < 0 ? strerror(errno) : "written");
	printf("seek to 1 and read: ");
	char c = 0;
	if (lseek(fd, 1, SEEK_SET) == 1 && read(fd, &c, 1) == 1)
		printf("%c\n", c);
	close(fd);
	return 0;
}

static int auxv(void)
{
	static uint32_t v[512];
	ssize_t n = read_all("/proc/self/auxv", (char *)v, sizeof(v), 7);
	int bad = 0, nulls = 0;

	if (n < 0)
		return printf("auxv: %s\n", strerror(errno)), 1;
	printf("auxv: %s 8-byte pairs\n", n % 8 ? "not" : "whole");
	for (ssize_t i = 0; i + 1 < n / 4; i += 2) {
		if (v[i] == AT_NULL) {
			nulls++;
			continue;
		}
		if (nulls)
			bad++;
		/* glibc answers these with what it made of them */
		if (v[i] == AT_HWCAP || v[i] == AT_HWCAP2) {
			printf("  type %u (raw): %#x\n", v[i], v[i + 1]);
			continue;
		}
		if (v[i] != AT_IGNORE && getauxval(v[i]) != v[i + 1]) {
			printf("  type %u: %#x, getauxval %#lx\n", v[i], v[i + 1], getauxval(v[i]));
			bad++;
		}
	}
	printf("auxv: ends with AT_NULL: %s; values as getauxval: %s\n", nulls ? "yes" : "no", bad ? "NO" : "yes");
	printf("auxv: %zd bytes, types:", n);
	for (ssize_t i = 0; i + 1 < n / 4; i += 2)
		printf(" %u", v[i]);
	printf("\n");
	return 0;
}

static int getaux(void)
{
	extern char _start[];
	const char *plat = (const char *)getauxval(AT_PLATFORM), *fn = (const char *)getauxval(AT_EXECFN);
	const unsigned char *eh = (const unsigned char *)getauxval(AT_SYSINFO_EHDR);

	printf("AT_PAGESZ %lu\n", getauxval(AT_PAGESZ));
	printf("AT_CLKTCK %lu\n", getauxval(AT_CLKTCK));
	printf("AT_SECURE %lu\n", getauxval(AT_SECURE));
	printf("AT_UID/EUID/GID/EGID as the process: %s\n",
	       getauxval(AT_UID) == getuid() && getauxval(AT_EUID) == geteuid() &&
	       getauxval(AT_GID) == getgid() && getauxval(AT_EGID) == getegid() ? "yes" : "no");
	printf("AT_PLATFORM %s\n", plat ? plat : "(none)");
	printf("AT_EXECFN %s\n", fn ? base(fn) : "(none)");
	printf("AT_ENTRY is _start: %s\n", getauxval(AT_ENTRY) == (unsigned long)_start ? "yes" : "no");
	printf("AT_PHDR set: %s, AT_PHENT %lu\n", getauxval(AT_PHDR) ? "yes" : "no", getauxval(AT_PHENT));
	printf("AT_RANDOM set: %s\n", getauxval(AT_RANDOM) ? "yes" : "no");
	printf("AT_SYSINFO_EHDR an ELF image: %s\n", eh && !memcmp(eh, ELFMAG, 4) ? "yes" : "no");
	printf("AT_SYSINFO set: %s\n", getauxval(AT_SYSINFO) ? "yes" : "no");
	printf("AT_HWCAP %#lx AT_HWCAP2 %#lx\n", getauxval(AT_HWCAP), getauxval(AT_HWCAP2));
	errno = 0;
	getauxval(AT_BASE_PLATFORM);
	printf("an absent type: errno %s\n", errno == ENOENT ? "ENOENT" : "not set");
	return 0;
}

static int comm(void)
{
	char buf[64] = "", name[17] = "";
	ssize_t n = read_all("/proc/self/comm", buf, sizeof(buf) - 1, 64);

	if (n > 0)
		buf[n] = 0;
	prctl(PR_GET_NAME, name);
	printf("comm: %sPR_GET_NAME: %s\n", buf, name);
	prctl(PR_SET_NAME, "renamed");
	n = read_all("/proc/self/comm", buf, sizeof(buf) - 1, 64);
	if (n > 0)
		buf[n] = 0;
	printf("comm after PR_SET_NAME: %s", buf);
	return 0;
}

static int uname_(void)
{
	struct utsname u;
	int old = personality(0xffffffff);

	uname(&u);
	printf("machine %s (personality %#x)\n", u.machine, old);
	if (personality(PER_LINUX32) < 0)
		return printf("personality: %s\n", strerror(errno)), 1;
	uname(&u);
	printf("machine %s (personality %#x)\n", u.machine, personality(0xffffffff));
	personality(old);
	uname(&u);
	printf("machine %s (personality %#x)\n", u.machine, personality(0xffffffff));
	return 0;
}

static int fds(int argc, char **argv)
{
	if (argc < 3) {
		/* descriptors inherited from whoever ran the test are not the
		 * point: close them and start again, through /proc/self/exe */
		for (int fd = 3; fd < 900; fd++)
			close(fd);
		execl("/proc/self/exe", argv[0], "fds", "again", (char *)NULL);
		return printf("execl: %s\n", strerror(errno)), 1;
	}
	int low = open("/dev/null", O_RDONLY);
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;

	printf("lowest free descriptor: %d\n", low);
	close(low);
	printf("open below 900:");
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.' && atoi(e->d_name) < 900 && atoi(e->d_name) != dirfd(d))
			printf(" %s", e->d_name);
	printf("\n");
	int p[2];
	if (pipe(p) == 0)
		printf("pipe: %d %d\n", p[0], p[1]);
	return 0;
}

static int reexec(int argc, char **argv)
{
	if (argc > 2)
		return printf("re-executed with %s\n", argv[2]), 0;
	pid_t pid = fork();
	if (pid == 0) {
		execl("/proc/self/exe", "selfview", "reexec", "an-argument", (char *)NULL);
		_exit(127);
	}
	int st;
	waitpid(pid, &st, 0);
	printf("child: %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	return 0;
}

int main(int argc, char **argv)
{
	const char *m = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(m, "exe")) return exe();
	if (!strcmp(m, "cmdline")) return cmdline(argc, argv);
	if (!strcmp(m, "auxv")) return auxv();
	if (!strcmp(m, "getauxval")) return getaux();
	if (!strcmp(m, "comm")) return comm();
	if (!strcmp(m, "uname")) return uname_();
	if (!strcmp(m, "fds")) return fds(argc, argv);
	if (!strcmp(m, "reexec")) return reexec(argc, argv);
	fprintf(stderr, "usage: selfview exe|cmdline ARGS|auxv|getauxval|comm|uname|fds|reexec\n");
	return 2;
}
