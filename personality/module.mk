# personality/module.mk — the generated files and the translator library.
#
# $(PERS_LIB) holds every object of personality/c/<layer>/ and personality/asm
# built the image's way (freestanding, PIC); the image and the unit tests both
# link it. The layers and the direction calls may go are in README.md
# ("Layout"); tests/e2e/layering.sh checks them on the objects.
PERS_LAYERS := core signal reflect rt xl

# TUNING: the overlay `persona tune` writes (personality/linux-i386.tune when
# present; TUNING= builds the untuned table).
TUNING ?= $(wildcard personality/linux-i386.tune)
$(GEN)/sysent.h $(GEN)/sysnr.h $(GEN)/sysent.inc $(GEN)/fastpath.inc &: $(TABLE) $(GENTBL) $(TUNING)
	@mkdir -p $(GEN)
	$(PYTHON) $(GENTBL) $(TABLE) $(GEN) $(TUNING)

# Offsets shared with NASM come from offsetof(), never typed (asm-offsets.c).
$(GEN)/asm-offsets.inc: personality/c/rt/asm-offsets.c personality/c/core/persona.h personality/persona_abi.h personality/c/core/frame.h personality/c/core/state.h personality/c/rt/image.h personality/layout.h personality/image_abi.h sys/msg.h $(GEN)/sysnr.h
	@mkdir -p $(GEN)
	$(CC) $(CFLAGS_IMG) -S -o $(GEN)/asm-offsets.s $<
	( echo "; generated from personality/c/rt/asm-offsets.c — do not edit"; \
	  sed -n 's/.*->\([A-Za-z0-9_]*\) \$$\{0,1\}\(-\{0,1\}[0-9]*\).*/%define \1 \2/p' $(GEN)/asm-offsets.s ) > $@.tmp
	mv $@.tmp $@

PERS_C_SRCS   := $(filter-out personality/c/rt/asm-offsets.c,$(foreach l,$(PERS_LAYERS),$(wildcard personality/c/$(l)/*.c)))
PERS_C_HDRS   := $(foreach l,$(PERS_LAYERS),$(wildcard personality/c/$(l)/*.h))
PERS_ASM_SRCS := $(wildcard personality/asm/*.asm)
PERS_OBJS := $(patsubst %.c,$(OBJ)/%.o,$(PERS_C_SRCS)) $(patsubst %.asm,$(OBJ)/%.o,$(PERS_ASM_SRCS))
PERS_LIB  := $(BUILD)/libpersona.a
# The image is entered through its header (image_abi.h), not by symbols a
# linker would follow from an entry point: link the whole archive.
PERS_LIB_LINK := -Wl,--whole-archive $(PERS_LIB) -Wl,--no-whole-archive

# The image's flags as last built (RETURNS=, STAGES= change them): its
# objects are rebuilt when they change, not only when a source does
# (FORCE: personality/image.mk).
IMG_FLAGS := $(GEN)/image-flags
$(IMG_FLAGS): FORCE
	@mkdir -p $(GEN)
	@echo '$(CFLAGS_IMG) | $(NASMFLAGS)' | cmp -s - $@ || echo '$(CFLAGS_IMG) | $(NASMFLAGS)' > $@

$(OBJ)/personality/c/%.o: personality/c/%.c $(GEN)/sysent.h $(GEN)/sysnr.h $(PERS_C_HDRS) sys/msg.h personality/persona_abi.h $(IMG_FLAGS) | $(BUILD)/.deps-ok
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_IMG) -c -o $@ $<

$(OBJ)/personality/asm/%.o: personality/asm/%.asm $(GEN)/sysent.inc $(GEN)/fastpath.inc $(GEN)/asm-offsets.inc $(wildcard personality/asm/*.inc) $(IMG_FLAGS) | $(BUILD)/.deps-ok
	@mkdir -p $(dir $@)
	$(NASM) $(NASMFLAGS) -o $@ $<

$(PERS_LIB): $(PERS_OBJS)
	rm -f $@
	ar rcs $@ $^

all: $(PERS_LIB)
