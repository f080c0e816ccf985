# bench/module.mk — the benchmark programs, the tracer and the driver.
#
# Each lat_<bench>.c is one source built once per way in:
#   lat_<bench>-64          x86-64 `syscall`              (path native)
#   lat_<bench>-64-int80    64-bit code, i386 ABI by int $0x80  (pers-int80-64)
#   lat_<bench>-i386-int80  i386, int $0x80               (kernel-int80, pers-int80, pers-sud, pers-seccomp, ptrace)
#   lat_<bench>-i386-vdso   i386, call *%gs:0x10          (kernel-vdso, pers-sysinfo)
# Static non-PIE: no loader to measure, and buffers below 4 GiB for the i386 ABI.
# The driver itself (bench/cli/*.c) is linked into $(BUILD)/persona by
# sys/module.mk; $(BUILD)/bench/persona-bench is the same code on its own.

BENCH_OUT    := $(BUILD)/bench
BENCH_CFLAGS := -O2 -g $(WARN) -I. -Ibench/lib -D_GNU_SOURCE -static -fno-pie -no-pie
BENCH_LIB    := bench/lib/harness.c bench/lib/stats.c
BENCH_HDRS   := $(wildcard bench/lib/*.h) personality/persona_abi.h

BENCH_SINGLE   := null read write stat fstat openclose gate
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
# The batch entry is an i386 private number, entered the fastest way.
$(eval $(call BENCH_PROG,batch,i386-vdso))
# The raw io_uring baseline is native code.
$(eval $(call BENCH_PROG,uring,64,-luring))

# The PTRACE_SYSEMU emulator: a native tracer for the i386 programs.
$(BENCH_OUT)/ptrace-emu: bench/ptrace-emu.c personality/persona_abi.h $(GEN)/sysnr.h | $(BUILD)/.deps-ok
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_HOST) -o $@ $<

# How the programs were built, for the run's metadata.
$(BENCH_OUT)/buildinfo: bench/module.mk Makefile | $(BUILD)/.deps-ok
	@mkdir -p $(dir $@)
	( echo "cc=$$($(CC) --version | head -n 1)"; \
	  echo "cflags=$(BENCH_CFLAGS)"; \
	  echo "entries=64: $(BENCH_FLAGS_64); 64-int80: $(BENCH_FLAGS_64-int80); i386-int80: $(BENCH_FLAGS_i386-int80); i386-vdso: $(BENCH_FLAGS_i386-vdso)" ) > $@

BENCH_CLI_SRCS := $(wildcard bench/cli/*.c)
BENCH_CLI_HDRS := $(wildcard bench/cli/*.h)
BENCH_CLI_LIBS := -lpfm -lm
$(BENCH_OUT)/persona-bench: bench/persona-bench.c $(BENCH_CLI_SRCS) $(BENCH_CLI_HDRS) | $(BUILD)/.deps-ok
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_HOST) -o $@ bench/persona-bench.c $(BENCH_CLI_SRCS) $(BENCH_CLI_LIBS)

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
$(BUILD)/tests/test_bench_%: tests/unit/test_bench_%.c $(BENCH_CLI_SRCS) $(BENCH_CLI_HDRS) bench/lib/stats.c bench/lib/stats.h | $(BUILD)/.deps-ok
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_HOST) -Ibench/lib -Itests/unit -o $@ $< bench/lib/stats.c $(BENCH_CLI_SRCS) $(BENCH_CLI_LIBS) -lcmocka
