# personality/image.mk — the personality image, its vDSO, installation.
#
# build/linux-i386.img: every object of $(PERS_LIB) (whole archive: the
# image is entered through its header, which names no member for the
# linker to pull in)
# plus the embedded i386 vDSO, linked at PERSONA_IMAGE_BASE by image.ld.
# `persona run` maps it from the registry, or from beside build/persona when
# nothing is registered.

IMAGE_NAME := linux-i386
IMAGE      := $(BUILD)/$(IMAGE_NAME).img
VDSO_DIR   := $(BUILD)/vdso
LAYOUT_H   := personality/layout.h personality/image_abi.h personality/c/core/state.h personality/c/rt/image.h personality/c/rt/vclock.h

# asm-offsets.inc carries the layout and the thread offsets too.
$(GEN)/asm-offsets.inc: $(LAYOUT_H)

# the i386 vDSO: nasm -f elf32, linked as a shared object at its fixed address
$(VDSO_DIR)/vdso.o: personality/vdso/vdso.asm $(GEN)/asm-offsets.inc $(GEN)/sysent.inc | $(BUILD)/.deps-ok
	@mkdir -p $(dir $@)
	$(NASM) -f elf32 -I$(GEN)/ -o $@ $<

$(VDSO_DIR)/vclock.o: personality/vdso/vclock.asm $(GEN)/asm-offsets.inc $(GEN)/sysent.inc | $(BUILD)/.deps-ok
	@mkdir -p $(dir $@)
	$(NASM) -f elf32 -I$(GEN)/ -o $@ $<

$(VDSO_DIR)/vdso.lds: personality/vdso/vdso.lds $(LAYOUT_H)
	@mkdir -p $(dir $@)
	$(CC) -E -P -x c -I. -o $@ $<

$(VDSO_DIR)/vdso.so: $(VDSO_DIR)/vdso.o $(VDSO_DIR)/vclock.o $(VDSO_DIR)/vdso.lds
	$(CC) -m32 -shared -nostdlib -Wl,-T,$(VDSO_DIR)/vdso.lds -Wl,-soname=linux-gate.so.1 \
		-Wl,--hash-style=both -Wl,--build-id=none -Wl,-z,noexecstack -Wl,-z,max-page-size=4096 \
		-o $@ $(VDSO_DIR)/vdso.o $(VDSO_DIR)/vclock.o

$(VDSO_DIR)/vdso-syms.inc: $(VDSO_DIR)/vdso.so
	( echo "; generated from $< by personality/image.mk — do not edit"; \
	  nm -D --defined-only $< | sed -n 's/^\([0-9a-f]*\) [A-Za-z] \([A-Za-z_][A-Za-z0-9_]*\).*/%define VDSO_\2 0x\1/p' ) > $@.tmp
	mv $@.tmp $@

$(VDSO_DIR)/vdso_blob.o: personality/vdso/vdso_blob.asm $(VDSO_DIR)/vdso.so $(VDSO_DIR)/vdso-syms.inc
	$(NASM) -f elf64 -I$(VDSO_DIR)/ -o $@ $<

$(BUILD)/image.ld: personality/image.ld $(LAYOUT_H)
	$(CC) -E -P -x c -I. -o $@ $<

$(IMAGE): $(PERS_LIB) $(VDSO_DIR)/vdso_blob.o $(BUILD)/image.ld
	$(LD) -static -nostdlib -T $(BUILD)/image.ld --build-id=none -z noexecstack --no-relax \
		-z max-page-size=4096 -o $@.tmp $(VDSO_DIR)/vdso_blob.o --whole-archive $(PERS_LIB) --no-whole-archive
	mv $@.tmp $@

all: $(IMAGE)

# Installed through the registry itself, so the file lands where `persona
# run` looks and `persona list` can describe it.
install: install-image
.PHONY: install-image
install-image: $(IMAGE) $(BUILD)/persona
	install -d $(DESTDIR)$(LIBDIR)
	PERSONA_REGISTRY=$(DESTDIR)$(LIBDIR) $(BUILD)/persona install $(IMAGE_NAME) $(IMAGE)

# The loader and the registry read the image's header: rebuild them with it.
$(OBJ)/host/sys/exec/run.o $(OBJ)/host/sys/registry.o: $(LAYOUT_H)

# The registry's default directory, compiled into persona: a header that
# changes (and rebuilds registry.o) only when LIBDIR does, so
# `make install PREFIX=...` installs a persona that looks where it installed.
$(GEN)/libdir.h: FORCE
	@mkdir -p $(dir $@)
	@echo '#define PERSONA_LIBDIR "$(LIBDIR)"' | cmp -s - $@ || \
		echo '#define PERSONA_LIBDIR "$(LIBDIR)"' > $@
$(OBJ)/host/sys/registry.o: $(GEN)/libdir.h
.PHONY: FORCE
FORCE:
