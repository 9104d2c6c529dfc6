/*
 * tests/host/acpifake.c - the fake physical address space of acpifake.h.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/host/acpifake.h"

static DECLSPEC_NORETURN VOID
FakeDie(PCSTR What)
{
    fprintf(stderr, "acpifake: %s\n", What);
    abort();
}

/* Serves [PhysicalAddress, +Length) from one region, copied into a heap
 * block of exactly Length bytes. */
static PVOID
FakeMap(PVOID Context, ULONGLONG PhysicalAddress, ULONG Length)
{
    FAKE_MEMORY *Memory = Context;
    ULONG Index;

    Memory->MapCalls++;
    if (Length == 0) {
        FakeDie("the parser mapped 0 bytes");
    }
    for (Index = 0; Index < Memory->RegionCount; Index++) {
        FAKE_REGION *Region = &Memory->Regions[Index];
        PVOID Copy;

        if (PhysicalAddress < Region->Base ||
            PhysicalAddress - Region->Base > Region->Length ||
            Length > Region->Length - (PhysicalAddress - Region->Base)) {
            continue;
        }
        if (Memory->MappingCount == FAKE_MAX_MAPPINGS) {
            FakeDie("too many outstanding mappings (a missing Unmap?)");
        }
        Copy = malloc(Length);
        if (Copy == NULL) {
            FakeDie("out of memory");
        }
        memcpy(Copy, Region->Bytes + (PhysicalAddress - Region->Base), Length);
        Memory->Mappings[Memory->MappingCount].Address = Copy;
        Memory->Mappings[Memory->MappingCount].Length = Length;
        Memory->MappingCount++;
        return Copy;
    }
    return NULL;
}

static VOID
FakeUnmap(PVOID Context, PVOID VirtualAddress, ULONG Length)
{
    FAKE_MEMORY *Memory = Context;
    ULONG Index;

    for (Index = 0; Index < Memory->MappingCount; Index++) {
        if (Memory->Mappings[Index].Address == VirtualAddress) {
            if (Memory->Mappings[Index].Length != Length) {
                FakeDie("Unmap with a length other than Map's");
            }
            free(VirtualAddress);
            Memory->Mappings[Index] = Memory->Mappings[--Memory->MappingCount];
            return;
        }
    }
    FakeDie("Unmap of an address that is not mapped");
}

VOID
FakeInitialize(FAKE_MEMORY *Memory)
{
    memset(Memory, 0, sizeof(*Memory));
    Memory->Access.Map = FakeMap;
    Memory->Access.Unmap = FakeUnmap;
    Memory->Access.Context = Memory;
}

VOID
FakeRelease(FAKE_MEMORY *Memory)
{
    ULONG Index;

    for (Index = 0; Index < Memory->RegionCount; Index++) {
        free(Memory->Regions[Index].Bytes);
    }
    for (Index = 0; Index < Memory->MappingCount; Index++) {
        free(Memory->Mappings[Index].Address);
    }
    FakeInitialize(Memory);
}

FAKE_REGION *
FakeAdd(FAKE_MEMORY *Memory, ULONGLONG Base, const VOID *Bytes, ULONG Length, PCSTR Name)
{
    FAKE_REGION *Region;

    if (Memory->RegionCount == FAKE_MAX_REGIONS || Length == 0) {
        FakeDie("FakeAdd: no room, or an empty region");
    }
    Region = &Memory->Regions[Memory->RegionCount++];
    Region->Base = Base;
    Region->Length = Length;
    Region->Bytes = malloc(Length);
    if (Region->Bytes == NULL) {
        FakeDie("out of memory");
    }
    memcpy(Region->Bytes, Bytes, Length);
    memset(Region->Name, 0, sizeof(Region->Name));
    if (Name != NULL) {
        strncpy(Region->Name, Name, sizeof(Region->Name) - 1);
    } else {
        memcpy(Region->Name, Bytes, Length < 4 ? Length : 4);
    }
    return Region;
}

FAKE_REGION *
FakeFind(FAKE_MEMORY *Memory, PCSTR Name)
{
    ULONG Index;

    for (Index = 0; Index < Memory->RegionCount; Index++) {
        if (strcmp(Memory->Regions[Index].Name, Name) == 0) {
            return &Memory->Regions[Index];
        }
    }
    return NULL;
}

FAKE_REGION *
FakeFindAt(FAKE_MEMORY *Memory, ULONGLONG Base)
{
    ULONG Index;

    for (Index = 0; Index < Memory->RegionCount; Index++) {
        if (Memory->Regions[Index].Base == Base) {
            return &Memory->Regions[Index];
        }
    }
    return NULL;
}

