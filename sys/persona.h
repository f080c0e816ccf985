/* sys/persona.h — the native side's shared declarations. */
#ifndef PERSONA_SYS_H
#define PERSONA_SYS_H

#include <stddef.h>

/* Every subcommand of the CLI; a layer that is not linked in leaves its
 * commands out of the usage text. */
#define PERSONA_COMMANDS(X) X(run) X(doctor) X(table) X(install) X(list) X(bench) X(report) X(tune) X(compare) X(binfmt)

#define CMD_DECL(name) int cmd_##name(int argc, char **argv);
PERSONA_COMMANDS(CMD_DECL)
#undef CMD_DECL

/* binfmt_misc's interpreter entry (sys/binfmt.c) */
int persona_binfmt_entry(int argc, char **argv);
/* Moves this process into a user and mount namespace of its own where
 * binfmt_misc sends every i386 program to persona (nothing to do where
 * that is so already). 0, or -1 with the reason in why. */
int binfmt_private_setup(char *why, size_t len);

#endif
