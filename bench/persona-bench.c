/* bench/persona-bench.c — the benchmark driver as a program of its own:
 *   persona-bench bench [OPTIONS]     same as `persona bench`
 *   persona-bench report DIR [DIR...] same as `persona report`
 * The same code as the persona command's (bench/cli), usable while the
 * rest of the command is being built. */
#include <stdio.h>
#include <string.h>
#include "bench/cli/bench_cli.h"

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "bench"))
		return cmd_bench(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "report"))
		return cmd_report(argc - 1, argv + 1);
	fprintf(stderr, "usage: persona-bench bench [--quick] [--events LIST] [--out DIR] [--only BENCH,...]\n"
		"       persona-bench report DIR [DIR...]\n");
	return 2;
}
