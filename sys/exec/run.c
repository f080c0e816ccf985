/* sys/exec/run.c — `persona run`: a userland exec.
 *
 *   persona run [--trace] [--stats] [--no-patch] [--patch=page0] [--seccomp]
 *               [--log FILE|stderr] [--ldt-cs] [--argv0 NAME]
 *               [--descendants=auto|private|native] [--] PROGRAM [ARGS...]
 *
 *   --log FILE    the personality's log: refused calls, unknown numbers, and
 *                 --trace and --stats; "stderr" is the program's stderr.
 *                 Without it (or PERSONA_LOG) nothing is logged, and --trace
 *                 and --stats write to stderr
 *   --argv0 NAME  the program's argv[0] (execve under persona passes it on;
 *                 a script's is replaced by its path, as the kernel does)
 *   --descendants=MODE  how i386 programs that 64-bit descendants start run:
 *                 private: under the personality, through a binfmt_misc
 *                 entry in a user namespace of this run's own (binfmt.c);
 *                 persona run stops if the kernel cannot give one;
 *                 auto (default): private where the kernel allows, else
 *                 native (the reason goes to the --log file);
 *                 native: as the kernel runs them (its ia32 layer)
 *   --ldt-cs      run 32-bit code in a code segment of the process's LDT, as
 *                 is done anyway when the kernel offers no __USER32_CS
 *   PERSONA_IMAGE=FILE in the environment overrides the registry's choice.
 *
 * A `#!` script runs as the kernel would run it (script.h): its chain of
 * interpreters is followed, and if it ends in a program the personality
 * serves that program is loaded with the argv the kernel would build; if it
 * ends in anything else (a 64-bit /bin/sh), the script is exec'd natively,
 * as from a shell (persona run SCRIPT means "run it as here, with i386
 * programs under the personality", not "run /bin/sh under persona").
 *
 * Maps the personality image registered for the program's ELF class and
 * machine at PERSONA_IMAGE_BASE, then the program and its interpreter, builds
 * the initial stack, lets the image initialise itself and enters the program
 * through it. An i386 program, its stack, break and mmap area lie below the
 * image; persona itself (a static-pie) stays above 4 GiB.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "sys/persona.h"
#include "sys/exec/loader.h"
#include "sys/doctor/hostcaps.h"
#include "personality/image_abi.h"
#include "personality/c/xl/script.h"

#define PAGE 4096ull
#define PAGE_UP(x) (((x) + PAGE - 1) & ~(PAGE - 1))
/* persona's own fds go up here, out of the program's way */
#define PRIVATE_FD_MIN 900
/* --log stderr: the log is the program's stderr (a file of that name is
 * ./stderr); PERSONA_LOG=stderr|FILE does the same as --log without one. */
#define LOG_TO_STDERR  "stderr"
#define PERSONA_LOG_ENV "PERSONA_LOG"

static const char *prog_name = "persona run";

static int usage(void)
{
	fprintf(stderr, "usage: persona run [--trace] [--stats] [--no-patch] [--patch=page0] [--seccomp]\n"
			"                   [--reflect=always|startup] [--log FILE|stderr] [--ldt-cs] [--argv0 NAME]\n"
			"                   [--descendants=auto|private|native] [--] PROGRAM [ARGS...]\n"
			"  the personality's log (refused calls, unknown numbers) is written only with\n"
			"  --log or PERSONA_LOG=FILE|stderr; --trace and --stats go to it, else to stderr\n"
			"  --reflect=always (the default) keeps Syscall User Dispatch armed for the whole\n"
			"  run, so that no int $0x80 ever reaches the kernel's ia32 layer; it makes every\n"
			"  system call of the thread take the kernel's slow entry. --reflect=startup\n"
			"  disarms it at the program's first call through the vDSO, after rewriting every\n"
			"  int $0x80 site whose number can be read off the code before it (a mov $nr into\n"
			"  eax, or into a register moved to eax; also in code mapped later) and making\n"
			"  every site that trapped during start-up but has no such form fault instead.\n"
			"  RISK: a site of neither kind (its number computed, and first run after\n"
			"  start-up) reaches the kernel's ia32 layer, which runs the call itself, outside\n"
			"  the personality. Not with --seccomp, --no-patch or --patch=page0; on a kernel\n"
			"  without an ia32 layer nothing is armed in either mode. An x86-64 program runs\n"
			"  with no filter at all: its mov $nr, %%eax; int $0x80 sites are rewritten before\n"
			"  it runs (code it maps later is not seen).\n");
	return 2;
}

