/* personality/c/rt/procself.h — the program's own /proc files (procself.c). */
#ifndef PERSONA_PROCSELF_H
#define PERSONA_PROCSELF_H

#include <stdint.h>

/* Called with the program's initial esp before its first instruction:
 * keeps where its arguments lie and a copy of its auxiliary vector. */
void persona_procself_init(uint32_t esp);
/* For the open calls: 1 when upath is one of the program's own /proc
 * files that must describe the program rather than persona (exe, cmdline,
 * auxv), with the answer (a descriptor or -errno) in *result; 0 when the
 * open should go ahead as asked. */
int persona_procself_open(long dfd, uint32_t upath, int32_t flags, uint32_t mode, long *result);

#endif
