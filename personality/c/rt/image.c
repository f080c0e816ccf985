/* personality/c/rt/image.c — the image's header and its start-up.
 *
 * The loader maps the image file, finds persona_image_header at
 * PERSONA_IMAGE_BASE and calls init (still on the loader's stack, in 64-bit
 * mode), then start32 or start64. init keeps what it needs of the loader's
 * arguments, sets the limits the memory translator works within, installs
 * the fault handler and readies the main thread's gate stack.
 */
#include <linux/elf-em.h>
#include "core/persona.h"
#include "rt/image.h"
#include "rt/vclock.h"
#include "rt/procself.h"
#include "reflect/reflect.h"
#include "signal/ksig.h"

#define ELFCLASS32      1
#define ELFCLASS64      2
#define ELFOSABI_SYSV   0
#define ELFOSABI_GNU    3

static void enter32(uint32_t entry, uint32_t esp) __attribute__((noreturn));

/* The image's end (image.ld): weak so that this file also links into the
 * test programs, which have no linker script of ours (the vDSO's symbols,
 * weak for the same reason, are in core/stubs.h). */
extern char __persona_image_end[] __attribute__((weak));


/* Writable section: its initializer holds link-time addresses, which a
 * position-independent test program must be able to relocate. */
__attribute__((section(".persona.header"), used))
struct persona_image_header persona_image_header = {
	.magic = PERSONA_IMAGE_MAGIC,
	.version = PERSONA_IMAGE_VERSION,
	.header_size = sizeof(struct persona_image_header),
	.base = PERSONA_IMAGE_BASE,
	.end = (uint64_t)(uintptr_t)__persona_image_end,
	.name = "linux-i386",
	.nserves = 4,
	.serves = {
		{ .ei_class = ELFCLASS32, .ei_osabi = ELFOSABI_SYSV, .e_machine = EM_386 },
		{ .ei_class = ELFCLASS32, .ei_osabi = ELFOSABI_GNU,  .e_machine = EM_386 },
		/* x86-64 programs: their int $0x80 calls are the i386 ABI */
		{ .ei_class = ELFCLASS64, .ei_osabi = ELFOSABI_SYSV, .e_machine = EM_X86_64 },
		{ .ei_class = ELFCLASS64, .ei_osabi = ELFOSABI_GNU,  .e_machine = EM_X86_64 },
	},
	.init = (uint64_t)(uintptr_t)persona_image_init,
	.start32 = (uint64_t)(uintptr_t)enter32,
	.start64 = (uint64_t)(uintptr_t)persona_start64,
	.vdso = (uint64_t)(uintptr_t)persona_vdso_start,
	.vdso_size = PERSONA_VDSO_MAX,      /* at most; its ELF header says */
	.sysinfo = (uint64_t)(uintptr_t)persona_vdso_sysinfo,
};

/* The main thread's gate stack (its state is core/state.c's). */
static uint8_t main_kstack[PERSONA_KSTACK_SIZE] __attribute__((aligned(64)));

static void keep_string(char *dst, size_t n, const char *src)
{
	size_t i = 0;

	if (src)
		for (; i + 1 < n && src[i]; i++)
			dst[i] = src[i];
	dst[i] = 0;
}

/* 32-bit code runs in the kernel's __USER32_CS when it has one; else (or
 * when forced) in a flat 32-bit code segment of the process's own LDT, which
 * a 64-bit process may always create. */
static long choose_cs32(uint32_t force_ldt)
{
	struct persona_ldt_desc code = PERSONA_LDT_CS32_DESC;
	uint16_t sel = PERSONA_LDT_CS32_SEL;
	long r;

	if (!force_ldt && persona_cs32_usable(PERSONA_USER32_CS))
		return 0;
	r = nsys3(__NR_modify_ldt, 0x11, &code, sizeof(code));
	if (r < 0)
		return r;
	if (!persona_cs32_usable(sel))
		return -ENOEXEC;
	persona_user32_cs = sel;
	persona_process.ldt_cs_forced = force_ldt;
	return 0;
}

