# tests/fuzz/: libFuzzer targets for the parsers of untrusted input, built
# with Debian's clang (libFuzzer ships in libclang-rt-14-dev).
#
#   make fuzz-acpi        builds build/fuzz/acpi_fuzz
#   make fuzz-acpi-run    fuzzes it for 30 s from the seed corpus
#
# Each run starts from the committed seeds (tests/fuzz/corpus/acpi) and a
# fresh build/fuzz/corpus-acpi, which receives the new inputs it finds, so
# that the seeds stay as committed and a run with -seed=1 repeats. An input
# that crashes is saved as build/fuzz/crash-<sha1>; replay it with
# "build/fuzz/acpi_fuzz build/fuzz/crash-<sha1>".
# This fragment is included before the top-level Makefile names its first
# target, so it keeps make's default goal as it found it (see the end).
FUZZ_SAVED_DEFAULT_GOAL := $(.DEFAULT_GOAL)

FUZZ_CC := clang
FUZZ_CFLAGS := -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer -fshort-wchar -Wall -Wextra -Werror -Wno-unused-parameter \
	-DKESTREL_HOST_TEST -I. -Iinclude

ACPI_FUZZ_SRCS := tests/fuzz/acpi_fuzz.c tests/host/acpifake.c hal/acpi.c hal/acpimadt.c \
	hal/acpifadt.c hal/acpihpet.c hal/acpimcfg.c hal/acpidump.c
ACPI_FUZZ_HDRS := hal/acpi.h hal/acpip.h tests/host/acpifake.h

.PHONY: fuzz-acpi fuzz-acpi-run
fuzz-acpi: $(BUILD)/fuzz/acpi_fuzz

$(BUILD)/fuzz/acpi_fuzz: $(ACPI_FUZZ_SRCS) $(ACPI_FUZZ_HDRS)
	@mkdir -p $(dir $@)
	@echo "  FUZZCC  $@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(ACPI_FUZZ_SRCS)

fuzz-acpi-run: $(BUILD)/fuzz/acpi_fuzz
	rm -rf $(BUILD)/fuzz/corpus-acpi && mkdir -p $(BUILD)/fuzz/corpus-acpi
	$(BUILD)/fuzz/acpi_fuzz -max_total_time=30 -seed=1 -timeout=10 \
		-artifact_prefix=$(BUILD)/fuzz/ $(BUILD)/fuzz/corpus-acpi tests/fuzz/corpus/acpi

.DEFAULT_GOAL := $(FUZZ_SAVED_DEFAULT_GOAL)
