/* sys/doctor/hostcaps.c — the host's capabilities, each probed in a child.
 *
 * A probe is a function that runs in a forked child and exits 0 when the
 * capability is there; it writes its evidence (what it tried, what came of
 * it) to a pipe. A child killed by a signal is evidence too: the signal,
 * and for a fault the trap number and error code its handler saw (a PVM
 * guest faults a far transfer to 32-bit code with error code 0x20).
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

#include <linux/perf_event.h>
#include <liburing.h>
#include <perfmon/pfmlib_perf_event.h>

#include "sys/doctor/hostcaps.h"
#include "personality/image_abi.h"

#define I386_NR_EXIT    1       /* i386 exit, the one call the exec probe makes */
#define I386_NR_GETPID  20
#define EXEC_PROBE_CODE 42      /* the exit status the i386 exec probe returns */
#define CS32_PROBE_MAGIC 0x32   /* what the 32-bit probe code leaves in eax */

#ifndef PR_SET_SYSCALL_USER_DISPATCH
#define PR_SET_SYSCALL_USER_DISPATCH 59
#define PR_SYS_DISPATCH_ON 1
#endif
#ifndef HWCAP2_FSGSBASE
#define HWCAP2_FSGSBASE (1 << 1)
#endif

extern const unsigned char cs32_probe_blob[], cs32_probe_blob_end[];

static const char *const names[] = {
#define HC_NAME(id, name, what) name,
	HOSTCAPS(HC_NAME)
#undef HC_NAME
};
static const char *const whats[] = {
#define HC_WHAT(id, name, what) what,
	HOSTCAPS(HC_WHAT)
#undef HC_WHAT
};

const char *hostcap_name(enum hostcap c) { return c < HOSTCAP_COUNT ? names[c] : "?"; }
const char *hostcap_what(enum hostcap c) { return c < HOSTCAP_COUNT ? whats[c] : "?"; }

enum hostcap hostcap_by_name(const char *name)
{
	for (unsigned c = 0; c < HOSTCAP_COUNT; c++)
		if (!strcmp(names[c], name))
			return (enum hostcap)c;
	return HOSTCAP_COUNT;
}

/* ---- running a probe in a child --------------------------------------- */

static int evidence_fd = -1;    /* the child's end of the evidence pipe */

static void say(const char *fmt, ...)
{
	char b[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(b, sizeof b, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof b - 1)
		n = (int)sizeof b - 1;
	if (n > 0 && write(evidence_fd, b, (size_t)n) < 0)
		_exit(3);
}

/* A fault in the probe: report the trap and error code, then die of it. */
static void on_fault(int sig, siginfo_t *si, void *uc_)
{
	ucontext_t *uc = uc_;
	(void)si;
	say("SIG%s, trap %lld, error code %#llx", sigabbrev_np(sig) ? sigabbrev_np(sig) : "?",
	    (long long)uc->uc_mcontext.gregs[REG_TRAPNO], (long long)uc->uc_mcontext.gregs[REG_ERR]);
	signal(sig, SIG_DFL);
	raise(sig);
	_exit(128 + sig);
}

static void catch_faults(void)
{
	static char altstack[64 * 1024];        /* the frame is large on AVX-512 CPUs */
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof altstack };
	struct sigaction sa = { .sa_sigaction = on_fault, .sa_flags = SA_SIGINFO | SA_ONSTACK };
	int sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE, SIGSYS };

	sigaltstack(&ss, NULL);
	for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &sa, NULL);
}

/* Run fn in a child; 1 if it exited 0. why gets its evidence, or how it
 * died when it said nothing. */
