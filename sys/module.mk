# sys/module.mk — the persona command (the native side).
#
# A static-pie: the loader's own image, heap and stack stay above 4 GiB, out
# of the i386 program's way. Every sys/**/*.c and bench/cli/*.c goes in, and
# the harness's statistics (the tune command takes its medians from them).
SYS_SRCS := $(wildcard sys/*.c sys/exec/*.c sys/doctor/*.c bench/cli/*.c) bench/lib/stats.c
# NASM pieces of the native side (the doctor's 32-bit code probe)
SYS_ASMS := $(wildcard sys/doctor/*.asm)
SYS_OBJS := $(patsubst %.c,$(OBJ)/host/%.o,$(SYS_SRCS)) $(patsubst %.asm,$(OBJ)/host/%.o,$(SYS_ASMS))
# the host's capabilities, also linked into the unit tests (their skips)
HOSTCAPS_OBJS := $(OBJ)/host/sys/doctor/hostcaps.o $(OBJ)/host/sys/doctor/cs32_probe.o
HOSTCAPS_LIBS := -lpfm -luring
SYS_LIBS ?= -lpfm -luring -lm

$(OBJ)/host/%.o: %.c $(GEN)/sysent.h $(GEN)/sysnr.h $(wildcard sys/*.h sys/*/*.h bench/*.h bench/cli/*.h bench/lib/*.h) | $(BUILD)/.deps-ok
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_HOST) -fPIE -c -o $@ $<

$(OBJ)/host/%.o: %.asm | $(BUILD)/.deps-ok
	@mkdir -p $(dir $@)
	$(NASM) -f elf64 -g -F dwarf -o $@ $<

$(BUILD)/persona: $(SYS_OBJS)
	$(CC) -static-pie -o $@ $^ $(SYS_LIBS)

# binfmt_misc's interpreter: a link whose name tells main() how it was started
$(BUILD)/persona-binfmt: $(BUILD)/persona
	ln -sf persona $@

all: $(BUILD)/persona $(BUILD)/persona-binfmt

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR)
	install -m 755 $(BUILD)/persona $(DESTDIR)$(BINDIR)/persona
	ln -sf persona $(DESTDIR)$(BINDIR)/persona-binfmt
