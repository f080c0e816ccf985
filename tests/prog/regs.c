/* tests/prog/regs.c — every register but eax survives an i386 system call.
 *
 * For both ways in (call *%gs:0x10 and int $0x80) and several eflags
 * patterns (DF, AC and the arithmetic flags set or clear), and calls on the C
 * path (getpid, close) and on the asm fast path (getppid, read), loads known values
 * into every register, makes a call, and checks ebx, ecx, edx, esi, edi,
 * ebp, esp, the arithmetic flags, DF and AC, and ds/es/fs/gs/ss afterwards.
 * Prints one line per case; exits 1 if any register changed. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

struct regs {
	uint32_t eax, ebx, ecx, edx, esi, edi, ebp, esp, eflags;
	uint16_t ds, es, fs, gs, ss, pad;
};
_Static_assert(sizeof(struct regs) == 48, "layout used by regs_entry.S");

int regs_call(struct regs *in, struct regs *out, int way);

#define FLAGS_KEPT 0x8d5u       /* CF PF AF ZF SF OF */
#define FLAG_DF    0x400u
#define FLAG_AC    0x40000u     /* alignment check: the gate's way out must not run 64-bit code under it */

static int one(const char *what, int way, uint32_t nr, uint32_t arg0, uint32_t flags, long want)
{
	struct regs in = { nr, arg0, 0xc1c2c3c4, 0xd1d2d3d4, 0x51525354, 0xd0d1d2d3, 0xb0b1b2b3, 0, flags | 0x202, 0, 0, 0, 0, 0, 0 };
	struct regs out;
	int bad = 0;

	memset(&out, 0, sizeof(out));
	regs_call(&in, &out, way);
#define CHECK(r) if (in.r != out.r) { printf("  %s changed: %#x -> %#x\n", #r, (unsigned)in.r, (unsigned)out.r); bad = 1; }
	CHECK(ebx) CHECK(ecx) CHECK(edx) CHECK(esi) CHECK(edi) CHECK(ebp) CHECK(esp)
	CHECK(ds) CHECK(es) CHECK(fs) CHECK(gs) CHECK(ss)
	if ((in.eflags ^ out.eflags) & (FLAGS_KEPT | FLAG_DF | FLAG_AC)) {
		printf("  eflags changed: %#x -> %#x\n", in.eflags & (FLAGS_KEPT | FLAG_DF | FLAG_AC),
		       out.eflags & (FLAGS_KEPT | FLAG_DF | FLAG_AC));
		bad = 1;
	}
	if ((long)(int32_t)out.eax != want) {
		printf("  eax: %ld, want %ld\n", (long)(int32_t)out.eax, want);
		bad = 1;
	}
	printf("%s %s flags=%#05x: %s\n", way ? "int80  " : "sysinfo", what, flags, bad ? "CHANGED" : "kept");
	return bad;
}

int main(void)
{
	static const uint32_t patterns[] = { 0, FLAGS_KEPT, FLAG_DF, FLAGS_KEPT | FLAG_DF, 0x1 | 0x40,
					     0x800 /* OF alone */, 0x800 | 0x80 | 0x4,
					     FLAG_AC | FLAG_DF | 0x1 };
	int bad = 0;
	long pid = getpid(), ppid = getppid();

	for (int way = 0; way < 2; way++)
		for (unsigned i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++) {
			bad |= one("getpid", way, SYS_getpid, 0xb1b2b3b4, patterns[i], pid);
			bad |= one("close(-1)", way, SYS_close, (uint32_t)-1, patterns[i], -9 /* EBADF */);
			/* rows with an asm fast path: the gate's express lane */
			bad |= one("getppid", way, SYS_getppid, 0xb1b2b3b4, patterns[i], ppid);
			bad |= one("read(-1)", way, SYS_read, (uint32_t)-1, patterns[i], -9 /* EBADF */);
		}
	printf("%s\n", bad ? "FAIL" : "all registers kept");
	return bad;
}
