/* personality/c/core/sysent_types.h — the shape of one generated table row.
 * The keywords of the table's columns are the enumerators below; the rows
 * themselves come only from build/gen/sysent.h. */
#ifndef PERSONA_SYSENT_TYPES_H
#define PERSONA_SYSENT_TYPES_H

#include "core/persona.h"
#include "sysnr.h"

enum sysent_kind { K_PASS, K_XLATE, K_EMUL, K_UNIMPL };
enum sysent_type { T_NONE, T_S32, T_U32, T_PTR, T_FD, T_LO, T_HI, T_HL, T_LL };
enum sysent_fast { FAST_C, FAST_ASM };
enum sysent_route { ROUTE_DIRECT, ROUTE_RING };
/* Which descriptors lfs.c must see a row for (the table's lfs= word); the
 * values are also the tag bits of the row's persona_fast_table pointer. */
enum sysent_lfs { LFS_NONE = 0, LFS_FD = 1, LFS_WRITE = 2 };
/* Which hand-written asm converter writes an XLATE row's result on the asm
 * fast path (the table's out= word; fastpath.asm: fast_out_<name>). The C
 * path of such a row is its xl_<name>, as for any XLATE row. */
enum sysent_out { OUT_NONE, OUT_STAT64 };

typedef long (*xl_fn)(struct i386_frame *f);

struct sysent {
	xl_fn       handler;    /* XLATE/EMUL: xl_<name>, NULL otherwise */
	const char *name;       /* i386 name */
	const char *reason;     /* UNIMPL: why */
	const char *target;     /* x86-64 name or "none" */
	int16_t     tnr;        /* x86-64 number, -1 for none */
	uint8_t     kind;       /* K_* */
	uint8_t     nargs;      /* argument registers used */
	uint8_t     types[6];   /* T_* per register */
	uint8_t     fast;       /* FAST_* */
	uint8_t     route;      /* ROUTE_* */
	uint16_t    thr;        /* ring threshold */
	uint16_t    nr;         /* i386 number */
	uint8_t     lfs;        /* LFS_* */
	uint8_t     out;        /* OUT_*: the asm converter of an XLATE row */
};

/* Linux numbers, then the private ones packed right after them. */
#define SYSENT_SLOTS (I386_NR_LINUX_MAX + 1 + I386_NR_PRIVATE_COUNT)
#define SYSENT_SLOT(nr) ((nr) < I386_NR_PRIVATE_BASE ? (nr) : (nr) - I386_NR_PRIVATE_BASE + I386_NR_LINUX_MAX + 1)
_Static_assert(SYSENT_SLOTS < 1024 + 8, "persona_stats.calls is large enough");

extern const struct sysent persona_sysent[SYSENT_SLOTS];
const struct sysent *persona_lookup(uint32_t nr);
xl_fn    persona_handler(uint32_t nr);
/* The one way to refuse a call: -ENOSYS, and one log line per number per
 * process naming it and why (a printf format: the detail of this refusal,
 * formatted only when the line is written). */
long     persona_enosys(uint32_t nr, const char *why, ...) __attribute__((format(printf, 2, 3)));
uint32_t persona_widen(const struct sysent *e, const uint32_t reg[6], uint64_t out[6]);
long     persona_run_row(const struct sysent *e, struct i386_frame *f);

#endif
