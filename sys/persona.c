/* sys/persona.c — the persona command: a table of subcommands.
 *
 * Each subcommand is `int cmd_<name>(int argc, char **argv)` in the file of
 * the layer it belongs to (the loader, the registry, the benchmarks); argv[0]
 * is the subcommand's name.
 */
#include <stdio.h>
#include <string.h>

#include "sys/persona.h"

#define CMD(name) int cmd_##name(int argc, char **argv) __attribute__((weak));
PERSONA_COMMANDS(CMD)
#undef CMD

struct command {
	const char *name;
	const char *usage;
	int (*fn)(int argc, char **argv);
};

static const struct command commands[] = {
	{ "run",     "run [--trace] [--stats] [--no-patch] [--patch=page0] [--seccomp] [--reflect=always|startup]\n"
		     "              [--log FILE|stderr] [--ldt-cs] [--argv0 NAME] [--descendants=auto|private|native]\n"
		     "              [--] PROGRAM [ARGS...]", cmd_run },
	{ "doctor",  "doctor [--need CAP,...]      what this host can do; can persona run work here?", cmd_doctor },
	{ "table",   "table [--summary]            the i386 table: number, name, kind, x86-64 target", cmd_table },
	{ "install", "install NAME FILE            register a personality image", cmd_install },
	{ "list",    "list                         registered personality images", cmd_list },
	{ "bench",   "bench [--quick] [--events LIST|none] [--out DIR] [--only BENCH,...] [--paths PATH,...]", cmd_bench },
	{ "report",  "report DIR [DIR...]          rebuild a benchmark report (several: compare; two: with intervals)", cmd_report },
	{ "tune",    "tune [--quick] [--rounds N] [--workload FILE] [--out DIR] [--overlay FILE] [--lane i386|x86-64]", cmd_tune },
	{ "compare", "compare A.img B.img [--rounds N] [--lane L] [--out DIR]  two images in paired rounds", cmd_compare },
	{ "binfmt",  "binfmt install|remove|status  system-wide registration (binfmt_misc)", cmd_binfmt },
};

static int usage(FILE *to)
{
	fprintf(to, "usage: persona COMMAND [ARGS...]\n\n"
		"Runs unmodified Linux i386 programs with every system call handled in ring 3.\n\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (commands[i].fn)
			fprintf(to, "  persona %s\n", commands[i].usage);
	return to == stderr ? 2 : 0;
}

int main(int argc, char **argv)
{
	const char *self = strrchr(argv[0], '/');

	/* binfmt_misc starts us under the interpreter link's name */
	if (!strcmp(self ? self + 1 : argv[0], "persona-binfmt"))
		return persona_binfmt_entry(argc, argv);
	if (argc < 2)
		return usage(stderr);
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help"))
		return usage(stdout);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name) && commands[i].fn)
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "persona: unknown command '%s'\n", argv[1]);
	return usage(stderr);
}
