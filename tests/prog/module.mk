# tests/prog/module.mk — i386 programs for the end-to-end tests.
#
# Each tests/prog/*.c (but the host helpers) is built twice with gcc -m32:
# $(BUILD)/prog/NAME-static and $(BUILD)/prog/NAME-dynamic (through
# /lib/ld-linux.so.2). tests/e2e/run_*.sh run them natively and under
# `persona run` and compare. regs needs its assembly part and no PIE (it
# keeps state in fixed globals). hello64-* are x86-64 builds (persona run
# starts those too); noia32 is a 64-bit helper; regs64 is x86-64 code
# calling with the i386 ABI (int $0x80), the 64-bit gate's register check.
PROG_DIR  := $(BUILD)/prog
PROG_HOST := tests/prog/noia32.c tests/prog/regs64.c
PROG_SRCS := $(filter-out $(PROG_HOST),$(wildcard tests/prog/*.c))
PROG_NAMES := $(patsubst tests/prog/%.c,%,$(PROG_SRCS))
PROG_BINS := $(foreach n,$(PROG_NAMES),$(PROG_DIR)/$(n)-static $(PROG_DIR)/$(n)-dynamic) \
	$(PROG_DIR)/hello-static-pie $(PROG_DIR)/addrspace-static-pie $(PROG_DIR)/hello64-static $(PROG_DIR)/hello64-dynamic \
	$(PROG_DIR)/noia32 $(PROG_DIR)/regs64
PROG_CFLAGS := -m32 -O2 -g -Wall -Wextra -Werror -D_GNU_SOURCE

# the thread programs are built as pthread programs are
$(PROG_DIR)/threads-static $(PROG_DIR)/threads-dynamic $(PROG_DIR)/stress-static $(PROG_DIR)/stress-dynamic: PROG_CFLAGS += -pthread

$(PROG_DIR)/%-static: tests/prog/%.c | $(BUILD)/.deps-ok
	@mkdir -p $(dir $@)
	$(CC) $(PROG_CFLAGS) -static -o $@ $<

$(PROG_DIR)/%-dynamic: tests/prog/%.c | $(BUILD)/.deps-ok
	@mkdir -p $(dir $@)
	$(CC) $(PROG_CFLAGS) -o $@ $<

$(PROG_DIR)/%-static-pie: tests/prog/%.c | $(BUILD)/.deps-ok
	@mkdir -p $(dir $@)
	$(CC) $(PROG_CFLAGS) -static-pie -o $@ $<

$(PROG_DIR)/regs-static: tests/prog/regs.c tests/prog/regs_entry.S tests/prog/stat64_check.h | $(BUILD)/.deps-ok
	@mkdir -p $(dir $@)
	$(CC) $(PROG_CFLAGS) -static -fno-pie -no-pie -o $@ $(filter-out %.h,$^)

$(PROG_DIR)/regs-dynamic: tests/prog/regs.c tests/prog/regs_entry.S tests/prog/stat64_check.h | $(BUILD)/.deps-ok
	@mkdir -p $(dir $@)
	$(CC) $(PROG_CFLAGS) -fno-pie -no-pie -o $@ $(filter-out %.h,$^)

$(PROG_DIR)/hello64-static: tests/prog/hello.c | $(BUILD)/.deps-ok
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_HOST) -static -o $@ $<

$(PROG_DIR)/hello64-dynamic: tests/prog/hello.c | $(BUILD)/.deps-ok
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_HOST) -o $@ $<

$(PROG_DIR)/regs64: tests/prog/regs64.c tests/prog/stat64_check.h | $(BUILD)/.deps-ok
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_HOST) -o $@ $<

$(PROG_DIR)/noia32: tests/prog/noia32.c | $(BUILD)/.deps-ok
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_HOST) -o $@ $<

all: $(PROG_BINS)
