# persona — a Linux i386 system-call personality in ring 3 on x86-64 Linux.
#
#   make            build everything (installs missing Debian packages as root)
#   make check      build and run every test; ends with "N passed, N failed, N skipped"
#   make check-vm   the same tests inside a QEMU guest with a stock Debian kernel
#   make bench      build and run the benchmark suite; writes results/<host>-<date>/
#   make install    PREFIX=/usr/local DESTDIR=
#   make clean
#
# Non-recursive: each directory adds its rules in a module.mk included below.

PREFIX  ?= /usr/local
DESTDIR ?=
BINDIR  := $(PREFIX)/bin
LIBDIR  := $(PREFIX)/lib/persona

BUILD   := build
GEN     := $(BUILD)/gen
OBJ     := $(BUILD)/obj

CC      ?= gcc
NASM    ?= nasm
PYTHON  ?= python3
WARN    := -Wall -Wextra -Werror
# Host programs: the CLI, the loader, benchmarks, tests.
CFLAGS_HOST := -O2 -g $(WARN) -I. -Ipersonality/c -I$(GEN) -D_GNU_SOURCE
# The personality image: freestanding, position-independent code linked at a
# fixed address; no vector registers (the i386 side expects them preserved),
# no stack protector or %fs use (the loader's TLS is not ours). Branches are
# kept within 32-byte boundaries so that the cost of the hot path does not
# swing with where the linker happens to place it (Intel's JCC erratum
# microcode penalises branches that cross one), which would drown the few
# percent that variants of the dispatch differ by.
CFLAGS_IMG  := -O2 -g $(WARN) -I. -Ipersonality/c -I$(GEN) -ffreestanding -fno-builtin-printf \
	-fPIE -fvisibility=hidden -fno-stack-protector -mgeneral-regs-only \
	-fcf-protection=none -fno-asynchronous-unwind-tables -fno-jump-tables \
	-fno-plt -fno-exceptions -fno-tree-loop-distribute-patterns \
	-Wa,-mbranches-within-32B-boundaries
NASMFLAGS   := -f elf64 -g -F dwarf -I$(GEN)/ -Ipersonality/asm/
# RETURNS=jmp (the default): every function of the image's C code returns by
# a jump (personality/asm/return_thunk.asm tells why); RETURNS=ret: by ret.
# `persona bench` measures both (the -ret paths run a RETURNS=ret image).
RETURNS ?= jmp
ifeq ($(RETURNS),jmp)
CFLAGS_IMG  += -mfunction-return=thunk-extern
else ifneq ($(RETURNS),ret)
$(error RETURNS=$(RETURNS): say RETURNS=jmp or RETURNS=ret)
endif
# STAGES=1: the image with the express lanes' stage timers
# (personality/asm/stages.inc), built by bench/module.mk as a variant of its
# own; never the image persona run uses by default.
ifeq ($(STAGES),1)
CFLAGS_IMG  += -DPERSONA_STAGES
NASMFLAGS   += -DPERSONA_STAGES
endif

# Everything generated from the table depends on the table and the generator.
TABLE   := personality/linux-i386.tbl
GENTBL  := tools/gentbl.py
GENERATED := $(GEN)/sysent.h $(GEN)/sysnr.h $(GEN)/sysent.inc $(GEN)/fastpath.inc $(GEN)/asm-offsets.inc

.PHONY: all deps check check-vm expect bench install clean
all: deps

# The dependency step: quick when nothing is missing; installs what is missing
# when run as root, otherwise prints the apt-get line and stops.
deps: $(BUILD)/.deps-ok
$(BUILD)/.deps-ok: tools/deps.sh tools/apt_install.sh
	@sh tools/deps.sh
	@mkdir -p $(BUILD) && touch $@

include personality/module.mk
-include personality/image.mk
-include sys/module.mk
-include bench/module.mk
-include tests/module.mk
-include tests/prog/module.mk

# The whole suite here; on a host that runs no 32-bit code (persona doctor),
# in a VM as check-vm runs it, said in one line (tests/check.sh).
check: all
	@sh tests/check.sh $(BUILD)

# Record the native results of the differential cases marked --portable
# (tests/e2e/expect/), which stand in for the native run where the kernel
# has no ia32 layer; run on a host whose kernel has one, then commit them.
expect: all
	@rm -rf tests/e2e/expect
	@PERSONA_EXPECT_RECORD=1 sh tests/run.sh $(BUILD) run_progs signals threads.sh reflect_startup

# The suite in a guest booting a stock Debian kernel (tools/vm/), for hosts
# whose CPU cannot run 32-bit code; its own dependency step fetches QEMU, the
# kernel and busybox only when this target is used. VMFLAGS go to
# tools/vm/run.sh (e.g. --timeout 5400).
check-vm: all
	@sh tools/vm/deps.sh
	@sh tools/vm/prepare.sh
	@sh tools/vm/run.sh $(VMFLAGS) -- sh tests/run.sh $(BUILD)

bench: all
	@$(BUILD)/persona bench $(BENCHFLAGS)

clean:
	rm -rf $(BUILD)
