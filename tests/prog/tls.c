/* tests/prog/tls.c — i386 segments: the TLS descriptor glibc set up,
 * set_thread_area/get_thread_area, a selector loaded into %fs the way
 * glibc loads %gs (entry << 3 | 3), modify_ldt, and arch_prctl's answers to
 * a 32-bit caller. */
#include <asm/ldt.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

static uint32_t tls_word = 0x5eed1234;
static uint32_t ldt_word = 0xc0ffee42;

static uint32_t read_fs0(void)
{
	uint32_t v;
	__asm__ volatile("movl %%fs:0, %0" : "=r"(v));
	return v;
}

int main(void)
{
	uint16_t gs;
	struct user_desc d;

	__asm__ volatile("movw %%gs, %0" : "=r"(gs));
	memset(&d, 0, sizeof(d));
	d.entry_number = gs >> 3;
	long r = syscall(SYS_get_thread_area, &d);
	uint32_t self;
	__asm__ volatile("movl %%gs:0, %0" : "=r"(self));
	printf("get_thread_area of %%gs: %s, base is the thread pointer: %s\n",
	       r == 0 ? "ok" : strerror(errno), d.base_addr == self ? "yes" : "no");

	/* a second TLS descriptor, loaded into %fs as glibc loads %gs */
	memset(&d, 0, sizeof(d));
	d.entry_number = -1;
	d.base_addr = (uint32_t)&tls_word;
	d.limit = 0xfffff;
	d.seg_32bit = 1;
	d.limit_in_pages = 1;
	d.useable = 1;
	r = syscall(SYS_set_thread_area, &d);
	printf("%%gs names entry %d; set_thread_area(-1): %s, entry %d\n", gs >> 3,
	       r == 0 ? "ok" : strerror(errno), (int)d.entry_number);
	uint16_t sel = (uint16_t)(d.entry_number << 3 | 3);
	__asm__ volatile("movw %0, %%fs" : : "r"(sel));
	printf("%%fs:0 through it: %#x\n", read_fs0());
	struct user_desc back = { .entry_number = d.entry_number };
	r = syscall(SYS_get_thread_area, &back);
	printf("get_thread_area: %s, same base: %s\n", r == 0 ? "ok" : strerror(errno),
	       back.base_addr == d.base_addr ? "yes" : "no");
	struct user_desc more = d;
	more.entry_number = -1;
	long r2 = syscall(SYS_set_thread_area, &more);
	printf("third entry: %s, entry %d\n", r2 == 0 ? "ok" : strerror(errno), (int)more.entry_number);
	more.entry_number = -1;
	r2 = syscall(SYS_set_thread_area, &more);
	printf("all entries taken: %s\n", r2 == 0 ? "ok" : strerror(errno));
	d.entry_number = 9999;
	printf("set_thread_area(9999): %s\n", syscall(SYS_set_thread_area, &d) == 0 ? "ok" : strerror(errno));
	printf("set_thread_area(bad pointer): %s\n", syscall(SYS_set_thread_area, (void *)16) == 0 ? "ok" : strerror(errno));

	/* an LDT entry of our own: selector 7 (LDT entry 0, RPL 3) */
	struct user_desc l = { .entry_number = 0, .base_addr = (uint32_t)&ldt_word, .limit = 0xfffff,
			       .seg_32bit = 1, .limit_in_pages = 1, .useable = 1 };
	r = syscall(SYS_modify_ldt, 1, &l, sizeof(l));
	printf("modify_ldt write: %s\n", r == 0 ? "ok" : strerror(errno));
	__asm__ volatile("movw %0, %%fs" : : "r"((uint16_t)7));
	printf("%%fs:0 through the LDT: %#x\n", read_fs0());
	uint8_t table[16];
	r = syscall(SYS_modify_ldt, 0, table, sizeof(table));
	printf("modify_ldt read: %ld bytes\n", r);
	__asm__ volatile("movw %0, %%fs" : : "r"((uint16_t)0));

	/* arch_prctl from 32-bit code: only the common options */
	printf("arch_prctl(ARCH_SET_FS): %s\n", syscall(SYS_arch_prctl, 0x1002, 0) == 0 ? "ok" : strerror(errno));
	printf("arch_prctl(ARCH_GET_CPUID): %ld\n", syscall(SYS_arch_prctl, 0x1011, 0));
	return 0;
}
