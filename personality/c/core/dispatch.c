/* personality/c/core/dispatch.c — every way in ends here: one table look-up, then
 * the PASS path (widen and issue the native call) or the row's handler.
 *
 * The table is built from build/gen/sysent.h, the X-macro the generator
 * writes from personality/linux-i386.tbl; nothing here lists calls by hand.
 * Every XLATE/EMUL row names its handler xl_<name>; one that no layer
 * defines is a link error. The table is the only caller of handlers, and
 * the only code that calls into xl/ (tests/e2e/layering.sh).
 */
#include "core/persona.h"
#include "core/state.h"
#include "core/sysent_types.h"
#include "sysnr.h"
#include "core/lfs.h"
#include "personality/persona_abi.h"

_Static_assert(PERSONA_NR_BATCH == I386_NR_persona_batch, "persona_abi.h and the table agree");
_Static_assert(PERSONA_NR_STAGES == I386_NR_persona_stages, "persona_abi.h and the table agree");
_Static_assert(PERSONA_NR_GATE == I386_NR_persona_gate, "persona_abi.h and the table agree");

/* Declarations of every handler the table names. */
#define DECL_PASS(n)
#define DECL_UNIMPL(n)
#define DECL_XLATE(n) XL(n);
#define DECL_EMUL(n)  XL(n);
#define SYSENT(nr, name, kind, ...) DECL_##kind(name)
#include "sysent.h"
#undef SYSENT

#define HANDLER_PASS(n)   0
#define HANDLER_UNIMPL(n) 0
#define HANDLER_XLATE(n)  xl_##n
#define HANDLER_EMUL(n)   xl_##n

const struct sysent persona_sysent[SYSENT_SLOTS] = {
#define SYSENT(nr_, name_, kind_, target_, tnr_, reason_, line_, ...) \
	[SYSENT_SLOT(nr_)] = { .handler = HANDLER_##kind_(name_), .name = #name_, .reason = reason_, \
		.target = #target_, .tnr = (tnr_), .kind = K_##kind_, .nr = (nr_), __VA_ARGS__ },
#include "sysent.h"
#undef SYSENT
};


/* The table slot of a number, or SYSENT_SLOTS when no row has it. */
static inline uint32_t slot_of(uint32_t nr)
{
	if (nr <= I386_NR_LINUX_MAX)
		return nr;
	if (nr - I386_NR_PRIVATE_BASE < I386_NR_PRIVATE_COUNT)
		return SYSENT_SLOT(nr);
	return SYSENT_SLOTS;
}

RETURNS_BY_RET const struct sysent *persona_lookup(uint32_t nr)
{
	uint32_t slot = slot_of(nr);

	return slot < SYSENT_SLOTS ? &persona_sysent[slot] : NULL;
}

const char *persona_name(uint32_t nr)
{
	const struct sysent *e = persona_lookup(nr);
	return e ? e->name : NULL;
}

xl_fn persona_handler(uint32_t nr)
{
	const struct sysent *e = persona_lookup(nr);
	return e ? e->handler : NULL;
}

/* -ENOSYS with one log line per number per process (numbers beyond the
 * table share the last bit, so a program probing many of them logs once). */
long persona_enosys(uint32_t nr, const char *why, ...)
{
	const struct sysent *e = persona_lookup(nr);
	uint32_t bit = e ? (uint32_t)(e - persona_sysent) : SYSENT_SLOTS;
	uint64_t *word = &persona_stats.enosys_logged[bit / 64];

	PERSONA_REFUSED();
	if (!(*word & (1ull << (bit % 64)))) {
		char detail[160];
		va_list ap;

		*word |= 1ull << (bit % 64);
		va_start(ap, why);
		pvsnprintf(detail, sizeof(detail), why, ap);
		va_end(ap);
		plog("i386 system call %u (%s) not supported: %s", nr, e ? e->name : "unknown", detail);
	}
	return -ENOSYS;
}

/* Widen the i386 argument registers into native arguments per the row's
 * types; a lo/hi (or hl/ll) pair becomes one 64-bit argument. */
RETURNS_BY_RET uint32_t persona_widen(const struct sysent *e, const uint32_t reg[6], uint64_t out[6])
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < e->nargs; i++) {
		switch (e->types[i]) {
		case T_S32:
		case T_FD:
			out[n++] = (uint64_t)(int64_t)(int32_t)reg[i];
			break;
		case T_LO:
			out[n++] = wide_pair(reg[i], reg[i + 1]);
			i++;
			break;
		case T_HL:
			out[n++] = wide_pair(reg[i + 1], reg[i]);
			i++;
			break;
		default:        /* T_U32, T_PTR */
			out[n++] = reg[i];
			break;
		}
	}
	while (n < 6)
		out[n++] = 0;
	return e->nargs;
}

