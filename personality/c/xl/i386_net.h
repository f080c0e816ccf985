/* personality/c/xl/i386_net.h — i386 layouts of the socket message structures.
 *
 * Pointers and size_t are 32 bits; a cmsghdr is 12 bytes and its data is
 * aligned to 4 (the kernel's compat_cmsghdr, CMSG_COMPAT_ALIGN), where
 * x86-64's is 16 bytes aligned to 8.
 */
#ifndef PERSONA_I386_NET_H
#define PERSONA_I386_NET_H

#include <stddef.h>
#include <stdint.h>
#include "core/i386_types.h"         /* struct i386_iovec, struct native_iovec */

_Static_assert(sizeof(struct i386_iovec) == 8, "i386 compat_iovec");

struct i386_msghdr {
	uint32_t msg_name;
	int32_t  msg_namelen;
	uint32_t msg_iov;
	uint32_t msg_iovlen;
	uint32_t msg_control;
	uint32_t msg_controllen;
	uint32_t msg_flags;
};
_Static_assert(sizeof(struct i386_msghdr) == 28, "i386 compat_msghdr");
_Static_assert(offsetof(struct i386_msghdr, msg_controllen) == 20, "i386 msghdr");

struct i386_mmsghdr {
	struct i386_msghdr msg_hdr;
	uint32_t msg_len;
};
_Static_assert(sizeof(struct i386_mmsghdr) == 32, "i386 compat_mmsghdr");

struct i386_cmsghdr {
	uint32_t cmsg_len;
	int32_t  cmsg_level;
	int32_t  cmsg_type;
};
_Static_assert(sizeof(struct i386_cmsghdr) == 12, "i386 compat_cmsghdr");
#define I386_CMSG_ALIGN(len) (((len) + 3u) & ~3u)

/* SO_ATTACH_FILTER's argument: a u16 count, then a 32-bit pointer */
struct i386_sock_fprog {
	uint16_t len;
	uint32_t filter;
};
_Static_assert(sizeof(struct i386_sock_fprog) == 8, "i386 compat_sock_fprog");

/* MCAST_* group requests: the sockaddr_storage is only 4-aligned */
struct i386_group_req {
	uint32_t gr_interface;
	uint8_t  gr_group[128];
} __attribute__((packed, aligned(4)));
_Static_assert(sizeof(struct i386_group_req) == 132, "i386 compat_group_req");

struct i386_group_source_req {
	uint32_t gsr_interface;
	uint8_t  gsr_group[128];
	uint8_t  gsr_source[128];
} __attribute__((packed, aligned(4)));
_Static_assert(sizeof(struct i386_group_source_req) == 260, "i386 compat_group_source_req");

/* Native (x86-64) counterparts. */
_Static_assert(sizeof(struct native_iovec) == 16, "x86-64 iovec");

struct native_msghdr {
	uint64_t msg_name;
	int32_t  msg_namelen;
	uint64_t msg_iov;
	uint64_t msg_iovlen;
	uint64_t msg_control;
	uint64_t msg_controllen;
	uint32_t msg_flags;
};
_Static_assert(sizeof(struct native_msghdr) == 56, "x86-64 msghdr");

struct native_cmsghdr {
	uint64_t cmsg_len;
	int32_t  cmsg_level;
	int32_t  cmsg_type;
};
#define NATIVE_CMSG_ALIGN(len) (((len) + 7ul) & ~7ul)

#endif
