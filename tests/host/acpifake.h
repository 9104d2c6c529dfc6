/*
 * tests/host/acpifake.h - a fake physical address space for the ACPI parser,
 * shared by the host tests (tests/host/acpi.c) and the fuzzer
 * (tests/fuzz/acpi_fuzz.c).
 *
 * Regions of bytes sit at chosen physical addresses. Every Map the parser
 * makes copies the requested bytes into a fresh heap block of exactly that
 * size, and Unmap frees it: under AddressSanitizer a read one byte past what
 * the parser mapped, or after it unmapped, is a reported error, not a silent
 * read of the neighbouring table. Unmapping something never mapped, or with
 * another length, aborts.
 */
#ifndef KESTREL_TESTS_HOST_ACPIFAKE_H
#define KESTREL_TESTS_HOST_ACPIFAKE_H

#include "hal/acpip.h"

#define FAKE_MAX_REGIONS 96
#define FAKE_MAX_MAPPINGS 32

typedef struct _FAKE_REGION {
    ULONGLONG Base;
    ULONG Length;
    PUCHAR Bytes;               /* exactly Length bytes on the heap */
    CHAR Name[16];              /* signature (or "RSDP") for lookups */
} FAKE_REGION;

typedef struct _FAKE_MAPPING {
    PVOID Address;
    ULONG Length;
} FAKE_MAPPING;

typedef struct _FAKE_MEMORY {
    ACPI_PHYSICAL_ACCESS Access;
    ULONG RegionCount;
    FAKE_REGION Regions[FAKE_MAX_REGIONS];
    ULONG MappingCount;         /* outstanding: must be 0 after a parse */
    FAKE_MAPPING Mappings[FAKE_MAX_MAPPINGS];
    ULONG MapCalls;
} FAKE_MEMORY;

VOID FakeInitialize(FAKE_MEMORY *Memory);
VOID FakeRelease(FAKE_MEMORY *Memory);

/* Adds a copy of Bytes at physical Base; Name defaults to the first four
 * bytes (the table signature) when NULL. */
FAKE_REGION *FakeAdd(FAKE_MEMORY *Memory, ULONGLONG Base, const VOID *Bytes, ULONG Length,
                     PCSTR Name);
/* The first region called Name, or the one at Base; NULL if none. */
FAKE_REGION *FakeFind(FAKE_MEMORY *Memory, PCSTR Name);
FAKE_REGION *FakeFindAt(FAKE_MEMORY *Memory, ULONGLONG Base);

/* Makes an SDT's bytes (or an RSDP's, both checksums) sum to zero again. */
VOID FakeFixTableChecksum(FAKE_REGION *Region);
VOID FakeFixRsdpChecksums(FAKE_REGION *Region);

/* Loads the "<SIG>@<hex address>.bin" fixtures of one directory (as
 * tests/host/data/acpi/dump-from-qemu.sh writes them); returns the number
 * loaded and the RSDP's address. */
ULONG FakeLoadDirectory(FAKE_MEMORY *Memory, PCSTR Directory, ULONGLONG *RsdpAddress);

/* Little-endian stores into a byte buffer, for building tables. */
VOID FakePut8(PUCHAR Buffer, ULONG Offset, ULONGLONG Value);
VOID FakePut16(PUCHAR Buffer, ULONG Offset, ULONGLONG Value);
VOID FakePut32(PUCHAR Buffer, ULONG Offset, ULONGLONG Value);
VOID FakePut64(PUCHAR Buffer, ULONG Offset, ULONGLONG Value);

/* Writes a 36-byte SDT header (checksum left 0; fix it after the body). */
VOID FakeHeader(PUCHAR Buffer, PCSTR Signature, ULONG Length, UCHAR Revision);

#endif /* KESTREL_TESTS_HOST_ACPIFAKE_H */