static inline __attribute__((always_inline)) long pass_row(const struct sysent *e, const struct i386_frame *f)
{
	const uint32_t reg[6] = { f->ebx, f->ecx, f->edx, f->esi, f->edi, f->ebp };
	struct sysmsg m = { .nr = e->tnr };
	long r;

	/* a descriptor without O_LARGEFILE: writes and truncation are limited,
	 * and dup/close carry or drop its mark (lfs.c; the table's lfs=) */
	if (unlikely(persona_lfs_watching(e->lfs)) && persona_lfs_pass(e, f, &r))
		return r;
	persona_widen(e, reg, m.args);
	persona_submit(&m, 1);
	return m.result;
}

/* Inlined into persona_syscall: a function that returns after the native
 * call's syscall mispredicts its ret where the kernel refills the
 * return-stack predictor on the way back (submit.asm's persona_trap6 tells
 * why), so in a RETURNS=ret image every function between the gate and
 * persona_submit costs one such ret; in the default RETURNS=jmp image
 * (personality/asm/return_thunk.asm) it costs a jump through the thunk.
 * Either way the row runs in persona_syscall's own frame. */
static inline __attribute__((always_inline)) long run_row(const struct sysent *e, struct i386_frame *f)
{
	switch (e->kind) {
	case K_PASS:
		return pass_row(e, f);
	case K_XLATE:
	case K_EMUL:
		return e->handler(f);
	default:
		return persona_enosys(f->nr, "%s", e->reason);
	}
}

long persona_run_row(const struct sysent *e, struct i386_frame *f)
{
	return run_row(e, f);
}

#if PERSONA_DISPATCH_SWITCH
/* The switch variant (persona tune measures it against the pointer table):
 * one case per row, each calling its handler directly, as recent Linux
 * kernels dispatch to avoid indirect branches. Built with -fno-jump-tables,
 * the switch becomes a tree of compares and direct calls. */
/* The PASS cases share one out-of-line copy of the pass-through: inlined
 * into each of them, as run_row inlines it, it grew this variant's text by
 * a seventh (19.6 KB). */
static __attribute__((noinline)) long pass_call(const struct sysent *e, const struct i386_frame *f)
{
	return pass_row(e, f);
}
#define CASE_PASS(nr_, name_)   case nr_: return pass_call(&persona_sysent[SYSENT_SLOT(nr_)], f);
#define CASE_UNIMPL(nr_, name_) case nr_: return persona_enosys(nr_, "%s", persona_sysent[SYSENT_SLOT(nr_)].reason);
#define CASE_XLATE(nr_, name_)  case nr_: return xl_##name_(f);
#define CASE_EMUL(nr_, name_)   CASE_XLATE(nr_, name_)

static long dispatch_row(uint32_t nr, uint32_t slot, struct i386_frame *f)
{
	(void)slot;             /* the switch finds the row by its number */
	switch (nr) {
#define SYSENT(nr_, name_, kind_, ...) CASE_##kind_(nr_, name_)
#include "sysent.h"
#undef SYSENT
	default:
		return persona_enosys(nr, "not in the table");
	}
}
#define PERSONA_DISPATCH_NAME "switch"
#else
/* The pointer-table variant: the bounds-checked slot, then the row. */
static long dispatch_row(uint32_t nr, uint32_t slot, struct i386_frame *f)
{
	return likely(slot < SYSENT_SLOTS) ? run_row(&persona_sysent[slot], f)
					   : persona_enosys(nr, "not in the table");
}
#define PERSONA_DISPATCH_NAME "table"
#endif

/* Which dispatch this image was built with (persona tune, --stats). */
const char persona_dispatch_variant[] = PERSONA_DISPATCH_NAME;

int32_t persona_syscall(struct i386_frame *f)
{
	uint32_t nr = f->eax, slot = slot_of(nr);
	long r;

	f->nr = nr;
	struct persona_stats *st = persona_stats_self();     /* this thread's own */
	st->way[f->way < WAY_COUNT ? f->way : WAY_DIRECT]++;
	/* numbers beyond the table share the last counter */
	st->calls[slot < SYSENT_SLOTS ? slot : ARRAY_SIZE(st->calls) - 1]++;
	r = dispatch_row(nr, slot, f);
	f->eax = (uint32_t)r;
	if (unlikely(persona_opts.trace))
		persona_trace(f, r);
	return (int32_t)f->eax;
}

/* persona_gate: the way in alone, no native call (see persona_abi.h). */
XL(persona_gate)
{
	return (int32_t)ARG0(f);
}

/* persona_stages: the calling thread's stage timers (persona_abi.h; the
 * lanes and persona_trap6 write them: personality/asm/stages.inc). */
#ifdef PERSONA_STAGES
#define STAGES_BUILT 1
#else
#define STAGES_BUILT 0
#endif
XL(persona_stages)
{
	struct persona_stage_counts *sum = &persona_stats_self()->stages.sum;

	if (ARG1(f) & ~PERSONA_STAGES_RESET)
		return -EINVAL;
	if (!STAGES_BUILT)
		return -EOPNOTSUPP;
	if (ARG0(f) && copy_to_user(ARG0(f), sum, sizeof(*sum)) < 0)
		return -EFAULT;
	if (ARG1(f) & PERSONA_STAGES_RESET)
		*sum = (struct persona_stage_counts){ 0 };
	return 0;
}
