/* personality/c/rt/asm-offsets.c — emits the struct offsets the NASM stubs use.
 * Compiled with -S only; the Makefile turns each "->NAME value" marker into
 * "%define NAME value" in build/gen/asm-offsets.inc (Linux's asm-offsets trick). */
#include <stddef.h>
#include "core/persona.h"
#include "core/sysent_types.h"
#include "core/i386_types.h"
#include "sysnr.h"
#include "rt/image.h"
#include "rt/vclock.h"
#include "signal/ksig.h"
#include "reflect/reflect.h"
#include "personality/persona_abi.h"

#define DEFINE(sym, val) __asm__ volatile("\n.ascii \"->" #sym " %c0\"" : : "i"(val))
#define OFFSET(sym, type, member) DEFINE(sym, offsetof(struct type, member))

void asm_offsets(void);
void asm_offsets(void)
{
	OFFSET(FRAME_eax, i386_frame, eax);
	OFFSET(FRAME_ebx, i386_frame, ebx);
	OFFSET(FRAME_ecx, i386_frame, ecx);
	OFFSET(FRAME_edx, i386_frame, edx);
	OFFSET(FRAME_esi, i386_frame, esi);
	OFFSET(FRAME_edi, i386_frame, edi);
	OFFSET(FRAME_ebp, i386_frame, ebp);
	OFFSET(FRAME_esp, i386_frame, esp);
	OFFSET(FRAME_eip, i386_frame, eip);
	OFFSET(FRAME_eflags, i386_frame, eflags);
	OFFSET(FRAME_way, i386_frame, way);
	OFFSET(FRAME_nr, i386_frame, nr);
	OFFSET(FRAME_cs, i386_frame, cs);
	OFFSET(FRAME_ss, i386_frame, ss);
	OFFSET(FRAME_ds, i386_frame, ds);
	OFFSET(FRAME_es, i386_frame, es);
	OFFSET(FRAME_fs, i386_frame, fs);
	OFFSET(FRAME_gs, i386_frame, gs);
	OFFSET(FRAME_host_rsp, i386_frame, host_rsp);
	DEFINE(FRAME_SIZE, sizeof(struct i386_frame));
	OFFSET(SYSMSG_nr, sysmsg, nr);
	OFFSET(SYSMSG_flags, sysmsg, flags);
	OFFSET(SYSMSG_result, sysmsg, result);
	OFFSET(SYSMSG_args, sysmsg, args);
	DEFINE(SYSMSG_SIZE, sizeof(struct sysmsg));
	DEFINE(SYSMSG_F_LINKED, SYSMSG_LINKED);
	DEFINE(SYSMSG_F_DONE, SYSMSG_DONE);
	DEFINE(WAY_SYSINFO_ID, WAY_SYSINFO);
	DEFINE(WAY_PATCHED_ID, WAY_PATCHED);
	DEFINE(WAY_REFLECTED_ID, WAY_REFLECTED);
	DEFINE(WAY_INT80_64_ID, WAY_INT80_64);
	DEFINE(WAY_DIRECT_ID, WAY_DIRECT);
	OFFSET(STATS_calls, persona_stats, calls);
	OFFSET(STATS_way, persona_stats, way);
	OFFSET(OPTS_trace, persona_opts, trace);
	/* the stage timers (stages.inc) */
	OFFSET(STATS_stage_t0, persona_stats, stages.t0);
	OFFSET(STATS_stage_t1, persona_stats, stages.t1);
	OFFSET(STATS_stage_t2, persona_stats, stages.t2);
	OFFSET(STATS_stage_calls, persona_stats, stages.sum.calls);
	OFFSET(STATS_stage_entry, persona_stats, stages.sum.entry);
	OFFSET(STATS_stage_call, persona_stats, stages.sum.call);
	OFFSET(STATS_stage_exit, persona_stats, stages.sum.exit);
	OFFSET(STATS_stage_stamp, persona_stats, stages.sum.stamp);
	/* the gate's per-thread state and the fixed layout (core/state.h, personality/layout.h);
	 * addresses above 2 GiB print negative: NASM users mask them with U32() */
	OFFSET(THREAD_frame, persona_thread, frame);
	OFFSET(THREAD_kstack_top, persona_thread, kstack_top);
	OFFSET(THREAD_stats, persona_thread, stats);
	OFFSET(THREAD_sig, persona_thread, sig);
	/* the gate's express lane (gate.asm): what sigstate_idle() reads */
	OFFSET(SIGSTATE_deferred, persona_sigstate, deferred);
	OFFSET(SIGSTATE_suspend_active, persona_sigstate, suspend_active);
	OFFSET(SIGSTATE_restart_pending, persona_sigstate, restart_pending);
	/* the asm converter of struct stat64 (fastpath.asm: fast_out_stat64):
	 * what the native call writes, and the i386 struct it becomes */
	DEFINE(NSTAT_SIZE, sizeof(struct native_stat));
	OFFSET(NSTAT_dev, native_stat, st_dev);
	OFFSET(NSTAT_ino, native_stat, st_ino);
	OFFSET(NSTAT_nlink, native_stat, st_nlink);
	OFFSET(NSTAT_mode, native_stat, st_mode);
	OFFSET(NSTAT_uid, native_stat, st_uid);
	OFFSET(NSTAT_gid, native_stat, st_gid);
	OFFSET(NSTAT_rdev, native_stat, st_rdev);
	OFFSET(NSTAT_size, native_stat, st_size);
	OFFSET(NSTAT_blksize, native_stat, st_blksize);
	OFFSET(NSTAT_blocks, native_stat, st_blocks);
	OFFSET(NSTAT_atim_sec, native_stat, st_atim_sec);
	OFFSET(NSTAT_atim_nsec, native_stat, st_atim_nsec);
	OFFSET(NSTAT_mtim_sec, native_stat, st_mtim_sec);
	OFFSET(NSTAT_mtim_nsec, native_stat, st_mtim_nsec);
	OFFSET(NSTAT_ctim_sec, native_stat, st_ctim_sec);
	OFFSET(NSTAT_ctim_nsec, native_stat, st_ctim_nsec);
	DEFINE(S64_SIZE, sizeof(struct i386_stat64));
	OFFSET(S64_dev, i386_stat64, st_dev);
	OFFSET(S64_pad0, i386_stat64, pad0);
	OFFSET(S64_ino32, i386_stat64, st_ino32);
	OFFSET(S64_mode, i386_stat64, st_mode);
	OFFSET(S64_nlink, i386_stat64, st_nlink);
	OFFSET(S64_uid, i386_stat64, st_uid);
	OFFSET(S64_gid, i386_stat64, st_gid);
	OFFSET(S64_rdev, i386_stat64, st_rdev);
	OFFSET(S64_pad3, i386_stat64, pad3);
	OFFSET(S64_size, i386_stat64, st_size);
	OFFSET(S64_blksize, i386_stat64, st_blksize);
	OFFSET(S64_blocks, i386_stat64, st_blocks);
	OFFSET(S64_atim_sec, i386_stat64, st_atim_sec);
	OFFSET(S64_atim_nsec, i386_stat64, st_atim_nsec);
	OFFSET(S64_mtim_sec, i386_stat64, st_mtim_sec);
	OFFSET(S64_mtim_nsec, i386_stat64, st_mtim_nsec);
	OFFSET(S64_ctim_sec, i386_stat64, st_ctim_sec);
	OFFSET(S64_ctim_nsec, i386_stat64, st_ctim_nsec);
	OFFSET(S64_ino, i386_stat64, st_ino);
	/* the tag bits of persona_fast_table's pointers (fastpath.asm) */
	DEFINE(L_LFS_NONE, LFS_NONE);
	DEFINE(L_LFS_FD, LFS_FD);
	DEFINE(L_LFS_WRITE, LFS_WRITE);
	DEFINE(L_NR_GATE, PERSONA_NR_GATE);
	DEFINE(L_SLOT_GATE, SYSENT_SLOT(PERSONA_NR_GATE));
	DEFINE(L_IMAGE_BASE, PERSONA_IMAGE_BASE);
	DEFINE(L_GATE_BASE, PERSONA_GATE_BASE);
	DEFINE(L_GATE64_SYSINFO, PERSONA_GATE64_SYSINFO);
	DEFINE(L_GATE64_NORET, PERSONA_GATE64_NORET);
	DEFINE(L_GATE64_PATCHED, PERSONA_GATE64_PATCHED);
	DEFINE(L_GATE32_PATCHED, PERSONA_GATE32_PATCHED);
	DEFINE(L_USER32_CS, PERSONA_USER32_CS);
	DEFINE(L_USER_DS, PERSONA_USER_DS);
	DEFINE(L_USER64_CS, PERSONA_USER64_CS);
	DEFINE(L_TLS_SLOT_FIRST, PERSONA_TLS_SLOT_FIRST);
	DEFINE(L_TLS_SLOTS, PERSONA_TLS_SLOTS);
	/* the vDSO's clock page (vclock.h) */
	DEFINE(L_VCLOCK_BASE, PERSONA_VCLOCK_BASE);
	DEFINE(L_VCLOCK_CLOCKS, PERSONA_VCLOCK_CLOCKS);
	OFFSET(VCLOCK_seq, persona_vclock, seq);
	OFFSET(VCLOCK_clk, persona_vclock, clk);
	DEFINE(VCLOCK_CLOCK_SIZE, sizeof(struct persona_vclock_clock));
	OFFSET(VCC_tsc, persona_vclock_clock, tsc);
	OFFSET(VCC_sec, persona_vclock_clock, sec);
	OFFSET(VCC_nsec, persona_vclock_clock, nsec);
	OFFSET(VCC_mult, persona_vclock_clock, mult);
	OFFSET(VCC_max_ticks, persona_vclock_clock, max_ticks);
	OFFSET(VCC_res_nsec, persona_vclock_clock, res_nsec);
}
