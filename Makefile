# Kestrel - one non-recursive Makefile.
#
# Each part of the tree lists its own sources in a small fragment:
#   boot/boot.mk, kernel/kernel.mk, hal/hal.mk, io/io.mk, drivers/*/driver.mk
#   (and drivers/samples/*/driver.mk),
#   tests/kernel/tests.mk (in-kernel tests), tests/host/*.mk (host unit tests).
#
# Targets: all (kernel, ISO, UEFI image), iso, efi, run, debug, test, bench, clean.
# Variables for run/debug: BOOT=grub|uefi, MACHINE=q35|pc, KCMD="kernel args",
# QEMU_EXTRA="more qemu args".

VERSION    := 0.1.0
BUILD      := build
BOOT       ?= grub
MACHINE    ?= q35
KCMD       ?=
QEMU_EXTRA ?=

CC      := gcc
NASM    := nasm
LD      := ld
HOSTCC  := gcc

# `make V=1` shows the full commands.
ifeq ($(V),1)
Q :=
else
Q := @
endif

GIT_DESCRIBE := $(shell git describe --always --dirty 2>/dev/null || echo unknown)

# The kernel: freestanding, no SSE (interrupt paths save only general
# registers), no red zone (interrupts push onto the stack), -2 GiB code model.
# The WDK's variable-length structures end in ANYSIZE_ARRAY ([1]) arrays that
# are indexed past 1 (CM_RESOURCE_LIST, IO_RESOURCE_REQUIREMENTS_LIST,
# DEVICE_RELATIONS): -fno-aggressive-loop-optimizations keeps GCC from
# deriving loop bounds from the declared size of [1].
KCFLAGS := -std=gnu11 -ffreestanding -nostdinc -isystem $(shell $(CC) -print-file-name=include) \
	-fno-pic -fno-pie -mcmodel=kernel -mno-red-zone -mgeneral-regs-only \
	-fno-omit-frame-pointer -fno-optimize-sibling-calls -fno-strict-aliasing \
	-fno-aggressive-loop-optimizations \
	-fstack-protector-strong -mstack-protector-guard=global \
	-fshort-wchar -fno-common -fno-asynchronous-unwind-tables \
	-O2 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	-DKESTREL_VERSION='"$(VERSION)"' -DKESTREL_GIT='"$(GIT_DESCRIBE)"'
# Kernel code sees its own private headers (by path from the top) and the DDK.
KINCLUDES := -I. -Iinclude
# Drivers see the DDK only: a driver that reaches into the kernel does not build.
DINCLUDES := -Iinclude
KASFLAGS  := -f elf64 -g -F dwarf
KLDFLAGS  := -nostdlib -static -z max-page-size=0x1000 -z noexecstack --no-warn-rwx-segments -T linker.ld

# `make` with no target builds everything, whatever the fragments define first.
.DEFAULT_GOAL := all

KERNEL_SRCS :=
DRIVER_SRCS :=
HOST_TESTS  :=

