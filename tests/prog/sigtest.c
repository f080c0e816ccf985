/* tests/prog/sigtest.c [CASE...] — i386 signal behaviour, one line per case.
 *
 * Run natively and under `persona run` (tests/e2e/signals.sh): the lines
 * must be the same. Each line prints values that do not depend on the run
 * (no pids or addresses, only whether they matched). With no arguments every
 * case runs; a case name runs that one.
 */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

static volatile sig_atomic_t count;
static volatile int got_sig, got_code, got_value, got_pid_ok, got_uc, blocked_inside[4];
static volatile uintptr_t got_addr;
static sigjmp_buf jump;

static void on_info(int sig, siginfo_t *si, void *uc)
{
	sigset_t now;

	count++;
	got_sig = sig;
	got_code = si->si_code;
	got_value = si->si_value.sival_int;
	got_pid_ok = si->si_pid == getpid();
	got_uc = uc != NULL;
	sigprocmask(SIG_BLOCK, NULL, &now);
	blocked_inside[0] = sigismember(&now, sig);
	blocked_inside[1] = sigismember(&now, SIGUSR2);
}

static void on_plain(int sig)
{
	count++;
	got_sig = sig;
}

static void set(int sig, void (*h)(int, siginfo_t *, void *), int flags, int masked)
{
	struct sigaction sa = { .sa_sigaction = h, .sa_flags = flags | SA_SIGINFO };

	sigemptyset(&sa.sa_mask);
	if (masked)
		sigaddset(&sa.sa_mask, masked);
	sigaction(sig, &sa, NULL);
}

static void reset(void)
{
	count = got_sig = got_code = got_value = got_pid_ok = got_uc = 0;
	blocked_inside[0] = blocked_inside[1] = 0;
}

static void case_siginfo(void)
{
	reset();
	set(SIGUSR1, on_info, 0, SIGUSR2);
	kill(getpid(), SIGUSR1);
	printf("siginfo: count %d sig %d code %d pid %s uc %d self-blocked %d mask-blocked %d\n",
	       count, got_sig, got_code, got_pid_ok ? "ok" : "wrong", got_uc, blocked_inside[0], blocked_inside[1]);
	reset();
	set(SIGUSR1, on_info, SA_NODEFER, 0);
	raise(SIGUSR1);
	printf("nodefer: count %d code %d self-blocked %d\n", count, got_code, blocked_inside[0]);
	signal(SIGUSR1, SIG_DFL);
}

static void case_sigqueue(void)
{
	union sigval v = { .sival_int = 42 };

	reset();
	set(SIGRTMIN + 1, on_info, 0, 0);
	sigqueue(getpid(), SIGRTMIN + 1, v);
	printf("sigqueue: count %d code %d value %d pid %s\n", count, got_code, got_value, got_pid_ok ? "ok" : "wrong");
	signal(SIGRTMIN + 1, SIG_DFL);
}

static void case_resethand(void)
{
	struct sigaction now;

	reset();
	set(SIGUSR2, on_info, SA_RESETHAND, 0);
	raise(SIGUSR2);
	sigaction(SIGUSR2, NULL, &now);
	printf("resethand: count %d then %s\n", count, now.sa_handler == SIG_DFL ? "SIG_DFL" : "still set");
	/* signal(): BSD semantics in glibc (a restarting handler that stays) */
	reset();
	signal(SIGUSR2, on_plain);
	raise(SIGUSR2);
	raise(SIGUSR2);
	sigaction(SIGUSR2, NULL, &now);
	printf("signal(): count %d restart %d\n", count, !!(now.sa_flags & SA_RESTART));
	signal(SIGUSR2, SIG_DFL);
}

