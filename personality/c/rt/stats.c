/* personality/c/rt/stats.c — persona run --stats: what the program called and
 * how its calls came in, printed at exit to the log. */
#include "core/persona.h"
#include "reflect/reflect.h"
#include "core/sysent_types.h"
#include "rt/thread.h"

static const char *const way_names[WAY_COUNT] = {
	[WAY_SYSINFO] = "sysinfo",
	[WAY_PATCHED] = "patched",
	[WAY_REFLECTED] = "reflected",
	[WAY_INT80_64] = "int80-64",
	[WAY_DIRECT] = "direct",
};

/* thread.c: the counts of every thread together (each counts its own) */

void persona_stats_dump(void)
{
	const struct persona_stats *all = persona_stats_total();
	uint64_t total = 0, unknown = all->calls[ARRAY_SIZE(all->calls) - 1];

	if (!persona_opts.stats)
		return;
	pout("stats: calls by i386 number:");
	for (uint32_t slot = 0; slot < SYSENT_SLOTS; slot++) {
		uint64_t n = all->calls[slot];
		if (!n)
			continue;
		total += n;
		pout("stats:   %4u %s %llu", persona_sysent[slot].nr, persona_sysent[slot].name,
		     (unsigned long long)n);
	}
	if (unknown)
		pout("stats:   numbers beyond the table      %llu", (unsigned long long)unknown);
	pout("stats: total %llu", (unsigned long long)(total + unknown));
	pout("stats: refused %llu (ENOSYS, or a request or option with no i386 translation)",
	     (unsigned long long)all->refused);
	for (int w = 0; w < WAY_COUNT; w++)
		pout("stats: way %s %llu", way_names[w], (unsigned long long)all->way[w]);
	pout("stats: int $0x80 sites reflected %llu, patched %llu, left on reflection %llu",
	     (unsigned long long)persona_stats.sites_reflected, (unsigned long long)persona_stats.sites_patched,
	     (unsigned long long)(persona_stats.sites_reflected - persona_stats.sites_patched));
	if (persona_opts.reflect_startup)
		pout("stats: --reflect=startup: %s; sites rewritten ahead of their first call %llu, "
		     "guarded (fault, reflected) %llu",
		     persona_reflect_startup_ended() ?
		     (persona_process.mode == PERSONA_MODE_X86_64 ?
		      "no filter (x86-64 program: its sites were rewritten before it ran)" :
		      "SUD disarmed at the first call through the vDSO") :
		     persona_reflect_mode() == REFLECT_SUD ? "SUD still armed: no call came through the vDSO" :
		     "nothing to disarm (SUD was never armed: the kernel has no int $0x80 gate)",
		     (unsigned long long)persona_stats.sites_ahead, (unsigned long long)persona_stats.sites_guarded);
}
