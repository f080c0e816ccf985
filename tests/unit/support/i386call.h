/* tests/unit/support/i386call.h — drive the translator from a 64-bit test.
 *
 *   k32()  the same i386 call through the kernel's own ia32 layer
 *          (int $0x80 from 64-bit code; pointers must be below 4 GiB)
 *   p32()  the call through the translator (persona_syscall, WAY_DIRECT)
 * Differential tests compare the two: results and the bytes they write.
 */
#ifndef TEST_I386CALL_H
#define TEST_I386CALL_H

#include <stddef.h>
#include <stdint.h>

long k32(long nr, long a, long b, long c, long d, long e, long f);
long p32(long nr, long a, long b, long c, long d, long e, long f);
/* 1 if the kernel has an int $0x80 gate for 64-bit processes (ia32 layer). */
int  k32_available(void);
/* 32-bit code runs in the kernel's segment 0x23 (persona doctor's cs32-gdt) */
int  cs32_available(void);
/* A zeroed buffer below 4 GiB (MAP_32BIT); never freed, tests are short. */
void *lowmem(size_t size);
/* An i386 pointer to a low buffer. */
#define LOW(p) ((long)(uint32_t)(uintptr_t)(p))
/* An address below 4 GiB that is certainly unmapped. */
uint32_t unmapped_low(void);
/* Installs the SIGSEGV fix-up (persona_fault_fixup) so -EFAULT paths work.
 * Call it inside each test body that may fault: cmocka installs its own
 * SIGSEGV handler around every test. */
void persona_test_init(void);

#endif