static void case_mask(void)
{
	sigset_t s, old, pend;

	reset();
	set(SIGUSR1, on_info, 0, 0);
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	sigprocmask(SIG_BLOCK, &s, &old);
	raise(SIGUSR1);
	sigpending(&pend);
	printf("blocked: count %d pending %d\n", count, sigismember(&pend, SIGUSR1));
	sigprocmask(SIG_SETMASK, &old, NULL);
	sigpending(&pend);
	printf("unblocked: count %d pending %d\n", count, sigismember(&pend, SIGUSR1));

	/* sigsuspend: the handler runs inside it, the mask comes back */
	reset();
	sigprocmask(SIG_BLOCK, &s, NULL);
	raise(SIGUSR1);
	sigset_t empty;
	sigemptyset(&empty);
	int r = sigsuspend(&empty);
	sigset_t after;
	sigprocmask(SIG_BLOCK, NULL, &after);
	printf("sigsuspend: ret %d errno %s count %d still-blocked %d\n", r, errno == EINTR ? "EINTR" : "other",
	       count, sigismember(&after, SIGUSR1));

	/* ppoll with a mask that lets it through: the same as sigsuspend */
	reset();
	sigprocmask(SIG_BLOCK, &s, NULL);
	raise(SIGUSR1);
	struct timespec second = { 1, 0 };
	r = ppoll(NULL, 0, &second, &empty);
	sigprocmask(SIG_BLOCK, NULL, &after);
	printf("ppoll: ret %d errno %s count %d still-blocked %d\n", r, errno == EINTR ? "EINTR" : "other",
	       count, sigismember(&after, SIGUSR1));

	/* sigtimedwait takes a blocked signal without its handler */
	reset();
	sigaddset(&s, SIGUSR2);
	sigprocmask(SIG_BLOCK, &s, NULL);
	raise(SIGUSR2);
	siginfo_t si;
	struct timespec ts = { 1, 0 };
	int w = sigtimedwait(&s, &si, &ts);
	printf("sigtimedwait: sig %d code %d handler-count %d\n", w, si.si_code, count);
	struct timespec zero = { 0, 0 };
	w = sigtimedwait(&s, &si, &zero);
	printf("sigtimedwait empty: ret %d errno %s\n", w, errno == EAGAIN ? "EAGAIN" : "other");
	sigprocmask(SIG_UNBLOCK, &s, NULL);
	signal(SIGUSR1, SIG_DFL);
}

static char alt[65536];
static volatile int on_alt, alt_flags;

static void on_altstack(int sig)
{
	char here;
	stack_t now;

	(void)sig;
	on_alt = &here >= alt && &here < alt + sizeof(alt);
	sigaltstack(NULL, &now);
	alt_flags = now.ss_flags;
}

static void case_altstack(void)
{
	stack_t ss = { .ss_sp = alt, .ss_size = sizeof(alt) }, old;
	struct sigaction sa = { .sa_handler = on_altstack, .sa_flags = SA_ONSTACK };

	sigaltstack(&ss, &old);
	sigaction(SIGUSR1, &sa, NULL);
	raise(SIGUSR1);
	sigaltstack(NULL, &old);
	printf("sigaltstack: handler on it %d, flags inside %d, after %d\n", on_alt, alt_flags, old.ss_flags);
	ss.ss_flags = SS_DISABLE;
	sigaltstack(&ss, NULL);
	sigaltstack(NULL, &old);
	printf("sigaltstack disabled: %d\n", old.ss_flags);
	signal(SIGUSR1, SIG_DFL);
}

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	got_sig = sig;
	got_code = si->si_code;
	got_addr = (uintptr_t)si->si_addr;
	siglongjmp(jump, 1);
}

extern char skip_from[], skip_to[];

static void on_segv_skip(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	(void)sig;
	(void)si;
	count++;
	/* resume after the faulting instruction: sigreturn must honour eip */
	uc->uc_mcontext.gregs[REG_EIP] += skip_to - skip_from;
	uc->uc_mcontext.gregs[REG_EAX] = 77;
}

static int *volatile bad_ptr = (int *)16;

