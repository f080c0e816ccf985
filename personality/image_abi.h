/* personality/image_abi.h — the contract between the loader and the image.
 *
 * The image is a freestanding ELF64 file linked at PERSONA_IMAGE_BASE. Its
 * first bytes there are struct persona_image_header: the loader (sys/exec)
 * maps the file, checks magic and version, and reaches the image only through
 * the entry points in the header. Shared with host code, so this header
 * depends on nothing but <stdint.h> and layout.h. What the image keeps for
 * itself is in personality/c/core/state.h and personality/c/rt/image.h.
 */
#ifndef PERSONA_IMAGE_ABI_H
#define PERSONA_IMAGE_ABI_H

#include <stdint.h>
#include "personality/layout.h"

#define PERSONA_IMAGE_MAGIC    0x31474d4941535250ULL   /* "PRSAIMG1" little-endian */
#define PERSONA_IMAGE_VERSION  4

/* One kind of program the image serves: ELF ident class and OS ABI, and
 * e_machine. */
struct persona_serves {
	uint8_t  ei_class;     /* ELFCLASS32 / ELFCLASS64 */
	uint8_t  ei_osabi;     /* ELFOSABI_SYSV / ELFOSABI_GNU */
	uint16_t e_machine;    /* EM_386 / EM_X86_64 */
};
#define PERSONA_SERVES_MAX 8

/* Program kinds the loader starts. */
#define PERSONA_MODE_I386   1   /* ELF32 i386: 32-bit code, every call through the gate */
#define PERSONA_MODE_X86_64 2   /* ELF64 x86-64: native calls; int $0x80 reflected */

/* What the loader hands the image's init (64-bit pointers into the
 * loader's memory; init copies what it keeps). */
/* modify_ldt's struct user_desc for the flat 32-bit code segment of the
 * process's LDT: the image makes it where the kernel offers no usable
 * __USER32_CS (or --ldt-cs asks), and persona doctor probes the same one. */
struct persona_ldt_desc {
	uint32_t entry_number, base_addr, limit, flags;
};
#define PERSONA_LDT_CS32_DESC { \
	.entry_number = PERSONA_LDT_CS32_SLOT, \
	.limit = 0xfffff, \
	/* seg_32bit, contents = code (2), limit_in_pages, useable */ \
	.flags = 0x1 | (2 << 1) | 0x10 | 0x40, \
}
#define PERSONA_LDT_CS32_SEL (PERSONA_LDT_CS32_SLOT << 3 | 7)

struct persona_init_args {
	uint32_t version;           /* PERSONA_IMAGE_VERSION */
	uint32_t mode;              /* PERSONA_MODE_* */
	/* persona run's options */
	uint32_t trace, stats, no_patch, seccomp;
	uint32_t reflect_startup;   /* --reflect=startup: SUD only until start-up is over */
	int32_t  log_fd;            /* the log's fd, or -1 for none (--log) */
	uint32_t ldt_cs;            /* --ldt-cs: 32-bit code in an LDT segment */
	uint32_t descendants_native; /* --descendants=native: passed on across execve */
	const char *log_path;       /* --log FILE, or NULL: passed on across execve */
	const char *persona_exe;    /* the persona binary (re-exec'd by execve) */
	const char *image_path;     /* the image file this process maps */
	const char *exe_path;       /* the program (what /proc/self/exe means to it) */
	/* the i386 address space the loader set up */
	uint32_t stack_lo, stack_hi;    /* the i386 stack */
	uint32_t brk_base;              /* page-aligned end of the program */
	uint32_t mmap_top;              /* the mmap area lies below this */
	uint32_t exe_lo, exe_hi;        /* the program's mapped range */
	uint32_t interp_lo, interp_hi;  /* the interpreter's, or 0, 0 */
	uint64_t entry;                 /* where the program starts */
};

struct persona_image_header {
	uint64_t magic;             /* PERSONA_IMAGE_MAGIC */
	uint32_t version;           /* PERSONA_IMAGE_VERSION */
	uint32_t header_size;       /* sizeof(struct persona_image_header) */
	uint64_t base, end;         /* [base, end): the image's memory, bss included */
	char     name[32];          /* the personality's name, e.g. "linux-i386" */
	uint32_t nserves;
	struct persona_serves serves[PERSONA_SERVES_MAX];
	/* long init(const struct persona_init_args *): 0 or -errno */
	uint64_t init;
	/* void start32(uint32_t entry, uint32_t esp): enters the i386 program
	 * (cs 0x23, ds=es=ss 0x2b); never returns */
	uint64_t start32;
	/* void start64(uint64_t entry, uint64_t rsp): enters an x86-64 program;
	 * never returns */
	uint64_t start64;
	uint64_t vdso, vdso_size;   /* the i386 vDSO (AT_SYSINFO_EHDR) */
	uint64_t sysinfo;           /* its __kernel_vsyscall (AT_SYSINFO) */
};

#endif