static int in_child(int (*fn)(void), char *why, size_t n)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0) {
		snprintf(why, n, "pipe: %s", strerror(errno));
		return 0;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(why, n, "fork: %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		return 0;
	}
	if (pid == 0) {
		close(p[0]);
		evidence_fd = p[1];
		/* whatever handlers the caller had (cmocka's, say) are not ours */
		catch_faults();
		_exit(fn() ? 1 : 0);
	}
	close(p[1]);
	size_t got = 0;
	ssize_t r;
	while (got + 1 < n && (r = read(p[0], why + got, n - 1 - got)) > 0)
		got += (size_t)r;
	why[got] = 0;
	close(p[0]);
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (WIFSIGNALED(st) && !got)
		snprintf(why, n, "the probe died of %s", strsignal(WTERMSIG(st)));
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* ---- the probes (each runs in the child) ------------------------------- */

static unsigned probe_selector;

/* Far-transfer into 32-bit code in probe_selector and back. */
static int run_cs32_probe(void)
{
	size_t len = (size_t)(cs32_probe_blob_end - cs32_probe_blob);
	void *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	if (page == MAP_FAILED) {
		say("mmap below 2 GiB: %s", strerror(errno));
		return 1;
	}
	memcpy(page, cs32_probe_blob, len);
	/* writable too: the blob keeps rsp and its stack in its own bytes */
	if (mprotect(page, 4096, PROT_READ | PROT_WRITE | PROT_EXEC) < 0) {
		say("mprotect: %s", strerror(errno));
		return 1;
	}
	say("far transfer to %#x: ", probe_selector);
	unsigned r = ((unsigned (*)(unsigned))page)(probe_selector);
	if (r != CS32_PROBE_MAGIC) {
		say("came back with %#x", r);
		return 1;
	}
	say("32-bit code ran and came back");
	return 0;
}

static int probe_cs32_gdt(void)
{
	probe_selector = PERSONA_USER32_CS;
	return run_cs32_probe();
}

/* A flat 32-bit code segment in the LDT, as the image makes one. */
static int probe_cs32_ldt(void)
{
	struct persona_ldt_desc code = PERSONA_LDT_CS32_DESC;

	if (syscall(SYS_modify_ldt, 0x11, &code, sizeof code) < 0) {
		say("modify_ldt: %s", strerror(errno));
		return 1;
	}
	say("modify_ldt: ok; ");
	probe_selector = PERSONA_LDT_CS32_SEL;
	return run_cs32_probe();
}

/* The smallest i386 ELF file: exit(EXEC_PROBE_CODE) by int $0x80. */
static int probe_ia32_exec(void)
{
	static const unsigned char code[] = {
		0xb8, I386_NR_EXIT, 0, 0, 0,            /* mov eax, exit */
		0xbb, EXEC_PROBE_CODE, 0, 0, 0,         /* mov ebx, code */
		0xcd, 0x80,                             /* int $0x80 */
	};
	struct {
		Elf32_Ehdr eh;
		Elf32_Phdr ph;
		unsigned char code[sizeof code];
	} f = {
		.eh = {
			.e_ident = { ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS32, ELFDATA2LSB, EV_CURRENT, ELFOSABI_SYSV },
			.e_type = ET_EXEC, .e_machine = EM_386, .e_version = EV_CURRENT,
			.e_entry = 0x08048000 + offsetof(__typeof__(f), code),
			.e_phoff = offsetof(__typeof__(f), ph),
			.e_ehsize = sizeof(Elf32_Ehdr), .e_phentsize = sizeof(Elf32_Phdr), .e_phnum = 1,
		},
		.ph = {
			.p_type = PT_LOAD, .p_vaddr = 0x08048000, .p_paddr = 0x08048000,
			.p_filesz = sizeof f, .p_memsz = sizeof f, .p_flags = PF_R | PF_X, .p_align = 4096,
		},
	};
	memcpy(f.code, code, sizeof code);

	int fd = (int)syscall(SYS_memfd_create, "persona-ia32-probe", 0);
	if (fd < 0 || write(fd, &f, sizeof f) != (ssize_t)sizeof f) {
		say("memfd: %s", strerror(errno));
		return 1;
	}
	pid_t pid = fork();
	if (pid == 0) {
		char *argv[] = { "persona-ia32-probe", NULL }, *envp[] = { NULL };
		syscall(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
		_exit(100 + errno);     /* errno < 100 here: the exec failed */
	}
	int st = 0;
	waitpid(pid, &st, 0);
	if (WIFEXITED(st) && WEXITSTATUS(st) == EXEC_PROBE_CODE) {
		say("an i386 ELF ran and exited %d", EXEC_PROBE_CODE);
		return 0;
	}
	if (WIFEXITED(st) && WEXITSTATUS(st) >= 100)
		say("execve of an i386 ELF: %s%s", strerror(WEXITSTATUS(st) - 100),
		    WEXITSTATUS(st) - 100 == ENOEXEC ? " (a kernel booted with ia32_emulation=0?)" : "");
	else if (WIFSIGNALED(st))
		say("an i386 ELF died of %s", strsignal(WTERMSIG(st)));
	else
		say("an i386 ELF exited %d", WEXITSTATUS(st));
	return 1;
}

/* getpid through the kernel's int $0x80 gate, from this 64-bit process. */
static int probe_ia32_int80(void)
{
	long r = I386_NR_GETPID;
	say("int $0x80 getpid: ");
	__asm__ volatile("int $0x80" : "+a"(r) : : "memory");
	if (r != getpid()) {
		say("returned %ld, not the pid", r);
		return 1;
	}
	say("answered");
	return 0;
}

static int probe_sud(void)
{
	char sel = 0;   /* SYSCALL_DISPATCH_FILTER_ALLOW */
	if (prctl(PR_SET_SYSCALL_USER_DISPATCH, PR_SYS_DISPATCH_ON, 0, 0, &sel) < 0) {
		say("prctl(PR_SET_SYSCALL_USER_DISPATCH): %s", strerror(errno));
		return 1;
	}
	say("prctl(PR_SET_SYSCALL_USER_DISPATCH): armed");
	return 0;
}

static int probe_seccomp(void)
{
	struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog prog = { .len = 1, .filter = &allow };
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0) {
		say("seccomp(SECCOMP_SET_MODE_FILTER): %s", strerror(errno));
		return 1;
	}
	say("an allow-all filter installed");
	return 0;
}

static int probe_io_uring(void)
{
	struct io_uring ring;
	int r = io_uring_queue_init(4, &ring, 0);
	if (r < 0) {
		say("io_uring_setup: %s%s", strerror(-r),
		    r == -EPERM ? " (sysctl kernel.io_uring_disabled?)" : "");
		return 1;
	}
	struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
	io_uring_prep_nop(sqe);
	struct io_uring_cqe *cqe;
	r = io_uring_submit_and_wait(&ring, 1);
	if (r >= 0)
		r = io_uring_wait_cqe(&ring, &cqe);
	if (r < 0) {
		say("a NOP: %s", strerror(-r));
		return 1;
	}
	say("a NOP went through the ring");
	return 0;
}

static int probe_fsgsbase(void)
{
	if (!(getauxval(AT_HWCAP2) & HWCAP2_FSGSBASE)) {
		say("AT_HWCAP2 has no FSGSBASE bit");
		return 1;
	}
	say("AT_HWCAP2 has the FSGSBASE bit");
	return 0;
}

static int probe_pmu(void)
{
	int r = pfm_initialize();
	if (r != PFM_SUCCESS) {
		say("libpfm: pfm_initialize: %s", pfm_strerror(r));
		return 1;
	}
	struct perf_event_attr attr = { .size = sizeof attr };
	pfm_perf_encode_arg_t arg = { .attr = &attr, .size = sizeof arg };
	r = pfm_get_os_event_encoding("cycles", PFM_PLM3, PFM_OS_PERF_EVENT, &arg);
	if (r != PFM_SUCCESS) {
		say("libpfm: cycles: %s", pfm_strerror(r));
		return 1;
	}
	attr.disabled = 1;
	int fd = (int)syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
	if (fd < 0) {
		int e = errno;
		say("perf_event_open(cycles): %s%s", strerror(e),
		    e == ENOENT || e == EOPNOTSUPP ? " (this machine exposes no hardware PMU)" :
		    e == EACCES || e == EPERM ? " (sysctl kernel.perf_event_paranoid?)" : "");
		return 1;
	}
	say("libpfm cycles counted (perf_event_open)");
	return 0;
}

static int probe_binfmt(void)
{
	if (access("/proc/sys/fs/binfmt_misc/register", F_OK) < 0) {
		say("/proc/sys/fs/binfmt_misc is not mounted "
		    "(mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc)");
		return 1;
	}
	if (access("/proc/sys/fs/binfmt_misc/register", W_OK) < 0) {
		say("/proc/sys/fs/binfmt_misc/register: %s (registration needs root)", strerror(errno));
		return 1;
	}
	say("/proc/sys/fs/binfmt_misc is mounted and writable");
	return 0;
}

static int probe_userns(void)
{
	if (unshare(CLONE_NEWUSER) < 0) {
		say("unshare(CLONE_NEWUSER): %s", strerror(errno));
		return 1;
	}
	say("unshare(CLONE_NEWUSER): ok");
	return 0;
}

static int probe_page0(void)
{
	FILE *f = fopen("/proc/sys/vm/mmap_min_addr", "r");
	unsigned long v = 0;
	if (!f || fscanf(f, "%lu", &v) != 1) {
		say("/proc/sys/vm/mmap_min_addr: %s", strerror(errno));
		return 1;
	}
	fclose(f);
	say("vm.mmap_min_addr = %lu%s", v, v ? " (root: sysctl vm.mmap_min_addr=0)" : "");
	return v != 0;
}

static int (*const probes[HOSTCAP_COUNT])(void) = {
	[HOSTCAP_CS32_GDT] = probe_cs32_gdt,
	[HOSTCAP_CS32_LDT] = probe_cs32_ldt,
	[HOSTCAP_IA32_EXEC] = probe_ia32_exec,
	[HOSTCAP_IA32_INT80] = probe_ia32_int80,
	[HOSTCAP_SUD] = probe_sud,
	[HOSTCAP_SECCOMP] = probe_seccomp,
	[HOSTCAP_IO_URING] = probe_io_uring,
	[HOSTCAP_FSGSBASE] = probe_fsgsbase,
	[HOSTCAP_PMU] = probe_pmu,
	[HOSTCAP_BINFMT] = probe_binfmt,
	[HOSTCAP_USERNS] = probe_userns,
	[HOSTCAP_PAGE0] = probe_page0,
};

/* ---- the cached answers ----------------------------------------------- */

static int denied(enum hostcap c)
{
	const char *d = getenv("PERSONA_HOSTCAPS_DENY");
	size_t len = strlen(names[c]);

	for (const char *p = d; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (!strncmp(p, names[c], len) && (p[len] == ',' || !p[len]))
			return 1;
	return 0;
}

int hostcap_probe(enum hostcap c, char *why, size_t n)
{
	static int known[HOSTCAP_COUNT], have[HOSTCAP_COUNT];
	static char evidence[HOSTCAP_COUNT][256];

	if (c >= HOSTCAP_COUNT) {
		snprintf(why, n, "no such capability");
		return 0;
	}
	if (!known[c]) {
		if (denied(c)) {
			snprintf(evidence[c], sizeof evidence[c], "denied by PERSONA_HOSTCAPS_DENY");
			have[c] = 0;
		} else {
			have[c] = in_child(probes[c], evidence[c], sizeof evidence[c]);
		}
		known[c] = 1;
	}
	snprintf(why, n, "%s", evidence[c]);
	return have[c];
}

unsigned hostcap_cs32(char *why, size_t n)
{
	char gdt[256], ldt[256];

	if (hostcap_probe(HOSTCAP_CS32_GDT, gdt, sizeof gdt)) {
		snprintf(why, n, "%s", gdt);
		return PERSONA_USER32_CS;
	}
	if (hostcap_probe(HOSTCAP_CS32_LDT, ldt, sizeof ldt)) {
		snprintf(why, n, "%s", ldt);
		return PERSONA_LDT_CS32_SEL;
	}
	snprintf(why, n, "segment 0x23: %s; LDT segment: %s", gdt, ldt);
	return 0;
}

int hostcap_need(const char *list, char *why, size_t n)
{
	char name[32], ev[512];

	for (const char *p = list; p && *p; ) {
		size_t len = strcspn(p, ",");
		snprintf(name, sizeof name, "%.*s", (int)len, p);
		p += len + (p[len] == ',');
		if (!strcmp(name, HOSTCAP_ANY_CS32)) {
			if (!hostcap_cs32(ev, sizeof ev)) {
				snprintf(why, n, "no 32-bit code segment runs 32-bit code here (%s)", ev);
				return 0;
			}
			continue;
		}
		enum hostcap c = hostcap_by_name(name);
		if (c == HOSTCAP_COUNT) {
			snprintf(why, n, "unknown capability '%s'", name);
			return 0;
		}
		if (!hostcap_probe(c, ev, sizeof ev)) {
			snprintf(why, n, "%s: no (%s)", whats[c], ev);
			return 0;
		}
	}
	return 1;
}
