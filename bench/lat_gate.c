/* bench/lat_gate.c — the personality's private gate call (PERSONA_NR_GATE),
 * answered in ring 3 with no native call: the cost of the way in alone.
 * Where nothing answers it (a kernel says -ENOSYS) the figure is not
 * applicable, and the record says why.
 * One source, built for every way in (lib/entry.h); the harness measures. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include "lib/entry.h"
#include "lib/harness.h"
#include "personality/persona_abi.h"

/* Any value will do: the gate returns ebx, so the probe can tell an
 * answer from an error. */
#define GATE_PROBE 0x5eed1234L

static void gate_loop(uint64_t iterations, void *cookie)
{
	(void)cookie;
	for (uint64_t i = 0; i < iterations; i++)
		bsys1(PERSONA_NR_GATE, GATE_PROBE);
}

int main(void)
{
	bench_init();
	long r = bsys1(PERSONA_NR_GATE, GATE_PROBE);
	if (r != GATE_PROBE) {
		char why[160];
		snprintf(why, sizeof why, "no personality gate on this path (call %d answered %ld%s%s)",
			 PERSONA_NR_GATE, r, r < 0 ? ": " : "", r < 0 ? bench_strerror(r) : "");
		bench_na("gate", 1, why);
		return 0;
	}
	struct bench_case c = { .bench = "gate", .batch = 1, .fn = gate_loop };
	bench_run(&c);
	return 0;
}
