/* sys/doctor/doctor.c — persona doctor: what this host can do.
 *
 *   persona doctor                 one line per capability, then a verdict;
 *                                  exit 0 if persona run can run i386
 *                                  programs here, 1 if not
 *   persona doctor --need CAP,...  quiet: exit 0 if the host has every CAP,
 *                                  else print the line of each missing one
 *                                  and exit 1 (the tests' skip reasons);
 *                                  CAP "cs32" is either code segment
 */
#include <stdio.h>
#include <string.h>

#include "sys/persona.h"
#include "sys/doctor/hostcaps.h"

static void line(enum hostcap c, int have, const char *why)
{
	printf("  %-46s %-3s  %s\n", hostcap_what(c), have ? "yes" : "no", why);
}

/* Each missing capability's line, for a caller's skip reason. */
static int need(char *list)
{
	int missing = 0;
	char why[768];

	for (char *name = strtok(list, ","); name; name = strtok(NULL, ",")) {
		if (strcmp(name, HOSTCAP_ANY_CS32) && hostcap_by_name(name) == HOSTCAP_COUNT) {
			fprintf(stderr, "persona doctor: unknown capability '%s' (known: %s", name, HOSTCAP_ANY_CS32);
			for (unsigned i = 0; i < HOSTCAP_COUNT; i++)
				fprintf(stderr, ", %s", hostcap_name((enum hostcap)i));
			fprintf(stderr, ")\n");
			return 2;
		}
		if (!hostcap_need(name, why, sizeof why)) {
			printf("%s\n", why);
			missing = 1;
		}
	}
	return missing;
}

int cmd_doctor(int argc, char **argv)
{
	char why[512];

	if (argc == 3 && !strcmp(argv[1], "--need"))
		return need(argv[2]);
	if (argc != 1) {
		fprintf(stderr, "usage: persona doctor [--need CAP[,CAP...]]\n");
		return 2;
	}
	printf("persona doctor: what this host can do\n");
	for (unsigned i = 0; i < HOSTCAP_COUNT; i++) {
		int have = hostcap_probe((enum hostcap)i, why, sizeof why);
		line((enum hostcap)i, have, why);
	}
	unsigned cs = hostcap_cs32(why, sizeof why);
	if (cs == 0x23)
		printf("verdict: persona run can run i386 programs here, in the kernel's 32-bit code segment 0x23\n");
	else if (cs)
		printf("verdict: persona run can run i386 programs here, in an LDT code segment (selector %#x)\n", cs);
	else
		printf("verdict: persona run cannot run i386 programs here: no 32-bit code segment runs 32-bit code "
		       "(`make check-vm` tests the i386 side in a VM)\n");
	return cs ? 0 : 1;
}