/* PATH search as a shell does it, for a name without a slash. */
static int find_program(const char *name, char *out, size_t n)
{
	if (strchr(name, '/')) {
		snprintf(out, n, "%s", name);
		return 0;
	}
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		const char *end = strchr(path, ':');
		size_t len = end ? (size_t)(end - path) : strlen(path);
		snprintf(out, n, "%.*s%s%s", (int)len, path, len ? "/" : "", name);
		if (access(out, X_OK) == 0)
			return 0;
		path += len + (end ? 1 : 0);
	}
	return -1;
}

/* Maps the image file at its fixed address and returns its header. */
static const struct persona_image_header *map_image(const char *path, char *err, size_t errlen)
{
	struct elf_file e;
	struct elf_loaded l;
	int eno;

	if (elf_open(&e, path, err, errlen, &eno) < 0)
		return NULL;
	if (e.bits != 64 || e.type != ET_EXEC || e.interp[0]) {
		snprintf(err, errlen, "not a personality image (want a fixed-address ELF64 file)");
		elf_close(&e);
		return NULL;
	}
	uint64_t lo, span = elf_span(&e, &lo);
	if (lo != PERSONA_IMAGE_BASE || lo + span > PERSONA_IMAGE_LIMIT) {
		snprintf(err, errlen, "not a personality image (not linked at %#x)", PERSONA_IMAGE_BASE);
		elf_close(&e);
		return NULL;
	}
	if (elf_map(&e, 0, &l, err, errlen) < 0) {
		elf_close(&e);
		return NULL;
	}
	elf_close(&e);
	const struct persona_image_header *h = (const void *)(uintptr_t)PERSONA_IMAGE_BASE;
	if (h->magic != PERSONA_IMAGE_MAGIC || h->header_size != sizeof(*h)) {
		snprintf(err, errlen, "not a personality image (no header)");
		return NULL;
	}
	if (h->version != PERSONA_IMAGE_VERSION) {
		snprintf(err, errlen, "personality image version %u, this persona needs %u",
			 h->version, PERSONA_IMAGE_VERSION);
		return NULL;
	}
	return h;
}

static int serves(const struct persona_image_header *h, const struct elf_file *e)
{
	for (uint32_t i = 0; i < h->nserves && i < PERSONA_SERVES_MAX; i++)
		if (h->serves[i].ei_class == (e->bits == 32 ? ELFCLASS32 : ELFCLASS64) &&
		    h->serves[i].e_machine == e->machine && h->serves[i].ei_osabi == e->osabi)
			return 1;
	return 0;
}

/* The kernel's own value of an auxiliary entry, from /proc/self/auxv:
 * glibc's getauxval answers AT_HWCAP and AT_HWCAP2 with what it made of
 * them, and the program must get what the kernel gives (the same for
 * 32-bit and 64-bit processes). */
static uint64_t kernel_auxval(uint64_t type)
{
	uint64_t v[2], r = getauxval(type);
	FILE *f = fopen("/proc/self/auxv", "re");

	while (f && fread(v, sizeof(v), 1, f) == 1 && v[0] != AT_NULL)
		if (v[0] == type) {
			r = v[1];
			break;
		}
	if (f)
		fclose(f);
	return r;
}

