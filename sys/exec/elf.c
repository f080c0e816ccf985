/* sys/exec/elf.c — reading and mapping ELF files, both classes.
 *
 * Every field that decides a read or a mapping is checked against the file
 * first: a truncated or malformed file gets a one-line reason, never a crash
 * or a partial mapping reported as success.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sys/exec/loader.h"

#define PAGE 4096ull
#define PAGE_DOWN(x) ((x) & ~(PAGE - 1))
#define PAGE_UP(x)   (((x) + PAGE - 1) & ~(PAGE - 1))

static int fail(char *err, size_t n, const char *msg)
{
	snprintf(err, n, "%s", msg);
	return -1;
}

static int read_at(int fd, void *buf, size_t n, uint64_t off)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = pread(fd, (char *)buf + got, n - got, (off_t)(off + got));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	return 0;
}

static const char *machine_name(uint16_t m)
{
	switch (m) {
	case EM_386: return "i386";
	case EM_X86_64: return "x86-64";
	case EM_AARCH64: return "aarch64";
	case EM_ARM: return "arm";
	case EM_RISCV: return "riscv";
	case EM_PPC64: return "ppc64";
	case EM_S390: return "s390";
	default: return NULL;
	}
}

int elf_open(struct elf_file *e, const char *path, char *err, size_t errlen, int *errno_out)
{
	unsigned char ident[EI_NIDENT];
	struct stat st;

	memset(e, 0, sizeof(*e));
	e->path = path;
	*errno_out = 0;
	e->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (e->fd < 0) {
		*errno_out = errno;
		return fail(err, errlen, strerror(errno));
	}
	if (fstat(e->fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		*errno_out = S_ISDIR(st.st_mode) ? EISDIR : EACCES;
		return fail(err, errlen, S_ISDIR(st.st_mode) ? "is a directory" : "not a regular file");
	}
	e->size = (uint64_t)st.st_size;
	if (read_at(e->fd, ident, sizeof(ident), 0) < 0 || memcmp(ident, ELFMAG, SELFMAG))
		return fail(err, errlen, e->size < SELFMAG ? "not an ELF file (too short)" : "not an ELF file");
	if (ident[EI_DATA] != ELFDATA2LSB)
		return fail(err, errlen, "unsupported ELF file: not little-endian");
	e->osabi = ident[EI_OSABI];

	/* The two classes differ only in field widths: one body for both. */
#define READ_EHDR(Ehdr, Phdr, nbits)                                                        \
	do {                                                                                \
		Ehdr h;                                                                     \
		if (read_at(e->fd, &h, sizeof(h), 0) < 0)                                   \
			return fail(err, errlen, "truncated ELF file (header)");            \
		e->bits = (nbits);                                                          \
		e->type = h.e_type;                                                         \
		e->machine = h.e_machine;                                                   \
		e->entry = h.e_entry;                                                       \
		e->phoff = h.e_phoff;                                                       \
		e->phnum = h.e_phnum;                                                       \
		e->phentsize = h.e_phentsize;                                               \
		if (e->phentsize != sizeof(Phdr) && e->phnum)                               \
			return fail(err, errlen, "malformed ELF file: bad program header size"); \
	} while (0)
	if (ident[EI_CLASS] == ELFCLASS32) {
		READ_EHDR(Elf32_Ehdr, Elf32_Phdr, 32);
	} else if (ident[EI_CLASS] == ELFCLASS64) {
		READ_EHDR(Elf64_Ehdr, Elf64_Phdr, 64);
	} else {
		return fail(err, errlen, "unsupported ELF class");
	}
#undef READ_EHDR

	if (!((e->bits == 32 && e->machine == EM_386) || (e->bits == 64 && e->machine == EM_X86_64))) {
		const char *m = machine_name(e->machine);
		snprintf(err, errlen, "unsupported machine: %d-bit %s (persona runs i386 and x86-64 programs)",
			 e->bits, m ? m : "unknown");
		return -1;
	}
	if (e->type != ET_EXEC && e->type != ET_DYN)
		return fail(err, errlen, "not an executable ELF file (relocatable object or core dump)");
	if (!e->phnum || e->phnum > ELF_MAX_PHDRS)
		return fail(err, errlen, "malformed ELF file: no or too many program headers");
	if (e->phoff > e->size || (uint64_t)e->phnum * e->phentsize > e->size - e->phoff)
		return fail(err, errlen, "truncated ELF file (program headers)");

	int loads = 0;
	for (unsigned i = 0; i < e->phnum; i++) {
		struct elf_seg *s = &e->ph[i];
		if (e->bits == 32) {
			Elf32_Phdr p;
			if (read_at(e->fd, &p, sizeof(p), e->phoff + (uint64_t)i * sizeof(p)) < 0)
				return fail(err, errlen, "truncated ELF file (program headers)");
			*s = (struct elf_seg){ p.p_type, p.p_flags, p.p_offset, p.p_vaddr, p.p_filesz, p.p_memsz };
		} else {
			Elf64_Phdr p;
			if (read_at(e->fd, &p, sizeof(p), e->phoff + (uint64_t)i * sizeof(p)) < 0)
				return fail(err, errlen, "truncated ELF file (program headers)");
			*s = (struct elf_seg){ p.p_type, p.p_flags, p.p_offset, p.p_vaddr, p.p_filesz, p.p_memsz };
		}
		if (s->type == PT_LOAD) {
			loads++;
			if (s->filesz > s->memsz || (s->offset & (PAGE - 1)) != (s->vaddr & (PAGE - 1)))
				return fail(err, errlen, "malformed ELF file: bad PT_LOAD segment");
			if (s->offset > e->size || s->filesz > e->size - s->offset)
				return fail(err, errlen, "truncated ELF file (segment data missing)");
			if (e->bits == 32 && s->vaddr + s->memsz > 0x100000000ull)
				return fail(err, errlen, "malformed ELF file: segment beyond 4 GiB");
		} else if (s->type == PT_INTERP) {
			if (!s->filesz || s->filesz >= sizeof(e->interp) || s->offset > e->size ||
			    s->filesz > e->size - s->offset ||
			    read_at(e->fd, e->interp, s->filesz, s->offset) < 0)
				return fail(err, errlen, "malformed ELF file: bad PT_INTERP");
			e->interp[s->filesz] = 0;
			if (strlen(e->interp) != s->filesz - 1)
				return fail(err, errlen, "malformed ELF file: bad PT_INTERP");
		}
	}
	if (!loads)
		return fail(err, errlen, "malformed ELF file: nothing to load");
	return 0;
}

