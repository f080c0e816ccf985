/* personality/c/core/batch.c — the persona_batch private call (persona_abi.h):
 * an array of i386 calls becomes one native batch.
 *
 * PASS rows are widened into messages and run together, by the route the
 * caller forces or, for PERSONA_ROUTE_TABLE, the ring when every message's
 * row says ring and the batch reaches the largest threshold among them.
 * Other rows cannot be messages; they run one by one in their place, after
 * the messages before them, with the same linked-cancellation rule.
 */
#include "core/persona.h"
#include "core/sysent_types.h"
#include "core/lfs.h"
#include "personality/persona_abi.h"


struct pending {
	struct sysmsg msg[PERSONA_BATCH_MAX];
	uint32_t      idx[PERSONA_BATCH_MAX];   /* call index of each message */
	uint32_t      n;
	int           ring_ok;                  /* every row routes to the ring */
	uint32_t      thr;                      /* largest threshold among them */
};

static void flush(struct pending *p, struct persona_batch_call *calls, uint32_t route)
{
	if (!p->n)
		return;
	if (route == PERSONA_ROUTE_TABLE)
		route = p->ring_ok && p->n >= p->thr ? SYSMSG_ROUTE_RING : SYSMSG_ROUTE_DIRECT;
	persona_batch_run(p->msg, p->n, route);
	for (uint32_t i = 0; i < p->n; i++)
		calls[p->idx[i]].result = (int32_t)p->msg[i].result;
	p->n = 0;
	p->ring_ok = 1;
	p->thr = 1;
}

/* The row a call of a batch runs as, when it becomes a native message:
 * a well-formed call (no unknown flag, reserved 0) of a PASS row (the
 * private rows, persona_batch among them, are EMUL), on no descriptor
 * lfs.c must see first; else NULL. The one test of both ways a batch
 * runs (here and ring.c). */
RETURNS_BY_RET const struct sysent *persona_batch_message_row(const struct persona_batch_call *c)
{
	const struct sysent *e = persona_lookup(c->nr);

	if (c->reserved || (c->flags & ~PERSONA_BATCH_LINKED) || !e || e->kind != K_PASS ||
	    (persona_lfs_watching(e->lfs) && persona_lfs_needed(e->nr, c->args)))
		return NULL;
	return e;
}

XL(persona_batch)
{
	/* On the calling thread's personality stack (about 28 KiB of its
	 * 256): threads batch at once, and a batch may block. */
	struct persona_batch_call calls[PERSONA_BATCH_MAX];
	struct pending p;
	uint32_t count = ARG1(f), route = ARG2(f);

	if (count == 0 || count > PERSONA_BATCH_MAX || route > PERSONA_ROUTE_RING)
		return -EINVAL;
	if (copy_from_user(calls, ARG0(f), count * sizeof(calls[0])))
		return -EFAULT;
	/* every call one the ring does: straight onto it (ring.c) */
	if (route != PERSONA_ROUTE_DIRECT && persona_ring_calls(calls, count, route == PERSONA_ROUTE_TABLE))
		goto done;
	p.n = 0;
	p.ring_ok = 1;
	p.thr = 1;
	for (uint32_t i = 0; i < count; i++) {
		struct persona_batch_call *c = &calls[i];
		const struct sysent *e = persona_batch_message_row(c);

		if (!e && (c->reserved || (c->flags & ~PERSONA_BATCH_LINKED))) {
			flush(&p, calls, route);        /* keep "the call before" exact */
			c->result = -EINVAL;
			continue;
		}
		if (e) {
			struct sysmsg *m = &p.msg[p.n];

			*m = (struct sysmsg){ .nr = (uint32_t)e->tnr,
				.flags = (c->flags & PERSONA_BATCH_LINKED) && i ? SYSMSG_LINKED : 0 };
			/* A link across a flushed boundary is decided here. */
			if ((m->flags & SYSMSG_LINKED) && p.n == 0 && sysmsg_failed(calls[i - 1].result)) {
				c->result = -ECANCELED;
				continue;
			}
			persona_widen(e, c->args, m->args);
			p.idx[p.n++] = i;
			p.ring_ok &= e->route == ROUTE_RING && persona_ring_can(m->nr);
			if (e->thr > p.thr)
				p.thr = e->thr;
			continue;
		}
		flush(&p, calls, route);
		if ((c->flags & PERSONA_BATCH_LINKED) && i && sysmsg_failed(calls[i - 1].result)) {
			c->result = -ECANCELED;
			continue;
		}
		if (c->nr == I386_NR_persona_batch) {           /* no nesting */
			c->result = -EINVAL;
			continue;
		}
		struct i386_frame sub = *f;
		sub.eax = c->nr;
		sub.ebx = c->args[0], sub.ecx = c->args[1], sub.edx = c->args[2];
		sub.esi = c->args[3], sub.edi = c->args[4], sub.ebp = c->args[5];
		c->result = persona_syscall(&sub);
	}
	flush(&p, calls, route);
done:
	/* One copy back: the calls as they came in, with their results. */
	if (copy_to_user(ARG0(f), calls, count * sizeof(calls[0])))
		return -EFAULT;
	return count;
}
