/* tests/e2e/src/tls_selector.c — the TLS selector glibc loaded into %gs,
 * and what get_thread_area answers for the entry glibc asked for.
 *
 * Natively %gs is 0x63: GDT entry 12, the first TLS entry. Under persona
 * it is 0x67, the same index in the LDT: x86-64 gives a 64-bit process no
 * GDT TLS entries, so the personality backs each entry with an LDT slot
 * (docs/differences.md). The first line shows that difference; the rest
 * must be the same both ways. */
#include <asm/ldt.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define SEL_TI_LDT 4    /* the table indicator bit of a selector */
#define SEL_RPL    3

int main(void)
{
	uint16_t gs;
	uint32_t tp;
	struct user_desc d;

	__asm__ volatile("movw %%gs, %0" : "=r"(gs));
	__asm__ volatile("movl %%gs:0, %0" : "=r"(tp));
	printf("gs %#x: %s entry %d\n", gs, (gs & SEL_TI_LDT) ? "LDT" : "GDT", gs >> 3);
	printf("privilege level %d\n", gs & SEL_RPL);
	memset(&d, 0, sizeof(d));
	d.entry_number = gs >> 3;
	long r = syscall(SYS_get_thread_area, &d);
	printf("get_thread_area(%d): %s\n", gs >> 3, r == 0 ? "ok" : "failed");
	printf("base is the thread pointer: %s\n", d.base_addr == tp ? "yes" : "no");
	printf("32-bit, limit in pages, useable: %d %d %d, limit %#x\n",
	       d.seg_32bit, d.limit_in_pages, d.useable, d.limit);
	return 0;
}