long persona_image_init(const struct persona_init_args *a)
{
	long r;

	if (a->version != PERSONA_IMAGE_VERSION)
		return -EINVAL;
	persona_opts.trace = a->trace;
	persona_opts.stats = a->stats;
	persona_opts.no_patch = a->no_patch;
	persona_opts.seccomp = a->seccomp;
	persona_opts.reflect_startup = a->reflect_startup;
	persona_opts.log_fd = a->log_fd;

	/* An x86-64 program's own exit is a native exit_group that the image
	 * never sees, so --stats would end in silence: say so at the start. */
	if (a->stats && a->mode == PERSONA_MODE_X86_64)
		pout("stats: an x86-64 program: its int $0x80 calls are counted, but printed only if it exits "
		     "by int $0x80 (exit or exit_group); its native exit is not seen by the personality");
	persona_process.mode = a->mode;
	persona_process.descendants_native = a->descendants_native;
	persona_process.stack_lo = a->stack_lo;
	persona_process.stack_hi = a->stack_hi;
	persona_process.exe_lo = a->exe_lo;
	persona_process.exe_hi = a->exe_hi;
	persona_process.interp_lo = a->interp_lo;
	persona_process.interp_hi = a->interp_hi;
	keep_string(persona_process.persona_exe, sizeof(persona_process.persona_exe), a->persona_exe);
	keep_string(persona_process.image_path, sizeof(persona_process.image_path), a->image_path);
	keep_string(persona_process.exe_path, sizeof(persona_process.exe_path), a->exe_path);
	keep_string(persona_process.log_path, sizeof(persona_process.log_path), a->log_path);

	if (a->mode == PERSONA_MODE_I386) {
		/* foreign pointers end below the image */
		persona_user_limit = PERSONA_IMAGE_BASE;
		persona_mmap_top = a->mmap_top;
		persona_brk_base = a->brk_base;
	}

	persona_main_thread.kstack_top = (uint64_t)(uintptr_t)(main_kstack + sizeof(main_kstack));
	persona_main_thread.tid = (int32_t)nsys0(__NR_gettid);
	if (a->mode == PERSONA_MODE_I386) {
		r = choose_cs32(a->ldt_cs);
		if (r < 0)
			return r;
		/* the vDSO's clocks read it: no i386 program runs without */
		r = persona_vclock_init();
		if (r < 0)
			return r;
	}
	persona_gate_init();

	r = persona_fault_init();
	if (r < 0)
		return r;
	return persona_reflect_init(a);
}

/* The loader's start32: the initial stack is the program's view of
 * itself (procself.c) before the program can change it. */
static void enter32(uint32_t entry, uint32_t esp)
{
	persona_procself_init(esp);
	persona_start32(entry, esp);
}

_Static_assert(offsetof(struct persona_thread, frame) == 0, "the gate saves into the thread's struct");

/* The gates' C side: the table. The gate calls the exit hook
 * (persona_signal_gate_exit) itself afterwards, so that persona_syscall is
 * a tail call here: one frame fewer between the gate and the native
 * call's syscall, whose return would mispredict on the way back in a
 * RETURNS=ret image (dispatch.c, run_row). */
void persona_gate_dispatch(struct i386_frame *f)
{
	/* rows the table marks fast asm skip the C dispatch; the way in
	 * is counted here for them (persona_syscall counts its own). */
	if (unlikely(persona_reflect_startup_pending) && f->way == WAY_SYSINFO)
		persona_reflect_startup_over();
	if (persona_fastpath(f)) {
		struct persona_thread *t = persona_gate_thread(f);
		struct persona_stats *st = t->stats ? t->stats : &persona_stats;
		st->way[f->way < WAY_COUNT ? f->way : WAY_DIRECT]++;
		return;
	}
	persona_syscall(f);
}
