/* tests/unit/xl_diff.h — table-driven differential cases: one i386 call run
 * through the kernel's ia32 layer (k32) and through the translator (p32),
 * each on its own copy of the same low buffer; the results and the bytes
 * left in the buffers must agree. Fields that legitimately differ (clocks)
 * are compared with a tolerance and then masked.
 *
 * Included by the test_xl_* programs after <cmocka.h>.
 */
#ifndef TEST_XL_DIFF_H
#define TEST_XL_DIFF_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include "support/i386call.h"

/* Case tables name only the fields a row needs; the rest are zero. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

enum darg_kind { A_LIT, A_BUF, A_BAD };
struct darg {
	int  kind;
	long val;       /* A_LIT: the value; A_BUF: offset into the case buffer */
};
#define LIT(v) { A_LIT, (long)(v) }
#define BUF(o) { A_BUF, (long)(o) }
#define BAD    { A_BAD, 0 }
#define NUL    { A_LIT, 0 }

/* A field compared with a tolerance, then masked. */
enum fuzz_kind { F_NONE, F_TS32, F_TV32, F_I32, F_TS64 };
struct fuzz {
	int      kind;
	uint32_t off;
	int64_t  tol;   /* seconds for F_TS32/F_TV32/F_TS64, units for F_I32 */
};

#define XL_DIFF_BUF 4096
#define XL_DIFF_FILL 0xa5       /* bytes a call must not touch keep this */

struct dcase {
	int         line;
	long        nr;
	struct darg a[6];
	const void *init;       /* initial buffer contents (or NULL: the fill) */
	size_t      initlen;
	struct fuzz fz[4];
	int64_t     ret_tol;    /* results may differ by this much (0: equal) */
};

static inline int64_t xl_get(const uint8_t *b, uint32_t off, int size)
{
	if (size == 8) {
		int64_t v;
		memcpy(&v, b + off, 8);
		return v;
	}
	int32_t v;
	memcpy(&v, b + off, 4);
	return v;
}

/* Seconds and sub-second part as one value in nanoseconds. */
static inline int64_t xl_time_ns(const uint8_t *b, const struct fuzz *z)
{
	switch (z->kind) {
	case F_TS32: return xl_get(b, z->off, 4) * 1000000000LL + xl_get(b, z->off + 4, 4);
	case F_TV32: return xl_get(b, z->off, 4) * 1000000000LL + xl_get(b, z->off + 4, 4) * 1000;
	case F_TS64: return xl_get(b, z->off, 8) * 1000000000LL + xl_get(b, z->off + 8, 8);
	default:     return xl_get(b, z->off, 4);
	}
}

static inline uint32_t xl_fuzz_len(const struct fuzz *z)
{
	return z->kind == F_TS64 ? 16 : z->kind == F_I32 ? 4 : 8;
}

static inline void xl_args(const struct dcase *c, uint8_t *buf, long out[6])
{
	for (int i = 0; i < 6; i++) {
		switch (c->a[i].kind) {
		case A_BUF: out[i] = LOW(buf + c->a[i].val); break;
		case A_BAD: out[i] = (long)unmapped_low(); break;
		default:    out[i] = c->a[i].val; break;
		}
	}
}

/* Runs one case both ways, each on its own copy of the same low buffer:
 * the kernel's results in *kr and *kb, the personality's in *pr and *pb. */
static inline void xl_diff_call(const struct dcase *c, uint8_t **kbp, uint8_t **pbp, long *kr, long *pr)
{
	static uint8_t *kb, *pb;
	long ka[6], pa[6];

	if (!kb) {
		kb = lowmem(XL_DIFF_BUF);
		pb = lowmem(XL_DIFF_BUF);
	}
	memset(kb, XL_DIFF_FILL, XL_DIFF_BUF);
	if (c->init)
		memcpy(kb, c->init, c->initlen);
	memcpy(pb, kb, XL_DIFF_BUF);
	xl_args(c, kb, ka);
	xl_args(c, pb, pa);
	*kr = k32(c->nr, ka[0], ka[1], ka[2], ka[3], ka[4], ka[5]);
	*pr = p32(c->nr, pa[0], pa[1], pa[2], pa[3], pa[4], pa[5]);
	*kbp = kb;
	*pbp = pb;
}

/* Runs one case; returns nothing, fails the test naming the case's line. */
static inline void xl_diff_run(const struct dcase *c)
{
	uint8_t *kb, *pb;
	long kr, pr;

	xl_diff_call(c, &kb, &pb, &kr, &pr);
	if (c->ret_tol ? labs(kr - pr) > c->ret_tol : kr != pr)
		fail_msg("line %d: nr %ld: kernel %ld, persona %ld", c->line, c->nr, kr, pr);
	for (int i = 0; i < 4 && c->fz[i].kind != F_NONE; i++) {
		const struct fuzz *z = &c->fz[i];
		int64_t kv = xl_time_ns(kb, z), pv = xl_time_ns(pb, z);
		int64_t tol = z->kind == F_I32 ? z->tol : z->tol * 1000000000LL;
		if (llabs(kv - pv) > tol)
			fail_msg("line %d: field at %u: kernel %lld, persona %lld", c->line, z->off,
				 (long long)kv, (long long)pv);
		memset(kb + z->off, 0, xl_fuzz_len(z));
		memset(pb + z->off, 0, xl_fuzz_len(z));
	}
	for (uint32_t i = 0; i < XL_DIFF_BUF; i++)
		if (kb[i] != pb[i])
			fail_msg("line %d: byte %u differs: kernel %02x, persona %02x", c->line, i,
				 kb[i], pb[i]);
}

static inline void xl_diff_table(const struct dcase *c, size_t n)
{
	persona_test_init();
	if (!k32_available())
		skip();
	for (size_t i = 0; i < n; i++)
		xl_diff_run(&c[i]);
}

#endif