static void case_fault(void)
{
	int eax;

	reset();
	set(SIGSEGV, on_segv, SA_NODEFER, 0);
	if (!sigsetjmp(jump, 1))
		*bad_ptr = 1;
	printf("segv: sig %d code %d addr %lu\n", got_sig, got_code, (unsigned long)got_addr);
	reset();
	set(SIGSEGV, on_segv_skip, 0, 0);
	__asm__ volatile("xor %%eax, %%eax\n"
			 "skip_from: movl $1, 0x20\n"
			 "skip_to: nop\n" : "=a"(eax) : : "memory");
	printf("segv skipped: count %d eax %d\n", count, eax);
	signal(SIGSEGV, SIG_DFL);
}

/* ---- CPU faults: what the kernel says of each in the sigcontext -------- */
static volatile int trap_sig, trap_code, trap_no, trap_err;
static volatile uintptr_t trap_cr2;

static void on_trap(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	trap_sig = sig;
	trap_code = si->si_code;
	trap_no = uc->uc_mcontext.gregs[REG_TRAPNO];
	trap_err = uc->uc_mcontext.gregs[REG_ERR];
	trap_cr2 = uc->uc_mcontext.cr2;
	siglongjmp(jump, 1);
}

static void report_trap(const char *what, int with_cr2, uintptr_t addr)
{
	if (!trap_sig) {
		printf("%s: no signal\n", what);
		return;
	}
	printf("%s: sig %d code %d trapno %d err %#x", what, trap_sig, trap_code, trap_no, trap_err);
	if (with_cr2)
		printf(" cr2 is the address %d", trap_cr2 == addr);
	printf("\n");
	trap_sig = trap_code = trap_no = trap_err = 0;
	trap_cr2 = 0;
}

static int *volatile read_only;
static int *volatile unmapped;
static volatile unsigned divisor;

static void case_traps(void)
{
	static const int sigs[] = { SIGILL, SIGTRAP, SIGSEGV, SIGFPE };
	unsigned quotient = 0;

	for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		set(sigs[i], on_trap, SA_NODEFER, 0);
	read_only = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unmapped = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap((void *)unmapped, 4096);

	if (!sigsetjmp(jump, 1))
		__asm__ volatile("ud2");
	report_trap("ud2 (#UD)", 0, 0);
	if (!sigsetjmp(jump, 1))
		__asm__ volatile("int3");
	report_trap("int3 (#BP)", 0, 0);
	if (!sigsetjmp(jump, 1))
		*read_only = 1;
	report_trap("write to a read-only page (#PF)", 1, (uintptr_t)read_only);
	quotient = *(volatile int *)read_only;  /* now present: err gains the P bit */
	if (!sigsetjmp(jump, 1))
		*read_only = 1;
	report_trap("write to a read-only page read before (#PF)", 1, (uintptr_t)read_only);
	if (!sigsetjmp(jump, 1))
		quotient = *(volatile int *)unmapped;
	report_trap("read of an unmapped page (#PF)", 1, (uintptr_t)unmapped);
	/* the kernel keeps the thread's last fault and shows it in the
	 * sigcontext of any signal after it */
	set(SIGUSR1, on_trap, 0, 0);
	if (!sigsetjmp(jump, 1))
		raise(SIGUSR1);
	report_trap("a signal after it", 1, (uintptr_t)unmapped);
	signal(SIGUSR1, SIG_DFL);
	if (!sigsetjmp(jump, 1))
		__asm__ volatile("hlt");
	report_trap("hlt (#GP)", 0, 0);
	if (!sigsetjmp(jump, 1))
		__asm__ volatile("cli");
	report_trap("cli (#GP)", 0, 0);
	if (!sigsetjmp(jump, 1))
		__asm__ volatile("divl %2" : "=a"(quotient) : "a"(1), "r"(divisor), "d"(0));
	report_trap("divide by zero (#DE)", 0, 0);
	(void)quotient;
	munmap((void *)read_only, 4096);
	for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], SIG_DFL);
}

static volatile double fsum;