/* The mmap base of a 32-bit task, as the kernel computes it for its
 * top-down layout: below the stack top by the stack's rlimit and the guard
 * gap, by at least PERSONA_MMAP_GAP_MIN and at most five sixths of the
 * space. The i386 stack here is a fixed mapping, but the room the kernel
 * leaves it to grow is left too, so the mmap area begins where it would
 * natively and the space between the break and it is the program's. An
 * unlimited stack gets the largest gap, as the kernel gives it (x86 keeps
 * the top-down layout then; big mappings go to the bottom-up fallback). */
static uint64_t i386_mmap_base(uint64_t stack_top)
{
	struct rlimit rl;
	uint64_t gap = PERSONA_MMAP_GAP_MIN, gap_max = stack_top / 6 * 5;

	if (getrlimit(RLIMIT_STACK, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= gap_max)
		gap = gap_max;
	else if (rl.rlim_cur + PERSONA_MMAP_GAP > gap)
		gap = rl.rlim_cur + PERSONA_MMAP_GAP;
	if (gap > gap_max)
		gap = gap_max;
	return (stack_top - gap) & ~(PAGE - 1);
}

static int add_aux(struct stack_args *s, uint64_t type, uint64_t val)
{
	if (s->nauxv >= (int)(sizeof(s->auxv) / sizeof(s->auxv[0])))
		return -1;
	s->auxv[s->nauxv][0] = type;
	s->auxv[s->nauxv][1] = val;
	s->nauxv++;
	return 0;
}

static int fail_file(const char *file, const char *why, int code)
{
	fprintf(stderr, "%s: %s: %s\n", prog_name, file, why);
	return code;
}

/* The host runs no 32-bit code: say so, with the doctor's evidence, instead
 * of the errno the image's start-up gave (ENOEXEC names the wrong cause). */
static int no_cs32_here(const char *prog)
{
	char why[512];

	if (hostcap_cs32(why, sizeof why))
		return 0;
	fprintf(stderr, "%s: %s: this host cannot run 32-bit code (%s); `persona doctor` says what it can do\n",
		prog_name, prog, why);
	return 126;
}

/* script_follow's reader: each file must be executable, as the kernel
 * checks the script and every interpreter. */
static long read_exec_head(void *ctx, int level, const char *path, void *buf, unsigned long n)
{
	(void)ctx;
	(void)level;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t r = access(path, X_OK) < 0 ? -1 : pread(fd, buf, n, 0);
	long e = r < 0 ? -errno : r;
	close(fd);
	return e;
}

static int is_i386_elf(const unsigned char *h, long n)
{
	return n >= EI_NIDENT + 4 && !memcmp(h, ELFMAG, SELFMAG) && h[EI_CLASS] == ELFCLASS32 &&
	       (h[EI_NIDENT + 2] | h[EI_NIDENT + 3] << 8) == EM_386;
}

enum descendants { DESCENDANTS_AUTO, DESCENDANTS_PRIVATE, DESCENDANTS_NATIVE };

/* The argv the kernel gives a script's interpreter, built here. */
struct argv_build {
	char **v;
	int n;
};

static long argv_put(void *ctx, const char *s)
{
	struct argv_build *b = ctx;
	b->v[b->n++] = (char *)s;
	return 0;
}

int cmd_run(int argc, char **argv)
{
	struct persona_init_args ia = { .version = PERSONA_IMAGE_VERSION, .log_fd = -1 };
	const char *argv0 = NULL, *log_path = NULL;
	enum descendants descendants = DESCENDANTS_AUTO;
	char why[512] = "";
	char err[256], prog[PATH_MAX], image[PATH_MAX], self[PATH_MAX], real[PATH_MAX];
	struct elf_file pe, ie;
	struct elf_loaded pl, il = { 0 };
	int i, eno;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *o = argv[i];
		if (!strcmp(o, "--")) {
			i++;
			break;
		} else if (!strcmp(o, "--trace")) {
			ia.trace = 1;
		} else if (!strcmp(o, "--stats")) {
			ia.stats = 1;
		} else if (!strcmp(o, "--no-patch")) {
			ia.no_patch = 1;
		} else if (!strcmp(o, "--patch=page0")) {
			ia.no_patch = 2;        /* zpoline-style rewriting (reflect.h) */
		} else if (!strcmp(o, "--seccomp")) {
			ia.seccomp = 1;
		} else if (!strcmp(o, "--reflect=always")) {
			ia.reflect_startup = 0;
		} else if (!strcmp(o, "--reflect=startup")) {
			ia.reflect_startup = 1;
		} else if (!strcmp(o, "--ldt-cs")) {
			ia.ldt_cs = 1;
		} else if (!strcmp(o, "--log") && i + 1 < argc) {
			log_path = argv[++i];
		} else if (!strcmp(o, "--descendants=auto")) {
			descendants = DESCENDANTS_AUTO;
		} else if (!strcmp(o, "--descendants=private")) {
			descendants = DESCENDANTS_PRIVATE;
		} else if (!strcmp(o, "--descendants=native")) {
			descendants = DESCENDANTS_NATIVE;
		} else if (!strcmp(o, "--argv0") && i + 1 < argc) {
			argv0 = argv[++i];
		} else if (!strcmp(o, "-h") || !strcmp(o, "--help")) {
			usage();
			return 0;
		} else {
			fprintf(stderr, "%s: unknown option '%s' (see persona run --help)\n", prog_name, o);
			return 2;
		}
	}
	if (ia.reflect_startup && (ia.seccomp || ia.no_patch)) {
		fprintf(stderr, "%s: --reflect=startup rewrites sites ahead in the default patch form and disarms "
			"Syscall User Dispatch; it cannot go with --seccomp, --no-patch or --patch=page0\n", prog_name);
		return 2;
	}
	if (i >= argc)
		return usage();
	const char *name = argv[i];
	if (find_program(name, prog, sizeof(prog)) < 0)
		return fail_file(name, "not found", 127);

	/* a script: follow its interpreters as the kernel would */
	struct script_chain chain;
	long sr = script_follow(&chain, prog, read_exec_head, NULL);
	if (sr < 0 && chain.nscripts > 0) {
		const char *file = chain.program;
		if (sr == -ELOOP)
			snprintf(err, sizeof(err), "more than %d nested #! interpreters (%s)",
				 SCRIPT_MAX_NEST, strerror(ELOOP));
		else if (sr == -ENOEXEC)
			snprintf(err, sizeof(err), "%s: a #! line without an interpreter", file);
		else
			snprintf(err, sizeof(err), "interpreter %s: %s", file,
				 sr == -ENOENT ? "not found" : strerror((int)-sr));
		return fail_file(prog, err, sr == -ENOENT ? 127 : 126);
	}

	/* before anything else runs: the namespace every descendant inherits */
	if (descendants != DESCENDANTS_NATIVE && binfmt_private_setup(why, sizeof(why)) < 0) {
		if (descendants == DESCENDANTS_PRIVATE) {
			fprintf(stderr, "%s: --descendants=private: %s\n", prog_name, why);
			return 126;
		}
		descendants = DESCENDANTS_NATIVE;
	}
	ia.descendants_native = descendants == DESCENDANTS_NATIVE;

	const char *exe = prog;         /* the file loaded: the program, or the script's interpreter */
	char **interp_argv = NULL;
	if (sr == 0 && chain.nscripts > 0) {
		if (!is_i386_elf(chain.head, chain.head_len)) {
			/* a 64-bit interpreter (or none the personality serves):
			 * the kernel runs the script, i386 descendants come back
			 * to persona through the private binfmt_misc entry */
			if (argv0)
				argv[i] = (char *)argv0;
			execv(prog, argv + i);
			return fail_file(prog, strerror(errno), errno == ENOENT ? 127 : 126);
		}
		interp_argv = calloc((size_t)(2 * SCRIPT_MAX_NEST + 1 + argc - i), sizeof(char *));
		if (!interp_argv)
			return fail_file(prog, strerror(ENOMEM), 126);
		struct argv_build b = { interp_argv, 0 };
		script_argv(&chain, prog, argv_put, &b);
		for (int k = i + 1; k < argc; k++)
			b.v[b.n++] = argv[k];
		exe = chain.program;
		argv0 = NULL;           /* the kernel drops a script's argv[0] */
	}

	if (elf_open(&pe, exe, err, sizeof(err), &eno) < 0)
		return fail_file(exe, err, eno == ENOENT ? 127 : 126);
	if (access(exe, X_OK) < 0)
		return fail_file(exe, "permission denied (not executable)", 126);

	/* the personality: from the registry, else the one built beside persona */
	if (getenv("PERSONA_IMAGE")) {
		snprintf(image, sizeof(image), "%s", getenv("PERSONA_IMAGE"));
	} else if (registry_find(pe.bits, pe.machine, pe.osabi, image, sizeof(image)) < 0) {
		if (registry_rejected())
			fprintf(stderr, "%s: %s: no usable personality: %s\n", prog_name, prog, registry_rejected());
		else
			fprintf(stderr, "%s: %s: no personality registered for %d-bit %s programs (OS ABI %u); "
				"see persona install\n", prog_name, prog, pe.bits,
				pe.machine == EM_386 ? "i386" : "x86-64", pe.osabi);
		return 126;
	}
	const struct persona_image_header *h = map_image(image, err, sizeof(err));
	if (!h)
		return fail_file(image, err, 126);
	if (!serves(h, &pe)) {
		fprintf(stderr, "%s: %s: the personality %s does not serve %d-bit %s programs\n",
			prog_name, prog, image, pe.bits, pe.machine == EM_386 ? "i386" : "x86-64");
		return 126;
	}

	/* the interpreter, checked before anything of the program is mapped */
	if (pe.interp[0]) {
		if (elf_open(&ie, pe.interp, err, sizeof(err), &eno) < 0) {
			fprintf(stderr, "%s: %s: interpreter %s: %s\n", prog_name, prog, pe.interp,
				eno == ENOENT ? "not found" : err);
			return eno == ENOENT ? 127 : 126;
		}
		if (ie.bits != pe.bits || ie.machine != pe.machine || ie.type != ET_DYN || ie.interp[0]) {
			fprintf(stderr, "%s: %s: interpreter %s: not a %d-bit shared object for this machine\n",
				prog_name, prog, pe.interp, pe.bits);
			return 126;
		}
	}

	struct stack_args sa = { .bits = pe.bits };
	uint64_t stack_lo, stack_hi;
	/* an executable stack only when asked for: PT_GNU_STACK with PF_X, or
	 * (as the kernel does for i386) an old file without PT_GNU_STACK */
	int stack_prot = PROT_READ | PROT_WRITE | (pe.bits == 32 ? PROT_EXEC : 0);
	for (unsigned k = 0; k < pe.phnum; k++)
		if (pe.ph[k].type == PT_GNU_STACK)
			stack_prot = PROT_READ | PROT_WRITE | ((pe.ph[k].flags & PF_X) ? PROT_EXEC : 0);
	if (pe.bits == 32) {
		/* the i386 stack just below the image; the mmap area below the
		 * room the kernel would keep for the stack (i386_mmap_base) */
		stack_hi = PERSONA_STACK_TOP;
		stack_lo = stack_hi - PERSONA_STACK_SIZE;
		if (mmap((void *)(uintptr_t)stack_lo, PERSONA_STACK_SIZE, stack_prot,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE | MAP_NORESERVE, -1, 0) == MAP_FAILED)
			return fail_file(prog, "cannot map the i386 stack", 126);
		uint64_t mmap_top = i386_mmap_base(stack_hi);
		if (elf_map(&pe, pe.type == ET_DYN ? PERSONA_PIE_BASE : 0, &pl, err, sizeof(err)) < 0)
			return fail_file(prog, err, 126);
		if (pe.interp[0]) {
			uint64_t lo, span = elf_span(&ie, &lo);
			if (elf_map(&ie, (mmap_top - span) & ~(PAGE - 1), &il, err, sizeof(err)) < 0)
				return fail_file(pe.interp, err, 126);
		}
		ia.mode = PERSONA_MODE_I386;
		ia.stack_lo = (uint32_t)stack_lo;
		ia.stack_hi = (uint32_t)stack_hi;
		ia.brk_base = (uint32_t)PAGE_UP(pl.brk);
		ia.mmap_top = (uint32_t)mmap_top;       /* the mmap base: ld.so lies just below it */
		ia.exe_lo = (uint32_t)pl.lo;
		ia.exe_hi = (uint32_t)pl.hi;
		ia.interp_lo = (uint32_t)il.lo;
		ia.interp_hi = (uint32_t)il.hi;
		sa.platform = "i686";
		add_aux(&sa, AT_SYSINFO, h->sysinfo);
		add_aux(&sa, AT_SYSINFO_EHDR, h->vdso);
		/* the kernel gives 32-bit tasks the same value */
		if (getauxval(AT_MINSIGSTKSZ))
			add_aux(&sa, AT_MINSIGSTKSZ, getauxval(AT_MINSIGSTKSZ));
	} else {
		void *st = mmap(NULL, PERSONA_STACK_SIZE, stack_prot,
				MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_GROWSDOWN, -1, 0);
		if (st == MAP_FAILED)
			return fail_file(prog, "cannot map the stack", 126);
		stack_lo = (uint64_t)(uintptr_t)st;
		stack_hi = stack_lo + PERSONA_STACK_SIZE;
		if (elf_map(&pe, 0, &pl, err, sizeof(err)) < 0)
			return fail_file(prog, err, 126);
		if (pe.interp[0] && elf_map(&ie, 0, &il, err, sizeof(err)) < 0)
			return fail_file(pe.interp, err, 126);
		ia.mode = PERSONA_MODE_X86_64;
		sa.platform = "x86_64";
		if (getauxval(AT_SYSINFO_EHDR))
			add_aux(&sa, AT_SYSINFO_EHDR, getauxval(AT_SYSINFO_EHDR));
		if (getauxval(AT_MINSIGSTKSZ))
			add_aux(&sa, AT_MINSIGSTKSZ, getauxval(AT_MINSIGSTKSZ));
	}
	ia.entry = pl.entry;
	elf_close(&pe);
	if (pe.interp[0])
		elf_close(&ie);

	/* the kernel's order (create_elf_tables), so a program listing its
	 * auxiliary vector sees the same list */
	add_aux(&sa, AT_HWCAP, kernel_auxval(AT_HWCAP));
	add_aux(&sa, AT_PAGESZ, PAGE);
	add_aux(&sa, AT_CLKTCK, getauxval(AT_CLKTCK));
	add_aux(&sa, AT_PHDR, pl.phdr);
	add_aux(&sa, AT_PHENT, pe.phentsize);
	add_aux(&sa, AT_PHNUM, pe.phnum);
	add_aux(&sa, AT_BASE, il.lo);
	add_aux(&sa, AT_FLAGS, 0);
	add_aux(&sa, AT_ENTRY, pl.entry);
	add_aux(&sa, AT_UID, getuid());
	add_aux(&sa, AT_EUID, geteuid());
	add_aux(&sa, AT_GID, getgid());
	add_aux(&sa, AT_EGID, getegid());
	add_aux(&sa, AT_SECURE, 0);
	add_aux(&sa, AT_RANDOM, 0);             /* stack_build fills in the address */
	add_aux(&sa, AT_HWCAP2, kernel_auxval(AT_HWCAP2));
	add_aux(&sa, AT_EXECFN, 0);
	add_aux(&sa, AT_PLATFORM, 0);
	/* rseq's, where the kernel has them (6.3 on) */
#ifndef AT_RSEQ_FEATURE_SIZE
#define AT_RSEQ_FEATURE_SIZE 27
#define AT_RSEQ_ALIGN 28
#endif
	if (getauxval(AT_RSEQ_FEATURE_SIZE)) {
		add_aux(&sa, AT_RSEQ_FEATURE_SIZE, getauxval(AT_RSEQ_FEATURE_SIZE));
		add_aux(&sa, AT_RSEQ_ALIGN, getauxval(AT_RSEQ_ALIGN));
	}

	/* argv as given, argv[0] as the caller chose it; a script's as the
	 * kernel builds it */
	char **pargv = argv + i;
	int pargc = argc - i;
	if (interp_argv) {
		pargv = interp_argv;
		for (pargc = 0; pargv[pargc]; pargc++)
			;
	}
	if (argv0)
		pargv[0] = (char *)argv0;
	sa.lo = stack_lo;
	sa.hi = stack_hi;
	sa.argc = pargc;
	sa.argv = pargv;
	sa.envp = environ;
	sa.execfn = prog;
	uint64_t sp = stack_build(&sa);
	if (!sp)
		return fail_file(prog, "arguments and environment do not fit the stack", 126);

	/* persona itself, for the program's execve of another i386 program */
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	self[n > 0 ? n : 0] = 0;
	if (n <= 0 && !realpath((const char *)getauxval(AT_EXECFN), self))
		snprintf(self, sizeof(self), "%s", (const char *)getauxval(AT_EXECFN));
	if (!realpath(exe, real))
		snprintf(real, sizeof(real), "%s", exe);
	ia.persona_exe = self;
	ia.image_path = image;
	ia.exe_path = real;
	/* No log unless asked for: the program's stderr is its own. */
	if (!log_path && getenv(PERSONA_LOG_ENV) && *getenv(PERSONA_LOG_ENV))
		log_path = getenv(PERSONA_LOG_ENV);
	if (log_path && !strcmp(log_path, LOG_TO_STDERR)) {
		ia.log_fd = 2;
		ia.log_path = LOG_TO_STDERR;    /* an exec'd i386 program logs to its own stderr */
	} else if (log_path) {
		int fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		if (fd < 0)
			return fail_file(log_path, strerror(errno), 126);
		int hi = fcntl(fd, F_DUPFD_CLOEXEC, PRIVATE_FD_MIN);
		if (hi >= 0) {
			close(fd);
			fd = hi;
		}
		ia.log_fd = fd;
		/* absolute: an exec'd i386 program reopens it from another cwd */
		static char abs_log[PATH_MAX];
		if (log_path[0] != '/' && getcwd(abs_log, sizeof(abs_log) - strlen(log_path) - 2)) {
			strcat(abs_log, "/");
			strcat(abs_log, log_path);
			log_path = abs_log;
		}
		ia.log_path = log_path;
	}
	/* what ps and /proc/self/comm show: the program, as after a native exec */
	const char *base = strrchr(prog, '/');
	prctl(PR_SET_NAME, base ? base + 1 : prog, 0, 0, 0);

	/* the tests walk an incapable host's paths by denying the capability */
	if (pe.bits == 32 && getenv("PERSONA_HOSTCAPS_DENY")) {
		char why[512];
		unsigned cs = hostcap_cs32(why, sizeof why);
		if (!cs)
			return no_cs32_here(prog);
		if (cs != PERSONA_USER32_CS)
			ia.ldt_cs = 1;
	}
	fflush(NULL);
	long r = ((long (*)(const struct persona_init_args *))(uintptr_t)h->init)(&ia);
	if (r == -ENOEXEC && pe.bits == 32 && no_cs32_here(prog))
		return 126;
	if (r < 0) {
		fprintf(stderr, "%s: %s: the personality failed to start: %s\n", prog_name, prog, strerror((int)-r));
		return 126;
	}
	if (pe.bits == 32)
		((void (*)(uint32_t, uint32_t))(uintptr_t)h->start32)((uint32_t)(il.lo ? il.entry : pl.entry), (uint32_t)sp);
	else
		((void (*)(uint64_t, uint64_t))(uintptr_t)h->start64)(il.lo ? il.entry : pl.entry, sp);
	return 126;     /* not reached */
}
