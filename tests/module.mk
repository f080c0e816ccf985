# tests/module.mk — test programs land in $(BUILD)/tests/test_*; tests/run.sh
# runs them all. Unit tests link the translator library ($(PERS_LIB)) and
# cmocka. Each tests/unit/test_*.c becomes one program.
TEST_UNIT_SRCS := $(wildcard tests/unit/test_*.c)
TEST_UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(TEST_UNIT_SRCS))
TEST_SUPPORT_SRCS := $(wildcard tests/unit/support/*.c)

$(BUILD)/tests/test_%: tests/unit/test_%.c $(TEST_SUPPORT_SRCS) $(PERS_LIB) $(GENERATED) $(HOSTCAPS_OBJS) | $(BUILD)/.deps-ok
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_HOST) -Itests/unit -o $@ $< $(TEST_SUPPORT_SRCS) $(PERS_LIB_LINK) $(HOSTCAPS_OBJS) $(HOSTCAPS_LIBS) -lcmocka

all: $(TEST_UNIT_BINS)

# The asm fast path is tested on the table-asm variant, where every PASS row
# has its generated routine (bench/module.mk builds the variants).
$(BUILD)/tests/test_fastpath: tests/unit/test_fastpath.c $(TEST_SUPPORT_SRCS) $(VARIANTS_OUT)/table-asm/libpersona.a $(HOSTCAPS_OBJS) | $(BUILD)/.deps-ok
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_HOST) -Itests/unit -o $@ $< $(TEST_SUPPORT_SRCS) \
		-Wl,--whole-archive $(VARIANTS_OUT)/table-asm/libpersona.a -Wl,--no-whole-archive $(HOSTCAPS_OBJS) $(HOSTCAPS_LIBS) -lcmocka