static void on_alarm_fpu(int sig)
{
	volatile double x = 1.0;

	(void)sig;
	count++;
	for (int i = 0; i < 50; i++)
		x = x * 1.0001 + 1.0 / (x + 3.0);   /* FPU state the interrupted loop must not see */
	fsum += 0.0 * x;
}

static void case_fpu(void)
{
	struct itimerval it = { .it_interval = { 0, 500 }, .it_value = { 0, 500 } }, off = { { 0, 0 }, { 0, 0 } };
	double a = 0.0, b = 0.0;

	reset();
	for (int i = 1; i < 2000000; i++)
		a += 1.0 / (double)i;
	signal(SIGALRM, on_alarm_fpu);
	setitimer(ITIMER_REAL, &it, NULL);
	for (int i = 1; i < 2000000; i++)
		b += 1.0 / (double)i;
	setitimer(ITIMER_REAL, &off, NULL);
	signal(SIGALRM, SIG_DFL);
	printf("fpu across signals: %s\n", a == b ? "same" : "different");
}

static void on_alarm(int sig)
{
	(void)sig;
	count++;
}

static void case_eintr(void)
{
	for (int restart = 0; restart < 2; restart++) {
		struct sigaction sa = { .sa_handler = on_alarm, .sa_flags = restart ? SA_RESTART : 0 };
		struct itimerval it = { .it_value = { 0, 50000 } };
		int p[2];
		char c;
		pid_t w;

		reset();
		sigaction(SIGALRM, &sa, NULL);
		if (pipe(p) < 0)
			return;
		w = fork();
		if (w == 0) {
			usleep(300000);
			_exit(write(p[1], "x", 1) != 1);
		}
		setitimer(ITIMER_REAL, &it, NULL);
		ssize_t r = read(p[0], &c, 1);
		printf("read %s SA_RESTART: ret %d errno %s handler %d\n", restart ? "with" : "without",
		       (int)r, r < 0 && errno == EINTR ? "EINTR" : "-", count);
		waitpid(w, NULL, 0);
		close(p[0]);
		close(p[1]);
	}
	signal(SIGALRM, SIG_DFL);
}

static void case_sigchld(void)
{
	pid_t c;
	int st;

	reset();
	set(SIGCHLD, on_info, 0, 0);
	c = fork();
	if (c == 0)
		_exit(7);
	while (waitpid(c, &st, 0) < 0 && errno == EINTR)
		;
	printf("sigchld: count %d code %d status %d\n", count, got_code, WEXITSTATUS(st));
	signal(SIGCHLD, SIG_DFL);
}

static void case_signalfd(void)
{
	sigset_t s;
	struct signalfd_siginfo fi;
	int fd;

	sigemptyset(&s);
	sigaddset(&s, SIGUSR2);
	sigprocmask(SIG_BLOCK, &s, NULL);
	fd = signalfd(-1, &s, 0);
	raise(SIGUSR2);
	ssize_t r = read(fd, &fi, sizeof(fi));
	printf("signalfd: read %d signo %u code %d\n", (int)r, r == sizeof(fi) ? fi.ssi_signo : 0,
	       r == sizeof(fi) ? fi.ssi_code : 0);
	close(fd);
	sigprocmask(SIG_UNBLOCK, &s, NULL);
}

static const struct {
	const char *name;
	void (*fn)(void);
} cases[] = {
	{ "siginfo", case_siginfo },
	{ "sigqueue", case_sigqueue },
	{ "resethand", case_resethand },
	{ "mask", case_mask },
	{ "altstack", case_altstack },
	{ "fault", case_fault },
	{ "traps", case_traps },
	{ "fpu", case_fpu },
	{ "eintr", case_eintr },
	{ "sigchld", case_sigchld },
	{ "signalfd", case_signalfd },
};

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int want = argc < 2;
		for (int a = 1; a < argc; a++)
			want |= !strcmp(argv[a], cases[i].name);
		if (want)
			cases[i].fn();
	}
	return 0;
}
