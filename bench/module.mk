# bench/module.mk — the benchmark programs, the tracer and the driver.
#
# Each lat_<bench>.c is one source built once per way in:
#   lat_<bench>-64          x86-64 `syscall`              (path native)
#   lat_<bench>-64-int80    64-bit code, i386 ABI by int $0x80  (pers-int80-64)
#   lat_<bench>-i386-int80  i386, int $0x80               (kernel-int80, pers-int80, pers-sud, pers-seccomp, ptrace)
#   lat_<bench>-i386-vdso   i386, call *%gs:0x10          (kernel-vdso, pers-sysinfo)
# Static non-PIE: no loader to measure, and buffers below 4 GiB for the i386 ABI.
# The driver itself (bench/cli/*.c) is compiled once, for $(BUILD)/persona
# (sys/module.mk); $(BUILD)/bench/persona-bench links the same objects on
# their own, and so do the bench unit tests.

BENCH_OUT    := $(BUILD)/bench
BENCH_CFLAGS := -O2 -g $(WARN) -I. -Ibench/lib -D_GNU_SOURCE -static -fno-pie -no-pie
BENCH_LIB    := bench/lib/harness.c bench/lib/stats.c
BENCH_HDRS   := $(wildcard bench/lib/*.h) personality/persona_abi.h

BENCH_SINGLE   := null read write stat fstat openclose gate vdso
BENCH_VARIANTS := 64 64-int80 i386-int80 i386-vdso
BENCH_FLAGS_64         := -m64 -DBENCH_ENTRY=BENCH_ENTRY_SYSCALL
BENCH_FLAGS_64-int80   := -m64 -DBENCH_ENTRY=BENCH_ENTRY_INT80
BENCH_FLAGS_i386-int80 := -m32 -DBENCH_ENTRY=BENCH_ENTRY_INT80
BENCH_FLAGS_i386-vdso  := -m32 -DBENCH_ENTRY=BENCH_ENTRY_VDSO

# $(1) bench, $(2) variant, $(3) extra libraries
define BENCH_PROG
$(BENCH_OUT)/lat_$(1)-$(2): bench/lat_$(1).c $(BENCH_LIB) $(BENCH_HDRS) bench/module.mk | $(BUILD)/.deps-ok
	@mkdir -p $$(dir $$@)
	$$(CC) $$(BENCH_CFLAGS) $$(BENCH_FLAGS_$(2)) -o $$@ $$< $$(BENCH_LIB) $(3)
BENCH_PROGS += $(BENCH_OUT)/lat_$(1)-$(2)
endef
$(foreach b,$(BENCH_SINGLE),$(foreach v,$(BENCH_VARIANTS),$(eval $(call BENCH_PROG,$(b),$(v)))))
# The batch entry is an i386 private number: entered the fastest way from
# i386 code, and by int $0x80 from 64-bit code (the x86-64 lane, which runs
# where no 32-bit code does).
$(eval $(call BENCH_PROG,batch,i386-vdso))
$(eval $(call BENCH_PROG,batch,64-int80))
# The floor under any gate: lat_gate as a bare 64→32→64-bit round trip ...
BENCH_FLAGS_64-modeswitch := -m64 -DBENCH_ENTRY=BENCH_ENTRY_MODESWITCH
$(BENCH_OUT)/modeswitch.o: bench/lib/modeswitch.asm | $(BUILD)/.deps-ok
	@mkdir -p $(dir $@)
	$(NASM) -f elf64 -o $@ $<
$(eval $(call BENCH_PROG,gate,64-modeswitch,$(BENCH_OUT)/modeswitch.o))
$(BENCH_OUT)/lat_gate-64-modeswitch: $(BENCH_OUT)/modeswitch.o
# ... and with one native getppid per round trip: the floor under the null call.
$(eval $(call BENCH_PROG,null,64-modeswitch,$(BENCH_OUT)/modeswitch.o))
$(BENCH_OUT)/lat_null-64-modeswitch: $(BENCH_OUT)/modeswitch.o
# ... and made by an i386 program itself, through its own far jumps to and
# from 64-bit code (path modeswitch-i386, under persona run): null, read, write.
BENCH_FLAGS_i386-switch32 := -m32 -DBENCH_ENTRY=BENCH_ENTRY_SWITCH32
$(BENCH_OUT)/modeswitch32.o: bench/lib/modeswitch32.asm | $(BUILD)/.deps-ok
	@mkdir -p $(dir $@)
	$(NASM) -f elf32 -o $@ $<
$(foreach b,null read write,$(eval $(call BENCH_PROG,$(b),i386-switch32,$(BENCH_OUT)/modeswitch32.o)))
$(foreach b,null read write,$(BENCH_OUT)/lat_$(b)-i386-switch32): $(BENCH_OUT)/modeswitch32.o
# The native null call made in a function that returns with ret (path native-ret).
BENCH_FLAGS_64-ret := -m64 -DBENCH_ENTRY=BENCH_ENTRY_SYSCALL_RET
$(eval $(call BENCH_PROG,null,64-ret,$(BENCH_OUT)/modeswitch.o))
$(BENCH_OUT)/lat_null-64-ret: $(BENCH_OUT)/modeswitch.o
# The raw io_uring baseline is native code.
$(eval $(call BENCH_PROG,uring,64,-luring))
# The null call from several threads at once (bench null-mt): native and
# the i386 vDSO entry.
BENCH_MT_VARIANTS := 64 i386-vdso
$(foreach v,$(BENCH_MT_VARIANTS),$(BENCH_OUT)/lat_null-mt-$(v)): $(BENCH_OUT)/lat_null-mt-%: bench/lat_null_mt.c $(BENCH_LIB) $(BENCH_HDRS) bench/module.mk | $(BUILD)/.deps-ok
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_CFLAGS) $(BENCH_FLAGS_$*) -pthread -o $@ $< $(BENCH_LIB)
BENCH_PROGS += $(foreach v,$(BENCH_MT_VARIANTS),$(BENCH_OUT)/lat_null-mt-$(v))

# The PTRACE_SYSEMU emulator: a native tracer for the i386 programs.
$(BENCH_OUT)/ptrace-emu: bench/ptrace-emu.c personality/persona_abi.h $(GEN)/sysnr.h | $(BUILD)/.deps-ok
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_HOST) -o $@ $<

# How the programs were built, for the run's metadata.
$(BENCH_OUT)/buildinfo: bench/module.mk Makefile $(IMG_FLAGS) | $(BUILD)/.deps-ok
	@mkdir -p $(dir $@)
	( echo "cc=$$($(CC) --version | head -n 1)"; \
	  echo "cflags=$(BENCH_CFLAGS)"; \
	  echo "returns=$(RETURNS)"; \
	  echo "entries=64: $(BENCH_FLAGS_64); 64-int80: $(BENCH_FLAGS_64-int80); i386-int80: $(BENCH_FLAGS_i386-int80); i386-vdso: $(BENCH_FLAGS_i386-vdso)" ) > $@

BENCH_CLI_SRCS := $(wildcard bench/cli/*.c)
BENCH_CLI_HDRS := $(wildcard bench/cli/*.h)
BENCH_CLI_LIBS := -lpfm -lm
# the objects sys/module.mk builds for persona
BENCH_CLI_OBJS := $(patsubst %.c,$(OBJ)/host/%.o,$(BENCH_CLI_SRCS) bench/lib/stats.c)
$(BENCH_OUT)/persona-bench: $(OBJ)/host/bench/persona-bench.o $(BENCH_CLI_OBJS) $(HOSTCAPS_OBJS)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $^ $(BENCH_CLI_LIBS) $(HOSTCAPS_LIBS)

all: $(BENCH_PROGS) $(BENCH_OUT)/ptrace-emu $(BENCH_OUT)/buildinfo $(BENCH_OUT)/persona-bench

# Installed beside the personality: persona (in BINDIR) finds them in
# BINDIR/../lib/persona/bench.
.PHONY: install-bench
install: install-bench
install-bench: $(BENCH_PROGS) $(BENCH_OUT)/ptrace-emu $(BENCH_OUT)/buildinfo
	install -d $(DESTDIR)$(LIBDIR)/bench
	install -m 755 $(BENCH_PROGS) $(BENCH_OUT)/ptrace-emu $(DESTDIR)$(LIBDIR)/bench/
	install -m 644 $(BENCH_OUT)/buildinfo $(DESTDIR)$(LIBDIR)/bench/

# The bench tests link the driver's code and the statistics (the stem rule
# is more specific than tests/module.mk's, so make prefers it).
$(BUILD)/tests/test_bench_%: tests/unit/test_bench_%.c $(BENCH_CLI_OBJS) $(BENCH_CLI_HDRS) bench/lib/stats.h $(HOSTCAPS_OBJS) | $(BUILD)/.deps-ok
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_HOST) -Ibench/lib -Itests/unit -o $@ $< $(BENCH_CLI_OBJS) $(HOSTCAPS_OBJS) $(BENCH_CLI_LIBS) $(HOSTCAPS_LIBS) -lcmocka

# Dispatch variants of the image, measured side by side as paths
# pers-table-c, pers-switch-c and pers-table-asm (bench/cli/paths.c). Each is
# the same table with a generated tuning overlay (tools/gentbl.py's syntax):
# the dispatch variant, and every row on the C path or every row that can
# take the asm fast path (PASS rows, and rows with an out= converter).
# They are built in their own build trees.
BENCH_IMAGE_VARIANTS := table-c switch-c table-asm stages ret
BENCH_OVERLAY_table-c   := dispatch=table\n* fast=c
BENCH_OVERLAY_switch-c  := dispatch=switch\n* fast=c
BENCH_OVERLAY_table-asm := dispatch=table\n*asm fast=asm
# stages: the image persona run uses (the same overlay), with the stage
# timers of its express lanes (STAGES=1; path pers-stages)
# ret: the image persona run uses, its C built with RETURNS=ret (paths
# pers-startup-ret, pers-int80-64-ret: what RETURNS=jmp wins or loses here)
VARIANTS_OUT := $(BUILD)/variants

$(VARIANTS_OUT)/%.tune: bench/module.mk
	@mkdir -p $(dir $@)
	printf '# generated by bench/module.mk — a dispatch variant for persona bench\n$(BENCH_OVERLAY_$*)\n' > $@

$(VARIANTS_OUT)/stages.tune $(VARIANTS_OUT)/ret.tune: bench/module.mk $(TUNING)
	@mkdir -p $(dir $@)
	{ echo '# generated by bench/module.mk — the default overlay, for the $(basename $(notdir $@)) variant'; \
	  $(if $(TUNING),cat $(TUNING),true); } > $@

# What the sub-make of variant $(1) is given: its build tree and overlay,
# the stage timers for stages, plain rets for ret (both rules below).
variant_make_args = BUILD=$(VARIANTS_OUT)/$(1) TUNING=$(VARIANTS_OUT)/$(1).tune \
	STAGES=$(if $(filter stages,$(1)),1,) RETURNS=$(if $(filter ret,$(1)),ret,$(RETURNS))

# The variant images depend on everything the image does; the sub-make
# decides what to rebuild.
.PHONY: bench-variants
bench-variants: $(foreach v,$(BENCH_IMAGE_VARIANTS),$(VARIANTS_OUT)/$(v).tune) | $(BUILD)/.deps-ok
	@$(foreach v,$(BENCH_IMAGE_VARIANTS),$(MAKE) -s --no-print-directory $(call variant_make_args,$(v)) \
		$(VARIANTS_OUT)/$(v)/linux-i386.img || exit 1;)

all: bench-variants

$(VARIANTS_OUT)/%/libpersona.a: $(VARIANTS_OUT)/%.tune $(TABLE) $(GENTBL) $(PERS_C_SRCS) $(PERS_ASM_SRCS) | $(BUILD)/.deps-ok
	$(MAKE) -s --no-print-directory $(call variant_make_args,$*) $@