include boot/boot.mk
include kernel/kernel.mk
include hal/hal.mk
include io/io.mk
# Built-in drivers. Each drivers/<x>/driver.mk (drivers/samples/<x>/ too)
# has two lines, DRIVER_NAME := Xxx and DRIVER_SRCS += its sources, and a
# PnP driver a third, DRIVER_IDS := the hardware/compatible IDs it serves
# (DRIVER_UPPER_FILTER_IDS / DRIVER_LOWER_FILTER_IDS for filters), and
# one that handles message-signaled interrupts says DRIVER_MSI_SUPPORTED := 1
# (its devices may then get MSI/MSI-X resources; Windows' INF MSISupported). All
# drivers link into the kernel, so each source of driver Xxx is compiled
# with -DDriverEntry=XxxDriverEntry (the source still says DriverEntry), and
# $(BUILD)/drivers.gen.c lists {L"Xxx", XxxDriverEntry} for the I/O manager.
DRIVER_MKS := $(sort $(wildcard drivers/*/driver.mk drivers/samples/*/driver.mk))
DRIVER_NAMES :=
define DRIVER_MK_RULE
DRIVER_NAME :=
DRIVER_IDS :=
DRIVER_UPPER_FILTER_IDS :=
DRIVER_LOWER_FILTER_IDS :=
DRIVER_MSI_SUPPORTED :=
DRIVER_SRCS_SAVED := $$(DRIVER_SRCS)
DRIVER_SRCS :=
include $(1)
DRIVER_NAMES += $$(DRIVER_NAME)
DRIVER_IDS_$$(DRIVER_NAME) := $$(DRIVER_IDS)
DRIVER_UPPER_FILTER_IDS_$$(DRIVER_NAME) := $$(DRIVER_UPPER_FILTER_IDS)
DRIVER_LOWER_FILTER_IDS_$$(DRIVER_NAME) := $$(DRIVER_LOWER_FILTER_IDS)
$$(if $$(filter-out 1,$$(DRIVER_MSI_SUPPORTED)),$$(error $(1): DRIVER_MSI_SUPPORTED is '$$(DRIVER_MSI_SUPPORTED)'; it is 1 or not set))
DRIVER_MSI_SUPPORTED_$$(DRIVER_NAME) := $$(if $$(DRIVER_MSI_SUPPORTED),TRUE,FALSE)
$$(patsubst %,$(BUILD)/%.o,$$(DRIVER_SRCS)): DRIVER_ENTRY := $$(DRIVER_NAME)DriverEntry
DRIVER_SRCS := $$(DRIVER_SRCS_SAVED) $$(DRIVER_SRCS)
endef
$(foreach mk,$(DRIVER_MKS),$(eval $(call DRIVER_MK_RULE,$(mk))))
include tests/kernel/tests.mk
include bench/bench.mk
include $(sort $(wildcard tests/host/*.mk))
include $(sort $(wildcard tests/fuzz/*.mk))

KERNEL_OBJS := $(patsubst %,$(BUILD)/%.o,$(KERNEL_SRCS))
DRIVER_OBJS := $(patsubst %,$(BUILD)/%.o,$(DRIVER_SRCS))
DRIVER_OBJS += $(BUILD)/drivers.gen.o
KERNEL_ELF  := $(BUILD)/kestrel.elf
ISO         := $(BUILD)/kestrel.iso

.PHONY: all kernel iso efi run debug test bench clean deps host-tests check-driver-includes
all: kernel iso efi

kernel: $(KERNEL_ELF)

$(KERNEL_ELF): $(KERNEL_OBJS) $(DRIVER_OBJS) linker.ld
	@echo "  LD      $@"
	$(Q)$(LD) $(KLDFLAGS) -o $@ $(KERNEL_OBJS) $(DRIVER_OBJS)

# A driver compiles against the DDK only (DINCLUDES), and
# scripts/driver-includes.sh refuses an object whose dependency list reaches
# a header outside include/ and drivers/ (a "../../kernel/..." path).
DRIVER_CC = $(CC) $(KCFLAGS) $(DINCLUDES) -MMD -MP
$(BUILD)/drivers/%.c.o: drivers/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(DRIVER_CC) $(if $(DRIVER_ENTRY),-DDriverEntry=$(DRIVER_ENTRY)) -c $< -o $@ && \
	  scripts/driver-includes.sh $< $(@:.o=.d) || { rm -f $@; exit 1; }

# The promise above, tested (`make test` runs it): each planted driver
# tests/drivercheck/driver_includes_*.c must fail to build the way drivers build.
check-driver-includes:
	$(Q)mkdir -p $(BUILD)/check
	$(Q)for src in $(wildcard tests/drivercheck/driver_includes_*.c); do \
	  obj=$(BUILD)/check/$$(basename $$src .c).o; \
	  if $(DRIVER_CC) -c $$src -o $$obj 2>$$obj.log && \
	     scripts/driver-includes.sh $$src $${obj%.o}.d 2>>$$obj.log; then \
	    echo "FAIL $$src built as a driver"; exit 1; \
	  fi; \
	  echo "PASS $$src refused: $$(grep -m1 -o 'fatal error: .*\|includes .*' $$obj.log)"; \
	done

# The built-in driver table, rewritten only when the list of drivers changes.
$(BUILD)/drivers.gen.c: FORCE
	@mkdir -p $(dir $@)
	$(Q){ echo '/* Generated by the Makefile from the driver.mk files: do not edit. */'; \
	  echo '#include "io/iop.h"'; \
	  $(foreach n,$(DRIVER_NAMES),echo 'DRIVER_INITIALIZE $(n)DriverEntry;';) \
	  $(foreach n,$(DRIVER_NAMES),$(foreach l,IDS UPPER_FILTER_IDS LOWER_FILTER_IDS,\
	    printf '%s\n' 'static const PCWSTR $(n)_$(l)[] = {' \
	      $(foreach id,$(DRIVER_$(l)_$(n)),'    L"$(subst \,\\,$(id))",') '    NULL};';)) \
	  echo 'const IOP_BUILTIN_DRIVER IopBuiltinDrivers[] = {'; \
	  $(foreach n,$(DRIVER_NAMES),echo '    {L"$(n)", $(n)DriverEntry, $(n)_IDS, $(n)_UPPER_FILTER_IDS, $(n)_LOWER_FILTER_IDS, $(DRIVER_MSI_SUPPORTED_$(n))},';) \
	  echo '    {NULL, NULL, NULL, NULL, NULL, FALSE},'; echo '};'; } > $@.tmp
	$(Q)cmp -s $@.tmp $@ && rm -f $@.tmp || { echo "  GEN     $@"; mv $@.tmp $@; }

$(BUILD)/drivers.gen.o: $(BUILD)/drivers.gen.c
	@echo "  CC      $<"
	$(Q)$(CC) $(KCFLAGS) $(KINCLUDES) -MMD -MP -c $< -o $@

.PHONY: FORCE
FORCE:

$(BUILD)/%.c.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(KCFLAGS) $(KINCLUDES) -MMD -MP -c $< -o $@

$(BUILD)/%.asm.o: %.asm
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	$(Q)$(NASM) $(KASFLAGS) -MD $(@:.o=.d) -MP -o $@ $<

# The GRUB ISO: grub-mkrescue builds a BIOS (and EFI) bootable image.
$(ISO): $(KERNEL_ELF) boot/multiboot2/grub.cfg
	@mkdir -p $(BUILD)/iso/boot/grub
	cp $(KERNEL_ELF) $(BUILD)/iso/boot/kestrel.elf
	sed 's|@KCMD@|$(KCMD)|' boot/multiboot2/grub.cfg > $(BUILD)/iso/boot/grub/grub.cfg
	@echo "  ISO     $@"
	$(Q)grub-mkrescue -o $@ $(BUILD)/iso --locales= --fonts= --themes= >$(BUILD)/grub-mkrescue.log 2>&1 || { cat $(BUILD)/grub-mkrescue.log; exit 1; }

iso: deps $(ISO)

# Install what the build needs from Debian's packages, when it is missing.
deps:
	@scripts/ensure-deps.sh

run: deps all
	tests/qemu.sh --boot $(BOOT) --machine $(MACHINE) --cmdline "$(KCMD)" --interactive -- $(QEMU_EXTRA)

# QEMU starts halted and waits for gdb, which starts with the kernel's
# symbols; quitting gdb stops QEMU. GDB_EXTRA adds gdb arguments, e.g.
# GDB_EXTRA="-ex 'break KiSystemStartup' -ex continue".
debug: deps all
	$(Q)tests/qemu.sh --boot $(BOOT) --machine $(MACHINE) --cmdline "$(KCMD)" --gdb -- $(QEMU_EXTRA) & \
	qemu=$$!; sleep 1; \
	gdb -q $(KERNEL_ELF) -ex 'target remote localhost:1234' $(GDB_EXTRA); \
	kill $$qemu 2>/dev/null; wait $$qemu 2>/dev/null; true

test: deps all host-tests fuzz-acpi check-driver-includes
	tests/run-all.py

bench: deps all
	bench/run.py

clean:
	rm -rf $(BUILD)

# Host unit tests: each tests/host/NAME.mk adds NAME to HOST_TESTS and lists
# NAME_SRCS (the test and the kernel sources it exercises). They are built for
# the build machine with AddressSanitizer and UBSan, against cmocka.
HOSTCFLAGS := -std=gnu11 -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer -fshort-wchar -Wall -Wextra -Werror -Wno-unused-parameter \
	-DKESTREL_HOST_TEST -I. -Iinclude
define HOST_TEST_RULE
$(BUILD)/host/$(1): $$($(1)_SRCS)
	@mkdir -p $$(dir $$@)
	@echo "  HOSTCC  $$@"
	$(Q)$(HOSTCC) $(HOSTCFLAGS) -MMD -MP -MF $$@.d -o $$@ $$($(1)_SRCS) -lcmocka
-include $(BUILD)/host/$(1).d
endef
$(foreach t,$(HOST_TESTS),$(eval $(call HOST_TEST_RULE,$(t))))
host-tests: $(addprefix $(BUILD)/host/,$(HOST_TESTS))

-include $(KERNEL_OBJS:.o=.d) $(DRIVER_OBJS:.o=.d)
