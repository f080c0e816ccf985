/* personality/c/rt/tls.c — the i386 TLS: set_thread_area, get_thread_area,
 * modify_ldt, and a new thread's TLS entry.
 *
 * x86-64 has no GDT TLS entries for 64-bit processes; a slot of the
 * process's LDT stands in for each, one per thread (see fault.c for the
 * fix-up that turns the GDT-style selector glibc loads into the LDT one).
 * The slot of %gs is also how the gate finds the calling thread's state
 * (core/state.h), so these calls are the runtime's own.
 */
#include "core/persona.h"
#include "rt/image.h"
#include "rt/thread.h"
#include "sysnr.h"

/* ---- TLS: set_thread_area, get_thread_area, modify_ldt ----------------- */

/* struct user_desc as i386 passes it; flags holds the bit fields
 * (seg_32bit, contents:2, read_exec_only, limit_in_pages, seg_not_present,
 * useable; x86-64's lm bit must read 0 for a 32-bit caller). */
struct i386_user_desc {
	uint32_t entry_number;
	uint32_t base_addr;
	uint32_t limit;
	uint32_t flags;
};
_Static_assert(sizeof(struct i386_user_desc) == sizeof(persona_main_thread.tls_desc[0]), "tls_desc");
#define UD_LM           0x80u
#define UD_EMPTY_BITS   0x7fu
#define UD_EMPTY_VALUE  0x28u   /* read_exec_only | seg_not_present */

/* The calling thread: the %gs slot names it (core/state.h). */
static struct persona_thread *current_thread(void)
{
	return persona_self();
}

static int desc_is_empty(const struct i386_user_desc *d)
{
	return !d->base_addr && !d->limit &&
	       (!(d->flags & UD_EMPTY_BITS) || (d->flags & UD_EMPTY_BITS) == UD_EMPTY_VALUE);
}

static struct i386_user_desc *entry_desc(struct persona_thread *t, uint32_t entry)
{
	return (struct i386_user_desc *)t->tls_desc[entry - PERSONA_TLS_ENTRY_MIN];
}

uint16_t persona_tls_ldt_selector(uint16_t sel)
{
	struct persona_thread *t = current_thread();
	uint32_t entry = sel >> 3, i = entry - PERSONA_TLS_ENTRY_MIN;

	if ((sel & 7) != 3 || entry < PERSONA_TLS_ENTRY_MIN || i >= PERSONA_TLS_ENTRIES)
		return 0;
	if (t == &persona_main_thread && persona_process.mode == PERSONA_MODE_I386) {
		/* %gs holds no slot of ours (the program loaded the GDT-style
		 * selector itself): the thread is the one with this tid */
		int32_t tid = (int32_t)nsys0(__NR_gettid);
		struct persona_thread *other = tid != t->tid ? persona_thread_by_tid(tid) : NULL;
		if (other)
			t = other;
	}
	if (!t->tls_slot[i] || desc_is_empty(entry_desc(t, entry)))
		return 0;
	return (uint16_t)(t->tls_slot[i] << 3 | 7);     /* TI: the LDT, RPL 3 */
}

/* An entry number as a caller may give it: 12..14, or the LDT slot that
 * stands in for one of them in this thread (%gs >> 3, as glibc computes
 * it). Returns the entry, or 0. */
static uint32_t tls_entry(struct persona_thread *t, uint32_t n)
{
	if (n >= PERSONA_TLS_ENTRY_MIN && n < PERSONA_TLS_ENTRY_MIN + PERSONA_TLS_ENTRIES)
		return n;
	for (uint32_t i = 0; i < PERSONA_TLS_ENTRIES; i++)
		if (t->tls_slot[i] && t->tls_slot[i] == n)
			return PERSONA_TLS_ENTRY_MIN + i;
	return 0;
}

/* Writes the i386 descriptor at udesc as the thread's TLS entry (in the
 * LDT slot standing in for it); with allocate, an entry_number of -1 picks
 * the first empty entry and is written back, as the kernel does. */