VOID
FakeFixTableChecksum(FAKE_REGION *Region)
{
    ULONG Length = Region->Length;

    /* Sum over the table's own Length when it fits, else over the region. */
    if (Region->Length >= 8) {
        ULONG Declared;
        memcpy(&Declared, Region->Bytes + 4, 4);
        if (Declared <= Region->Length && Declared >= 10) {
            Length = Declared;
        }
    }
    if (Length < 10) {
        return;
    }
    Region->Bytes[9] = 0;
    Region->Bytes[9] = (UCHAR)(0x100 - HalpAcpiChecksum(Region->Bytes, Length));
}

VOID
FakeFixRsdpChecksums(FAKE_REGION *Region)
{
    ULONG Length;

    Region->Bytes[8] = 0;
    Region->Bytes[8] = (UCHAR)(0x100 - HalpAcpiChecksum(Region->Bytes, ACPI_RSDP_V1_LENGTH));
    if (Region->Length < sizeof(ACPI_RSDP)) {
        return;
    }
    memcpy(&Length, Region->Bytes + 20, 4);
    if (Length > Region->Length || Length < 33) {
        Length = Region->Length;
    }
    Region->Bytes[32] = 0;
    Region->Bytes[32] = (UCHAR)(0x100 - HalpAcpiChecksum(Region->Bytes, Length));
}

ULONG
FakeLoadDirectory(FAKE_MEMORY *Memory, PCSTR Directory, ULONGLONG *RsdpAddress)
{
    DIR *Handle = opendir(Directory);
    struct dirent *Entry;
    ULONG Loaded = 0;

    *RsdpAddress = 0;
    if (Handle == NULL) {
        return 0;
    }
    while ((Entry = readdir(Handle)) != NULL) {
        char Name[16], Path[1024];
        unsigned long long Base;
        unsigned char *Bytes;
        FILE *File;
        long Size;

        if (sscanf(Entry->d_name, "%15[^@]@%llx.bin", Name, &Base) != 2) {
            continue;
        }
        snprintf(Path, sizeof(Path), "%s/%s", Directory, Entry->d_name);
        File = fopen(Path, "rb");
        if (File == NULL || fseek(File, 0, SEEK_END) != 0 || (Size = ftell(File)) <= 0) {
            FakeDie("cannot read a fixture");
        }
        rewind(File);
        Bytes = malloc(Size);
        if (Bytes == NULL || fread(Bytes, 1, Size, File) != (size_t)Size) {
            FakeDie("cannot read a fixture");
        }
        fclose(File);
        FakeAdd(Memory, Base, Bytes, (ULONG)Size, Name);
        free(Bytes);
        if (strcmp(Name, "RSDP") == 0) {
            *RsdpAddress = Base;
        }
        Loaded++;
    }
    closedir(Handle);
    return Loaded;
}

VOID
FakePut8(PUCHAR Buffer, ULONG Offset, ULONGLONG Value)
{
    Buffer[Offset] = (UCHAR)Value;
}

VOID
FakePut16(PUCHAR Buffer, ULONG Offset, ULONGLONG Value)
{
    FakePut8(Buffer, Offset, Value);
    FakePut8(Buffer, Offset + 1, Value >> 8);
}

VOID
FakePut32(PUCHAR Buffer, ULONG Offset, ULONGLONG Value)
{
    FakePut16(Buffer, Offset, Value);
    FakePut16(Buffer, Offset + 2, Value >> 16);
}

VOID
FakePut64(PUCHAR Buffer, ULONG Offset, ULONGLONG Value)
{
    FakePut32(Buffer, Offset, Value);
    FakePut32(Buffer, Offset + 4, Value >> 32);
}

VOID
FakeHeader(PUCHAR Buffer, PCSTR Signature, ULONG Length, UCHAR Revision)
{
    memset(Buffer, 0, sizeof(ACPI_DESCRIPTION_HEADER));
    memcpy(Buffer, Signature, 4);
    FakePut32(Buffer, 4, Length);
    FakePut8(Buffer, 8, Revision);
    memcpy(Buffer + 10, "KESTRL", 6);
    memcpy(Buffer + 16, "HOSTTEST", 8);
    FakePut32(Buffer, 24, 1);
    memcpy(Buffer + 28, "KTST", 4);
    FakePut32(Buffer, 32, 1);
}
