/* sys/exec/loader.h — the userland ELF loader's internal interface.
 *
 * The kernel never loads an i386 program here (it may have no ia32 layer):
 * persona maps the program, its interpreter and the personality image
 * itself, builds the initial stack, and enters the program through the
 * image. Errors are one line naming the file, written by the caller.
 */
#ifndef PERSONA_LOADER_H
#define PERSONA_LOADER_H

#include <stddef.h>
#include <stdint.h>

#define ELF_MAX_PHDRS 64

struct elf_seg {
	uint32_t type, flags;
	uint64_t offset, vaddr, filesz, memsz;
};

/* An opened, checked ELF file. */
struct elf_file {
	const char *path;
	int      fd;
	int      bits;          /* 32 or 64 */
	uint8_t  osabi;
	uint16_t type, machine;
	uint64_t entry, phoff;
	uint16_t phnum, phentsize;
	uint64_t size;          /* of the file */
	struct elf_seg ph[ELF_MAX_PHDRS];
	char     interp[4096];  /* PT_INTERP, or "" */
};

/* Where a file landed. */
struct elf_loaded {
	uint64_t bias;          /* added to every p_vaddr */
	uint64_t lo, hi;        /* mapped range, page-aligned */
	uint64_t entry;         /* e_entry + bias */
	uint64_t phdr;          /* address of the program headers in memory, or 0 */
	uint64_t brk;           /* page-aligned end of the highest segment */
};

/* Opens and checks path. 0, or -1 with a message in err ("not an ELF
 * file", ...); errno_out gets the errno of a failed open (ENOENT...). */
int  elf_open(struct elf_file *e, const char *path, char *err, size_t errlen, int *errno_out);
void elf_close(struct elf_file *e);
/* Maps the PT_LOAD segments. ET_EXEC at their addresses; ET_DYN at base
 * (or, if base is 0, wherever the kernel finds room). 0 or -1 with err. */
int  elf_map(struct elf_file *e, uint64_t base, struct elf_loaded *out, char *err, size_t errlen);
/* Span of the PT_LOAD segments, page-aligned (lo, and size). */
uint64_t elf_span(const struct elf_file *e, uint64_t *lo);

/* The initial stack: argv, envp and auxv per the ABI of the given width. */
struct stack_args {
	int bits;                       /* 32 or 64 */
	uint64_t lo, hi;                /* the stack mapping */
	int argc;
	char *const *argv;
	char *const *envp;
	const char *execfn;
	const char *platform;           /* AT_PLATFORM string or NULL */
	uint64_t auxv[64][2];           /* type, value; strings are filled in */
	int nauxv;
};
/* Returns the stack pointer (argc on top), or 0 when the stack is too small. */
uint64_t stack_build(struct stack_args *s);

/* Registry (sys/registry.c): the image file for a program's ELF class,
 * machine and OS ABI. 0 and the path in out, or -1. */
int registry_find(int bits, uint16_t machine, uint8_t osabi, char *out, size_t outlen);
/* After a failed registry_find: why an image found was not usable, or NULL. */
const char *registry_rejected(void);

#endif
