/* personality/c/core/lfs.h — descriptors the program opened without O_LARGEFILE
 * (lfs.c says what the kernel does with them and how far this follows). */
#ifndef PERSONA_LFS_H
#define PERSONA_LFS_H

#include <stdint.h>
#include "core/frame.h"
#include "core/sysent_types.h"

/* How many descriptors are marked, and how many of them are regular files
 * (read by the asm fast path's FAST_ROUTINE too). */
extern volatile uint32_t persona_lfs_marked;
extern volatile uint32_t persona_lfs_reg_marked;

/* Whether a row with this lfs watch (struct sysent .lfs, the table's lfs=)
 * must go through persona_lfs_pass() now. */
static inline int persona_lfs_watching(unsigned watch)
{
	if (watch == LFS_WRITE)
		return persona_lfs_reg_marked != 0;
	return watch == LFS_FD && persona_lfs_marked != 0;
}

/* An open-like call without O_LARGEFILE (nor O_PATH) returned fd, whose
 * st_mode the caller has from its own fstat. */
void persona_lfs_opened(long fd, uint32_t st_mode);
/* F_GETFL must not show O_LARGEFILE for fd. */
int  persona_lfs_hidden(long fd);
/* to is now a duplicate of from; first..last are closed. */
void persona_lfs_dup(long from, long to);
void persona_lfs_closed(long first, long last);
/* Bytes a write of count at pos (-1: the file position) may write, or -EFBIG. */
long persona_lfs_room(long fd, int64_t pos, int append, uint64_t count);
/* Whether this call, with these i386 arguments, needs persona_lfs_pass()
 * (the rows the table marks lfs=, and only where a descriptor involved is
 * marked). */
int  persona_lfs_needed(uint32_t nr, const uint32_t *args);
int  persona_lfs_pass(const struct sysent *e, const struct i386_frame *f, long *res);

#endif
