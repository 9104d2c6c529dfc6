# boot/uefi/: BOOTX64.EFI, Kestrel's own UEFI loader, and the ESP image that
# carries it with the kernel. Included from boot/boot.mk.
#
# The loader is a GNU-EFI application: compiled as position-independent
# ELF, linked against crt0 and GNU-EFI's linker script into a shared object,
# then converted to a PE32+ EFI application (subsystem 10). GNU-EFI 3.0.15's
# crt0 relocates the image and calls efi_main with the System V convention;
# GNU_EFI_USE_MS_ABI makes uefi_call_wrapper a direct ms_abi call.

UEFI_SRCS := \
	boot/uefi/loader.c \
	boot/uefi/file.c \
	boot/uefi/memory.c \
	boot/uefi/image.c \
	boot/uefi/elf.c \
	boot/uefi/config.c \
	boot/uefi/cmdline.c \
	boot/uefi/platform.c \
	boot/uefi/exit.c \
	boot/uefi/memmap.c \
	boot/uefi/paging.c \
	boot/uefi/serial.c \
	boot/uefi/enter.asm

GNUEFI_INC  := /usr/include/efi
GNUEFI_LIB  := /usr/lib
GNUEFI_CRT0 := $(GNUEFI_LIB)/crt0-efi-x86_64.o
GNUEFI_LDS  := $(GNUEFI_LIB)/elf_x86_64_efi.lds

# GNU-EFI's headers are included as system headers so that -Wall -Wextra
# -Werror apply to the loader's own code only. No SSE: nothing here needs it.
UEFI_CFLAGS := -std=gnu11 -ffreestanding -fpic -fshort-wchar -mno-red-zone \
	-mgeneral-regs-only -fno-stack-protector -fno-strict-aliasing \
	-maccumulate-outgoing-args -fno-asynchronous-unwind-tables \
	-DGNU_EFI_USE_MS_ABI -isystem $(GNUEFI_INC) -isystem $(GNUEFI_INC)/x86_64 -I. \
	-O2 -g -Wall -Wextra -Werror
UEFI_LDFLAGS := -shared -Bsymbolic -nostdlib -znocombreloc -T $(GNUEFI_LDS)

UEFI_OBJS := $(patsubst boot/uefi/%,$(BUILD)/uefi/%.o,$(UEFI_SRCS))
EFI_APP   := $(BUILD)/BOOTX64.EFI
ESP_IMG   := $(BUILD)/esp.img
# 32 MiB FAT: 65536 sectors of 512 bytes.
ESP_SECTORS := 65536

$(BUILD)/uefi/%.c.o: boot/uefi/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $< (UEFI)"
	$(Q)$(CC) $(UEFI_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/uefi/%.asm.o: boot/uefi/%.asm
	@mkdir -p $(dir $@)
	@echo "  AS      $< (UEFI)"
	$(Q)$(NASM) -f elf64 -g -F dwarf -MD $(@:.o=.d) -MP -o $@ $<

$(BUILD)/uefi/BOOTX64.so: $(UEFI_OBJS) $(GNUEFI_CRT0) $(GNUEFI_LDS)
	@echo "  LD      $@"
	$(Q)$(LD) $(UEFI_LDFLAGS) $(GNUEFI_CRT0) $(UEFI_OBJS) -L$(GNUEFI_LIB) -lefi -lgnuefi -o $@

$(EFI_APP): $(BUILD)/uefi/BOOTX64.so
	@echo "  EFI     $@"
	$(Q)objcopy -j .text -j .sdata -j .data -j .dynamic -j .dynsym -j .rel -j .rela \
		-j '.rel.*' -j '.rela.*' -j .reloc --target=efi-app-x86_64 --subsystem=10 $< $@

# The ESP: the removable-media path \EFI\BOOT\BOOTX64.EFI (UEFI 2.10,
# 3.5.1.1), the kernel, and kestrel.cfg, whose first line is the kernel
# command line (empty here; tests/qemu.sh writes its own into a copy).
$(ESP_IMG): $(EFI_APP) $(BUILD)/kestrel.elf
	@echo "  ESP     $@"
	@rm -f $@.tmp
	$(Q)printf '\n' > $(BUILD)/uefi/kestrel.cfg
	$(Q)mformat -i $@.tmp -C -T $(ESP_SECTORS) -h 64 -s 32 -v KESTREL ::
	$(Q)mmd -i $@.tmp ::/EFI ::/EFI/BOOT
	$(Q)mcopy -i $@.tmp $(EFI_APP) ::/EFI/BOOT/BOOTX64.EFI
	$(Q)mcopy -i $@.tmp $(BUILD)/kestrel.elf ::/kestrel.elf
	$(Q)mcopy -i $@.tmp $(BUILD)/uefi/kestrel.cfg ::/kestrel.cfg
	$(Q)mv $@.tmp $@

efi: $(EFI_APP) $(ESP_IMG)

-include $(UEFI_OBJS:.o=.d)
