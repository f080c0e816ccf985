/* bench/lib/vdso_sym.h — a function of the vDSO (AT_SYSINFO_EHDR) by name
 * and version, without the dynamic loader: static programs and programs
 * that must call the vDSO itself (not libc's wrapper) use it.
 *
 * Reads the image's PT_DYNAMIC: the symbol and string tables, DT_HASH for
 * the symbol count, and the version tables. The load bias is the image's
 * address minus its first PT_LOAD's address (0 for a vDSO linked where it
 * is mapped, its address for the kernel's, linked at 0).
 */
#ifndef BENCH_VDSO_SYM_H
#define BENCH_VDSO_SYM_H

#include <elf.h>
#include <link.h>
#include <string.h>
#include <sys/auxv.h>

static inline void *vdso_sym(const char *name, const char *version)
{
	uintptr_t base = (uintptr_t)getauxval(AT_SYSINFO_EHDR), bias = 0;
	const ElfW(Ehdr) *eh = (const ElfW(Ehdr) *)base;
	const ElfW(Phdr) *ph;
	const ElfW(Dyn) *dyn = NULL;
	const ElfW(Sym) *sym = NULL;
	const ElfW(Word) *hash = NULL;
	const ElfW(Half) *versym = NULL;
	const ElfW(Verdef) *verdef = NULL;
	const char *str = NULL;
	int have_load = 0;

	if (!base || memcmp(eh->e_ident, ELFMAG, SELFMAG))
		return NULL;
	ph = (const ElfW(Phdr) *)(base + eh->e_phoff);
	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_LOAD && !have_load) {
			bias = base + ph[i].p_offset - ph[i].p_vaddr;
			have_load = 1;
		} else if (ph[i].p_type == PT_DYNAMIC) {
			dyn = (const ElfW(Dyn) *)(uintptr_t)ph[i].p_vaddr;
		}
	}
	if (!have_load || !dyn)
		return NULL;
	dyn = (const ElfW(Dyn) *)((uintptr_t)dyn + bias);
	for (; dyn->d_tag != DT_NULL; dyn++) {
		uintptr_t p = (uintptr_t)dyn->d_un.d_ptr + bias;
		switch (dyn->d_tag) {
		case DT_SYMTAB: sym = (const ElfW(Sym) *)p; break;
		case DT_STRTAB: str = (const char *)p; break;
		case DT_HASH:   hash = (const ElfW(Word) *)p; break;
		case DT_VERSYM: versym = (const ElfW(Half) *)p; break;
		case DT_VERDEF: verdef = (const ElfW(Verdef) *)p; break;
		}
	}
	if (!sym || !str || !hash)
		return NULL;
	for (ElfW(Word) i = 0; i < hash[1]; i++) {
		if (sym[i].st_shndx == SHN_UNDEF || ELF64_ST_TYPE(sym[i].st_info) != STT_FUNC ||
		    strcmp(str + sym[i].st_name, name))
			continue;
		if (version && versym && verdef) {
			const ElfW(Verdef) *d = verdef;
			const char *vname = NULL;
			for (;;) {
				if ((d->vd_ndx & 0x7fff) == (versym[i] & 0x7fff)) {
					const ElfW(Verdaux) *a = (const ElfW(Verdaux) *)((const char *)d + d->vd_aux);
					vname = str + a->vda_name;
					break;
				}
				if (!d->vd_next)
					break;
				d = (const ElfW(Verdef) *)((const char *)d + d->vd_next);
			}
			if (!vname || strcmp(vname, version))
				continue;
		}
		return (void *)(bias + sym[i].st_value);
	}
	return NULL;
}

#endif
