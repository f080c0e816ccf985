/* sys/table.c — `persona table`: the generated table, as the image sees it. */
#include <stdio.h>
#include <string.h>

#include "sys/persona.h"

struct row {
	unsigned nr;
	const char *name, *kind, *target, *reason;
	int tnr;
};

static const struct row rows[] = {
#define SYSENT(nr, name, kind, target, tnr, reason, line, ...) \
	{ nr, #name, #kind, #target, reason, tnr },
#include "sysent.h"
#undef SYSENT
};

static const char *const kinds[] = { "PASS", "XLATE", "EMUL", "UNIMPL" };

int cmd_table(int argc, char **argv)
{
	int summary = argc > 1 && !strcmp(argv[1], "--summary");
	unsigned count[4] = { 0 };

	if (argc > 2 || (argc == 2 && !summary)) {
		fprintf(stderr, "usage: persona table [--summary]\n");
		return 2;
	}
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		for (int k = 0; k < 4; k++)
			if (!strcmp(r->kind, kinds[k]))
				count[k]++;
		if (summary)
			continue;
		if (r->tnr >= 0)
			printf("%4u  %-24s %-6s  %s (%d)\n", r->nr, r->name, r->kind, r->target, r->tnr);
		else
			printf("%4u  %-24s %-6s  -%s%s\n", r->nr, r->name, r->kind,
			       *r->reason ? "  " : "", r->reason);
	}
	if (summary) {
		printf("rows: %zu\n", sizeof(rows) / sizeof(rows[0]));
		for (int k = 0; k < 4; k++)
			printf("%s: %u\n", kinds[k], count[k]);
	}
	return 0;
}
