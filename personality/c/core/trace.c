/* personality/c/core/trace.c — persona run --trace: one strace-style line per
 * call, "name(args) = result", each argument printed by its type in the
 * table (signed, unsigned, pointer, descriptor, 64-bit pair). */
#include "core/persona.h"
#include "core/sysent_types.h"

#define ERRNO_MAX 4095

static int put_arg(char *out, size_t n, const struct sysent *e, const uint32_t reg[6], uint32_t *i)
{
	uint32_t v = reg[*i];

	switch (e->types[*i]) {
	case T_S32:
	case T_FD:
		return psnprintf(out, n, "%d", (int32_t)v);
	case T_PTR:
		return v ? psnprintf(out, n, "0x%x", v) : psnprintf(out, n, "NULL");
	case T_LO:
		(*i)++;
		return psnprintf(out, n, "%lld", (long long)wide_pair(v, reg[*i]));
	case T_HL:
		(*i)++;
		return psnprintf(out, n, "%lld", (long long)wide_pair(reg[*i], v));
	default:
		return psnprintf(out, n, "%u", v);
	}
}

void persona_trace(struct i386_frame *f, long result)
{
	const struct sysent *e = persona_lookup(f->nr);
	const uint32_t reg[6] = { f->ebx, f->ecx, f->edx, f->esi, f->edi, f->ebp };
	char line[400];
	int len;

	if (!e) {
		pout("syscall_%u(0x%x, 0x%x, 0x%x, 0x%x, 0x%x, 0x%x) = %ld", f->nr,
		     reg[0], reg[1], reg[2], reg[3], reg[4], reg[5], result);
		return;
	}
	len = psnprintf(line, sizeof(line), "%s(", e->name);
	for (uint32_t i = 0; i < e->nargs && len < (int)sizeof(line) - 40; i++) {
		if (i)
			len += psnprintf(line + len, sizeof(line) - len, ", ");
		len += put_arg(line + len, sizeof(line) - len, e, reg, &i);
	}
	if (result < 0 && result >= -ERRNO_MAX)
		pout("%s) = -1 (errno %ld)", line, -result);
	else
		pout("%s) = %ld", line, result);
}
