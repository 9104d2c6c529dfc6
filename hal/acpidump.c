/*
 * hal/acpidump.c - the "acpidump" command-line option: every ACPI table,
 * byte for byte, over the serial console.
 *
 * This is how the host tests get real firmware tables:
 * tests/host/data/acpi/dump-from-qemu.sh boots QEMU with "acpidump" and turns
 * the lines back into the fixture files. It is also a way to look at a
 * machine's tables (feed the .bin files to "iasl -d"). Each line is one
 * self-describing record, so a reader can check it has them all:
 *
 *     ACPIDUMP <signature> <physical address> <table length> <offset> <hex bytes>
 *     ACPIDUMP-END <number of tables>
 *
 * with the numbers in hex, at most ACPI_DUMP_BYTES_PER_LINE bytes a line
 * (a DbgPrint line holds 512 characters).
 */
#include "hal/acpip.h"

#define ACPI_DUMP_BYTES_PER_LINE 64

static VOID
HalpAcpiDumpBytes(PCSTR Signature, ULONGLONG PhysicalAddress, const UCHAR *Bytes, ULONG Length)
{
    static const CHAR Digits[] = "0123456789abcdef";
    CHAR Hex[2 * ACPI_DUMP_BYTES_PER_LINE + 1];
    ULONG Offset, Index;

    for (Offset = 0; Offset < Length; Offset += ACPI_DUMP_BYTES_PER_LINE) {
        ULONG Count = Length - Offset;

        if (Count > ACPI_DUMP_BYTES_PER_LINE) {
            Count = ACPI_DUMP_BYTES_PER_LINE;
        }
        for (Index = 0; Index < Count; Index++) {
            Hex[2 * Index] = Digits[Bytes[Offset + Index] >> 4];
            Hex[2 * Index + 1] = Digits[Bytes[Offset + Index] & 0xF];
        }
        Hex[2 * Count] = '\0';
        DbgPrint("ACPIDUMP %s 0x%llx 0x%x 0x%x %s\n", Signature, PhysicalAddress, Length, Offset,
                 Hex);
    }
}

/* Dumps the sound table at PhysicalAddress; counts it in *Dumped. */
static VOID
HalpAcpiDumpTable(const ACPI_PHYSICAL_ACCESS *Access, ULONGLONG PhysicalAddress,
                  PCSTR Signature, PULONG Dumped)
{
    const ACPI_DESCRIPTION_HEADER *Table;
    CHAR Name[5];
    ULONG Length;

    Table = HalpAcpiMapTable(Access, PhysicalAddress, Signature, &Length);
    if (Table == NULL) {
        return;
    }
    HalpAcpiPrintableSignature(Table->Signature, Name);
    HalpAcpiDumpBytes(Name, PhysicalAddress, (const UCHAR *)Table, Length);
    HalpAcpiUnmapTable(Access, Table, Length);
    (*Dumped)++;
}

/* The RSDP as the firmware wrote it (20 bytes for ACPI 1.0, Length bytes
 * after), and the RSDT and XSDT it names. */
static VOID
HalpAcpiDumpRoot(const ACPI_ROOT *Root, PULONG Dumped)
{
    const ACPI_PHYSICAL_ACCESS *Access = &Root->Access;
    const ACPI_RSDP *Rsdp;
    ULONGLONG XsdtAddress = 0;
    ULONG Length = ACPI_RSDP_V1_LENGTH, RsdtAddress;

    if (Root->RsdpRevision >= 2) {
        Rsdp = Access->Map(Access->Context, Root->RsdpAddress, sizeof(ACPI_RSDP));
        if (Rsdp != NULL) {
            if (Rsdp->Length >= sizeof(ACPI_RSDP) && Rsdp->Length <= ACPI_MAX_RSDP_LENGTH) {
                Length = Rsdp->Length;
            }
            XsdtAddress = Rsdp->XsdtAddress;
            Access->Unmap(Access->Context, (PVOID)Rsdp, sizeof(ACPI_RSDP));
        }
    }
    Rsdp = Access->Map(Access->Context, Root->RsdpAddress, Length);
    if (Rsdp == NULL) {
        return;
    }
    RsdtAddress = Rsdp->RsdtAddress;
    HalpAcpiDumpBytes("RSDP", Root->RsdpAddress, (const UCHAR *)Rsdp, Length);
    Access->Unmap(Access->Context, (PVOID)Rsdp, Length);
    (*Dumped)++;
    if (RsdtAddress != 0) {
        HalpAcpiDumpTable(Access, RsdtAddress, ACPI_RSDT_SIGNATURE, Dumped);
    }
    if (XsdtAddress != 0) {
        HalpAcpiDumpTable(Access, XsdtAddress, ACPI_XSDT_SIGNATURE, Dumped);
    }
}

/* Runs at PASSIVE_LEVEL during boot. */
VOID
HalpAcpiDumpTables(const HAL_ACPI_INFORMATION *Information)
{
    const ACPI_ROOT *Root = &Information->Root;
    ULONG Dumped = 0, Index;

    HalpAcpiDumpRoot(Root, &Dumped);
    for (Index = 0; Index < Root->TableCount; Index++) {
        HalpAcpiDumpTable(&Root->Access, Root->Tables[Index].PhysicalAddress, NULL, &Dumped);
    }
    /* The DSDT is not listed in the RSDT/XSDT: the FADT points at it. */
    if (Information->FadtPresent && Information->Fadt.DsdtAddress != 0) {
        HalpAcpiDumpTable(&Root->Access, Information->Fadt.DsdtAddress, "DSDT", &Dumped);
    }
    DbgPrint("ACPIDUMP-END 0x%x\n", Dumped);
}
