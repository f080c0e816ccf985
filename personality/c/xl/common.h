/* personality/c/xl/common.h — what the converters share across domains:
 * the helpers of xl/common.c, and the few that belong to one domain's
 * state but serve others (16-bit ids, rusage, the getdents cookie hashing,
 * the i386 address-space allocator).
 */
#ifndef PERSONA_XL_COMMON_H
#define PERSONA_XL_COMMON_H

#include "core/i386_types.h"

/* 16-bit ids (xl/proc.c) */
static inline uint16_t high2low_id(uint32_t id) { return id & ~0xffffu ? I386_OVERFLOW_ID : (uint16_t)id; }
static inline uint32_t low2high_id(uint16_t id) { return id == 0xffff ? 0xffffffffu : id; }

/* struct rusage → i386 (xl/proc.c): 0 or -EFAULT */
long put_i386_rusage(uint32_t uaddr, const struct native_rusage *r);

/* The count of a sysfs "possible" list: nr_cpu_ids, nr_node_ids (xl/common.c) */
uint32_t persona_possible_ids(const char *path);

/* A hashed ext4 directory that getdents has seen on this fd (xl/stat.c),
 * and an i386 (32-bit) cookie as the native position on it. */
int i386_hashdir(int fd);
int64_t i386_hashdir_pos(int64_t pos32);

/* iovec arrays (xl/common.c). An i386 array becomes a native one, on the
 * stack for short arrays, in a scratch mapping for long ones. */
#define IOV_LOCAL 16
struct iov_buf {
	struct native_iovec *iov;
	uint64_t mapped;                     /* bytes of scratch mapping, or 0 */
	struct native_iovec local[IOV_LOCAL];
};
/* 0, -EFAULT, or -EINVAL (too many, or a length over SSIZE_MAX of i386) */
long get_i386_iovec(struct iov_buf *b, uint32_t uiov, uint32_t n);
void put_iov_buf(struct iov_buf *b);

/* The i386 address-space allocator (xl/mem.c). */
/* A free range of len bytes below persona_mmap_top, reserved PROT_NONE
 * (callers map over it with MAP_FIXED); its address, or -errno. */
long persona_vm_reserve(uint32_t len);
/* Told of every range of the i386 space given back (munmap, mremap, brk,
 * shmdt): the allocator's memory of where the free space is may be stale.
 * len 0: the length is not known. */
void persona_vm_released(uint32_t addr, uint64_t len);
/* The end of the mapping that starts at start (from /proc/self/maps), or 0. */
uint64_t persona_vm_mapping_end(uint64_t start);

#endif