void elf_close(struct elf_file *e)
{
	if (e->fd >= 0)
		close(e->fd);
	e->fd = -1;
}

uint64_t elf_span(const struct elf_file *e, uint64_t *lo_out)
{
	uint64_t lo = ~0ull, hi = 0;

	for (unsigned i = 0; i < e->phnum; i++) {
		const struct elf_seg *s = &e->ph[i];
		if (s->type != PT_LOAD)
			continue;
		if (PAGE_DOWN(s->vaddr) < lo)
			lo = PAGE_DOWN(s->vaddr);
		if (PAGE_UP(s->vaddr + s->memsz) > hi)
			hi = PAGE_UP(s->vaddr + s->memsz);
	}
	*lo_out = lo;
	return hi - lo;
}

static int prot_of(uint32_t flags)
{
	return (flags & PF_R ? PROT_READ : 0) | (flags & PF_W ? PROT_WRITE : 0) |
	       (flags & PF_X ? PROT_EXEC : 0);
}

int elf_map(struct elf_file *e, uint64_t base, struct elf_loaded *out, char *err, size_t errlen)
{
	uint64_t lo, span = elf_span(e, &lo), bias = 0;
	void *want, *got;

	memset(out, 0, sizeof(*out));
	/* Reserve the whole span first, never replacing anything: an ET_EXEC
	 * overlapping the loader or the image fails here, cleanly. */
	if (e->type == ET_EXEC) {
		want = (void *)(uintptr_t)lo;
		got = mmap(want, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE | MAP_NORESERVE, -1, 0);
	} else if (base) {
		want = (void *)(uintptr_t)base;
		got = mmap(want, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE | MAP_NORESERVE, -1, 0);
	} else {
		want = NULL;
		got = mmap(NULL, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	}
	if (got == MAP_FAILED || (want && got != want)) {
		snprintf(err, errlen, "cannot map %#llx bytes at %#llx: %s", (unsigned long long)span,
			 (unsigned long long)(uintptr_t)want, got == MAP_FAILED ? strerror(errno) : "address in use");
		return -1;
	}
	if (e->type == ET_DYN)
		bias = (uint64_t)(uintptr_t)got - lo;

	for (unsigned i = 0; i < e->phnum; i++) {
		const struct elf_seg *s = &e->ph[i];
		if (s->type != PT_LOAD || !s->memsz)
			continue;
		uint64_t start = PAGE_DOWN(s->vaddr + bias);
		uint64_t file_end = s->vaddr + bias + s->filesz;
		uint64_t mem_end = PAGE_UP(s->vaddr + bias + s->memsz);
		int prot = prot_of(s->flags);

		if (s->filesz) {
			uint64_t len = file_end - start;
			if (mmap((void *)(uintptr_t)start, len, prot | (s->memsz > s->filesz ? PROT_WRITE : 0),
				 MAP_PRIVATE | MAP_FIXED, e->fd, (off_t)PAGE_DOWN(s->offset)) == MAP_FAILED) {
				snprintf(err, errlen, "cannot map a segment: %s", strerror(errno));
				return -1;
			}
			/* the rest of the last file page is bss: zero it */
			if (s->memsz > s->filesz && (file_end & (PAGE - 1)))
				memset((void *)(uintptr_t)file_end, 0, PAGE_UP(file_end) - file_end);
			if (s->memsz > s->filesz && !(prot & PROT_WRITE))
				mprotect((void *)(uintptr_t)start, PAGE_UP(file_end) - start, prot);
			start = PAGE_UP(file_end);
		}
		if (mem_end > start &&
		    mmap((void *)(uintptr_t)start, mem_end - start, prot,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED) {
			snprintf(err, errlen, "cannot map bss: %s", strerror(errno));
			return -1;
		}
		if (s->offset <= e->phoff && e->phoff + (uint64_t)e->phnum * e->phentsize <= s->offset + s->filesz)
			out->phdr = s->vaddr + bias + (e->phoff - s->offset);
		if (mem_end > out->brk)
			out->brk = mem_end;
	}
	for (unsigned i = 0; i < e->phnum; i++)
		if (e->ph[i].type == PT_PHDR)
			out->phdr = e->ph[i].vaddr + bias;
	out->bias = bias;
	out->lo = lo + bias;
	out->hi = lo + bias + span;
	out->entry = e->entry + bias;
	return 0;
}
