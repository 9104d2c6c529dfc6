/*
 * boot/uefi/cmdline.h - where the kernel command line comes from on UEFI.
 *
 * Two sources, in order of preference: the loaded image's LoadOptions (set
 * by a boot entry or the UEFI Shell, UEFI 2.10 section 9.1) and the first
 * line of \kestrel.cfg on the ESP (what the test harness rewrites per run).
 * Both parsers are pure and host-tested (tests/host/uefi_cmdline.c).
 */
#ifndef KESTREL_BOOT_UEFI_CMDLINE_H
#define KESTREL_BOOT_UEFI_CMDLINE_H

#include <stddef.h>
#include <stdint.h>

typedef enum _CMDLINE_STATUS {
    CmdlineEmpty = 0,   /* nothing there: use the next source */
    CmdlineOk,          /* Out holds the command line */
    CmdlineNotText,     /* bytes that are not printable ASCII */
    CmdlineTooLong,     /* longer than OutSize - 1 characters */
} CMDLINE_STATUS;

/*
 * LoadOptions are UCS-2 text when a person typed them, but a boot entry may
 * carry binary data there; only printable ASCII is accepted. The UEFI Shell
 * passes the whole command, program name first: a first word ending in
 * ".efi" is dropped.
 */
CMDLINE_STATUS CmdlineFromLoadOptions(const void *Options, uint64_t SizeInBytes, char *Out,
                                      size_t OutSize);

/* The first line of kestrel.cfg, with surrounding blanks and the line end
 * (LF or CR LF) removed. Tabs become spaces. */
CMDLINE_STATUS CmdlineFromConfigFile(const char *Text, uint64_t Size, char *Out, size_t OutSize);

#endif /* KESTREL_BOOT_UEFI_CMDLINE_H */