long persona_tls_install(uint32_t udesc, int allocate)
{
	struct persona_thread *t = current_thread();
	struct i386_user_desc d;
	uint32_t entry;
	long r;

	if (copy_from_user(&d, udesc, sizeof(d)) < 0)
		return -EFAULT;
	entry = d.entry_number;
	if (entry == (uint32_t)-1 && allocate) {
		for (entry = PERSONA_TLS_ENTRY_MIN; entry < PERSONA_TLS_ENTRY_MIN + PERSONA_TLS_ENTRIES; entry++)
			if (desc_is_empty(entry_desc(t, entry)))
				break;
		if (entry == PERSONA_TLS_ENTRY_MIN + PERSONA_TLS_ENTRIES)
			return -ESRCH;
		if (copy_to_user(udesc, &entry, sizeof(entry)) < 0)
			return -EFAULT;
	} else if (!(entry = tls_entry(t, entry))) {
		return -EINVAL;
	}
	uint32_t i = entry - PERSONA_TLS_ENTRY_MIN;
	if (!t->tls_slot[i] && t != &persona_main_thread) {
		/* a thread has one LDT slot, for the entry its clone set */
		plog("set_thread_area: a second TLS entry (%u) in a thread is not supported: -ESRCH", entry);
		return -ESRCH;
	}
	if (!t->tls_slot[i])    /* the main thread: the LDT slot of the same number */
		t->tls_slot[i] = (uint16_t)entry;
	d.flags &= ~UD_LM;
	struct i386_user_desc ld = d;
	ld.entry_number = t->tls_slot[i];
	r = nsys3(__NR_modify_ldt, 0x11, &ld, sizeof(ld));
	if (r < 0)
		return r;
	d.entry_number = entry;
	*entry_desc(t, entry) = d;
	persona_thread_by_slot[t->tls_slot[i]] = t;
	return 0;
}

/* A new thread's TLS (clone's CLONE_SETTLS): the i386 struct user_desc at
 * udesc names an entry as the parent sees it (glibc passes %gs >> 3, the
 * parent's LDT slot); the descriptor goes into the child's own LDT slot.
 * Returns the selector the child loads into %gs, or -errno. */
long persona_tls_for_thread(struct persona_thread *parent, struct persona_thread *child,
			    uint32_t udesc, uint16_t slot)
{
	struct i386_user_desc d, ld;
	uint32_t entry;
	long r;

	if (copy_from_user(&d, udesc, sizeof(d)) < 0)
		return -EFAULT;
	if (!(entry = tls_entry(parent, d.entry_number)))
		return -EINVAL;
	d.flags &= ~UD_LM;
	ld = d;
	ld.entry_number = slot;
	r = nsys3(__NR_modify_ldt, 0x11, &ld, sizeof(ld));
	if (r < 0)
		return r;
	d.entry_number = entry;
	memset(child->tls_slot, 0, sizeof(child->tls_slot));
	memset(child->tls_desc, 0, sizeof(child->tls_desc));
	child->tls_slot[entry - PERSONA_TLS_ENTRY_MIN] = slot;
	*entry_desc(child, entry) = d;
	return slot << 3 | 7;   /* TI: the LDT, RPL 3 */
}

XL(set_thread_area)
{
	return persona_tls_install(ARG0(f), 1);
}

XL(get_thread_area)
{
	struct persona_thread *t = current_thread();
	struct i386_user_desc d;
	uint32_t entry;

	if (copy_from_user(&entry, ARG0(f), sizeof(entry)) < 0)
		return -EFAULT;
	if (!(entry = tls_entry(t, entry)))
		return -EINVAL;
	d = *entry_desc(t, entry);
	if (desc_is_empty(&d)) {
		memset(&d, 0, sizeof(d));
		d.flags = UD_EMPTY_VALUE;
	}
	d.entry_number = entry;
	return copy_to_user(ARG0(f), &d, sizeof(d)) < 0 ? -EFAULT : 0;
}

XL(modify_ldt)
{
	uint32_t func = ARG0(f);

	if (func == 1 || func == 0x11) {
		struct i386_user_desc d;
		if (ARG2(f) != sizeof(d))
			return -EINVAL;
		if (copy_from_user(&d, ARG1(f), sizeof(d)) < 0)
			return -EFAULT;
		d.flags &= ~UD_LM;      /* not a bit a 32-bit caller has */
		return nsys3(__NR_modify_ldt, func, &d, sizeof(d));
	}
	/* reads: the same layout natively; the buffer is i386 memory */
	return nsys3(__NR_modify_ldt, func, wide_u32(ARG1(f)), wide_u32(ARG2(f)));
}
